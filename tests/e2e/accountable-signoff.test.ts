/**
 * Accountable sign-off in a real Chromium (docs/domain.md, "Sign-off rules" and "The review
 * conversation"):
 * 1. IT calls a must-have infeasible while data science calls it feasible, then IT revises to
 *    "feasible with conditions"; business opens the review saying why now; data science
 *    requests changes, business answers that sign-off in the thread, data science renews with
 *    an approval, IT and business approve, and the project is promoted.
 * 2. A stale approval says what changed since it was given, and only the disciplines the change
 *    concerns go stale: an IT verdict stales business and IT, never data science.
 * 3. Without JavaScript, the project owner dismisses a request for changes with a reason, and a
 *    comment is reworded with its earlier wording kept.
 *
 * People, projects and teams are written through the app's models into the e2e server's
 * database file (as tests/e2e/dossier.test.ts does); the decisions go through the browser.
 */
import AxeBuilder from "@axe-core/playwright";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { closeDb } from "../../db/client.server";
import { assessRequirement, createRequirement } from "~/models/requirements.server";
import { addComment } from "~/models/review-comments.server";
import { conditionItemsForReview, getDebtItem } from "~/models/debt.server";
import { attest, getOpenReview, getReview, openReview, signOff } from "~/models/gates.server";
import { createProject, getProject } from "~/models/projects.server";
import { addMember } from "~/models/team.server";
import type { Actor } from "~/models/users.server";
import { useE2E, useSession } from "../support/e2e";
import { createTestUser, signInAs, type TestUser } from "../support/users";

const e2e = useE2E();

const actorOf = (u: TestUser): Actor => ({
  id: u.id,
  name: u.name,
  role: u.role,
  discipline: u.discipline,
  via: "web",
});

let bea: TestUser;
let dan: TestUser;
let ivy: TestUser;
let projects = 0;

beforeAll(async () => {
  closeDb();
  process.env.DATABASE_URL = e2e.server.databaseFile;
  bea = await createTestUser({ name: "Bea Business", discipline: "business" });
  dan = await createTestUser({ name: "Dan Science", discipline: "data_science" });
  ivy = await createTestUser({ name: "Ivy Operations", discipline: "it" });
});

afterAll(() => {
  closeDb();
});

/** A project owned by Bea (business) with Dan (data science) and Ivy (IT) on the team, and one must-have. */
function project(requirementTitle: string) {
  const created = createProject({
    actor: actorOf(bea),
    name: `Press line ${++projects}`,
    summary: "Warn 48 h before a press fails.",
    businessCase: "Unplanned stops cost 40 000 EUR each.",
    ownerId: bea.id,
  });
  addMember({ actor: actorOf(bea), projectId: created.id, userId: dan.id });
  addMember({ actor: actorOf(bea), projectId: created.id, userId: ivy.id });
  const requirement = createRequirement({
    actor: actorOf(bea),
    projectId: created.id,
    title: requirementTitle,
    description: "From the vibration sensors.",
    target: "warn >= 48 h ahead, precision >= 0.8",
    priority: "must",
  });
  return { project: created, requirement };
}

/** Every attestation ticked, each by a member who may: its discipline's, else data science. */
function attestAll(reviewId: number) {
  const byDiscipline = { business: bea, data_science: dan, it: ivy };
  for (const c of getReview(reviewId)!.criteria.filter((c) => c.kind === "attestation")) {
    attest({
      actor: actorOf(c.discipline ? byDiscipline[c.discipline] : dan),
      reviewId,
      key: c.key,
      note: `Checked: ${c.label}`,
    });
  }
}

async function pageAs(person: TestUser, options: Parameters<typeof e2e.newPage>[0] = {}): Promise<Page> {
  const page = await e2e.newPage(options);
  await useSession(page.context(), e2e.server, signInAs(person));
  return page;
}

/** Waits for the flash message (a `status` region) that says `text`. */
const toast = (page: Page, text: string | RegExp) => page.getByRole("status").filter({ hasText: text }).waitFor();

const panel = (page: Page, discipline: string) => page.getByRole("region", { name: new RegExp(`^${discipline}`) });
const panelHeading = (page: Page, discipline: string) => panel(page, discipline).getByRole("heading").textContent();

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

/** A member's verdict on the requirements page, for their own discipline. */
async function giveVerdict(page: Page, slug: string, title: string, feasibility: string, reason = "") {
  await page.goto(`/projects/${slug}/requirements`);
  await page.getByRole("link", { name: new RegExp(`^(Give|Change) your verdict\\s+on ${title}$`) }).click();
  await page.getByRole("radio", { name: feasibility, exact: true }).check();
  if (reason) await page.getByLabel("Conditions or reason").fill(reason);
  await page.getByRole("button", { name: "Save your verdict" }).click();
  await toast(page, `Your verdict on “${title}” is saved: ${feasibility.toLowerCase()}.`);
}

/** Signs in the member's own panel on the gate review page. */
async function sign(page: Page, slug: string, discipline: string, decision: string, comment: string) {
  await page.goto(`/projects/${slug}/gate`);
  const mine = panel(page, discipline);
  await mine.getByRole("radio", { name: decision, exact: true }).check();
  await mine.getByLabel("Comment").fill(comment);
  await mine.getByRole("button", { name: /^(Sign off|Sign again)$/ }).click();
  await toast(page, "Your sign-off was recorded.");
}

describe("accountable sign-off", () => {
  it("disagreeing verdicts, a request for changes answered in the thread, renewed approvals, promotion", async () => {
    const title = "Warn before a press fails";
    const { project: p } = project(title);
    const slug = p.slug;
    const ivyPage = await pageAs(ivy);
    const danPage = await pageAs(dan);
    const beaPage = await pageAs(bea);

    // --- the two verdicts disagree, then IT revises to feasible with conditions
    await giveVerdict(ivyPage, slug, title, "Infeasible", "The line PC cannot run the model in time.");
    await giveVerdict(danPage, slug, title, "Feasible");
    await giveVerdict(ivyPage, slug, title, "Feasible with conditions", "Only after the line PC upgrade in March.");

    // --- Bea opens the review, saying why now
    await beaPage.goto(`/projects/${slug}/gate`);
    await beaPage.getByLabel("Why now?").fill("The model warns 50 h ahead; the PC upgrade is booked.");
    await beaPage.getByRole("button", { name: "Open gate review to Pilot" }).click();
    await toast(beaPage, "Gate review to Pilot opened.");
    await beaPage.getByText("The model warns 50 h ahead; the PC upgrade is booked.").waitFor();
    await beaPage.getByText(/^Opened by Bea Business on /).waitFor();
    const reviewId = getOpenReview(p.id)!.review.id;
    attestAll(reviewId);

    // --- Dan requests changes: his discipline is blocked until he renews or the owner dismisses
    await sign(danPage, slug, "Data science", "Request changes", "Add the retraining job to the runbook first.");
    await expect(panelHeading(danPage, "Data science")).resolves.toContain("Changes requested");
    await danPage
      .getByText(
        "Dan Science requested changes for Data science; Dan Science must renew the sign-off, or the project owner must dismiss the request with a reason.",
      )
      .waitFor();

    // --- Bea answers that sign-off in the thread: "Reply" preselects it
    await beaPage.goto(`/projects/${slug}/gate`);
    await panel(beaPage, "Data science")
      .getByRole("link", { name: /^Reply\s+to Dan Science$/ })
      .click();
    await beaPage.waitForURL(/\?reply=\d+/);
    const replyTo = beaPage.getByLabel("In reply to");
    await expect
      .poll(() => replyTo.evaluate((el: HTMLSelectElement) => el.selectedOptions[0]?.textContent), { timeout: 5000 })
      .toBe("Dan Science — Data science: Changes requested");
    const thread = beaPage.getByRole("region", { name: "Discussion" });
    await thread
      .getByLabel("Comment", { exact: true })
      .fill("Done: https://wiki.example.com/runbook#retraining\n@Dan can you check?");
    await thread.getByRole("button", { name: "Add comment" }).click();
    await toast(beaPage, "Comment added; the person you mentioned will be notified.");
    const comment = thread.getByRole("listitem").filter({ hasText: "can you check?" });
    await comment.getByText(/in reply to Dan Science's request for changes/).waitFor();
    await comment.getByText("Mentions: Dan Science").waitFor();
    const link = comment.getByRole("link", { name: "https://wiki.example.com/runbook#retraining" });
    await expect(link.getAttribute("rel")).resolves.toBe("noopener noreferrer nofollow ugc");
    // the form is empty again, not a reply any more
    await expect(thread.getByLabel("Comment", { exact: true }).inputValue()).resolves.toBe("");
    await expect(thread.getByLabel("In reply to").inputValue()).resolves.toBe("");

    // --- Dan renews with an approval; his request for changes moves to the earlier sign-offs
    await sign(danPage, slug, "Data science", "Approve", "Runbook checked.");
    await expect(panelHeading(danPage, "Data science")).resolves.toContain("Approved");
    await panel(danPage, "Data science").getByText("1 of 1 approval", { exact: true }).waitFor();
    await panel(danPage, "Data science").getByText("Earlier sign-offs (1)").waitFor();

    // --- Ivy approves with a condition and its estimates (a debt item she owns; it makes
    // nobody's sign-off stale), Bea approves, and Bea promotes
    await ivyPage.goto(`/projects/${slug}/gate`);
    const ivyPanel = panel(ivyPage, "IT operations");
    await ivyPanel.getByRole("radio", { name: "Approve with conditions", exact: true }).check();
    await ivyPanel.getByLabel("Comment").fill("Fine once the PC is upgraded.");
    await ivyPanel.getByText("Conditions (with “Approve with conditions”)").click();
    await ivyPanel.getByLabel("Conditions (one per line)").fill("Upgrade the line PC before production");
    await ivyPanel.getByLabel("Effort to meet each condition (person-days)").fill("3");
    await ivyPanel.getByLabel("Cost per month while unmet (person-days)").fill("0.5");
    await ivyPanel.getByRole("button", { name: "Sign off" }).click();
    await toast(ivyPage, "Your sign-off was recorded.");
    await expect(panelHeading(ivyPage, "IT operations")).resolves.toContain("Approved with conditions");
    await ivyPage
      .getByRole("region", { name: "Conditions of approval (tracked as debt)" })
      .getByRole("link", { name: "Upgrade the line PC before production" })
      .waitFor();
    const [condition] = conditionItemsForReview(reviewId);
    expect(getDebtItem(condition.id)).toMatchObject({
      ownerId: ivy.id,
      principalDays: 3,
      interestDays: 0.5,
      repayBeforeStage: "production",
    });
    await expect(panelHeading(ivyPage, "Data science")).resolves.toContain("Approved");
    await sign(beaPage, slug, "Business", "Approve", "Worth it.");
    await beaPage
      .getByText("Everything is in place: every discipline has its approvals and every criterion is met.")
      .waitFor();
    await beaPage.getByRole("button", { name: "Promote to Pilot" }).click();
    await toast(beaPage, `${p.name} is now in Pilot.`);
    const current = beaPage.getByRole("list", { name: "Stage" }).locator('[aria-current="step"]');
    await expect(current.textContent()).resolves.toMatch(/^Pilot/);
    expect(getProject(p.id)!.stage).toBe("pilot");

    // the closed review stays readable, with its statement and its thread
    await beaPage.goto(`/projects/${slug}/gate/${reviewId}`);
    await beaPage.getByText("The model warns 50 h ahead; the PC upgrade is booked.").waitFor();
    await beaPage
      .getByRole("region", { name: "Discussion" })
      .getByText(/can you check\?/)
      .waitFor();
    expect(await beaPage.getByRole("button", { name: "Add comment" }).count()).toBe(0);
  });

  it("a stale approval says what changed; an IT verdict leaves data science's approval current", async () => {
    const title = "Flag scrap before it is made";
    const { project: p, requirement } = project(title);
    for (const who of [dan, ivy]) {
      assessRequirement({
        actor: actorOf(who),
        requirementId: requirement.id,
        feasibility: "feasible",
        note: "",
        conditions: "",
      });
    }
    const review = openReview({ actor: actorOf(bea), projectId: p.id, statement: "Ready for one line." });
    attestAll(review.id);
    for (const who of [bea, dan, ivy])
      signOff({ actor: actorOf(who), reviewId: review.id, decision: "approve", comment: "" });
    assessRequirement({
      actor: actorOf(ivy),
      requirementId: requirement.id,
      feasibility: "feasible_with_conditions",
      note: "",
      conditions: "Needs a second camera server.",
    });

    const page = await pageAs(dan);
    await page.goto(`/projects/${p.slug}/gate`);
    await expect(panelHeading(page, "IT operations")).resolves.toContain("Stale");
    const it = panel(page, "IT operations");
    await it.getByText("What changed since Ivy Operations signed").waitFor();
    await it
      .getByText(
        new RegExp(`^IT operations.* verdict on “${title}” changed from feasible to feasible with conditions\\.$`),
      )
      .waitFor();
    await it.getByText("0 of 1 approval", { exact: true }).waitFor();
    // business looks at IT's verdicts too; data science does not
    await expect(panelHeading(page, "Business")).resolves.toContain("Stale");
    await expect(panelHeading(page, "Data science")).resolves.toContain("Approved");
    expect(
      await panel(page, "Data science")
        .getByText(/What changed since/)
        .count(),
    ).toBe(0);
    await expect(page.getByRole("button", { name: "Promote to Pilot" }).isDisabled()).resolves.toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("without JavaScript the owner dismisses a request for changes with a reason, and a comment is reworded", async () => {
    const title = "Sort parcels by destination";
    const { project: p, requirement } = project(title);
    for (const who of [dan, ivy]) {
      assessRequirement({
        actor: actorOf(who),
        requirementId: requirement.id,
        feasibility: "feasible",
        note: "",
        conditions: "",
      });
    }
    const review = openReview({
      actor: actorOf(bea),
      projectId: p.id,
      statement: "The sorter vendor needs an answer.",
    });
    attestAll(review.id);
    signOff({
      actor: actorOf(ivy),
      reviewId: review.id,
      decision: "changes_requested",
      comment: "Wait for the new scanner firmware.",
    });
    addComment({ actor: actorOf(bea), reviewId: review.id, body: "The firmware ships in May." });

    // Dan is not the owner: no way to dismiss
    const danPage = await pageAs(dan, { javaScriptEnabled: false });
    await danPage.goto(`/projects/${p.slug}/gate`);
    await panel(danPage, "IT operations").getByText("Wait for the new scanner firmware.").waitFor();
    expect(await danPage.getByRole("link", { name: /^Dismiss…/ }).count()).toBe(0);

    const page = await pageAs(bea, { javaScriptEnabled: false });
    await page.goto(`/projects/${p.slug}/gate`);
    await panel(page, "IT operations")
      .getByRole("link", { name: /^Dismiss…\s+Ivy Operations's request for changes$/ })
      .click();
    // a reason is required: the message sits next to the field
    await page.getByRole("button", { name: "Dismiss this request for changes" }).click();
    await page.getByText("Say why the requested changes are not needed.", { exact: true }).waitFor();
    const reason = page.getByLabel("Why are these changes not needed?");
    await expect(reason.getAttribute("aria-invalid")).resolves.toBe("true");
    expect(getReview(review.id)!.panels.find((x) => x.discipline === "it")!.status).toBe("changes_requested");
    await reason.fill("The current firmware reads 99.8 % of labels; enough for a pilot.");
    await page.getByRole("button", { name: "Dismiss this request for changes" }).click();
    await toast(page, "The request for changes was dismissed.");
    const it = panel(page, "IT operations");
    await it
      .getByText(
        /^Dismissed by Bea Business on .+: The current firmware reads 99\.8 % of labels; enough for a pilot\.$/,
      )
      .waitFor();
    await expect(panelHeading(page, "IT operations")).resolves.toContain("Missing");
    expect(await it.getByRole("link", { name: /^Dismiss…/ }).count()).toBe(0);

    // rewording a comment keeps the earlier wording
    const thread = page.getByRole("region", { name: "Discussion" });
    await thread.getByRole("link", { name: /^Edit\s+your comment of / }).click();
    await page.getByLabel("New wording").fill("The firmware ships in June, not May.");
    await page.getByRole("button", { name: "Save the new wording" }).click();
    await toast(page, "Comment updated; the earlier wording is kept.");
    const item = page.getByRole("region", { name: "Discussion" }).getByRole("listitem").first();
    await item.getByText("The firmware ships in June, not May.").waitFor();
    await item.getByText("edited", { exact: true }).waitFor();
    await item.getByText("Earlier wording", { exact: true }).click();
    await item.locator("details").getByText("The firmware ships in May.").waitFor();

    // (axe needs JavaScript in the page) the dismissed request and the reworded comment pass a scan
    const scanned = await pageAs(bea);
    await scanned.goto(`/projects/${p.slug}/gate`);
    await scanned.getByRole("region", { name: "Discussion" }).getByText("Earlier wording", { exact: true }).click();
    expect(await seriousViolations(scanned)).toEqual([]);
  });
});
