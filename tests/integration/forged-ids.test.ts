/**
 * Forms post row ids (requirementId, reviewId); the URL names the project. A member of two
 * projects must not reach project B's rows through project A's pages: 404, nothing written.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { getReview, openReview, signOff } from "~/models/gates.server";
import { addComment, listComments } from "~/models/review-comments.server";
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
let reviewA = 0;
let objectionB = 0;
let commentB = 0;

const actor = (u: TestUser): Actor => ({ id: u.id, name: u.name, role: u.role, discipline: u.discipline, via: "web" });

beforeAll(async () => {
  business = await createTestUser({ discipline: "business" });
  scientist = await createTestUser({ discipline: "data_science" });
  const a = createProject({
    actor: actor(business),
    name: "Project A",
    summary: "",
    businessCase: "",
    ownerId: business.id,
  });
  const b = createProject({
    actor: actor(business),
    name: "Project B",
    summary: "",
    businessCase: "",
    ownerId: business.id,
  });
  addMember({ actor: actor(business), projectId: b.id, userId: scientist.id, discipline: "data_science" });
  slugA = a.slug;
  requirementB = createRequirement({
    actor: actor(business),
    projectId: b.id,
    title: "B's requirement",
    description: "",
    target: "x ≥ 1",
    priority: "must",
  }).id;
  reviewB = openReview({ actor: actor(business), projectId: b.id, statement: "The team is ready for this gate." }).id;
  reviewA = openReview({ actor: actor(business), projectId: a.id, statement: "The team is ready for this gate." }).id;
  objectionB = signOff({
    actor: actor(scientist),
    reviewId: reviewB,
    decision: "changes_requested",
    comment: "Not yet.",
  }).id;
  commentB = addComment({ actor: actor(business), reviewId: reviewB, body: "Noted." }).id;
});

const postToA = (form: Record<string, string | number>) =>
  callAction(gateRoute.action, `/projects/${slugA}/gate`, {
    params: { slug: slugA },
    cookie: signInAs(business),
    form,
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
    expect(getReview(reviewB)!.panels.find((p) => p.discipline === "business")!.signOffs).toEqual([]);
    expect(lastActivityId()).toBe(before);
  });

  it("a request for changes on project B cannot be dismissed through project A's page", async () => {
    const before = lastActivityId();
    for (const reviewId of [reviewB, reviewA]) {
      const result = await postToA({ intent: "dismiss", reviewId, signOffId: objectionB, reason: "Forged." });
      expect(result.status, `reviewId ${reviewId}`).toBe(404);
    }
    expect(getReview(reviewB)!.panels.find((p) => p.discipline === "data_science")!.status).toBe("changes_requested");
    expect(lastActivityId()).toBe(before);
  });

  it("project B's review cannot be commented on, nor its comments edited, through project A's page", async () => {
    const before = lastActivityId();
    expect((await postToA({ intent: "comment", reviewId: reviewB, body: "Forged." })).status).toBe(404);
    expect(
      (await postToA({ intent: "edit-comment", reviewId: reviewA, commentId: commentB, body: "Forged.", version: 1 }))
        .status,
    ).toBe(404);
    expect(
      (await postToA({ intent: "edit-comment", reviewId: reviewB, commentId: commentB, body: "Forged.", version: 1 }))
        .status,
    ).toBe(404);
    expect(listComments(reviewB).map((c) => c.body)).toEqual(["Noted."]);
    expect(listComments(reviewA)).toEqual([]);
    expect(lastActivityId()).toBe(before);
  });
});
