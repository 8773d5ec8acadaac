/**
 * The checks the form-intent tests (tests/integration/form-intents-*.test.ts) share: an action
 * with intents answers an unknown or missing intent with a 400 that changes nothing, and each
 * refusal is Conform's result: the message next to the field the page shows it by (or above
 * the form), the values that were sent (to refill the form) and the intent (so only the form
 * that sent it shows it). Where the schema refuses, the browser gives the same message with the
 * same schema before anything is sent.
 */
import { expect } from "vitest";
import type { z } from "zod";
import { parseSubmission, resultFor } from "~/utils/forms";
import { sqlite } from "./database";
import { formDataOf, type Form } from "./form-schemas";
import { refusalOf, type RouteResult } from "./requests";

/**
 * Every row of every table but the sessions (signing in touches those): take one before an
 * action and compare it with one after to prove the action changed nothing.
 */
export function snapshotTables() {
  const names = (
    sqlite()
      .prepare(
        "select name from pragma_table_list where schema = 'main' and type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%'",
      )
      .all() as { name: string }[]
  )
    .map((t) => t.name)
    .filter((name) => name !== "sessions");
  return Object.fromEntries(
    names.map((name) => [name, sqlite().prepare(`select * from "${name}" order by rowid`).all()]),
  );
}

/** What the browser says about the form with the same schema, before sending it ("form": above the form). */
export function browserSays(schema: z.ZodType, form: Form, field: string): string | undefined {
  const submission = parseSubmission(formDataOf(form), schema);
  if (submission.status !== "error") return undefined;
  return (field === "form" ? submission.error?.[""] : submission.error?.[field])?.[0];
}

/** One case of the unknown-intent table: the test's name, the page, and the intent sent (undefined: none). */
export type UnknownIntentCase<Page extends string> = [name: string, page: Page, intent: string | undefined];

/**
 * The intents no handler of `page` takes: none, an unknown one and an empty one, then `more`
 * (another page's intent, say), each named "`label`, what it is".
 */
export function unknownIntentCases<Page extends string>(
  label: string,
  page: Page,
  more: Array<[description: string, intent: string]>,
  noIntent = "no intent",
): UnknownIntentCase<Page>[] {
  return [
    [`${label}, ${noIntent}`, page, undefined],
    [`${label}, an unknown intent`, page, "delete"],
    [`${label}, an empty intent`, page, ""],
    ...more.map(([description, intent]): UnknownIntentCase<Page> => [`${label}, ${description}`, page, intent]),
  ];
}

/** The form with `intent` in front of the other fields, or without one when `intent` is undefined. */
export function withIntent<F extends Form>(intent: string | undefined, fields: F): F {
  return { ...(intent === undefined ? {} : { intent }), ...fields };
}

/** Sends a form with a wrong intent and checks the page answers with a thrown 400 that changes nothing. */
export async function expectUnknownIntentRefused(send: () => Promise<RouteResult>): Promise<void> {
  const before = snapshotTables();
  const result = await send();
  expect(result).toMatchObject({ status: 400, thrown: true });
  expect(result.data).toMatch(/This page cannot do .*Use one of its buttons\./);
  expect(snapshotTables()).toEqual(before);
}

/** A form the page refuses, and how: each test file adds who sends it, and where. */
export type IntentRefusal<Page extends string, F extends Form = Form> = {
  name: string;
  page: Page;
  /** The form as sent (functions read the current versions and ids). */
  form: () => F;
  status: number;
  /** The field the message shows next to, or "form" for the message above the form. */
  field: string;
  message: string | RegExp;
  /** The schema the page's form validates with in the browser: it gives the same message. */
  schema?: z.ZodType;
};

export type RefusalChecks = {
  /** Two intents of the page: the result must not be for the one that was not sent. */
  intents: [string, string];
  /** Fields whose values never come back (passwords, secrets, tokens): the rest refill the form. */
  secretFields?: RegExp;
  /** Whether only the refused field is marked (a refusal above the form marks none by itself). */
  onlyThatField?: boolean;
  /** Whether to check that the refusal changed nothing (false where it is logged on purpose). */
  changesNothing?: boolean;
};

/**
 * Sends the refusal's form and checks the answer: the status (not thrown), nothing changed,
 * Conform's result for this intent only ("" on the pages with one form), the message by its
 * field, every value sent back to refill the form, and the browser's same message.
 */
export async function expectRefusal<F extends Form>(
  refusal: IntentRefusal<string, F>,
  send: (form: F) => Promise<RouteResult>,
  { intents: [one, other], secretFields, onlyThatField = false, changesNothing = true }: RefusalChecks,
): Promise<void> {
  const form = refusal.form();
  const before = snapshotTables();
  const result = await send(form);
  expect(result.status).toBe(refusal.status);
  expect(result.thrown).toBe(false);
  if (changesNothing) expect(snapshotTables()).toEqual(before);

  // Conform's result, for the form of this intent only.
  const intent = typeof form.intent === "string" ? form.intent : "";
  expect(result.data.status).toBe("error");
  expect(resultFor(result.data, intent)).toBe(result.data);
  expect(resultFor(result.data, intent === one ? other : one)).toBeUndefined();

  const { fieldErrors, formError } = refusalOf(result.data);
  if (onlyThatField && refusal.field !== "form") expect(Object.keys(fieldErrors)).toEqual([refusal.field]);
  const said = refusal.field === "form" ? formError : fieldErrors[refusal.field];
  if (typeof refusal.message === "string") expect(said).toBe(refusal.message);
  else expect(said).toMatch(refusal.message);

  // Every value sent comes back to refill the form (a list field by its name without "[]").
  for (const [key, value] of Object.entries(form)) {
    const name = key.replace(/\[\]$/, "");
    if (secretFields?.test(name)) expect(result.data.initialValue, key).not.toHaveProperty(name);
    else if (Array.isArray(value)) {
      if (value.length) expect(result.data.initialValue[name], key).toEqual(value);
    } else if (value.trim() !== "") expect(result.data.initialValue[name], key).toBe(value);
  }

  // The browser, with the same schema, says the same before anything is sent.
  if (refusal.schema) expect(browserSays(refusal.schema, form, refusal.field)).toBe(said);
}
