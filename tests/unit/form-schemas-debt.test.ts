/**
 * The debt pages' form schemas (app/utils/debt-validation.ts) validate in the browser with the
 * same call the action makes (parseSubmission): for a typical bad value each gives the message
 * the server gives, next to the same field, and none refuses what the server accepts. The
 * status rules are the domain's (validateStatusChange), so the browser and the model agree.
 */
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { validateStatusChange } from "~/domain/debt";
import { dateInputError, utcDate } from "~/domain/dates";
import {
  debtDetailsSchema,
  debtPlanSchema,
  debtStatusFormSchema,
  editStepSchema,
  newDebtItemSchema,
  repaymentStepSchema,
  stepActionSchema,
} from "~/utils/debt-validation";

import { messagesOf } from "../support/form-schemas";

type Form = Record<string, string>;

const item: Form = {
  intent: "create",
  register: "technical",
  title: "Hard-coded sensor join",
  description: "A notebook cell with constants.",
  category: "hard_coded_logic",
  benefit: "Results for the committee.",
  stageIncurred: "poc",
  severity: "high",
  principalDays: "2,5",
  interestDays: "",
  ownerId: "",
};
const details: Form = { ...item, intent: "details", version: "3" };
const plan: Form = {
  intent: "plan",
  version: "3",
  strategy: "Pipeline.",
  targetDate: "2099-12-31",
  repayBeforeStage: "",
};
const step: Form = { intent: "add-step", version: "3", title: "Write the join in SQL", ownerId: "", dueDate: "" };
const editStep: Form = { ...step, intent: "edit-step", stepId: "7" };
const stepAction: Form = { intent: "step-done", version: "3", stepId: "7" };
const status: Form = { intent: "status", version: "3", to: "repaying", note: "", justification: "", reviewDate: "" };

const schemas: Array<[string, z.ZodType, Form]> = [
  ["newDebtItemSchema (Log debt item)", newDebtItemSchema, item],
  ["debtDetailsSchema (Edit details)", debtDetailsSchema, details],
  ["debtPlanSchema (Repayment plan)", debtPlanSchema, plan],
  ["repaymentStepSchema (Add step)", repaymentStepSchema, step],
  ["editStepSchema (Edit step)", editStepSchema, editStep],
  ["stepActionSchema (a step's buttons)", stepActionSchema, stepAction],
  ["debtStatusFormSchema (status forms)", debtStatusFormSchema, status],
];

describe("a valid form passes in the browser, as on the server", () => {
  it.each(schemas)("%s", (_name, schema, form) => {
    expect(messagesOf(schema, form)).toEqual({});
  });
});

const soon = "2999-01-01";

/** [schema, form as sent, the field, the server's message for it]. */
const cases: Array<[string, z.ZodType, Form, string, string]> = [
  [
    "a title of two letters",
    newDebtItemSchema,
    { ...item, title: "ab" },
    "title",
    "Enter a title of at least 3 characters.",
  ],
  [
    "a category of the other register",
    newDebtItemSchema,
    { ...item, category: "data_access" },
    "category",
    "Choose one of the technical register's categories.",
  ],
  [
    "no register",
    newDebtItemSchema,
    { ...item, register: "" },
    "register",
    "Choose the technical or organizational register.",
  ],
  [
    "a principal in words",
    debtDetailsSchema,
    { ...details, principalDays: "lots" },
    "principalDays",
    "Enter the principal as a number of person-days, like 3 or 2.5.",
  ],
  [
    "a negative interest",
    debtDetailsSchema,
    { ...details, interestDays: "-1" },
    "interestDays",
    "The interest cannot be negative.",
  ],
  ["no version", debtDetailsSchema, { ...details, version: "" }, "version", "Reload the page and try again."],
  [
    "an impossible target date",
    debtPlanSchema,
    { ...plan, targetDate: "2027-02-30" },
    "targetDate",
    dateInputError("2027-02-30")!,
  ],
  [
    "a repay-before stage of PoC",
    debtPlanSchema,
    { ...plan, repayBeforeStage: "poc" },
    "repayBeforeStage",
    "Choose pilot or production.",
  ],
  [
    "a step of two letters",
    repaymentStepSchema,
    { ...step, title: "ab" },
    "title",
    "Enter what the step does, in at least 3 characters.",
  ],
  [
    "an owner id in words",
    repaymentStepSchema,
    { ...step, ownerId: "me" },
    "ownerId",
    "Choose an owner from the project's members.",
  ],
  ["no step to edit", editStepSchema, { ...editStep, stepId: "" }, "stepId", "No such step."],
  ["a step id in words", stepActionSchema, { ...stepAction, stepId: "first" }, "stepId", "No such step."],
  ["an unknown status", debtStatusFormSchema, { ...status, to: "forgotten" }, "to", "Choose a status."],
];

describe("a typical bad value: the browser says what the server says, by the same field", () => {
  it.each(cases)("%s", (_name, schema, form, field, message) => {
    expect(messagesOf(schema, form)[field]).toBe(message);
  });
});

describe("the status forms follow the domain's rules (validateStatusChange), as the model does", () => {
  const today = utcDate(Date.now());
  const changes: Array<[string, Form]> = [
    ["repaid without a note", { ...status, to: "repaid", note: "  " }],
    ["accepted without a justification or review date", { ...status, to: "accepted" }],
    ["accepted with a review date today", { ...status, to: "accepted", justification: "Kept.", reviewDate: today }],
    [
      "accepted with a review date in the past",
      { ...status, to: "accepted", justification: "Kept.", reviewDate: "2001-01-01" },
    ],
    ["accepted, all given", { ...status, to: "accepted", justification: "Kept on purpose.", reviewDate: soon }],
    ["repaid with a note", { ...status, to: "repaid", note: "Runs nightly." }],
    ["reopened without a note", { ...status, to: "open" }],
  ];

  it.each(changes)("%s", (_name, form) => {
    const domain = validateStatusChange(
      { to: form.to as "repaid", note: form.note, justification: form.justification, reviewDate: form.reviewDate },
      today,
    );
    expect(messagesOf(debtStatusFormSchema, form)).toEqual(domain);
  });

  it("says in words what each refusal needs", () => {
    expect(messagesOf(debtStatusFormSchema, { ...status, to: "repaid" })).toEqual({
      note: "Say how the debt was repaid.",
    });
    expect(messagesOf(debtStatusFormSchema, { ...status, to: "accepted" })).toEqual({
      justification: "Explain why this debt is kept on purpose.",
      reviewDate: "Choose a date to review this decision.",
    });
  });
});
