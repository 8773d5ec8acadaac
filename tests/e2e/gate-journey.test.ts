/**
 * The heart of Triad in a real browser: a project walks from PoC to Pilot as three different
 * people. Business states a requirement, IT and data science each give their verdict, data
 * science opens the gate review (saying why now) and attests the checklist, each of the three
 * signs in their own panel, and the promotion shows on the overview.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { addPerson, seedAdmin, signIn, useE2E } from "../support/e2e";

const e2e = useE2E();

const BEA = { name: "Bea Business", email: "bea@example.com", password: "business case first", discipline: "business" };
const DAN = {
  name: "Dan Science",
  email: "dan@example.com",
  password: "gradient descent daily",
  discipline: "data_science",
};
const IVY = { name: "Ivy Operations", email: "ivy@example.com", password: "keep the lights on", discipline: "it" };

const PROJECT = "Press line failure warning";
const SLUG = "press-line-failure-warning";
const REQUIREMENT = "Warn before a press fails";

beforeAll(async () => {
  const admin = await seedAdmin(e2e.server);
  for (const person of [BEA, DAN, IVY]) await addPerson(e2e.server, admin.cookie, person);
});

async function signedInAs(person: { email: string; password: string }): Promise<Page> {
  const page = await e2e.newPage();
  await signIn(page, person.email, person.password);
  return page;
}

/** Waits for the flash message (a `status` region) that says `text`. */
const toast = (page: Page, text: string) => page.getByRole("status").filter({ hasText: text }).waitFor();

async function openTab(page: Page, name: string) {
  await page.getByRole("navigation", { name: "Project sections" }).getByRole("link", { name, exact: true }).click();
  await page
    .getByRole("heading", { level: 2, name: new RegExp(name === "Gate review" ? "^Gate review" : name) })
    .first()
    .waitFor();
}

/**
 * "Attest: <criterion>" — the criterion is in a visually hidden span, which (absolutely
 * positioned, so block-level) the accessible name sets off with a space: "Attest : <criterion>".
 */
const labelled = (verb: string, label: string) =>
  new RegExp(`^${verb}\\s*:\\s*${label.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`);

const panel = (page: Page, discipline: string) => page.getByRole("region", { name: new RegExp(`^${discipline}`) });

/** A member gives their own discipline's verdict "feasible" on the requirement. */
async function giveVerdict(page: Page, note: string) {
  await page.getByRole("link", { name: `Give your verdict on ${REQUIREMENT}` }).click();
  await page.getByRole("radio", { name: "Feasible", exact: true }).check();
  await page.getByLabel("Note", { exact: true }).fill(note);
  await page.getByRole("button", { name: "Save your verdict" }).click();
  await toast(page, `Your verdict on “${REQUIREMENT}” is saved: feasible.`);
}

describe("from PoC to Pilot with three people", () => {
  it("business states, IT assesses, each discipline signs, and the project is promoted", async () => {
    // --- Bea (business) creates the project and brings in data science and IT
    const bea = await signedInAs(BEA);
    await bea.goto("/projects");
    await bea.getByRole("link", { name: "New project" }).click();
    await bea.getByLabel("Name", { exact: true }).fill(PROJECT);
    await bea.getByLabel("Summary").fill("Warn maintenance 48 h before a press fails.");
    await bea.getByLabel("Business case").fill("Each unplanned stop costs 40 000 EUR.");
    await bea.getByRole("button", { name: "Create project" }).click();
    await bea.getByRole("heading", { level: 1, name: PROJECT }).waitFor();
    expect(new URL(bea.url()).pathname).toBe(`/projects/${SLUG}`);

    await openTab(bea, "Team");
    for (const [person, discipline] of [
      [DAN, "Data science"],
      [IVY, "IT operations"],
    ] as const) {
      // A seat is the person's own discipline: the list says which.
      await bea.getByLabel("Person").selectOption({ label: `${person.name} — ${discipline}` });
      await bea.getByRole("button", { name: "Add to team" }).click();
      await bea
        .getByRole("region", { name: new RegExp(discipline) })
        .getByRole("link", { name: `Remove ${person.name}` })
        .waitFor();
    }

    // --- Bea states a requirement with a measurable target
    await openTab(bea, "Requirements");
    await bea.getByLabel("Title", { exact: true }).fill(REQUIREMENT);
    await bea.getByLabel("Measurable target").fill("warn >= 48 h ahead, precision >= 0.8");
    await bea.getByLabel("Priority").selectOption({ label: "Must" });
    await bea.getByRole("button", { name: "Add requirement" }).click();
    await bea.getByRole("heading", { level: 3, name: REQUIREMENT }).waitFor();
    // business may state but not assess
    await expect(bea.getByRole("link", { name: /^Give your verdict/ }).count()).resolves.toBe(0);

    // --- Ivy (IT) and Dan (data science) each give their verdict
    const ivy = await signedInAs(IVY);
    await ivy.goto(`/projects/${SLUG}/requirements`);
    await expect(ivy.getByRole("button", { name: "Add requirement" }).count()).resolves.toBe(0);
    await giveVerdict(ivy, "Vibration sensors sample at 1 Hz; the line PC can run the model.");
    const dan = await signedInAs(DAN);
    await dan.goto(`/projects/${SLUG}/requirements`);
    await giveVerdict(dan, "Two years of labelled failures.");
    const card = dan.getByRole("listitem").filter({ has: dan.getByRole("heading", { name: REQUIREMENT }) });
    await card.getByRole("region", { name: "IT operations verdict" }).getByText("Feasible", { exact: true }).waitFor();
    await card.getByRole("region", { name: "Data science verdict" }).getByText("Feasible", { exact: true }).waitFor();

    // --- Dan opens the gate review, saying why now, and attests the checklist
    await dan.goto(`/projects/${SLUG}`);
    await openTab(dan, "Gate review");
    // without a statement: refused, the message next to the field
    await dan.getByRole("button", { name: "Open gate review to Pilot" }).click();
    await dan.getByText("Say why the project is ready for this gate now.", { exact: true }).waitFor();
    await expect(dan.getByLabel("Why now?").getAttribute("aria-invalid")).resolves.toBe("true");
    await dan.getByLabel("Why now?").fill("The model warns 50 h ahead on six months of history.");
    await dan.getByRole("button", { name: "Open gate review to Pilot" }).click();
    await dan.getByRole("heading", { level: 2, name: "Gate review: PoC → Pilot" }).waitFor();
    await dan.getByText("The model warns 50 h ahead on six months of history.").waitFor();
    await dan.getByText(/^Opened by Dan Science on /).waitFor();
    const attestations = [
      ["A data/ML engineer is on the team.", "Dan builds the pipeline full time."],
      ["Data access and data quality have been assessed.", "Six months of sensor data, 0.3 % gaps."],
      ["Privacy and security have been reviewed.", "No personal data; the DPO agreed."],
    ];
    for (const [label, note] of attestations) {
      await dan.getByRole("link", { name: labelled("Attest", label) }).click();
      await dan.getByLabel(`Note for “${label}”`).fill(note);
      await dan.getByRole("button", { name: "Attest", exact: true }).click();
      await dan.getByRole("button", { name: labelled("Clear attestation", label) }).waitFor();
    }
    const blockers = dan.getByRole("heading", { name: "What still blocks promotion" });
    await blockers.waitFor();
    await expect(dan.getByRole("button", { name: "Promote to Pilot" }).isDisabled()).resolves.toBe(true);
    for (const missing of [
      "Business has not signed off.",
      "Data science has not signed off.",
      "IT operations has not signed off.",
    ]) {
      await dan.getByText(missing, { exact: true }).waitFor();
    }

    // --- each signs in their own panel (and only there)
    for (const [page, discipline, comment] of [
      [dan, "Data science", "Model and data are ready for a pilot."],
      [bea, "Business", "The business case holds."],
      [ivy, "IT operations", "We can run it on the line PC."],
    ] as const) {
      await page.goto(`/projects/${SLUG}/gate`);
      await expect(page.getByRole("button", { name: "Sign off" }).count()).resolves.toBe(1);
      const mine = panel(page, discipline);
      await mine.getByRole("radio", { name: "Approve", exact: true }).check();
      await mine.getByLabel("Comment").fill(comment);
      await mine.getByRole("button", { name: "Sign off" }).click();
      await toast(page, "Your sign-off was recorded.");
      await panel(page, discipline).getByText(comment).waitFor();
      await expect(panel(page, discipline).getByRole("heading").textContent()).resolves.toContain("Approved");
    }

    // --- everything is in place: Bea promotes
    await bea.goto(`/projects/${SLUG}/gate`);
    await bea
      .getByText("Everything is in place: every discipline has its approvals and every criterion is met.")
      .waitFor();
    for (const discipline of ["Business", "Data science", "IT operations"]) {
      await expect(panel(bea, discipline).getByRole("heading").textContent()).resolves.toContain("Approved");
    }
    await bea.getByRole("button", { name: "Promote to Pilot" }).click();

    // --- the overview shows the new stage
    await toast(bea, `${PROJECT} is now in Pilot.`);
    expect(new URL(bea.url()).pathname).toBe(`/projects/${SLUG}`);
    const stages = bea.getByRole("list", { name: "Stage" });
    const current = stages.locator('[aria-current="step"]');
    await expect(current.count()).resolves.toBe(1);
    await expect(current.textContent()).resolves.toMatch(/^Pilot/);
    await expect(stages.getByRole("listitem").first().textContent()).resolves.toContain("(passed)");
    await bea.getByText(`Bea Business promoted ${PROJECT} to Pilot`, { exact: false }).waitFor();

    // the others see it too, and the past review stays readable
    await dan.goto(`/projects/${SLUG}`);
    await expect(
      dan.getByRole("list", { name: "Stage" }).locator('[aria-current="step"]').textContent(),
    ).resolves.toMatch(/^Pilot/);
    await dan.goto(`/projects/${SLUG}/gate/history`);
    await dan.getByText("Promoted", { exact: false }).first().waitFor();
  });

  it("after a requirement is added, the form is empty again for the next one (no accidental duplicate)", async () => {
    const bea = await signedInAs(BEA);
    await bea.goto("/projects/new");
    await bea.getByLabel("Name", { exact: true }).fill("Energy demand forecast");
    await bea.getByRole("button", { name: "Create project" }).click();
    await bea.getByRole("heading", { level: 1, name: "Energy demand forecast" }).waitFor();
    await openTab(bea, "Requirements");
    await bea.getByLabel("Title", { exact: true }).fill("Forecast the next day");
    await bea.getByLabel("Measurable target").fill("MAPE <= 10 % per hour");
    await bea.getByLabel("Description").fill("For the energy purchase desk.");
    await bea.getByRole("button", { name: "Add requirement" }).click();
    await toast(bea, "“Forecast the next day” added.");
    await bea.getByRole("heading", { level: 3, name: "Forecast the next day" }).waitFor();
    await expect(bea.getByLabel("Title", { exact: true }).inputValue()).resolves.toBe("");
    await expect(bea.getByLabel("Measurable target").inputValue()).resolves.toBe("");
    await expect(bea.getByLabel("Description").inputValue()).resolves.toBe("");
  });
});
