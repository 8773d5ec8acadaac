/**
 * zod schemas shared by forms, the API and (later) the OpenAPI document. Messages are
 * written for the person filling in the form: they appear next to the field.
 */
import { z } from "zod";
import {
  DECISIONS,
  DISCIPLINES,
  FEASIBILITIES,
  PRIORITIES,
  REGISTERS,
  ROLES,
  WEBHOOK_EVENTS,
} from "~/domain/vocabulary";
import { dateInputError, DATE_FORMAT_MESSAGE } from "~/domain/dates";

import { MAX_PAGE, PASSWORD_MAX, PASSWORD_MIN } from "~/domain/limits";

export { MAX_PAGE, PASSWORD_MIN };

// ---------- building blocks: free text, whole numbers, dates ----------
//
// Every free-text field of every form and API body is built with `text` (one line) or
// `longText` (a textarea), so each has a maximum length and refuses control characters,
// the same in the form and in the API (whose bodies are these schemas).

/** C0 controls (NUL, escape...), DEL and C1 controls; one-line text refuses tab and line breaks too. */
const CONTROLS_IN_LINE = /[\u0000-\u001f\u007f-\u009f]/;
/** Long text keeps tab and line feed (a carriage return is normalised away before this check). */
const CONTROLS_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
/** Half a UTF-16 surrogate pair on its own is not text (JSON can carry one as "\ud800"). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const LINE_CONTROL_MESSAGE =
  "Write this on one line of plain text: no line breaks, tabs or control characters such as NUL.";
export const TEXT_CONTROL_MESSAGE = "Remove the control characters (such as NUL or escape codes) from this text.";

const tooLong = (max: number, label: string) => `Keep the ${label} under ${max} characters.`;

/**
 * One line of free text (a name, a title, a search): trimmed, at most `max` characters, no
 * line breaks, tabs or control characters. `missing` is the message when the field is not
 * sent at all; chain `.min(n, message)` for a required field.
 */
export function text(max: number, label: string, missing?: string) {
  return z
    .string(missing ? { error: missing } : undefined)
    .trim()
    .max(max, tooLong(max, label))
    .refine((v) => !CONTROLS_IN_LINE.test(v) && !LONE_SURROGATE.test(v), LINE_CONTROL_MESSAGE);
}

/**
 * Free text of several lines (a textarea): line breaks as `\n` (a browser's `\r\n` is
 * normalised before counting), trimmed, at most `max` characters; tab and line feed are the
 * only control characters it keeps.
 */
export function longText(max: number, label: string, missing?: string) {
  return z
    .string(missing ? { error: missing } : undefined)
    .overwrite((v) => v.replace(/\r\n?/g, "\n"))
    .trim()
    .max(max, tooLong(max, label))
    .refine((v) => !CONTROLS_IN_TEXT.test(v) && !LONE_SURROGATE.test(v), TEXT_CONTROL_MESSAGE);
}

/** An optional one-line field: missing is "". */
export const optionalText = (max: number, label: string) => text(max, label).optional().default("");
/** An optional textarea: missing is "". */
export const optionalLongText = (max: number, label: string) => longText(max, label).optional().default("");

/** Digits only: no sign, exponent, fraction, spaces or hex ("1e3", " 2", "0x10" are refused). */
const DIGITS = /^\d{1,16}$/;

/**
 * A whole number from `min` to `max` (at most 2^53-1), as a form or query string posts it
 * (digits only) or as JSON sends it (an integer). Parsed once, strictly: anything else is `message`.
 */
export function wholeNumber(message: string, min = 1, max = Number.MAX_SAFE_INTEGER) {
  const value = z.int(message).min(min, message).max(max, message);
  return z.union([value, z.string(message).max(16, message).regex(DIGITS, message).transform(Number).pipe(value)], {
    error: message,
  });
}

/** A row id (1..2^53-1) posted by a form or sent in a body. */
export const idField = (message: string) => wholeNumber(message, 1);

/** The version a form or body was read at, for the conflict check. */
export const versionField = wholeNumber("Reload the page and try again.", 1);

/**
 * A page number from a query string: digits only, 1..MAX_PAGE; missing or empty is page 1.
 * Null for anything else ("1e20", "Infinity", "-1", "1.5", " 2"), for the caller to refuse.
 */
export function parsePageParam(value: string | null | undefined): number | null {
  if (value == null || value === "") return 1;
  if (!DIGITS.test(value)) return null;
  const page = Number(value);
  return page >= 1 && page <= MAX_PAGE ? page : null;
}

export const PAGE_MESSAGE = `Pages are numbered with whole numbers from 1 to ${MAX_PAGE.toLocaleString("en")}.`;

/** What a search box takes (the lists' `q`): one line of at most 100 characters. */
export const searchField = text(100, "search");

/** A page number field (query strings parsed with zod), as parsePageParam. */
export const pageField = z
  .string({ error: PAGE_MESSAGE })
  .max(16, PAGE_MESSAGE)
  .regex(DIGITS, PAGE_MESSAGE)
  .transform(Number)
  .pipe(z.int(PAGE_MESSAGE).min(1, PAGE_MESSAGE).max(MAX_PAGE, PAGE_MESSAGE));

/**
 * A calendar date `YYYY-MM-DD` a person entered: a real day (2027-02-30 is refused) within
 * the app's range. The one rule is the domain's dateInputError (app/domain/dates.ts).
 */
export const dateField = z
  .string({ error: DATE_FORMAT_MESSAGE })
  .trim()
  .max(10, DATE_FORMAT_MESSAGE)
  .regex(/^\d{4}-\d{2}-\d{2}$/, DATE_FORMAT_MESSAGE)
  .superRefine(checkDate);

/** An optional date: missing, null or blank is null. */
export const optionalDateField = z
  .string({ error: DATE_FORMAT_MESSAGE })
  .trim()
  .max(10, DATE_FORMAT_MESSAGE)
  .superRefine((value, ctx) => {
    if (value !== "") checkDate(value, ctx);
  })
  .nullable()
  .optional()
  .transform((v) => v || null);

function checkDate(value: string, ctx: z.RefinementCtx) {
  const problem = dateInputError(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
}

// ---------- people ----------

export const nameField = text(120, "name", "Enter a name.").min(1, "Enter a name.");

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
  .max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters.`);

/** A password typed to prove who one is: any length a password can have. */
const enteredPassword = (message: string) =>
  z.string({ error: message }).min(1, message).max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters.`);

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
  password: enteredPassword("Enter your password."),
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
  version: versionField,
});

export const profileSchema = z.object({ name: nameField });

export const changePasswordSchema = z
  .object({
    currentPassword: enteredPassword("Enter your current password."),
    newPassword: passwordField,
    confirmPassword: z.string().max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters.`),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "The two new passwords differ.",
  });

// ---------- projects ----------

export const projectSchema = z.object({
  name: text(120, "name", "Enter a project name.").min(2, "Enter a project name of at least 2 characters."),
  summary: optionalText(500, "summary"),
  businessCase: optionalLongText(4000, "business case"),
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
  title: text(200, "title", "Enter a title.").min(3, "Enter a title of at least 3 characters."),
  description: optionalLongText(4000, "description"),
  target: text(300, "target", "Enter a measurable target.").min(
    2,
    "Enter a measurable target, such as “precision ≥ 0.8” or “warn 48 h ahead”.",
  ),
  priority: z.enum(PRIORITIES, { error: "Choose must, should or could." }),
});

export const assessmentSchema = z
  .object({
    feasibility: z.enum(
      FEASIBILITIES.filter((f) => f !== "unassessed") as ["feasible", "feasible_with_conditions", "infeasible"],
      { error: "Choose feasible, feasible with conditions or infeasible." },
    ),
    note: optionalLongText(2000, "note"),
    conditions: optionalLongText(2000, "conditions"),
    /** The verdict's own version, for the conflict check (the form sends it). */
    version: versionField.optional(),
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

export const MAX_CONDITIONS = 20;
/** Each condition of a sign-off becomes a debt item's title: 3 to this many characters. */
export const MAX_CONDITION_LENGTH = 200;

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
export const evidenceUrlField = text(2000, "link")
  .optional()
  .transform((v) => (v ? v : null))
  .refine(
    (v) => v === null || /^https?:\/\/[^\s]+$/i.test(v),
    "Give a link starting with http:// or https://, or leave it empty.",
  );

/** The sign-off form: conditions are written one per line and become debt items. */
export const signOffFormSchema = z
  .object({
    decision: z.enum(DECISIONS, { error: "Choose approve, approve with conditions or request changes." }),
    comment: optionalLongText(4000, "comment"),
    conditions: optionalLongText(4000, "conditions"),
    conditionRegister: z.enum(REGISTERS).default("technical"),
    conditionTargetDate: optionalDateField,
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
    if (lines.some((line) => line.length < 3 || line.length > MAX_CONDITION_LENGTH)) {
      ctx.addIssue({
        code: "custom",
        path: ["conditions"],
        message: `Write each condition in 3 to ${MAX_CONDITION_LENGTH} characters.`,
      });
    }
    if (lines.some((line) => line.includes("\t"))) {
      ctx.addIssue({
        code: "custom",
        path: ["conditions"],
        message: "Write each condition as plain text, without tabs.",
      });
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
            targetDate: v.conditionTargetDate,
            principalDays: v.conditionPrincipalDays,
            interestDays: v.conditionInterestDays,
          }))
        : [],
  }));

/** A criterion's key, as gate templates make them (app/models/gate-templates.server.ts). */
export const criterionKeyField = z
  .string({ error: "Choose a criterion." })
  .min(1, "Choose a criterion.")
  .max(100, "Choose a criterion.")
  .regex(/^[a-z0-9_]+$/, "Choose a criterion.");

export const attestSchema = z.object({
  key: criterionKeyField,
  note: optionalLongText(2000, "note"),
  evidenceUrl: evidenceUrlField,
});

/** Opening a review: why now, in a sentence or two. */
export const openReviewSchema = z.object({
  statement: longText(1000, "statement", "Say why the project is ready for this gate now.").min(
    3,
    "Say why the project is ready for this gate now.",
  ),
});

/** Withdrawing an open review, with an optional note (the gate page and the API). */
export const withdrawReviewSchema = z.object({
  note: optionalLongText(1000, "note"),
});

/** The project owner dismisses a "changes requested": which one, and why. */
export const dismissSchema = z.object({
  signOffId: idField("Choose the request for changes to dismiss."),
  reason: longText(1000, "reason", "Say why the requested changes are not needed.").min(
    3,
    "Say why the requested changes are not needed.",
  ),
});

const commentBody = longText(4000, "comment", "Write a comment.").min(1, "Write a comment.");

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
  version: wholeNumber("Reload the page and try again.", 0),
});

export const templateSchema = z.object({
  label: text(300, "criterion", "Write the criterion.").min(
    5,
    "Write the criterion as a sentence of at least 5 characters.",
  ),
  discipline: z.union([z.literal(""), disciplineField]).transform((v) => (v === "" ? null : v)),
});

// ---------- personal access tokens and webhooks ----------

/** `/settings/tokens` and `triad token:create`: a name and an optional last day of validity. */
export const newTokenSchema = z.object({
  name: text(80, "name", "Name the token, for example “CI pipeline”.").min(
    1,
    "Name the token, for example “CI pipeline”.",
  ),
  expiresOn: optionalDateField,
});

export const webhookSchema = z.object({
  url: text(2000, "address", "Enter the receiver's address.").pipe(
    z.url({ protocol: /^https?$/, error: "Enter a full address starting with https:// (or http://)." }),
  ),
  secret: text(256, "secret", "Enter a secret.").min(
    16,
    "Use a secret of at least 16 characters: the receiver checks signatures with it.",
  ),
  events: z
    .array(z.enum(WEBHOOK_EVENTS, { error: "Choose events from the list." }), { error: "Choose at least one event." })
    .min(1, "Choose at least one event."),
});
