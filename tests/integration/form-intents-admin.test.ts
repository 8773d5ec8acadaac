/**
 * The forms of sign-in and first run, a person's own account, tokens and notifications, and
 * the admin pages (people, gate checklists, e-mail, webhooks), with Conform (docs/architecture.md,
 * "Forms"). Each action with intents reaches one handler per intent and answers an unknown or
 * missing intent with a 400 that changes nothing; each refusal is Conform's result: the message
 * next to the field the page shows it by (or above the form), the values that were sent (never
 * a password, secret or token) and the intent, so only the form that sent it shows it. Where
 * the schema refuses, the browser gives the same message with the same schema.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { NOTIFICATION_CATEGORIES } from "~/domain/notifications";
import { getGatePolicy, listTemplates } from "~/models/gate-templates.server";
import { timeZones } from "~/models/notifications-read.server";
import { createToken } from "~/models/tokens.server";
import { createWebhook } from "~/models/webhooks.server";
import * as accountRoute from "~/routes/account";
import * as settingsRoute from "~/routes/account_.notifications";
import * as gatesRoute from "~/routes/admin.gates";
import * as mailRoute from "~/routes/admin.mail";
import * as webhooksRoute from "~/routes/admin.webhooks";
import * as loginRoute from "~/routes/login";
import * as notificationsRoute from "~/routes/notifications";
import * as personRoute from "~/routes/people.$userId";
import * as newPersonRoute from "~/routes/people.new";
import * as setupRoute from "~/routes/setup";
import * as tokensRoute from "~/routes/settings.tokens";
import {
  accessSchema,
  addAttestationSchema,
  addWebhookSchema,
  approvalsSchema,
  changePasswordFormSchema,
  confirmPasswordSchema,
  createTokenSchema,
  retryMailSchema,
  revokeTokenSchema,
  templateIdSchema,
  timingsSchema,
  updateAttestationSchema,
  webhookStatusSchema,
} from "~/utils/admin-validation";
import { resultFor } from "~/utils/forms";
import { markReadSchema, preferencesFormSchema } from "~/utils/notification-validation";
import { SUDO_WINDOW_MS } from "~/utils/sudo.server";
import { loginSchema, newUserSchema, profileSchema, setupSchema } from "~/utils/validation";
import { activitySince, lastActivityId, resetDatabase, sqlite } from "../support/database";
import {
  browserSays,
  expectRefusal,
  expectUnknownIntentRefused,
  snapshotTables,
  unknownIntentCases,
  withIntent,
  type IntentRefusal,
} from "../support/form-intents";
import type { Form } from "../support/form-schemas";
import { callAction, refusalOf } from "../support/requests";
import { createAdmin, createTestUser, signInAs, type TestUser } from "../support/users";

type Who = "admin" | "member" | "stale";
let people: Record<"admin" | "member", TestUser>;
let cookies: Record<Who, string>;
let tokenId: number;
let webhook: { id: number; version: number };
let pilotFirst: { id: number; version: number; kind: string };

const SECRET = "a shared secret of enough characters";

beforeAll(async () => {
  resetDatabase();
  people = {
    admin: await createAdmin({ name: "Ada Admin", discipline: "business" }),
    member: await createTestUser({ name: "Mia Member", discipline: "data_science" }),
  };
  cookies = {
    admin: signInAs(people.admin),
    member: signInAs(people.member),
    // A session whose password was proved 11 minutes ago: sudo mode asks again.
    stale: signInAs(people.member, Date.now() - SUDO_WINDOW_MS - 60_000),
  };
  tokenId = createToken({ actor: null, userId: people.member.id, name: "Pipeline", expiresOn: null }).row.id;
  const actor = { ...people.admin, via: "web" as const };
  const hook = createWebhook({
    actor,
    url: "https://hooks.example.com/triad",
    secret: SECRET,
    events: ["debt.created"],
    format: "triad",
  });
  const { version } = sqlite().prepare("select version from webhooks where id = ?").get(hook.id) as { version: number };
  webhook = { id: hook.id, version };
  const [first] = listTemplates("pilot");
  pilotFirst = { id: first.id, version: first.version, kind: first.kind };
});

type Page =
  | "login"
  | "account"
  | "tokens"
  | "settings"
  | "notifications"
  | "newPerson"
  | "person"
  | "gates"
  | "mail"
  | "webhooks";

const ROUTES: Record<Page, { action: (args: ActionFunctionArgs) => unknown; path: string; as: Who | null }> = {
  login: { action: loginRoute.action, path: "/login", as: null },
  account: { action: accountRoute.action, path: "/account", as: "member" },
  tokens: { action: tokensRoute.action, path: "/settings/tokens", as: "member" },
  settings: { action: settingsRoute.action, path: "/account/notifications", as: "member" },
  notifications: { action: notificationsRoute.action, path: "/notifications", as: "member" },
  newPerson: { action: newPersonRoute.action, path: "/people/new", as: "admin" },
  person: { action: personRoute.action, path: "/people/:id", as: "admin" },
  gates: { action: gatesRoute.action, path: "/admin/gates", as: "admin" },
  mail: { action: mailRoute.action, path: "/admin/mail", as: "admin" },
  webhooks: { action: webhooksRoute.action, path: "/admin/webhooks", as: "admin" },
};

function post(page: Page, form: Form, as?: Who) {
  const { action, path } = ROUTES[page];
  const who = as ?? ROUTES[page].as;
  const userId = String(page === "person" ? people.member.id : "");
  return callAction(action, path.replace(":id", userId), {
    params: page === "person" ? { userId } : {},
    cookie: who ? cookies[who] : null,
    form,
  });
}

const SECRET_FIELDS = /password|secret|token/i;

describe("an unknown or missing intent is a 400 and changes nothing", () => {
  /** A form that would be valid for some handler of the page: only the intent is wrong. */
  const forms: Record<"account" | "tokens" | "notifications" | "person" | "gates" | "mail" | "webhooks", () => Form> = {
    account: () => ({ name: "Mia Renamed" }),
    tokens: () => ({ name: "CI", expiresOn: "", tokenId: String(tokenId) }),
    notifications: () => ({ id: "1" }),
    person: () => ({ discipline: "it", role: "member", version: "1" }),
    gates: () => ({ stage: "pilot", templateId: String(pilotFirst.id), requiredApprovals: "2", version: "0" }),
    mail: () => ({ mailId: "1" }),
    webhooks: () => ({ webhookId: String(webhook.id), version: String(webhook.version) }),
  };
  const cases = (Object.keys(forms) as Array<keyof typeof forms>).flatMap((page) =>
    unknownIntentCases(page, page, [["another page's intent", page === "account" ? "create" : "profile"]]),
  );

  it.each(cases)("%s", async (_name, page, intent) => {
    const form = withIntent(intent, forms[page]());
    await expectUnknownIntentRefused(() => post(page, form));
  });

  it("the admin pages check the permission first: a member gets 403 whatever the intent", async () => {
    const before = snapshotTables();
    for (const page of ["person", "gates", "mail", "webhooks"] as const) {
      for (const intent of ["delete", "add"]) {
        const result = await post(page, { intent }, "member");
        expect(result, `${page} ${intent}`).toMatchObject({ status: 403, thrown: true });
      }
    }
    expect(snapshotTables()).toEqual(before);
  });
});

type Refusal = IntentRefusal<Page> & { as?: Who; status: 400 | 401 | 403 | 409 };

const passwordForm = (form: Form = {}): Form => ({
  intent: "password",
  currentPassword: people.member.password,
  newPassword: "a much longer new password",
  confirmPassword: "a much longer new password",
  revokeAll: "yes",
  ...form,
});
const allModes = (override: Form = {}): Form => ({
  ...Object.fromEntries(NOTIFICATION_CATEGORIES.map((c) => [c, "immediate"])),
  comment: "digest",
  timeZone: "Europe/Berlin",
  digestHour: "7",
  ...override,
});
const webhookForm = (form: Form = {}): Form => ({
  intent: "add",
  url: "https://hooks.example.com/other",
  secret: SECRET,
  format: "slack",
  "events[]": ["debt.created", "debt.overdue"],
  ...form,
});
const templateForm = (intent: string): Form => ({ intent, templateId: String(pilotFirst.id) });

const refusals: Refusal[] = [
  // ---- sign-in (one form, no intent)
  {
    name: "sign in: no e-mail",
    page: "login",
    form: () => ({ email: "", password: "whatever it is", redirectTo: "/people" }),
    status: 400,
    field: "email",
    message: "Enter an e-mail address.",
    schema: loginSchema,
  },
  {
    name: "sign in: a wrong password",
    page: "login",
    form: () => ({ email: people.member.email, password: "not the password at all", redirectTo: "/" }),
    status: 401,
    field: "form",
    message: "That e-mail and password do not match an account.",
  },
  // ---- the account page
  {
    name: "profile: a blank name",
    page: "account",
    form: () => ({ intent: "profile", name: "   " }),
    status: 400,
    field: "name",
    message: "Enter a name.",
    schema: profileSchema,
  },
  {
    name: "password: the repeat differs",
    page: "account",
    form: () => passwordForm({ confirmPassword: "a much longer new passwort" }),
    status: 400,
    field: "confirmPassword",
    message: "The two new passwords differ.",
    schema: changePasswordFormSchema,
  },
  {
    name: "password: a wrong current password",
    page: "account",
    form: () => passwordForm({ currentPassword: "not my password at all" }),
    status: 400,
    field: "currentPassword",
    message: "That is not your current password.",
  },
  // ---- API tokens, and the password prompt of sudo mode
  {
    name: "create token: no name",
    page: "tokens",
    form: () => ({ intent: "create", name: " ", expiresOn: "" }),
    status: 400,
    field: "name",
    message: "Name the token, for example “CI pipeline”.",
    schema: createTokenSchema,
  },
  {
    name: "create token: a day in the past",
    page: "tokens",
    form: () => ({ intent: "create", name: "Old", expiresOn: "2001-01-01" }),
    status: 400,
    field: "expiresOn",
    message: /after today/,
  },
  {
    name: "revoke token: not an id",
    page: "tokens",
    form: () => ({ intent: "revoke", tokenId: "x" }),
    status: 400,
    field: "tokenId",
    message: "Choose a token.",
    schema: revokeTokenSchema,
  },
  {
    name: "create token, password asked: an empty password",
    page: "tokens",
    as: "stale",
    form: () => ({ intent: "create", name: "Nightly", expiresOn: "", currentPassword: "" }),
    status: 400,
    field: "currentPassword",
    message: "Enter your current password.",
    schema: confirmPasswordSchema,
  },
  {
    name: "revoke token, password asked: a wrong password",
    page: "tokens",
    as: "stale",
    form: () => ({ intent: "revoke", tokenId: String(tokenId), currentPassword: "not my password at all" }),
    status: 400,
    field: "currentPassword",
    message: "That is not your current password.",
  },
  // ---- notification settings (one form, no intent) and the list
  {
    name: "settings: an hour of 24",
    page: "settings",
    form: () => allModes({ digestHour: "24" }),
    status: 400,
    field: "digestHour",
    message: "Choose an hour from 0 to 23.",
    schema: preferencesFormSchema(timeZones()),
  },
  {
    name: "settings: a zone not on the list",
    page: "settings",
    form: () => allModes({ timeZone: "Mars/Olympus_Mons" }),
    status: 400,
    field: "timeZone",
    message: "Choose a time zone from the list, such as Europe/Berlin or UTC.",
    schema: preferencesFormSchema(timeZones()),
  },
  {
    name: "mark read: not an id",
    page: "notifications",
    form: () => ({ intent: "read", id: "1.5" }),
    status: 400,
    field: "id",
    message: "Choose a notification from the list.",
    schema: markReadSchema,
  },
  // ---- people
  {
    name: "new person: not an e-mail address",
    page: "newPerson",
    form: () => ({
      name: "Grace",
      email: "grace",
      discipline: "it",
      role: "member",
      password: "a long enough password",
    }),
    status: 400,
    field: "email",
    message: "Enter a valid e-mail address, like ada@example.com.",
    schema: newUserSchema,
  },
  {
    name: "access: no version",
    page: "person",
    form: () => ({ intent: "access", discipline: "it", role: "member", version: "" }),
    status: 400,
    field: "version",
    message: "Reload the page and try again.",
    schema: accessSchema,
  },
  {
    name: "access: a stale version",
    page: "person",
    form: () => ({ intent: "access", discipline: "business", role: "admin", version: "99" }),
    status: 409,
    field: "form",
    message: /was changed by someone else since you opened the page/,
  },
  {
    name: "reactivate: the person is active",
    page: "person",
    form: () => ({ intent: "reactivate" }),
    status: 409,
    field: "form",
    message: "Mia Member is already active.",
  },
  // ---- gate checklists
  {
    name: "add criterion: too short",
    page: "gates",
    form: () => ({ intent: "add", stage: "production", label: "Ok.", discipline: "it" }),
    status: 400,
    field: "label",
    message: "Write the criterion as a sentence of at least 5 characters.",
    schema: addAttestationSchema,
  },
  {
    name: "update criterion: no text",
    page: "gates",
    form: () => ({
      intent: "update",
      templateId: String(pilotFirst.id),
      version: String(pilotFirst.version),
      label: "",
      discipline: "",
    }),
    status: 400,
    field: "label",
    message: "Write the criterion as a sentence of at least 5 characters.",
    schema: updateAttestationSchema,
  },
  {
    name: "approvals: more than 5",
    page: "gates",
    form: () => ({ intent: "approvals", stage: "production", version: "0", requiredApprovals: "9" }),
    status: 400,
    field: "requiredApprovals",
    message: "Ask for at most 5 approvals per discipline.",
    schema: approvalsSchema,
  },
  {
    name: "timings: escalating before the reminder",
    page: "gates",
    form: () => ({ intent: "timings", stage: "pilot", version: "0", remindAfterDays: "7", escalateAfterDays: "3" }),
    status: 400,
    field: "escalateAfterDays",
    message: "Escalate later than the first reminder: enter more days than for the reminder.",
    schema: timingsSchema,
  },
  {
    name: "move up: the first criterion",
    page: "gates",
    form: () => templateForm("up"),
    status: 409,
    field: "form",
    message: "It is already at the top.",
  },
  {
    name: "move down: not an id",
    page: "gates",
    form: () => ({ intent: "down", templateId: "0x10" }),
    status: 400,
    field: "templateId",
    message: "Choose a criterion.",
    schema: templateIdSchema,
  },
  {
    name: "restore: not an id",
    page: "gates",
    form: () => ({ intent: "activate", templateId: "" }),
    status: 400,
    field: "templateId",
    message: "Choose a criterion.",
    schema: templateIdSchema,
  },
  {
    name: "retire: not an id",
    page: "gates",
    form: () => ({ intent: "deactivate", templateId: "-1" }),
    status: 400,
    field: "templateId",
    message: "Choose a criterion.",
    schema: templateIdSchema,
  },
  // ---- e-mail and webhooks
  {
    name: "retry mail: not an id",
    page: "mail",
    form: () => ({ intent: "retry", mailId: "1e3" }),
    status: 400,
    field: "mailId",
    message: "Choose a mail to retry.",
    schema: retryMailSchema,
  },
  {
    name: "add webhook: a short secret",
    page: "webhooks",
    form: () => webhookForm({ secret: "short" }),
    status: 400,
    field: "secret",
    message: "Use a secret of at least 16 characters: the receiver checks signatures with it.",
    schema: addWebhookSchema,
  },
  {
    name: "add webhook: no event",
    page: "webhooks",
    form: () => webhookForm({ "events[]": [] }),
    status: 400,
    field: "events",
    message: "Choose at least one event.",
    schema: addWebhookSchema,
  },
  {
    name: "deactivate webhook: no version",
    page: "webhooks",
    form: () => ({ intent: "deactivate", webhookId: String(webhook.id), version: "" }),
    status: 400,
    field: "version",
    message: "Reload the page and try again.",
    schema: webhookStatusSchema,
  },
  {
    name: "reactivate webhook: not an id",
    page: "webhooks",
    form: () => ({ intent: "reactivate", webhookId: "x", version: String(webhook.version) }),
    status: 400,
    field: "webhookId",
    message: "Choose a webhook.",
    schema: webhookStatusSchema,
  },
];

describe("each intent's refusal: the message by its field, the values sent, the intent", () => {
  it.each(refusals.map((r) => [r.name, r] as const))("%s", async (_name, refusal) => {
    await expectRefusal(refusal, (form) => post(refusal.page, form, refusal.as), {
      intents: ["add", "update"],
      // Never a password, secret or token comes back to refill the form.
      secretFields: SECRET_FIELDS,
      onlyThatField: true,
      // A failed sign-in is logged on purpose; nothing else may change.
      changesNothing: refusal.page !== "login",
    });
  });

  it("a refused row says which row it was about, so only that row's form shows it", async () => {
    const approvals = await post("gates", {
      intent: "approvals",
      stage: "production",
      version: "0",
      requiredApprovals: "0",
    });
    expect(resultFor(approvals.data, "approvals")?.initialValue).toMatchObject({ stage: "production" });
    const moved = await post("gates", templateForm("up"));
    expect(resultFor(moved.data, "up")?.initialValue).toMatchObject({ templateId: String(pilotFirst.id) });
    const mail = await post("mail", { intent: "retry", mailId: "x" });
    expect(resultFor(mail.data, "retry")?.initialValue).toMatchObject({ mailId: "x" });
    const hook = await post("webhooks", { intent: "reactivate", webhookId: String(webhook.id), version: "" });
    expect(resultFor(hook.data, "reactivate")?.initialValue).toMatchObject({ webhookId: String(webhook.id) });
    const read = await post("notifications", { intent: "read", id: "0" });
    expect(resultFor(read.data, "read")?.initialValue).toMatchObject({ id: "0" });
  });
});

describe("sudo mode's prompt is a refusal like the others", () => {
  it("asks for the password with 403, a Conform result with nothing to show by a field, and what to post again", async () => {
    const before = snapshotTables();
    const asked = await post("tokens", { intent: "revoke", tokenId: String(tokenId) }, "stale");
    expect(asked.status).toBe(403);
    expect(asked.data.status).toBe("error");
    expect(refusalOf(asked.data)).toEqual({ fieldErrors: {}, formError: undefined });
    expect(asked.data.sudo).toEqual({
      intent: "revoke",
      pending: [
        { name: "intent", value: "revoke" },
        { name: "tokenId", value: String(tokenId) },
      ],
    });
    expect(snapshotTables()).toEqual(before);
  });
});

describe("the forms still do their work, one activity row each", () => {
  const done = async (page: Page, form: Form, as?: Who) => {
    const since = lastActivityId();
    const result = await post(page, form, as);
    expect(result.status, JSON.stringify(result.data)).toBe(302);
    return activitySince(since).map((a) => a.action);
  };

  it("tokens: the password prompt, then the token created with the password", async () => {
    const asked = await post("tokens", { intent: "create", name: "Nightly", expiresOn: "" }, "stale");
    expect(asked.status).toBe(403);
    const form = Object.fromEntries(
      (asked.data.sudo.pending as Array<{ name: string; value: string }>).map((f) => [f.name, f.value]),
    );
    const created = await post("tokens", { ...form, currentPassword: people.member.password }, "stale");
    expect(created.status).toBe(200);
    expect(created.data.created.name).toBe("Nightly");
  });

  it("gate checklists: approvals, reminders, a criterion added, reworded, moved, retired and restored", async () => {
    expect(
      await done("gates", { intent: "approvals", stage: "production", version: "0", requiredApprovals: "2" }),
    ).toHaveLength(1);
    expect(getGatePolicy("production").requiredApprovals).toBe(2);
    const version = String(getGatePolicy("pilot").version);
    expect(
      await done("gates", { intent: "timings", stage: "pilot", version, remindAfterDays: "2", escalateAfterDays: "4" }),
    ).toHaveLength(1);
    expect(getGatePolicy("pilot")).toMatchObject({ remindAfterDays: 2, escalateAfterDays: 4 });

    const label = "The works council was informed.";
    expect(await done("gates", { intent: "add", stage: "pilot", label, discipline: "business" })).toHaveLength(1);
    const added = listTemplates("pilot").find((t) => t.label === label)!;
    const reworded = "The works council agreed.";
    const update = { intent: "update", templateId: String(added.id), version: String(added.version) };
    expect(await done("gates", { ...update, label: reworded, discipline: "" })).toHaveLength(1);
    expect(listTemplates("pilot").find((t) => t.id === added.id)).toMatchObject({ label: reworded, discipline: null });

    const position = () => listTemplates("pilot").findIndex((t) => t.id === added.id);
    const last = position();
    expect(await done("gates", { intent: "up", templateId: String(added.id) })).toHaveLength(1);
    expect(position()).toBe(last - 1);
    expect(await done("gates", { intent: "down", templateId: String(added.id) })).toHaveLength(1);
    expect(position()).toBe(last);
    expect(await done("gates", { intent: "deactivate", templateId: String(added.id) })).toHaveLength(1);
    expect(await done("gates", { intent: "activate", templateId: String(added.id) })).toHaveLength(1);
    expect(listTemplates("pilot").find((t) => t.id === added.id)!.active).toBe(true);
  });

  it("people: a person deactivated, then reactivated; a new person added", async () => {
    expect(await done("person", { intent: "deactivate" })).toEqual(["user.deactivated"]);
    expect(await done("person", { intent: "reactivate" })).toEqual(["user.reactivated"]);
    const added = await done("newPerson", {
      name: "Grace",
      email: "grace@example.com",
      discipline: "it",
      role: "member",
      password: "a long enough password",
    });
    expect(added).toEqual(["user.created"]);
  });

  it("webhooks: one added with its ticked events, deactivated and reactivated", async () => {
    expect(await done("webhooks", webhookForm())).toHaveLength(1);
    const row = sqlite().prepare("select * from webhooks order by id desc limit 1").get() as {
      id: number;
      version: number;
      format: string;
      events: string;
    };
    expect(row.format).toBe("slack");
    expect(JSON.stringify(row.events)).toMatch(/debt\.created.*debt\.overdue/);
    const hook = { webhookId: String(row.id), version: String(row.version) };
    expect(await done("webhooks", { intent: "deactivate", ...hook })).toHaveLength(1);
    const version = (sqlite().prepare("select version from webhooks where id = ?").get(row.id) as { version: number })
      .version;
    expect(await done("webhooks", { intent: "reactivate", ...hook, version: String(version) })).toHaveLength(1);
  });
});

describe("first run (one form, no intent), on an empty database", () => {
  beforeAll(() => {
    resetDatabase();
  });

  it("refuses a short password next to the field, keeps the rest, never the password", async () => {
    const form = { name: "Ada", email: "ada@example.com", discipline: "it", password: "short" };
    const before = snapshotTables();
    const result = await callAction(setupRoute.action, "/setup", { form });
    expect(result.status).toBe(400);
    expect(snapshotTables()).toEqual(before);
    expect(resultFor(result.data, "")).toBe(result.data);
    expect(refusalOf(result.data).fieldErrors).toEqual({ password: "Use at least 12 characters." });
    expect(result.data.initialValue).toEqual({ name: "Ada", email: "ada@example.com", discipline: "it" });
    expect(browserSays(setupSchema, form, "password")).toBe("Use at least 12 characters.");
  });
});
