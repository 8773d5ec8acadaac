/**
 * zod schemas shared by forms, the API and (later) the OpenAPI document. Messages are
 * written for the person filling in the form: they appear next to the field.
 */
import { z } from "zod";
import { DECISIONS, DISCIPLINES, FEASIBILITIES, PRIORITIES, REGISTERS, ROLES } from "../../db/schema";

import { PASSWORD_MIN } from "./limits";

export { PASSWORD_MIN };

export const nameField = z
  .string({ error: "Enter a name." })
  .trim()
  .min(1, "Enter a name.")
  .max(120, "Keep the name under 120 characters.");

export const emailField = z
  .string({ error: "Enter an e-mail address." })
  .trim()
  .min(1, "Enter an e-mail address.")
  .max(254, "That e-mail address is too long.")
  .pipe(z.email("Enter a valid e-mail address, like ada@example.com."))
  .transform((email) => email.toLowerCase());

export const passwordField = z
  .string({ error: "Enter a password." })
  .min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters.`)
  .max(256, "Use at most 256 characters.");

export const disciplineField = z.enum(DISCIPLINES, {
  error: "Choose business, data science or IT operations.",
});
export const roleField = z.enum(ROLES, { error: "Choose admin or member." });

export const setupSchema = z.object({
  name: nameField,
  email: emailField,
  password: passwordField,
  discipline: disciplineField.default("business"),
});

export const loginSchema = z.object({
  email: emailField,
  password: z.string({ error: "Enter your password." }).min(1, "Enter your password."),
});

export const newUserSchema = z.object({
  name: nameField,
  email: emailField,
  discipline: disciplineField,
  role: roleField,
  password: passwordField,
});

export const updateUserSchema = z.object({
  discipline: disciplineField,
  role: roleField,
  version: z.coerce.number().int().positive(),
});

export const profileSchema = z.object({ name: nameField });

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password."),
    newPassword: passwordField,
    confirmPassword: z.string(),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "The two new passwords differ.",
  });

// ---------- projects ----------

const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `Keep the ${label} under ${max} characters.`)
    .optional()
    .default("");

export const idField = (message: string) =>
  z.coerce.number({ error: message }).int(message).positive(message);

export const versionField = z.coerce.number().int().positive();

export const projectSchema = z.object({
  name: z
    .string({ error: "Enter a project name." })
    .trim()
    .min(2, "Enter a project name of at least 2 characters.")
    .max(120, "Keep the name under 120 characters."),
  summary: optionalText(500, "summary"),
  businessCase: optionalText(4000, "business case"),
  ownerId: idField("Choose an owner."),
});

/**
 * A seat on the team is the person's own discipline (docs/domain.md): `discipline` may be
 * omitted; when given it must be theirs, or the model refuses with a field error.
 */
export const addMemberSchema = z.object({
  userId: idField("Choose a person."),
  discipline: z
    .union([z.literal(""), disciplineField])
    .optional()
    .transform((v) => (v ? v : undefined)),
});

// ---------- requirements ----------
export const requirementSchema = z.object({
  title: z
    .string({ error: "Enter a title." })
    .trim()
    .min(3, "Enter a title of at least 3 characters.")
    .max(200, "Keep the title under 200 characters."),
  description: optionalText(4000, "description"),
  target: z
    .string({ error: "Enter a measurable target." })
    .trim()
    .min(2, "Enter a measurable target, such as “precision ≥ 0.8” or “warn 48 h ahead”.")
    .max(300, "Keep the target under 300 characters."),
  priority: z.enum(PRIORITIES, { error: "Choose must, should or could." }),
});

export const assessmentSchema = z
  .object({
    feasibility: z.enum(
      FEASIBILITIES.filter((f) => f !== "unassessed") as [
        "feasible",
        "feasible_with_conditions",
        "infeasible",
      ],
      { error: "Choose feasible, feasible with conditions or infeasible." },
    ),
    note: optionalText(2000, "note"),
    conditions: optionalText(2000, "conditions"),
    /** The verdict's own version, for the conflict check (the form sends it). */
    version: z.coerce.number({ error: "Reload the page and try again." }).int().positive().optional(),
  })
  .superRefine((value, ctx) => {
    if (value.feasibility === "feasible_with_conditions" && !value.conditions) {
      ctx.addIssue({ code: "custom", path: ["conditions"], message: "Write down the conditions." });
    }
    if (value.feasibility === "infeasible" && !value.conditions) {
      ctx.addIssue({ code: "custom", path: ["conditions"], message: "Say why it is infeasible." });
    }
  });

// ---------- gate reviews ----------
const isoDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date like 2027-03-31.")
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), "That date does not exist.");

export const dateField = isoDate;

export const MAX_CONDITIONS = 20;

/** The sign-off form's conditions: one per line, blank lines ignored. */
function conditionLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/** Person-days, optional in the form (empty = 0), 0 to 10,000. */
function estimateField(name: string) {
  return z
    .union([z.literal(""), z.coerce.number({ error: `Enter a number of person-days.` })])
    .optional()
    .transform((v) => (v === "" || v === undefined ? 0 : v))
    .pipe(
      z
        .number({ error: `Enter a number of person-days (${name}).` })
        .min(0, "Enter 0 or more person-days.")
        .max(10000, "Enter at most 10,000 person-days."),
    );
}

/** An optional http(s) link to evidence. */
export const evidenceUrlField = z
  .string()
  .trim()
  .max(2000, "Keep the link under 2000 characters.")
  .optional()
  .transform((v) => (v ? v : null))
  .refine((v) => v === null || /^https?:\/\/[^\s]+$/i.test(v), "Give a link starting with http:// or https://, or leave it empty.");

/** The sign-off form: conditions are written one per line and become debt items. */
export const signOffFormSchema = z
  .object({
    decision: z.enum(DECISIONS, { error: "Choose approve, approve with conditions or request changes." }),
    comment: optionalText(4000, "comment"),
    conditions: optionalText(4000, "conditions"),
    conditionRegister: z.enum(REGISTERS).default("technical"),
    conditionTargetDate: z.union([z.literal(""), isoDate]).optional().default(""),
    conditionPrincipalDays: estimateField("conditionPrincipalDays"),
    conditionInterestDays: estimateField("conditionInterestDays"),
    discipline: disciplineField.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.decision !== "approve_with_conditions") return;
    const lines = conditionLines(v.conditions);
    if (lines.length > MAX_CONDITIONS) {
      ctx.addIssue({ code: "custom", path: ["conditions"], message: `Write at most ${MAX_CONDITIONS} conditions.` });
    }
    if (lines.some((line) => line.length < 3 || line.length > 200)) {
      ctx.addIssue({ code: "custom", path: ["conditions"], message: "Write each condition in 3 to 200 characters." });
    }
  })
  .transform((v) => ({
    decision: v.decision,
    comment: v.comment,
    panel: v.discipline,
    conditions:
      v.decision === "approve_with_conditions"
        ? conditionLines(v.conditions).map((title) => ({
            title,
            register: v.conditionRegister,
            targetDate: v.conditionTargetDate || null,
            principalDays: v.conditionPrincipalDays,
            interestDays: v.conditionInterestDays,
          }))
        : [],
  }));

export const attestSchema = z.object({
  key: z.string().min(1, "Choose a criterion.").max(100, "Choose a criterion."),
  note: optionalText(2000, "note"),
  evidenceUrl: evidenceUrlField,
});

/** Opening a review: why now, in a sentence or two. */
export const openReviewSchema = z.object({
  statement: z
    .string({ error: "Say why the project is ready for this gate now." })
    .trim()
    .min(3, "Say why the project is ready for this gate now.")
    .max(1000, "Keep the statement under 1000 characters."),
});

/** The project owner dismisses a "changes requested": which one, and why. */
export const dismissSchema = z.object({
  signOffId: idField("Choose the request for changes to dismiss."),
  reason: z
    .string({ error: "Say why the requested changes are not needed." })
    .trim()
    .min(3, "Say why the requested changes are not needed.")
    .max(1000, "Keep the reason under 1000 characters."),
});

const commentBody = z
  .string({ error: "Write a comment." })
  .trim()
  .min(1, "Write a comment.")
  .max(4000, "Keep the comment under 4000 characters.");

/** A comment on a review, optionally a reply to one sign-off. */
export const commentSchema = z.object({
  body: commentBody,
  replyToSignOffId: z
    .union([z.literal(""), idField("Choose the sign-off to reply to.")])
    .optional()
    .transform((v) => (v === "" || v === undefined ? null : v)),
});

export const editCommentSchema = z.object({
  commentId: idField("Choose a comment."),
  body: commentBody,
  version: versionField,
});

/** Per gate: approvals each discipline needs. */
export const gatePolicySchema = z.object({
  requiredApprovals: z.coerce
    .number({ error: "Enter a number from 1 to 5." })
    .int("Enter a whole number from 1 to 5.")
    .min(1, "Each discipline needs at least 1 approval.")
    .max(5, "Ask for at most 5 approvals per discipline."),
  /** 0 while the gate still has the default (no policy row yet). */
  version: z.coerce.number().int().min(0),
});

export const templateSchema = z.object({
  label: z
    .string({ error: "Write the criterion." })
    .trim()
    .min(5, "Write the criterion as a sentence of at least 5 characters.")
    .max(300, "Keep it under 300 characters."),
  discipline: z.union([z.literal(""), disciplineField]).transform((v) => (v === "" ? null : v)),
});

// ---------- personal access tokens and webhooks ----------

/** `/settings/tokens` and `triad token:create`: a name and an optional last day of validity. */
export const newTokenSchema = z.object({
  name: z
    .string({ error: "Name the token, for example “CI pipeline”." })
    .trim()
    .min(1, "Name the token, for example “CI pipeline”.")
    .max(80, "Keep the name under 80 characters."),
  expiresOn: z
    .union([z.literal(""), isoDate])
    .optional()
    .transform((v) => v || null),
});

/** The events a webhook can subscribe to (DESIGN: gate decisions and debt). */
export const WEBHOOK_EVENTS = [
  "gate.review_opened",
  "gate.signoff",
  "project.promoted",
  "debt.created",
  "debt.overdue",
  "debt.repaid",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const webhookSchema = z.object({
  url: z
    .string({ error: "Enter the receiver's address." })
    .trim()
    .max(2000, "Keep the address under 2000 characters.")
    .pipe(z.url({ protocol: /^https?$/, error: "Enter a full address starting with https:// (or http://)." })),
  secret: z
    .string({ error: "Enter a secret." })
    .trim()
    .min(16, "Use a secret of at least 16 characters: the receiver checks signatures with it.")
    .max(256, "Keep the secret under 256 characters."),
  events: z
    .array(z.enum(WEBHOOK_EVENTS, { error: "Choose events from the list." }), { error: "Choose at least one event." })
    .min(1, "Choose at least one event."),
});
