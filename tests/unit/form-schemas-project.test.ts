/**
 * The project pages' form schemas (the overview's life cycle, new and edit, requirements and
 * verdicts, the gate review) validate in the browser with the same call the action makes
 * (parseSubmission): a valid form passes, and for a typical bad value each gives the message the
 * server gives, next to the same field. Where the model checks the same rule, the message is the
 * domain's (app/domain/debt.ts), so the browser, the form's action and the model agree.
 */
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { dateInputError } from "~/domain/dates";
import { reasonError, writeOffReasonError } from "~/domain/debt";
import { editProjectSchema } from "~/routes/projects.$slug.edit";
import { clearAttestationSchema, promoteSchema } from "~/routes/projects.$slug.gate._index";
import {
  assessRequirementSchema,
  createRequirementSchema,
  updateRequirementSchema,
  withdrawRequirementSchema,
} from "~/routes/projects.$slug.requirements";
import {
  lifecycleChangeSchema,
  reopenSchema,
  stateChangeFormSchema,
  stopFormSchema,
} from "~/utils/lifecycle-validation";
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

import { messagesOf } from "../support/form-schemas";

type Form = Record<string, string>;

// ---------- valid forms, as each page sends them ----------

const hold: Form = { intent: "hold", version: "3" };
const stop: Form = {
  intent: "stop",
  version: "3",
  stopCause: "other",
  stopNote: "The budget moved elsewhere.",
  openDebt: "",
  writeOffReason: "",
};
const reopen: Form = { intent: "reopen", version: "4", reason: "The vendor contract fell through." };
const newProject: Form = { name: "Press line", summary: "Warn 48 h ahead.", businessCase: "", ownerId: "7" };
const editProject: Form = { ...newProject, version: "2" };
const requirement: Form = { intent: "create", title: "Warn early", target: "48 h ahead", priority: "must" };
const update: Form = { ...requirement, intent: "update", requirementId: "5", version: "2", description: "" };
const withdraw: Form = { intent: "withdraw", requirementId: "5", version: "2" };
const assess: Form = {
  intent: "assess",
  requirementId: "5",
  version: "1",
  discipline: "it",
  feasibility: "feasible",
  conditions: "",
  note: "",
};
const open: Form = { intent: "open", statement: "The proof of concept beats the baseline." };
const sign: Form = {
  intent: "sign",
  reviewId: "9",
  discipline: "data_science",
  decision: "approve_with_conditions",
  comment: "",
  conditions: "Add a backtest\nDocument the features",
  conditionRegister: "technical",
  conditionTargetDate: "2099-06-30",
  conditionPrincipalDays: "3",
  conditionInterestDays: "",
};
const attest: Form = { intent: "attest", reviewId: "9", key: "privacy_security_reviewed", note: "Checked." };
const clear: Form = { intent: "clear-attestation", reviewId: "9", key: "privacy_security_reviewed" };
const dismiss: Form = { intent: "dismiss", reviewId: "9", signOffId: "12", reason: "The backtest is in." };
const comment: Form = { intent: "comment", reviewId: "9", body: "Thanks, @Farid.", replyToSignOffId: "" };
const editComment: Form = { intent: "edit-comment", reviewId: "9", commentId: "3", version: "1", body: "Better." };
const promote: Form = { intent: "promote", reviewId: "9" };
const withdrawReview: Form = { intent: "withdraw", reviewId: "9", note: "" };

const schemas: Array<[string, z.ZodType, Form]> = [
  ["stateChangeFormSchema (Put on hold, Resume, Yes, retire it)", stateChangeFormSchema, hold],
  ["stopFormSchema (Stop the project)", stopFormSchema, stop],
  ["reopenSchema (Reopen the project)", reopenSchema, reopen],
  ["projectSchema (Create project)", projectSchema, newProject],
  ["editProjectSchema (Save project)", editProjectSchema, editProject],
  ["createRequirementSchema (Add requirement)", createRequirementSchema, requirement],
  ["updateRequirementSchema (Save requirement)", updateRequirementSchema, update],
  ["withdrawRequirementSchema (Yes, withdraw it)", withdrawRequirementSchema, withdraw],
  ["assessRequirementSchema (Save your verdict)", assessRequirementSchema, assess],
  ["openReviewSchema (Open gate review)", openReviewSchema, open],
  ["signOffFormSchema (Sign off)", signOffFormSchema, sign],
  ["attestSchema (Attest)", attestSchema, attest],
  ["clearAttestationSchema (Clear attestation)", clearAttestationSchema, clear],
  ["dismissSchema (Dismiss this request for changes)", dismissSchema, dismiss],
  ["commentSchema (Add comment)", commentSchema, comment],
  ["editCommentSchema (Save the new wording)", editCommentSchema, editComment],
  ["promoteSchema (Promote)", promoteSchema, promote],
  ["withdrawReviewSchema (Yes, withdraw this review)", withdrawReviewSchema, withdrawReview],
];

describe("a valid form passes in the browser, as on the server", () => {
  it.each(schemas)("%s", (_name, schema, form) => {
    expect(messagesOf(schema, form)).toEqual({});
  });
});

// ---------- a typical bad value per form: the server's message, by the same field ----------

const RELOAD = "Reload the page and try again.";

/** [what is wrong, schema, form as sent, the field, the server's message for it]. */
const cases: Array<[string, z.ZodType, Form, string, string]> = [
  ["hold: no version", stateChangeFormSchema, { ...hold, version: "" }, "version", RELOAD],
  ["hold: a version in words", stateChangeFormSchema, { ...hold, version: "latest" }, "version", RELOAD],
  ["stop: no cause", stopFormSchema, { ...stop, stopCause: "" }, "stopCause", "Choose why the project stopped."],
  [
    "stop: a note of two letters",
    stopFormSchema,
    { ...stop, stopNote: "no" },
    "stopNote",
    "Say in a sentence what happened.",
  ],
  [
    "stop: an unknown open-debt choice",
    stopFormSchema,
    { ...stop, openDebt: "burn" },
    "openDebt",
    "Choose to write the open debt off or to keep it open.",
  ],
  [
    "stop: writing off without a reason (the domain's rule, as the model checks it)",
    stopFormSchema,
    { ...stop, openDebt: "write_off", writeOffReason: " " },
    "writeOffReason",
    writeOffReasonError(" ")!,
  ],
  [
    "reopen: no reason (the domain's rule, as the model checks it)",
    reopenSchema,
    { ...reopen, reason: "" },
    "reason",
    reasonError("", "Say in a sentence why the project is reopened.")!,
  ],
  [
    "new project: a name of one letter",
    projectSchema,
    { ...newProject, name: "x" },
    "name",
    "Enter a project name of at least 2 characters.",
  ],
  ["new project: no owner", projectSchema, { ...newProject, ownerId: "" }, "ownerId", "Choose an owner."],
  [
    "new project: a summary too long",
    projectSchema,
    { ...newProject, summary: "s".repeat(501) },
    "summary",
    "Keep the summary under 500 characters.",
  ],
  ["edit project: a version in words", editProjectSchema, { ...editProject, version: "v2" }, "version", RELOAD],
  [
    "create: a title of two letters",
    createRequirementSchema,
    { ...requirement, title: "ab" },
    "title",
    "Enter a title of at least 3 characters.",
  ],
  [
    "create: an unknown priority",
    createRequirementSchema,
    { ...requirement, priority: "urgent" },
    "priority",
    "Choose must, should or could.",
  ],
  [
    "update: no target",
    updateRequirementSchema,
    { ...update, target: " " },
    "target",
    "Enter a measurable target, such as “precision ≥ 0.8” or “warn 48 h ahead”.",
  ],
  [
    "update: a requirement id in words",
    updateRequirementSchema,
    { ...update, requirementId: "first" },
    "requirementId",
    "Choose a requirement.",
  ],
  ["withdraw: no version", withdrawRequirementSchema, { ...withdraw, version: "" }, "version", RELOAD],
  [
    "assess: infeasible without a reason",
    assessRequirementSchema,
    { ...assess, feasibility: "infeasible" },
    "conditions",
    "Say why it is infeasible.",
  ],
  [
    "assess: with conditions, none written",
    assessRequirementSchema,
    { ...assess, feasibility: "feasible_with_conditions" },
    "conditions",
    "Write down the conditions.",
  ],
  [
    "assess: no verdict chosen",
    assessRequirementSchema,
    { ...assess, feasibility: "" },
    "feasibility",
    "Choose feasible, feasible with conditions or infeasible.",
  ],
  [
    "open: no statement",
    openReviewSchema,
    { ...open, statement: "" },
    "statement",
    "Say why the project is ready for this gate now.",
  ],
  [
    "sign: no decision",
    signOffFormSchema,
    { ...sign, decision: "" },
    "decision",
    "Choose approve, approve with conditions or request changes.",
  ],
  [
    "sign: 21 conditions",
    signOffFormSchema,
    { ...sign, conditions: Array.from({ length: 21 }, (_, i) => `Condition ${i + 1}`).join("\n") },
    "conditions",
    "Write at most 20 conditions.",
  ],
  [
    "sign: an impossible target date",
    signOffFormSchema,
    { ...sign, conditionTargetDate: "2027-02-30" },
    "conditionTargetDate",
    dateInputError("2027-02-30")!,
  ],
  [
    "sign: a negative effort",
    signOffFormSchema,
    { ...sign, conditionPrincipalDays: "-2" },
    "conditionPrincipalDays",
    "Enter 0 or more person-days.",
  ],
  [
    "attest: a link that is not http(s)",
    attestSchema,
    { ...attest, evidenceUrl: "ftp://files.example.com/x" },
    "evidenceUrl",
    "Give a link starting with http:// or https://, or leave it empty.",
  ],
  [
    "clear: a key that is no criterion's",
    clearAttestationSchema,
    { ...clear, key: "DROP TABLE" },
    "key",
    "Choose a criterion.",
  ],
  [
    "dismiss: no reason",
    dismissSchema,
    { ...dismiss, reason: "  " },
    "reason",
    "Say why the requested changes are not needed.",
  ],
  ["comment: an empty comment", commentSchema, { ...comment, body: "" }, "body", "Write a comment."],
  [
    "edit comment: no comment id",
    editCommentSchema,
    { ...editComment, commentId: "" },
    "commentId",
    "Choose a comment.",
  ],
  ["promote: no review", promoteSchema, { ...promote, reviewId: "" }, "reviewId", "Choose a gate review."],
  [
    "withdraw review: a note too long",
    withdrawReviewSchema,
    { ...withdrawReview, note: "n".repeat(1001) },
    "note",
    "Keep the note under 1000 characters.",
  ],
];

describe("a typical bad value: the browser says what the server says, by the same field", () => {
  it.each(cases)("%s", (_name, schema, form, field, message) => {
    expect(messagesOf(schema, form)[field]).toBe(message);
  });
});

describe("the overview's forms and the API's state change keep one set of rules", () => {
  // The API (app/api/route-table.server.ts) takes the same stop with `to`; the form sends the intent instead.
  const apiStop = { ...stop, to: "stopped", intent: undefined };

  it("a stop the form refuses, the API refuses with the same message by the same field", () => {
    const bad = { ...stop, openDebt: "write_off", writeOffReason: "" };
    const api = lifecycleChangeSchema.safeParse({ ...bad, to: "stopped", version: 3 });
    expect(api.success).toBe(false);
    const apiMessages = Object.fromEntries(api.error!.issues.map((i) => [i.path.join("."), i.message]));
    expect(messagesOf(stopFormSchema, bad)).toEqual(apiMessages);
  });

  it("the API's state change still needs `to`: hold, resume, retire and stop", () => {
    for (const to of ["on_hold", "active", "retired"]) {
      expect(lifecycleChangeSchema.safeParse({ to, version: "3" }).success).toBe(true);
    }
    expect(lifecycleChangeSchema.safeParse({ ...apiStop }).success).toBe(true);
    expect(lifecycleChangeSchema.safeParse({ version: "3" }).success).toBe(false);
  });
});
