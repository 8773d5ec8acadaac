/**
 * The form schemas of sign-in and first run, the account page, API tokens and sudo mode's
 * password prompt, notifications, and the admin pages (people, gate checklists, e-mail,
 * webhooks) validate in the browser with the same call the action makes (parseSubmission): a
 * valid form passes, and for a typical bad value each gives the message the server gives, next
 * to the same field. Where the model checks the same rule, the message is the domain's
 * (app/domain/reminders.ts, app/domain/notifications.ts), so the browser, the action and the
 * model agree.
 */
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { DATE_FORMAT_MESSAGE } from "~/domain/dates";
import { DIGEST_HOUR_MESSAGE, MODE_MESSAGE, NOTIFICATION_CATEGORIES, TIME_ZONE_MESSAGE } from "~/domain/notifications";
import { gateTimingsError } from "~/domain/reminders";
import {
  accessSchema,
  addAttestationSchema,
  addWebhookSchema,
  approvalsSchema,
  changePasswordFormSchema,
  confirmPasswordSchema,
  createTokenSchema,
  personStatusSchema,
  retryMailSchema,
  revokeTokenSchema,
  templateIdSchema,
  timingsSchema,
  updateAttestationSchema,
  webhookStatusSchema,
} from "~/utils/admin-validation";
import { parseSubmission } from "~/utils/forms";
import { markAllReadSchema, markReadSchema, preferencesFormSchema } from "~/utils/notification-validation";
import { loginSchema, newUserSchema, profileSchema, setupSchema } from "~/utils/validation";

import { formDataOf, messagesOf, type Form } from "../support/form-schemas";

/** The server's zone list, as the settings page's loader sends it to the browser. */
const ZONES = ["UTC", "Europe/Berlin", "America/New_York"];
const preferences = preferencesFormSchema(ZONES);

// ---------- valid forms, as each page sends them ----------

const login: Form = { email: "Ada@Example.com", password: "anything at all", redirectTo: "/projects" };
const setup: Form = { name: "Ada", email: "ada@example.com", discipline: "it", password: "a long enough password" };
const profile: Form = { intent: "profile", name: "Ada Lovelace" };
const password: Form = {
  intent: "password",
  currentPassword: "the old one",
  newPassword: "a much longer new password",
  confirmPassword: "a much longer new password",
  revokeAll: "yes",
};
const createToken: Form = { intent: "create", name: "CI pipeline", expiresOn: "" };
const revokeToken: Form = { intent: "revoke", tokenId: "4" };
const confirmPassword: Form = { intent: "create", name: "CI pipeline", expiresOn: "", currentPassword: "mine" };
const settings: Form = {
  ...Object.fromEntries(NOTIFICATION_CATEGORIES.map((c) => [c, "immediate"])),
  comment: "digest",
  escalation: "in_app",
  timeZone: "Europe/Berlin",
  digestHour: "7",
};
const markRead: Form = { intent: "read", id: "12" };
const newPerson: Form = {
  name: "Grace",
  email: "grace@example.com",
  discipline: "it",
  role: "member",
  password: "a long enough password",
};
const access: Form = { intent: "access", discipline: "it", role: "admin", version: "3" };
const confirmedAccess: Form = { ...access, confirmed: "true" };
const addCriterion: Form = { intent: "add", stage: "pilot", label: "The works council was informed.", discipline: "" };
const updateCriterion: Form = {
  intent: "update",
  templateId: "8",
  version: "1",
  label: "The works council agreed.",
  discipline: "business",
};
const approvals: Form = { intent: "approvals", stage: "production", version: "0", requiredApprovals: "2" };
const timings: Form = {
  intent: "timings",
  stage: "pilot",
  version: "2",
  remindAfterDays: "3",
  escalateAfterDays: "10",
};
const moveUp: Form = { intent: "up", templateId: "8" };
const retry: Form = { intent: "retry", mailId: "31" };
const webhook: Form = {
  intent: "add",
  url: "https://hooks.example.com/triad",
  secret: "a shared secret of enough characters",
  format: "slack",
  "events[]": ["debt.created"],
};
const hookStatus: Form = { intent: "deactivate", webhookId: "2", version: "1" };

const schemas: Array<[string, z.ZodType, Form]> = [
  ["loginSchema (Sign in)", loginSchema, login],
  ["setupSchema (Create admin and sign in)", setupSchema, setup],
  ["profileSchema (Save name)", profileSchema, profile],
  ["changePasswordFormSchema (Change password)", changePasswordFormSchema, password],
  ["createTokenSchema (Create token)", createTokenSchema, createToken],
  ["createTokenSchema, without expiry", createTokenSchema, { ...createToken, noExpiry: "yes" }],
  ["revokeTokenSchema (Yes, revoke)", revokeTokenSchema, revokeToken],
  ["confirmPasswordSchema (Confirm and create the token)", confirmPasswordSchema, confirmPassword],
  ["preferencesFormSchema (Save notification settings)", preferences, settings],
  ["markReadSchema (Mark read)", markReadSchema, markRead],
  ["markAllReadSchema (Mark all read)", markAllReadSchema, { intent: "read-all" }],
  ["newUserSchema (Add person)", newUserSchema, newPerson],
  ["accessSchema (Save discipline and role)", accessSchema, access],
  ["accessSchema (Yes, change discipline)", accessSchema, confirmedAccess],
  ["personStatusSchema (Yes, deactivate; Reactivate)", personStatusSchema, { intent: "deactivate" }],
  ["addAttestationSchema (Add criterion)", addAttestationSchema, addCriterion],
  ["updateAttestationSchema (Save criterion)", updateAttestationSchema, updateCriterion],
  ["approvalsSchema (Save approvals)", approvalsSchema, approvals],
  ["timingsSchema (Save reminders)", timingsSchema, timings],
  ["templateIdSchema (Move up, Move down, Retire, Restore)", templateIdSchema, moveUp],
  ["retryMailSchema (Retry now)", retryMailSchema, retry],
  ["addWebhookSchema (Add webhook)", addWebhookSchema, webhook],
  ["webhookStatusSchema (Yes, deactivate; Reactivate)", webhookStatusSchema, hookStatus],
];

describe("a valid form passes in the browser, as on the server", () => {
  it.each(schemas)("%s", (_name, schema, form) => {
    expect(messagesOf(schema, form)).toEqual({});
  });

  it("a webhook's ticked boxes (`events[]`) arrive as the list `events`; no format means Triad JSON", () => {
    const submission = parseSubmission(
      formDataOf({ ...webhook, format: [], "events[]": ["debt.created", "debt.overdue"] }),
      addWebhookSchema,
    );
    expect(submission.status).toBe("success");
    expect(submission.status === "success" && submission.value).toMatchObject({
      events: ["debt.created", "debt.overdue"],
      format: "triad",
    });
  });
});

// ---------- a typical bad value per form: the server's message, by the same field ----------

const RELOAD = "Reload the page and try again.";
const DAYS = "Enter a whole number of days from 1 to 60.";

/** [what is wrong, schema, form as sent, the field, the server's message for it]. */
const cases: Array<[string, z.ZodType, Form, string, string]> = [
  ["sign in: no e-mail", loginSchema, { ...login, email: "" }, "email", "Enter an e-mail address."],
  ["sign in: no password", loginSchema, { ...login, password: "" }, "password", "Enter your password."],
  ["setup: a short password", setupSchema, { ...setup, password: "short" }, "password", "Use at least 12 characters."],
  [
    "setup: an unknown discipline",
    setupSchema,
    { ...setup, discipline: "marketing" },
    "discipline",
    "Choose business, data science or IT operations.",
  ],
  ["profile: a blank name", profileSchema, { ...profile, name: "  " }, "name", "Enter a name."],
  [
    "password: no current password",
    changePasswordFormSchema,
    { ...password, currentPassword: "" },
    "currentPassword",
    "Enter your current password.",
  ],
  [
    "password: the repeat differs",
    changePasswordFormSchema,
    { ...password, confirmPassword: "something else entirely" },
    "confirmPassword",
    "The two new passwords differ.",
  ],
  [
    "password: a revoke box that is not a box",
    changePasswordFormSchema,
    { ...password, revokeAll: "all" },
    "revokeAll",
    "Tick the box or leave it empty.",
  ],
  [
    "token: no name",
    createTokenSchema,
    { ...createToken, name: " " },
    "name",
    "Name the token, for example “CI pipeline”.",
  ],
  [
    "token: an impossible day",
    createTokenSchema,
    { ...createToken, expiresOn: "2099-02-30" },
    "expiresOn",
    DATE_FORMAT_MESSAGE,
  ],
  ["revoke: not an id", revokeTokenSchema, { ...revokeToken, tokenId: "1e3" }, "tokenId", "Choose a token."],
  [
    "password prompt: an empty password",
    confirmPasswordSchema,
    { ...confirmPassword, currentPassword: "" },
    "currentPassword",
    "Enter your current password.",
  ],
  ["settings: an hour of 24", preferences, { ...settings, digestHour: "24" }, "digestHour", DIGEST_HOUR_MESSAGE],
  ["settings: an unknown mode", preferences, { ...settings, comment: "sms" }, "comment", MODE_MESSAGE],
  [
    "settings: a zone the server does not offer",
    preferences,
    { ...settings, timeZone: "Mars/Olympus_Mons" },
    "timeZone",
    TIME_ZONE_MESSAGE,
  ],
  ["mark read: not an id", markReadSchema, { ...markRead, id: "0" }, "id", "Choose a notification from the list."],
  [
    "new person: not an e-mail address",
    newUserSchema,
    { ...newPerson, email: "grace" },
    "email",
    "Enter a valid e-mail address, like ada@example.com.",
  ],
  ["new person: an unknown role", newUserSchema, { ...newPerson, role: "owner" }, "role", "Choose admin or member."],
  ["access: no version", accessSchema, { ...access, version: "" }, "version", RELOAD],
  [
    "access: a confirmation in other words",
    accessSchema,
    { ...confirmedAccess, confirmed: "yes" },
    "confirmed",
    "Confirm the change with its button.",
  ],
  [
    "add criterion: too short",
    addAttestationSchema,
    { ...addCriterion, label: "Ok." },
    "label",
    "Write the criterion as a sentence of at least 5 characters.",
  ],
  [
    "add criterion: an unknown gate",
    addAttestationSchema,
    { ...addCriterion, stage: "poc" },
    "stage",
    "Choose the gate to pilot or to production.",
  ],
  [
    "update criterion: a version in words",
    updateAttestationSchema,
    { ...updateCriterion, version: "v1" },
    "version",
    RELOAD,
  ],
  [
    "approvals: more than 5",
    approvalsSchema,
    { ...approvals, requiredApprovals: "9" },
    "requiredApprovals",
    "Ask for at most 5 approvals per discipline.",
  ],
  [
    "approvals: none",
    approvalsSchema,
    { ...approvals, requiredApprovals: "0" },
    "requiredApprovals",
    "Each discipline needs at least 1 approval.",
  ],
  ["timings: 61 days", timingsSchema, { ...timings, remindAfterDays: "61" }, "remindAfterDays", DAYS],
  [
    "timings: escalating with the reminder (the domain's rule, as the model checks it)",
    timingsSchema,
    { ...timings, remindAfterDays: "5", escalateAfterDays: "5" },
    "escalateAfterDays",
    gateTimingsError({ remindAfterDays: 5, escalateAfterDays: 5 })!.escalateAfterDays!,
  ],
  ["move: not an id", templateIdSchema, { ...moveUp, templateId: "x" }, "templateId", "Choose a criterion."],
  ["retry: not an id", retryMailSchema, { ...retry, mailId: "1.5" }, "mailId", "Choose a mail to retry."],
  [
    "webhook: not a web address",
    addWebhookSchema,
    { ...webhook, url: "ftp://files.example.com" },
    "url",
    "Enter a full address starting with https:// (or http://).",
  ],
  [
    "webhook: a short secret",
    addWebhookSchema,
    { ...webhook, secret: "short" },
    "secret",
    "Use a secret of at least 16 characters: the receiver checks signatures with it.",
  ],
  [
    "webhook: no event ticked",
    addWebhookSchema,
    { ...webhook, "events[]": [] },
    "events",
    "Choose at least one event.",
  ],
  [
    "webhook: an unknown event",
    addWebhookSchema,
    { ...webhook, "events[]": ["debt.burned"] },
    "events[0]",
    "Choose events from the list.",
  ],
  [
    "webhook: an unknown format",
    addWebhookSchema,
    { ...webhook, format: "teams" },
    "format",
    "Choose Triad JSON or Slack-compatible.",
  ],
  ["webhook status: no version", webhookStatusSchema, { ...hookStatus, version: "" }, "version", RELOAD],
];

describe("a typical bad value: the browser gives the server's message, by the same field", () => {
  it.each(cases)("%s", (_name, schema, form, field, message) => {
    expect(messagesOf(schema, form)[field]).toBe(message);
  });
});
