/**
 * Progressive enhancement of the gate review: with JavaScript switched off, the last
 * discipline signs off (after a refused attempt whose message appears next to the field)
 * and the project is promoted. The project is set up through the models, on the same
 * database file the server uses; the journey itself goes through the browser.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { signIn, useE2E } from "../support/e2e";

const e2e = useE2E();

const PASSWORD = "without any javascript";
const PROJECT = "Churn early warning";

type Models = {
  users: typeof import("~/models/users.server");
  projects: typeof import("~/models/projects.server");
  team: typeof import("~/models/team.server");
  requirements: typeof import("~/models/requirements.server");
  gates: typeof import("~/models/gates.server");
  client: typeof import("../../db/client.server");
};
let models: Models;
let slug: string;
let projectId: number;
let reviewId: number;
let ivy: { email: string };

beforeAll(async () => {
  // The app opens its connection lazily from DATABASE_URL: point it at the server's file first.
  process.env.DATABASE_URL = e2e.server.databaseFile;
  models = {
    users: await import("~/models/users.server"),
    projects: await import("~/models/projects.server"),
    team: await import("~/models/team.server"),
    requirements: await import("~/models/requirements.server"),
    gates: await import("~/models/gates.server"),
    client: await import("../../db/client.server"),
  };
  const person = async (name: string, email: string, discipline: "business" | "data_science" | "it") => {
    const user = await models.users.createUser({
      actor: null,
      name,
      email,
      discipline,
      role: "member",
      password: PASSWORD,
    });
    return { id: user.id, name: user.name, role: user.role, discipline: user.discipline, email, via: "web" as const };
  };
  const bea = await person("Bea Business", "bea@example.com", "business");
  const dan = await person("Dan Science", "dan@example.com", "data_science");
  ivy = await person("Ivy Operations", "ivy@example.com", "it");
  const it = ivy as typeof bea;

  const project = models.projects.createProject({
    actor: bea,
    name: PROJECT,
    summary: "",
    businessCase: "",
    ownerId: bea.id,
  });
  ({ slug } = project);
  projectId = project.id;
  models.team.addMember({ actor: bea, projectId, userId: dan.id, discipline: "data_science" });
  models.team.addMember({ actor: bea, projectId, userId: it.id, discipline: "it" });
  const r = models.requirements.createRequirement({
    actor: bea,
    projectId,
    title: "Flag customers about to leave",
    description: "",
    target: "recall >= 0.7 at 20 % contacted",
    priority: "must",
  });
  models.requirements.assessRequirement({
    actor: it,
    requirementId: r.id,
    feasibility: "feasible",
    note: "",
    conditions: "",
  });
  models.requirements.assessRequirement({
    actor: dan,
    requirementId: r.id,
    feasibility: "feasible",
    note: "",
    conditions: "",
  });
  reviewId = models.gates.openReview({ actor: dan, projectId, statement: "The team is ready for this gate." }).id;
  for (const c of models.gates.getReview(reviewId)!.criteria.filter((c) => c.kind === "attestation")) {
    models.gates.attest({ actor: dan, reviewId, key: c.key, note: "Checked." });
  }
  models.gates.signOff({ actor: bea, reviewId, decision: "approve", comment: "Worth it." });
  models.gates.signOff({ actor: dan, reviewId, decision: "approve", comment: "Model is ready." });
});

afterAll(() => {
  models?.client.closeDb();
});

const panel = (page: Page, discipline: string) => page.getByRole("region", { name: new RegExp(discipline) });

describe("the gate review without JavaScript", () => {
  it("the last discipline signs off and the project is promoted", async () => {
    const page = await e2e.newPage({ javaScriptEnabled: false });
    await signIn(page, ivy.email, PASSWORD);
    await page.goto(`/projects/${slug}/gate`);
    await page.getByRole("heading", { level: 2, name: "Gate review: PoC → Pilot" }).waitFor();
    await page.getByText("IT operations has not signed off.", { exact: true }).waitFor();
    await expect(page.getByRole("button", { name: "Promote to Pilot" }).isDisabled()).resolves.toBe(true);

    // requesting changes without a comment: refused, the message sits next to the field
    const mine = panel(page, "IT operations");
    await mine.getByRole("radio", { name: "Request changes" }).check();
    await mine.getByRole("button", { name: "Sign off" }).click();
    const comment = panel(page, "IT operations").getByLabel("Comment");
    await page.getByText("Say which changes you need: a comment is required when requesting changes.").waitFor();
    await expect(comment.getAttribute("aria-invalid")).resolves.toBe("true");
    const describedBy = (await comment.getAttribute("aria-describedby")) ?? "";
    const messages = await Promise.all(describedBy.split(" ").map((id) => page.locator(`[id="${id}"]`).textContent()));
    expect(messages).toContain("Say which changes you need: a comment is required when requesting changes.");
    // the choice made is kept
    await expect(
      panel(page, "IT operations").getByRole("radio", { name: "Request changes" }).isChecked(),
    ).resolves.toBe(true);
    expect(models.gates.getReview(reviewId)!.panels.find((p) => p.discipline === "it")!.status).toBe("missing");

    // approving with a comment
    await panel(page, "IT operations").getByRole("radio", { name: "Approve", exact: true }).check();
    await comment.fill("Runs on the CRM batch server; runbook in the wiki.");
    await panel(page, "IT operations").getByRole("button", { name: "Sign off" }).click();
    await page.getByRole("status").filter({ hasText: "Your sign-off was recorded." }).waitFor();
    await expect(panel(page, "IT operations").getByRole("heading").textContent()).resolves.toContain("Approved");
    await page
      .getByText("Everything is in place: every discipline has its approvals and every criterion is met.")
      .waitFor();

    // promoting
    await page.getByRole("button", { name: "Promote to Pilot" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `${PROJECT} is now in Pilot.` })
      .waitFor();
    expect(new URL(page.url()).pathname).toBe(`/projects/${slug}`);
    const current = page.getByRole("list", { name: "Stage" }).locator('[aria-current="step"]');
    await expect(current.textContent()).resolves.toMatch(/^Pilot/);

    // and it is so in the database the server uses
    expect(models.projects.getProject(projectId)!.stage).toBe("pilot");
    expect(models.gates.getReview(reviewId)!.review.status).toBe("promoted");
  });
});
