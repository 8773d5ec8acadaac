/**
 * zod schemas shared by forms, the API and (later) the OpenAPI document. Messages are
 * written for the person filling in the form: they appear next to the field.
 */
import { z } from "zod";
import { DECISIONS, DISCIPLINES, FEASIBILITIES, PRIORITIES, REGISTERS, ROLES, STOP_CAUSES } from "../../db/schema";

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

export const stateChangeSchema = z.discriminatedUnion("to", [
  z.object({ to: z.literal("on_hold"), version: versionField }),
  z.object({ to: z.literal("active"), version: versionField }),
  z.object({ to: z.literal("retired"), version: versionField }),
  z.object({
    to: z.literal("stopped"),
    version: versionField,
    stopCause: z.enum(STOP_CAUSES, { error: "Choose why the project stopped." }),
    stopNote: z
      .string({ error: "Say in a sentence what happened." })
      .trim()
      .min(3, "Say in a sentence what happened.")
      .max(2000, "Keep the note under 2000 characters."),
  }),
]);

export const addMemberSchema = z.object({
  userId: idField("Choose a person."),
  discipline: disciplineField,
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

/** The sign-off form: conditions are written one per line and become debt items. */
export const signOffFormSchema = z
  .object({
    decision: z.enum(DECISIONS, { error: "Choose approve, approve with conditions or request changes." }),
    comment: optionalText(4000, "comment"),
    conditions: optionalText(4000, "conditions"),
    conditionRegister: z.enum(REGISTERS).default("technical"),
    conditionTargetDate: z.union([z.literal(""), isoDate]).optional().default(""),
    discipline: disciplineField.optional(),
  })
  .transform((v) => ({
    decision: v.decision,
    comment: v.comment,
    panel: v.discipline,
    conditions:
      v.decision === "approve_with_conditions"
        ? v.conditions
            .split(/\r?\n/)
            .map((line) => line.trim())
            .filter(Boolean)
            .map((title) => ({ title: title.slice(0, 200), register: v.conditionRegister, targetDate: v.conditionTargetDate || null }))
        : [],
  }));

export const attestSchema = z.object({
  key: z.string().min(1, "Choose a criterion."),
  note: optionalText(2000, "note"),
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
