/**
 * The gate dossier in a real Chromium against the production build: it renders, prints to a
 * PDF (saved with a screenshot under test-results/e2e/, not in git), the print media leaves
 * out the site header, tabs and buttons, the JSON link answers JSON, and the dossier and
 * stage-history pages pass an axe scan.
 *
 * The project and its promoted review are written through the app's models straight into the
 * e2e server's database file (SQLite in WAL mode takes a second writer), which is quicker and
 * steadier than clicking through twenty forms that other e2e tests already cover.
 */
import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { closeDb } from "../../db/client.server";
import { attest, getReview, openReview, promote, signOff } from "~/models/gates.server";
import { createProject } from "~/models/projects.server";
import { assessRequirement, createRequirement, updateRequirement } from "~/models/requirements.server";
import { addComment } from "~/models/review-comments.server";
import { addMember } from "~/models/team.server";
import type { Actor } from "~/models/users.server";
import { ARTIFACTS_DIR } from "../support/browser";
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

let world: { slug: string; reviewId: number; openReviewId: number; readerCookie: string };

beforeAll(async () => {
  closeDb();
  process.env.DATABASE_URL = e2e.server.databaseFile;
  const business = await createTestUser({ name: "Brigitte Business", discipline: "business" });
  const scientist = await createTestUser({ name: "Farid Science", discipline: "data_science" });
  const operator = await createTestUser({ name: "Olga Operations", discipline: "it" });
  const reader = await createTestUser({ name: "Rita Reader", discipline: "business" });
  const project = createProject({
    actor: actorOf(business),
    name: "Press line failure warning",
    summary: "Warn 48 h before a press fails.",
    businessCase: "Unplanned stops cost 40 000 EUR each.",
    ownerId: business.id,
  });
  addMember({ actor: actorOf(business), projectId: project.id, userId: scientist.id, discipline: "data_science" });
  addMember({ actor: actorOf(business), projectId: project.id, userId: operator.id, discipline: "it" });
  const stated = createRequirement({
    actor: actorOf(business),
    projectId: project.id,
    title: "Warn before a press fails",
    description: "From the vibration sensors.",
    target: "warn >= 48 h ahead, precision >= 0.8",
    priority: "must",
  });
  assessRequirement({
    actor: actorOf(scientist),
    requirementId: stated.id,
    feasibility: "feasible",
    note: "Two years of labelled failures.",
    conditions: "",
  });
  const requirement = assessRequirement({
    actor: actorOf(operator),
    requirementId: stated.id,
    feasibility: "feasible_with_conditions",
    note: "Sensors sample at 1 Hz; enough.",
    conditions: "A named on-call rota.",
  });
  const review = openReview({
    actor: actorOf(business),
    projectId: project.id,
    statement: "Six months of data and a working model.",
  });
  for (const c of getReview(review.id)!.criteria.filter((c) => c.kind === "attestation")) {
    attest({ actor: actorOf(scientist), reviewId: review.id, key: c.key, note: `Checked: ${c.label}` });
  }
  const objection = signOff({
    actor: actorOf(operator),
    reviewId: review.id,
    decision: "changes_requested",
    comment: "Name the on-call rota first.",
  });
  addComment({
    actor: actorOf(business),
    reviewId: review.id,
    body: "The rota is at https://wiki.example.com/rota.",
    replyToSignOffId: objection.id,
  });
  signOff({ actor: actorOf(business), reviewId: review.id, decision: "approve", comment: "The business case holds." });
  signOff({
    actor: actorOf(scientist),
    reviewId: review.id,
    decision: "approve",
    comment: "Model is ready for a pilot.",
  });
  signOff({ actor: actorOf(operator), reviewId: review.id, decision: "approve", comment: "On-call rota named." });
  promote({ actor: actorOf(business), reviewId: review.id });
  updateRequirement({
    actor: actorOf(business),
    requirementId: requirement.id,
    version: requirement.version,
    title: "Warn 72 h before a press fails",
    description: "Revised after the pilot started.",
    target: "warn >= 72 h ahead",
    priority: "must",
  });
  const next = openReview({
    actor: actorOf(business),
    projectId: project.id,
    statement: "The team is ready for this gate.",
  });
  world = { slug: project.slug, reviewId: review.id, openReviewId: next.id, readerCookie: signInAs(reader) };
});

afterAll(() => {
  closeDb();
});

async function signedInPage(options: Parameters<typeof e2e.newPage>[0] = {}): Promise<Page> {
  const page = await e2e.newPage(options);
  await useSession(page.context(), e2e.server, world.readerCookie);
  return page;
}

const dossierPath = () => `/projects/${world.slug}/gate/${world.reviewId}/dossier`;

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

describe("the gate dossier page", () => {
  it("shows the review as it stood at closing and prints to a PDF", async () => {
    const page = await signedInPage();
    const response = await page.goto(dossierPath());
    expect(response?.status()).toBe(200);
    await page
      .getByRole("heading", { name: `Press line failure warning: gate review #${world.reviewId}, PoC → Pilot` })
      .waitFor();
    await expect(page.getByRole("note").textContent()).resolves.toMatch(/as they stood when the review closed/);
    // The requirement as it was signed for, not as revised afterwards.
    await page.getByRole("cell", { name: /Warn before a press fails/ }).waitFor();
    expect(await page.getByText("Warn 72 h before a press fails").count()).toBe(0);
    // Four sign-offs (one superseded), each with its full fingerprint.
    const fingerprints = await page.locator(".dossier-signoff .dossier-fingerprint").allTextContents();
    expect(fingerprints).toHaveLength(4);
    for (const f of fingerprints) expect(f).toMatch(/^[0-9a-f]{64}$/);
    await page.getByText("Name the on-call rota first.").waitFor();
    // Why it was opened, both verdicts, and the conversation with its link.
    await page.getByText("Six months of data and a working model.").waitFor();
    await page.getByRole("columnheader", { name: "IT operations' verdict" }).waitFor();
    await page.getByRole("cell", { name: /^Feasible with conditions\s*Conditions: A named on-call rota\./ }).waitFor();
    const conversation = page.getByRole("region", { name: /^Conversation/ });
    await conversation.getByText(/in reply to Olga Operations's request for changes/).waitFor();
    await expect(
      conversation.getByRole("link", { name: "https://wiki.example.com/rota" }).getAttribute("rel"),
    ).resolves.toBe("noopener noreferrer nofollow ugc");
    await page
      .getByText(/^Attested on .+ UTC by Farid Science\.$/)
      .first()
      .waitFor();
    // The print button appears once the page is hydrated.
    await page.getByRole("button", { name: "Print…" }).waitFor();

    fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const screenshot = path.join(ARTIFACTS_DIR, "dossier.png");
    const pdfPath = path.join(ARTIFACTS_DIR, "dossier.pdf");
    await page.screenshot({ path: screenshot, fullPage: true });
    const pdf = await page.pdf({ path: pdfPath, format: "A4", printBackground: true });
    expect(fs.statSync(screenshot).size).toBeGreaterThan(10_000);
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(pdf.length).toBeGreaterThan(8_000);
    expect(fs.readFileSync(pdfPath).equals(pdf)).toBe(true);
  });

  it("prints without the site header, the project tabs and the buttons", async () => {
    const page = await signedInPage();
    await page.goto(dossierPath());
    const header = page.locator(".site-header");
    const tabs = page.getByRole("navigation", { name: "Project sections" });
    const actions = page.getByRole("link", { name: "Download as JSON" });
    const title = page.locator("#dossier-title");
    await title.waitFor();
    expect([await header.isVisible(), await tabs.isVisible(), await actions.isVisible()]).toEqual([true, true, true]);

    await page.emulateMedia({ media: "print" });
    expect([await header.isVisible(), await tabs.isVisible(), await actions.isVisible()]).toEqual([
      false,
      false,
      false,
    ]);
    expect(await page.getByRole("button", { name: "Print…" }).isVisible()).toBe(false);
    expect(await title.isVisible()).toBe(true);
    // Black on white.
    const colours = await title.evaluate((el) => {
      const style = getComputedStyle(el);
      return [style.color, getComputedStyle(el.closest(".dossier")!).backgroundColor];
    });
    expect(colours).toEqual(["rgb(0, 0, 0)", "rgb(255, 255, 255)"]);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "dossier-print-media.png"), fullPage: true });
  });

  it("links to the same data as JSON", async () => {
    const page = await signedInPage();
    await page.goto(dossierPath());
    const href = await page.getByRole("link", { name: "Download as JSON" }).getAttribute("href");
    expect(href).toBe(`${dossierPath()}.json`);
    const response = await page.request.get(href!);
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toMatch(/^application\/json/);
    expect(response.headers()["content-disposition"]).toMatch(/^inline;/);
    const body = await response.json();
    expect(body.format).toBe("triad.gate-dossier/2");
    expect(body.content).toBe("closing_snapshot");
    expect(body.review.statement).toBe("Six months of data and a working model.");
    expect(body.comments).toHaveLength(1);
    expect(body.signOffs).toHaveLength(4);
    expect(body.requirements[0].title).toBe("Warn before a press fails");
  });

  it("works without JavaScript: the print hint is there, the button is not", async () => {
    const page = await signedInPage({ javaScriptEnabled: false });
    await page.goto(dossierPath());
    await page.getByText(/use your browser’s Print command/).waitFor();
    expect(await page.getByRole("button", { name: "Print…" }).count()).toBe(0);
  });

  it("labels an open review's dossier as live content", async () => {
    const page = await signedInPage();
    await page.goto(`/projects/${world.slug}/gate/${world.openReviewId}/dossier`);
    await expect(page.getByRole("note").textContent()).resolves.toMatch(/^Open review — live content/);
    await page.getByRole("cell", { name: /Warn 72 h before a press fails/ }).waitFor();
  });

  it("answers 404 for a review of no such number on this project", async () => {
    const page = await signedInPage();
    const response = await page.goto(`/projects/${world.slug}/gate/999999/dossier`);
    expect(response?.status()).toBe(404);
  });

  it.each([
    ["dossier", () => dossierPath()],
    ["stage history", () => `/projects/${world.slug}/history`],
  ])("the %s page passes an axe scan", async (_name, pathname) => {
    const page = await signedInPage();
    const response = await page.goto(pathname());
    expect(response?.status()).toBe(200);
    await page.getByRole("heading", { level: 2 }).first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });
});

describe("the stage history page", () => {
  it("lists the stages with their dates", async () => {
    const page = await signedInPage();
    await page.goto(`/projects/${world.slug}/history`);
    await page.getByRole("heading", { name: "Stage history" }).waitFor();
    const rows = await page.locator(".history-table tbody tr").allInnerTexts();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/Proof of concept/);
    expect(rows[0]).toMatch(/promoted to Pilot/);
    expect(rows[1]).toMatch(/Pilot/);
    expect(rows[1]).toMatch(/current stage/);
    await page.getByRole("link", { name: `dossier of gate review #${world.reviewId}` }).waitFor();
    fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, "stage-history.png"), fullPage: true });
  });
});
