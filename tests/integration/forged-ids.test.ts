/**
 * Forms post row ids (requirementId, reviewId); the URL names the project. A member of two
 * projects must not reach project B's rows through project A's pages: 404, nothing written.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { getReview, openReview } from "~/models/gates.server";
import { createProject } from "~/models/projects.server";
import { createRequirement, getRequirement } from "~/models/requirements.server";
import { addMember } from "~/models/team.server";
import type { Actor } from "~/models/users.server";
import * as gateRoute from "~/routes/projects.$slug.gate._index";
import * as requirementsRoute from "~/routes/projects.$slug.requirements";
import { lastActivityId } from "../support/database";
import { callAction } from "../support/requests";
import { createTestUser, signInAs, type TestUser } from "../support/users";

let business: TestUser;
let scientist: TestUser;
let slugA = "";
let requirementB = 0;
let reviewB = 0;

const actor = (u: TestUser): Actor => ({ id: u.id, name: u.name, role: u.role, discipline: u.discipline, via: "web" });

beforeAll(async () => {
  business = await createTestUser({ discipline: "business" });
  scientist = await createTestUser({ discipline: "data_science" });
  const a = createProject({ actor: actor(business), name: "Project A", summary: "", businessCase: "", ownerId: business.id });
  const b = createProject({ actor: actor(business), name: "Project B", summary: "", businessCase: "", ownerId: business.id });
  addMember({ actor: actor(business), projectId: b.id, userId: scientist.id, discipline: "data_science" });
  slugA = a.slug;
  requirementB = createRequirement({ actor: actor(business), projectId: b.id, title: "B's requirement", description: "", target: "x ≥ 1", priority: "must" }).id;
  reviewB = openReview({ actor: actor(business), projectId: b.id }).id;
});

describe("ids from another project", () => {
  it("a requirement of project B cannot be withdrawn through project A's page", async () => {
    const before = lastActivityId();
    const result = await callAction(requirementsRoute.action, `/projects/${slugA}/requirements`, {
      params: { slug: slugA },
      cookie: signInAs(business),
      form: { intent: "withdraw", requirementId: requirementB, version: 1 },
    });
    expect(result.status).toBe(404);
    expect(getRequirement(requirementB)?.status).toBe("active");
    expect(lastActivityId()).toBe(before);
  });

  it("a gate review of project B cannot be signed through project A's page", async () => {
    const before = lastActivityId();
    const result = await callAction(gateRoute.action, `/projects/${slugA}/gate`, {
      params: { slug: slugA },
      cookie: signInAs(business),
      form: { intent: "sign", reviewId: reviewB, discipline: "business", decision: "approve", comment: "" },
    });
    expect(result.status).toBe(404);
    expect(getReview(reviewB)!.panels.every((p) => p.status === "missing")).toBe(true);
    expect(lastActivityId()).toBe(before);
  });
});
