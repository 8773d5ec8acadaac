/**
 * The admins' audit log and webhook management in Chromium: the log lists the sign-in, filters
 * with its GET form and offers the filtered CSV; a webhook is edited, its secret rotated (shown
 * once), a test event queued and its delivery's payload read. Both pages pass axe.
 */
import AxeBuilder from "@axe-core/playwright";
import { beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { seedAdmin, useE2E, useSession } from "../support/e2e";

const e2e = useE2E();
let adminCookie: string;

beforeAll(async () => {
  ({ cookie: adminCookie } = await seedAdmin(e2e.server));
});

async function asAdmin(): Promise<Page> {
  const page = await e2e.newPage();
  await useSession(page.context(), e2e.server, adminCookie);
  return page;
}

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

describe("/admin/activity", () => {
  it("lists the log, filters it by action and offers the filtered rows as CSV", async () => {
    const page = await asAdmin();
    await page.goto("/");
    await page.getByRole("link", { name: "Activity log" }).click();
    await page.getByRole("heading", { level: 1, name: "Activity log" }).waitFor();
    const table = page.getByRole("table", { name: "Activity log, newest first" });
    await table.waitFor();
    expect(await table.getByRole("row").count()).toBeGreaterThan(1);
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel("Action").selectOption({ label: "First admin set up" });
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/action=user\.setup/);
    await table.waitFor();
    expect(await table.locator("tbody tr").count()).toBe(1);
    await expect
      .poll(() => page.getByRole("link", { name: "Download CSV" }).getAttribute("href"))
      .toBe("/admin/activity.csv?action=user.setup");

    // A date that is not a day says so next to the field; the rest of the log still shows.
    await page.goto("/admin/activity?from=2026-02-30");
    await page.getByText("Enter a date as YYYY-MM-DD").first().waitFor();
    await table.waitFor();
  });
});

describe("/admin/webhooks", () => {
  it("edits a hook, rotates its secret, sends a test event and shows the delivery's payload", async () => {
    const page = await asAdmin();
    await page.goto("/admin/webhooks");
    await page.getByRole("heading", { level: 1, name: "Webhooks" }).waitFor();
    const add = page.getByRole("form", { name: "Add a webhook" });
    await add.getByLabel("Address (URL)").fill("https://hooks.example.com/e2e");
    await add.getByRole("button", { name: "Add webhook" }).click();
    await page.getByText("Webhook added.").waitFor();

    await page.getByRole("link", { name: "Edit… the webhook to https://hooks.example.com/e2e" }).click();
    const edit = page.getByRole("form", { name: "Edit the webhook to https://hooks.example.com/e2e" });
    await edit.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await edit.getByLabel("Address (URL)").fill("https://hooks.example.com/e2e-moved");
    await edit.getByRole("button", { name: "Save the webhook" }).click();
    await page.getByText("The webhook to https://hooks.example.com/e2e-moved was saved").waitFor();

    await page
      .getByRole("link", { name: "Rotate the secret… of the webhook to https://hooks.example.com/e2e-moved" })
      .click();
    await page.getByRole("button", { name: "Yes, rotate the secret" }).click();
    const secret = page.getByRole("textbox", { name: "New secret" });
    await secret.waitFor();
    expect(await secret.inputValue()).toMatch(/^[A-Za-z0-9_-]{32}$/);

    await page.goto("/admin/webhooks");
    await page.getByRole("button", { name: "Send a test event to https://hooks.example.com/e2e-moved" }).click();
    await page.getByText("A test event is on its way").waitFor();
    const deliveries = page.getByRole("table", { name: "The latest 50 deliveries, newest first" });
    await deliveries.getByText("webhook.test").waitFor();
    await deliveries
      .getByRole("link", { name: /: payload and attempts$/ })
      .first()
      .click();
    await page.getByRole("heading", { level: 1, name: /^Delivery \d+$/ }).waitFor();
    const payload = page.getByLabel(/^Payload of delivery \d+$/);
    await expect.poll(() => payload.textContent()).toContain('"event": "webhook.test"');
    expect(await seriousViolations(page)).toEqual([]);
  });
});
