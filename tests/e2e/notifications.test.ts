/**
 * Notifications in a real browser (docs/domain.md, "Notifications"): business opens a gate
 * review on the gate page, the IT member's bell shows 1, the notification on /notifications
 * leads to the review, and opening it clears the count. The person who opened the review is
 * not told of their own change. The bell is readable without JavaScript.
 */
import AxeBuilder from "@axe-core/playwright";
import { beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { addPerson, seedAdmin, signIn, useE2E } from "../support/e2e";

const e2e = useE2E();

const BEA = { name: "Bea Business", email: "bea@example.com", password: "business case first", discipline: "business" };
const IVY = { name: "Ivy Operations", email: "ivy@example.com", password: "keep the lights on", discipline: "it" };

const PROJECT = "Furnace heat forecast";
const SLUG = "furnace-heat-forecast";

beforeAll(async () => {
  const admin = await seedAdmin(e2e.server);
  for (const person of [BEA, IVY]) await addPerson(e2e.server, admin.cookie, person);
});

async function signedInAs(person: { email: string; password: string }, options = {}): Promise<Page> {
  const page = await e2e.newPage(options);
  await signIn(page, person.email, person.password);
  return page;
}

/** Serious or critical axe violations (the rules of tests/e2e/accessibility.test.ts). */
async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

const bell = (page: Page) => page.getByRole("banner").getByRole("link", { name: /^Notifications, / });

describe("the bell and /notifications", () => {
  it("business opens a review; the IT member's bell shows 1, the notification leads to the review, and reading it clears the count", async () => {
    // --- Bea creates the project, brings in Ivy, and opens the gate review saying why now
    const bea = await signedInAs(BEA);
    await bea.goto("/projects/new");
    await bea.getByLabel("Name", { exact: true }).fill(PROJECT);
    await bea.getByRole("button", { name: "Create project" }).click();
    await bea.getByRole("heading", { level: 1, name: PROJECT }).waitFor();
    await bea.goto(`/projects/${SLUG}/team`);
    await bea.getByLabel("Person").selectOption({ label: `${IVY.name} — IT operations` });
    await bea.getByRole("button", { name: "Add to team" }).click();
    await bea.getByRole("link", { name: `Remove ${IVY.name}` }).waitFor();

    await bea.goto(`/projects/${SLUG}/gate`);
    await bea.getByLabel("Why now?").fill("The forecast beats the operators' estimate on three months of data.");
    await bea.getByRole("button", { name: "Open gate review to Pilot" }).click();
    await bea.getByRole("heading", { level: 2, name: "Gate review: PoC → Pilot" }).waitFor();
    // The one who made the change is not told of it.
    await expect(bell(bea).getAttribute("aria-label")).resolves.toBe("Notifications, none unread");

    // --- Ivy's bell shows 1
    const ivy = await signedInAs(IVY);
    await ivy.goto("/");
    await bell(ivy).waitFor();
    await expect(bell(ivy).getAttribute("aria-label")).resolves.toBe("Notifications, 1 unread");
    await expect(bell(ivy).innerText()).resolves.toMatch(/1/);

    // --- the notification on /notifications names the project and leads to the review
    await bell(ivy).click();
    await ivy.getByRole("heading", { level: 1, name: "Notifications" }).waitFor();
    const item = ivy.getByRole("listitem").filter({ hasText: PROJECT });
    await item.getByText("Unread", { exact: true }).waitFor();
    expect(await seriousViolations(ivy)).toEqual([]);
    await item.getByRole("link", { name: PROJECT, exact: true }).waitFor();
    const open = item.getByRole("link", { name: /opened the gate review/ });
    await expect(open.innerText()).resolves.toContain(BEA.name);
    await open.click();
    await ivy.waitForURL((url) => url.pathname === `/projects/${SLUG}/gate`);
    await ivy.getByRole("heading", { level: 2, name: "Gate review: PoC → Pilot" }).waitFor();

    // --- reading it cleared the count
    await expect(bell(ivy).getAttribute("aria-label")).resolves.toBe("Notifications, none unread");
    await ivy.goto("/notifications?show=unread");
    await ivy.getByText("Nothing unread.", { exact: true }).waitFor();
    expect(await seriousViolations(ivy)).toEqual([]);
    await ivy.goto("/notifications");
    await expect(
      ivy.getByRole("listitem").filter({ hasText: PROJECT }).getByText("Unread", { exact: true }).count(),
    ).resolves.toBe(0);
  });

  it("works without JavaScript: the bell, the list and the settings form", async () => {
    const ivy = await signedInAs(IVY, { javaScriptEnabled: false });
    await ivy.goto("/notifications");
    await ivy.getByRole("heading", { level: 1, name: "Notifications" }).waitFor();
    await expect(bell(ivy).getAttribute("aria-label")).resolves.toBe("Notifications, none unread");
    await ivy.getByRole("listitem").filter({ hasText: PROJECT }).waitFor();
    await ivy.getByRole("link", { name: "Choose how you are told" }).click();
    await ivy.getByRole("heading", { level: 1, name: "Notification settings" }).waitFor();
    // The e2e server has no TRIAD_SMTP_URL: the page says so.
    await ivy.getByText("E-mail is not configured on this server", { exact: false }).waitFor();
    await ivy.getByLabel("Replies to you in a review").selectOption("digest");
    await ivy.getByLabel("Your time zone").selectOption("Europe/Berlin");
    await ivy.getByLabel("Send the digest at").selectOption("7");
    await ivy.getByRole("button", { name: "Save notification settings" }).click();
    await ivy.getByRole("status").filter({ hasText: "Your notification settings were saved." }).waitFor();
    await expect(ivy.getByLabel("Your time zone").inputValue()).resolves.toBe("Europe/Berlin");
    await expect(ivy.getByLabel("Replies to you in a review").inputValue()).resolves.toBe("digest");
  });

  it("the settings page passes an axe scan and is linked from the account page", async () => {
    const ivy = await signedInAs(IVY);
    await ivy.goto("/account/notifications");
    await ivy.getByRole("heading", { level: 1, name: "Notification settings" }).waitFor();
    expect(await seriousViolations(ivy)).toEqual([]);
    // From the account page there is a way here.
    await ivy.goto("/account");
    await ivy.getByRole("link", { name: "Notification settings" }).click();
    await ivy.getByRole("heading", { level: 1, name: "Notification settings" }).waitFor();
  });
});
