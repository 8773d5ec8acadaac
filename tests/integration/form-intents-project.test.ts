/**
 * The project pages' forms (Conform, docs/architecture.md "Forms"): the overview's life cycle,
 * new and edit, requirements and verdicts, and the gate review. Each action with intents
 * reaches one handler per intent and answers an unknown or missing intent with a 400 that
 * changes nothing; each refusal is Conform's result: the message next to the field the page
 * shows it by (or above the form), the values that were sent (to refill the form) and the
 * intent (so only the form that sent it shows it). Where the schema refuses, the browser gives
 * the same message with the same schema before anything is sent.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { attest, getReview, openReview, signOff } from "~/models/gates.server";
import { changeProjectState, createProject, getProject } from "~/models/projects.server";
import { getRequirement, createRequirement } from "~/models/requirements.server";
import { addComment } from "~/models/review-comments.server";
import { addMember } from "~/models/team.server";
import type { Actor } from "~/models/users.server";
import * as overviewRoute from "~/routes/projects.$slug._index";
import * as editRoute from "~/routes/projects.$slug.edit";
import * as gateRoute from "~/routes/projects.$slug.gate._index";
import * as requirementsRoute from "~/routes/projects.$slug.requirements";
import * as newRoute from "~/routes/projects.new";
import { resultFor } from "~/utils/forms";
import { reopenSchema, stateChangeFormSchema, stopFormSchema } from "~/utils/lifecycle-validation";
import {
  attestSchema,
  commentSchema,
  dismissSchema,
  editCommentSchema,
  openReviewSchema,
  projectSchema,
  signOffFormSchema,
  withdrawReviewSchema,
} from "~/utils/validation";
import { activitySince, lastActivityId, resetDatabase, sqlite } from "../support/database";
import {
  expectRefusal,
  expectUnknownIntentRefused,
  snapshotTables,
  unknownIntentCases,
  withIntent,
  type IntentRefusal,
} from "../support/form-intents";
import type { Form } from "../support/form-schemas";
import { callAction } from "../support/requests";
import { createAdmin, createTestUser, signInAs, type TestUser } from "../support/users";

const actorOf = (u: TestUser): Actor => ({
  id: u.id,
  name: u.name,
  role: u.role,
  discipline: u.discipline,
  via: "web",
});

type Who = "owner" | "scientist" | "operator" | "admin" | "outsider";
let people: Record<Who, TestUser>;
let cookies: Record<Who, string>;

/** The project every form is sent to; `fresh` has no review yet; `stopped` waits to be reopened. */
let main: { id: number; slug: string; requirementId: number; reviewId: number };
let fresh: { slug: string };
let stopped: { id: number; slug: string };
let objectionId: number;
let commentId: number;
/** An attestation the scientist may give (not given yet), and one the scientist gave. */
let openKey: string;
let attestedKey: string;

beforeAll(async () => {
  resetDatabase();
  people = {
    owner: await createTestUser({ name: "Brigitte Business", discipline: "business" }),
    scientist: await createTestUser({ name: "Farid Science", discipline: "data_science" }),
    operator: await createTestUser({ name: "Olga Operations", discipline: "it" }),
    admin: await createAdmin({ name: "Ada Admin", discipline: "business" }),
    outsider: await createTestUser({ name: "Otto Outsider", discipline: "it" }),
  };
  cookies = Object.fromEntries(Object.entries(people).map(([who, u]) => [who, signInAs(u)])) as Record<Who, string>;
  const owner = actorOf(people.owner);
  const project = (name: string) => {
    const p = createProject({ actor: owner, name, summary: "Warn 48 h ahead.", businessCase: "", ownerId: owner.id });
    addMember({ actor: owner, projectId: p.id, userId: people.scientist.id });
    addMember({ actor: owner, projectId: p.id, userId: people.operator.id });
    return p;
  };

  const p = project("Intents press line");
  const requirement = createRequirement({
    actor: owner,
    projectId: p.id,
    title: "Warn before a failure",
    description: "",
    target: "warn >= 48 h ahead",
    priority: "must",
  });
  const review = openReview({ actor: owner, projectId: p.id, statement: "The proof of concept beats the baseline." });
  main = { id: p.id, slug: p.slug, requirementId: requirement.id, reviewId: review.id };
  objectionId = signOff({
    actor: actorOf(people.operator),
    reviewId: review.id,
    decision: "changes_requested",
    comment: "Where is the runbook?",
  }).id;
  commentId = addComment({ actor: owner, reviewId: review.id, body: "Working on it.", replyToSignOffId: null }).id;
  const scientistMay = getReview(review.id)!.criteria.filter(
    (c) => c.kind === "attestation" && !c.met && (c.discipline === null || c.discipline === "data_science"),
  );
  attestedKey = scientistMay[0].key;
  openKey = scientistMay[1].key;
  attest({ actor: actorOf(people.scientist), reviewId: review.id, key: attestedKey, note: "Checked the data sheet." });

  fresh = { slug: project("Intents fresh").slug };

  const s = project("Intents stopped");
  changeProjectState({
    actor: owner,
    projectId: s.id,
    version: s.version,
    change: { to: "stopped", stopCause: "other", stopNote: "The budget moved." },
  });
  stopped = { id: s.id, slug: s.slug };
});

type Page = "overview" | "edit" | "new" | "requirements" | "gate";

const ROUTES: Record<Page, { action: (args: ActionFunctionArgs) => unknown; suffix: string }> = {
  overview: { action: overviewRoute.action, suffix: "" },
  edit: { action: editRoute.action, suffix: "/edit" },
  new: { action: newRoute.action, suffix: "" },
  requirements: { action: requirementsRoute.action, suffix: "/requirements" },
  gate: { action: gateRoute.action, suffix: "/gate" },
};

function post(page: Page, slug: string, who: Who, form: Form) {
  const { action, suffix } = ROUTES[page];
  const path = page === "new" ? "/projects/new" : `/projects/${slug}${suffix}`;
  return callAction(action, path, { params: page === "new" ? {} : { slug }, cookie: cookies[who], form });
}

const projectVersion = (id: number) => String(getProject(id)!.version);
const requirementVersion = () => String(getRequirement(main.requirementId)!.version);

describe("an unknown or missing intent is a 400 and changes nothing", () => {
  /** A form that would be valid for some handler of the page: only the intent is wrong. */
  const forms: Record<"overview" | "requirements" | "gate", () => Form> = {
    overview: () => ({
      version: projectVersion(main.id),
      to: "on_hold",
      stopCause: "other",
      stopNote: "The budget moved.",
      reason: "Back on.",
    }),
    requirements: () => ({
      requirementId: String(main.requirementId),
      version: requirementVersion(),
      title: "Warn before a failure",
      target: "warn >= 72 h ahead",
      priority: "must",
      feasibility: "feasible",
    }),
    gate: () => ({
      reviewId: String(main.reviewId),
      statement: "Ready now.",
      body: "A comment.",
      note: "Withdrawn.",
      decision: "approve",
    }),
  };
  const cases = [
    ...unknownIntentCases(
      "overview",
      "overview",
      [
        ["the API's word for it", "on_hold"],
        ["an intent in another case", "HOLD"],
      ],
      "no intent (the old form's `to` alone)",
    ),
    ...unknownIntentCases("requirements", "requirements", [["another page's intent", "stop"]]),
    ...unknownIntentCases("gate", "gate", [["another page's intent", "create"]]),
  ];

  it.each(cases)("%s", async (_name, page, intent) => {
    const form = withIntent(intent, forms[page]());
    await expectUnknownIntentRefused(() => post(page, main.slug, "owner", form));
  });

  it("the overview checks the permission first: a member who may not change the state gets 403 whatever the intent", async () => {
    const before = snapshotTables();
    for (const intent of ["delete", "hold"]) {
      const result = await post("overview", main.slug, "scientist", { intent, version: projectVersion(main.id) });
      expect(result).toMatchObject({ status: 403, thrown: true });
    }
    expect(snapshotTables()).toEqual(before);
  });
});

type Refusal = IntentRefusal<Page> & { slug?: () => string; as: Who; status: 400 | 403 | 409 };

const stopForm = (): Form => ({
  intent: "stop",
  version: projectVersion(main.id),
  stopCause: "other",
  stopNote: "The budget moved elsewhere.",
});
const editForm = (): Form => ({
  name: "Intents press line",
  summary: "Warn 72 h ahead.",
  businessCase: "Stops cost money.",
  ownerId: String(people.owner.id),
  version: projectVersion(main.id),
});
const updateForm = (): Form => ({
  intent: "update",
  requirementId: String(main.requirementId),
  version: requirementVersion(),
  title: "Warn before a failure",
  target: "warn >= 72 h ahead",
  priority: "should",
  description: "From the vibration sensors.",
});
const gateForm = (intent: string, form: Form = {}): Form => ({ intent, reviewId: String(main.reviewId), ...form });

const refusals: Refusal[] = [
  // ---- the overview's life cycle
  {
    name: "hold: no version",
    page: "overview",
    as: "owner",
    form: () => ({ intent: "hold", version: "" }),
    status: 400,
    field: "version",
    message: "Reload the page and try again.",
    schema: stateChangeFormSchema,
  },
  {
    name: "hold: a stale version",
    page: "overview",
    as: "owner",
    form: () => ({ intent: "hold", version: String(Number(projectVersion(main.id)) - 1 || 99) }),
    status: 409,
    field: "form",
    message: /was changed by someone else since you opened the page/,
  },
  {
    name: "resume: the project is active",
    page: "overview",
    as: "owner",
    form: () => ({ intent: "resume", version: projectVersion(main.id) }),
    status: 409,
    field: "form",
    message: "A project that is active cannot become active.",
  },
  {
    name: "retire: not in production",
    page: "overview",
    as: "owner",
    form: () => ({ intent: "retire", version: projectVersion(main.id) }),
    status: 409,
    field: "form",
    message: "Only a project in production can be retired. Stop it instead.",
  },
  {
    name: "stop: no cause",
    page: "overview",
    as: "owner",
    form: () => ({ ...stopForm(), stopCause: "" }),
    status: 400,
    field: "stopCause",
    message: "Choose why the project stopped.",
    schema: stopFormSchema,
  },
  {
    name: "stop: writing the debt off without a reason",
    page: "overview",
    as: "owner",
    form: () => ({ ...stopForm(), openDebt: "write_off", writeOffReason: "" }),
    status: 400,
    field: "writeOffReason",
    message: "Say in a sentence why the open debt is written off.",
    schema: stopFormSchema,
  },
  {
    name: "reopen: no reason",
    page: "overview",
    slug: () => stopped.slug,
    as: "admin",
    form: () => ({ intent: "reopen", version: projectVersion(stopped.id), reason: " " }),
    status: 400,
    field: "reason",
    message: "Say in a sentence why the project is reopened.",
    schema: reopenSchema,
  },
  {
    name: "reopen: a project that is not stopped",
    page: "overview",
    as: "admin",
    form: () => ({ intent: "reopen", version: projectVersion(main.id), reason: "Back on." }),
    status: 409,
    field: "form",
    message: /stopped/,
  },
  // ---- new and edit (one form each, no intent)
  {
    name: "new: no owner",
    page: "new",
    as: "owner",
    form: () => ({ name: "Scrap forecast", summary: "Per shift.", businessCase: "", ownerId: "" }),
    status: 400,
    field: "ownerId",
    message: "Choose an owner.",
    schema: projectSchema,
  },
  {
    name: "edit: a name of one letter",
    page: "edit",
    as: "owner",
    form: () => ({ ...editForm(), name: "x" }),
    status: 400,
    field: "name",
    message: "Enter a project name of at least 2 characters.",
    schema: editRoute.editProjectSchema,
  },
  {
    name: "edit: a stale version",
    page: "edit",
    as: "owner",
    form: () => ({ ...editForm(), version: "99" }),
    status: 409,
    field: "form",
    message: /was changed by someone else since you opened the page/,
  },
  // ---- requirements and verdicts
  {
    name: "create: a title of two letters",
    page: "requirements",
    as: "owner",
    form: () => ({ intent: "create", title: "ab", target: "precision >= 0.8", priority: "could", description: "Why." }),
    status: 400,
    field: "title",
    message: "Enter a title of at least 3 characters.",
    schema: requirementsRoute.createRequirementSchema,
  },
  {
    name: "update: no target",
    page: "requirements",
    as: "owner",
    form: () => ({ ...updateForm(), target: "" }),
    status: 400,
    field: "target",
    message: "Enter a measurable target, such as “precision ≥ 0.8” or “warn 48 h ahead”.",
    schema: requirementsRoute.updateRequirementSchema,
  },
  {
    name: "update: a stale version",
    page: "requirements",
    as: "owner",
    form: () => ({ ...updateForm(), version: "99" }),
    status: 409,
    field: "form",
    message: /was changed by someone else since you opened the page/,
  },
  {
    name: "withdraw: no version",
    page: "requirements",
    as: "owner",
    form: () => ({ intent: "withdraw", requirementId: String(main.requirementId), version: "" }),
    status: 400,
    field: "version",
    message: "Reload the page and try again.",
    schema: requirementsRoute.withdrawRequirementSchema,
  },
  {
    name: "assess: infeasible without a reason",
    page: "requirements",
    as: "scientist",
    form: () => ({
      intent: "assess",
      requirementId: String(main.requirementId),
      version: String(getRequirement(main.requirementId)!.dsVersion),
      discipline: "data_science",
      feasibility: "infeasible",
      conditions: "",
      note: "A year of history.",
    }),
    status: 400,
    field: "conditions",
    message: "Say why it is infeasible.",
    schema: requirementsRoute.assessRequirementSchema,
  },
  // ---- the gate review
  {
    name: "open: no statement",
    page: "gate",
    slug: () => fresh.slug,
    as: "owner",
    form: () => ({ intent: "open", statement: "" }),
    status: 400,
    field: "statement",
    message: "Say why the project is ready for this gate now.",
    schema: openReviewSchema,
  },
  {
    name: "open: a review is already open",
    page: "gate",
    as: "owner",
    form: () => ({ intent: "open", statement: "Ready again." }),
    status: 409,
    field: "form",
    message: /open/,
  },
  {
    name: "sign: no review",
    page: "gate",
    as: "scientist",
    form: () => ({ intent: "sign", reviewId: "", decision: "approve", discipline: "data_science" }),
    status: 400,
    field: "form",
    message: "Choose a gate review.",
  },
  {
    name: "sign: no decision",
    page: "gate",
    as: "scientist",
    form: () => gateForm("sign", { discipline: "data_science", decision: "", comment: "Fine." }),
    status: 400,
    field: "decision",
    message: "Choose approve, approve with conditions or request changes.",
    schema: signOffFormSchema,
  },
  {
    name: "sign: requesting changes without a comment (the model's rule)",
    page: "gate",
    as: "scientist",
    form: () => gateForm("sign", { discipline: "data_science", decision: "changes_requested", comment: "" }),
    status: 400,
    field: "comment",
    message: /comment is required/i,
  },
  {
    name: "attest: a link that is not http(s)",
    page: "gate",
    as: "scientist",
    form: () => gateForm("attest", { key: openKey, note: "Checked.", evidenceUrl: "ftp://files.example.com/x" }),
    status: 400,
    field: "evidenceUrl",
    message: "Give a link starting with http:// or https://, or leave it empty.",
    schema: attestSchema,
  },
  {
    name: "clear-attestation: a key that is no criterion's",
    page: "gate",
    as: "scientist",
    form: () => gateForm("clear-attestation", { key: "Drop table" }),
    status: 400,
    field: "key",
    message: "Choose a criterion.",
    schema: gateRoute.clearAttestationSchema,
  },
  {
    name: "clear-attestation: someone else's, of another discipline",
    page: "gate",
    as: "operator",
    form: () => gateForm("clear-attestation", { key: attestedKey }),
    status: 403,
    field: "form",
    message: "Only whoever attested it or a member of its discipline can clear this attestation.",
  },
  {
    name: "dismiss: no reason",
    page: "gate",
    as: "owner",
    form: () => gateForm("dismiss", { signOffId: String(objectionId), reason: "" }),
    status: 400,
    field: "reason",
    message: "Say why the requested changes are not needed.",
    schema: dismissSchema,
  },
  {
    name: "comment: an empty comment",
    page: "gate",
    as: "owner",
    form: () => gateForm("comment", { body: " ", replyToSignOffId: String(objectionId) }),
    status: 400,
    field: "body",
    message: "Write a comment.",
    schema: commentSchema,
  },
  {
    name: "edit-comment: an empty new wording",
    page: "gate",
    as: "owner",
    form: () => gateForm("edit-comment", { commentId: String(commentId), version: "1", body: "" }),
    status: 400,
    field: "body",
    message: "Write a comment.",
    schema: editCommentSchema,
  },
  {
    name: "promote: not ready (the blockers come along)",
    page: "gate",
    as: "owner",
    form: () => gateForm("promote"),
    status: 409,
    field: "form",
    message: "The project cannot be promoted yet.",
  },
  {
    name: "withdraw: a note too long",
    page: "gate",
    as: "owner",
    form: () => gateForm("withdraw", { note: "n".repeat(1001) }),
    status: 400,
    field: "note",
    message: "Keep the note under 1000 characters.",
    schema: withdrawReviewSchema,
  },
];

describe("each intent's refusal: the message by its field, the values sent, the intent", () => {
  it.each(refusals.map((r) => [r.name, r] as const))("%s", async (_name, refusal) => {
    await expectRefusal(refusal, (form) => post(refusal.page, refusal.slug?.() ?? main.slug, refusal.as, form), {
      intents: ["withdraw", "comment"],
    });
  });

  it("a promotion that is not ready says what blocks it, as the page lists it", async () => {
    const result = await post("gate", main.slug, "owner", gateForm("promote"));
    expect(result.status).toBe(409);
    expect(result.data.blockers).toEqual(getReview(main.reviewId)!.blockers);
    expect(result.data.blockers.length).toBeGreaterThan(0);
  });

  it("a refused row says which row it was about, so only that row's form shows it", async () => {
    const update = await post("requirements", main.slug, "owner", { ...updateForm(), title: "ab" });
    expect(resultFor(update.data, "update")?.initialValue).toMatchObject({
      requirementId: String(main.requirementId),
    });
    const dismiss = await post("gate", main.slug, "owner", gateForm("dismiss", { signOffId: String(objectionId) }));
    expect(resultFor(dismiss.data, "dismiss")?.initialValue).toMatchObject({ signOffId: String(objectionId) });
  });
});

describe("the forms still do their work", () => {
  it("hold and resume by their intents, one activity row each", async () => {
    let since = lastActivityId();
    const held = await post("overview", main.slug, "owner", { intent: "hold", version: projectVersion(main.id) });
    expect(held).toMatchObject({ status: 302, location: `/projects/${main.slug}` });
    expect(getProject(main.id)!.state).toBe("on_hold");
    expect(activitySince(since).map((a) => a.action)).toEqual(["project.state_changed"]);
    since = lastActivityId();
    const resumed = await post("overview", main.slug, "owner", { intent: "resume", version: projectVersion(main.id) });
    expect(resumed).toMatchObject({ status: 302, location: `/projects/${main.slug}` });
    expect(getProject(main.id)!.state).toBe("active");
    expect(activitySince(since).map((a) => a.action)).toEqual(["project.state_changed"]);
  });

  it("a requirement stated, edited and withdrawn by its intents", async () => {
    const created = await post("requirements", main.slug, "owner", {
      intent: "create",
      title: "Explain each warning",
      target: "top 3 sensors named",
      priority: "should",
      description: "",
    });
    expect(created).toMatchObject({ status: 302, location: `/projects/${main.slug}/requirements` });
    const id = (sqlite().prepare("select max(id) as id from requirements").get() as { id: number }).id;
    const version = () => String(getRequirement(id)!.version);
    expect(getRequirement(id)).toMatchObject({ title: "Explain each warning", priority: "should" });
    const updated = await post("requirements", main.slug, "owner", {
      intent: "update",
      requirementId: String(id),
      version: version(),
      title: "Explain every warning",
      target: "top 3 sensors named",
      priority: "could",
      description: "",
    });
    expect(updated.status).toBe(302);
    expect(getRequirement(id)).toMatchObject({ title: "Explain every warning", priority: "could" });
    const withdrawn = await post("requirements", main.slug, "owner", {
      intent: "withdraw",
      requirementId: String(id),
      version: version(),
    });
    expect(withdrawn.status).toBe(302);
    expect(getRequirement(id)!.status).toBe("withdrawn");
  });
});
