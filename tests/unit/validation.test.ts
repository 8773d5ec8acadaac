/**
 * The building blocks of every form and API body (app/utils/validation.ts, forms.ts): free
 * text with a maximum length and no control characters, whole numbers and page numbers
 * parsed strictly, one date field, and forms refused when they carry a file or a field twice.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { apiRoutes } from "~/api/route-table.server";
import * as debtSchemas from "~/utils/debt-validation";
import { formShapeError, parseSubmission, readForm } from "~/utils/forms";
import * as lifecycleSchemas from "~/utils/lifecycle-validation";
import * as schemas from "~/utils/validation";
import {
  dateField,
  idField,
  LINE_CONTROL_MESSAGE,
  longText,
  newTokenSchema,
  optionalDateField,
  pageField,
  parsePageParam,
  signOffFormSchema,
  text,
  TEXT_CONTROL_MESSAGE,
  versionField,
  withdrawReviewSchema,
} from "~/utils/validation";

/** The distinct messages of a parse result ([] when it passed). */
const messages = (result: { success: boolean; error?: { issues: Array<{ message: string }> } }) =>
  result.success ? [] : [...new Set(result.error!.issues.map((i) => i.message))];

describe("text and longText", () => {
  const line = text(10, "title");
  const long = longText(20, "note");

  it("trims, and counts the length after trimming", () => {
    expect(line.parse("  ten chars!  ".trim())).toBe("ten chars!");
    expect(messages(line.safeParse("x".repeat(11)))).toEqual(["Keep the title under 10 characters."]);
  });

  it.each([
    ["NUL", "a\u0000b"],
    ["escape", "a\u001b[31m"],
    ["bell", "a\u0007"],
    ["DEL", "a\u007f"],
    ["C1 next line", "a\u0085b"],
    ["C1 CSI", "a\u009bb"],
    ["a lone surrogate", "a\ud800b"],
  ])("refuses %s in both", (_name, value) => {
    expect(messages(line.safeParse(value))).toEqual([LINE_CONTROL_MESSAGE]);
    expect(messages(long.safeParse(value))).toEqual([TEXT_CONTROL_MESSAGE]);
  });

  it("keeps line feeds and tabs in long text only, with CRLF and CR normalised to LF", () => {
    expect(long.parse("one\r\ntwo\rthree\tfour")).toBe("one\ntwo\nthree\tfour");
    expect(messages(line.safeParse("one\ntwo"))).toEqual([LINE_CONTROL_MESSAGE]);
    expect(messages(line.safeParse("one\ttwo"))).toEqual([LINE_CONTROL_MESSAGE]);
    expect(messages(line.safeParse("one\rtwo"))).toEqual([LINE_CONTROL_MESSAGE]);
  });

  it("counts a CRLF as one character, as the browser's maxlength does", () => {
    expect(long.safeParse(`${"x".repeat(9)}\r\n${"y".repeat(10)}`).success).toBe(true);
  });

  it("keeps ordinary Unicode: accents, emoji, right-to-left text", () => {
    expect(line.parse("Zoë 🚀 שלום")).toBe("Zoë 🚀 שלום");
  });
});

describe("whole numbers and ids: digits only, 1..2^53-1", () => {
  const id = idField("Choose a requirement.");
  it.each([
    ["7", 7],
    ["0042", 42],
    [7, 7],
    [String(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER],
  ])("accepts %j", (value, expected) => {
    expect(id.parse(value)).toBe(expected);
  });

  it.each([
    "",
    " 2",
    "2 ",
    "1e3",
    "0x10",
    "1.5",
    "-1",
    "+1",
    "0",
    "Infinity",
    "NaN",
    "9007199254740992",
    "1".repeat(17),
    1.5,
    0,
    -3,
    Infinity,
    NaN,
    null,
    undefined,
    true,
    {},
  ])("refuses %j with the field's message", (value) => {
    expect(messages(id.safeParse(value))).toEqual(["Choose a requirement."]);
  });

  it("versions are whole numbers too", () => {
    expect(versionField.parse("3")).toBe(3);
    expect(messages(versionField.safeParse("1e3"))).toEqual(["Reload the page and try again."]);
  });
});

describe("page numbers", () => {
  it.each([
    [null, 1],
    ["", 1],
    ["1", 1],
    ["250", 250],
    ["100000", 100_000],
  ])("parsePageParam(%j) is %j", (value, page) => {
    expect(parsePageParam(value)).toBe(page);
  });

  it.each(["1e20", "Infinity", "-1", "1.5", " 2", "0", "100001", "abc", "2 "])(
    "parsePageParam(%j) is null: the caller refuses it",
    (value) => {
      expect(parsePageParam(value)).toBeNull();
      expect(pageField.safeParse(value).success).toBe(false);
    },
  );
});

describe("dates: the domain's one rule in every date field", () => {
  it("refuses 2027-02-30 (Date.parse rolled it into March) and dates outside the range", () => {
    for (const value of ["2027-02-30", "2099-02-30", "1999-12-31", "3000-01-01", "2027-3-1"]) {
      expect(dateField.safeParse(value).success, value).toBe(false);
      expect(optionalDateField.safeParse(value).success, value).toBe(false);
    }
    expect(dateField.parse(" 2027-03-31 ")).toBe("2027-03-31");
  });

  it("an optional date is null when missing or blank", () => {
    for (const value of [undefined, null, "", "   "]) expect(optionalDateField.parse(value)).toBeNull();
  });

  it("the token form and the sign-off form refuse 2099-02-30 on their date field", () => {
    expect(newTokenSchema.safeParse({ name: "CI", expiresOn: "2099-02-30" }).error?.issues[0].path).toEqual([
      "expiresOn",
    ]);
    const signed = signOffFormSchema.safeParse({
      decision: "approve_with_conditions",
      conditions: "Write the runbook",
      conditionTargetDate: "2027-02-30",
    });
    expect(signed.error?.issues[0].path).toEqual(["conditionTargetDate"]);
  });
});

describe("the withdraw note", () => {
  it("is optional, at most 1000 characters, plain text", () => {
    expect(withdrawReviewSchema.parse({})).toEqual({ note: "" });
    expect(messages(withdrawReviewSchema.safeParse({ note: "x".repeat(1001) }))).toEqual([
      "Keep the note under 1000 characters.",
    ]);
    expect(messages(withdrawReviewSchema.safeParse({ note: "a\u0000" }))).toEqual([TEXT_CONTROL_MESSAGE]);
  });
});

/** String fields (JSON Schema) without a maximum length, with where they are. */
function unbounded(node: any, at: string, out: string[] = []): string[] {
  if (!node || typeof node !== "object") return out;
  const types = Array.isArray(node.type) ? node.type : [node.type];
  if (types.includes("string") && node.enum === undefined && node.const === undefined && node.maxLength === undefined)
    out.push(at);
  for (const [key, child] of Object.entries(node.properties ?? {})) unbounded(child, `${at}.${key}`, out);
  for (const key of ["anyOf", "oneOf", "allOf"])
    (node[key] ?? []).forEach((child: unknown, i: number) => unbounded(child, `${at}|${i}`, out));
  if (node.items) unbounded(node.items, `${at}[]`, out);
  return out;
}

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });

describe("every string has a maximum length", () => {
  it("in every API body and query string", () => {
    const found = Object.entries(apiRoutes).flatMap(([name, route]) => [
      ...("body" in route && route.body ? unbounded(jsonSchema(route.body), `${name} body`) : []),
      ...("query" in route && route.query ? unbounded(jsonSchema(route.query), `${name} query`) : []),
    ]);
    expect(found).toEqual([]);
  });

  it("in every form schema", () => {
    const all = { ...schemas, ...debtSchemas, ...lifecycleSchemas } as Record<string, unknown>;
    const found = Object.entries(all).flatMap(([name, schema]) =>
      schema instanceof z.ZodType ? unbounded(jsonSchema(schema), name) : [],
    );
    expect(found).toEqual([]);
  });
});

describe("forms: no files, each single-value field once", () => {
  const schema = z.object({
    requirementId: idField("Choose a requirement."),
    events: z.array(z.string()).optional(),
  });

  it("refuses a file part, wherever it is", () => {
    const form = new FormData();
    form.append("requirementId", new File(["1"], "id.txt"));
    form.append("requirementId", "2");
    expect(formShapeError(form)).toEqual({ field: "form", message: "This form takes no files." });
  });

  it("refuses a single-value field sent twice, but not a list field", () => {
    const twice = new FormData();
    twice.append("requirementId", "1");
    twice.append("requirementId", "2");
    expect(formShapeError(twice)).toEqual({ field: "requirementId", message: expect.stringMatching(/more than once/) });
    const list = new FormData();
    list.append("requirementId", "1");
    list.append("events[]", "a");
    list.append("events[]", "b");
    expect(formShapeError(list)).toBeNull();
    // A list field named `events[]` reaches the schema as the array `events`.
    const parsed = parseSubmission(list, schema);
    expect(parsed.status).toBe("success");
    expect(parsed.status === "success" && parsed.value).toEqual({ requirementId: 1, events: ["a", "b"] });
  });

  it("readForm throws a 400 for either, and hands back a clean form", async () => {
    const post = (form: FormData) => new Request("http://triad.test/x", { method: "POST", body: form });
    const withFile = new FormData();
    withFile.append("name", new File(["x"], "x.txt"));
    const refused = await readForm(post(withFile)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Response);
    expect((refused as Response).status).toBe(400);
    expect(await (refused as Response).text()).toBe("This form takes no files.");
    const twice = new FormData();
    twice.append("intent", "a");
    twice.append("intent", "b");
    expect(((await readForm(post(twice)).catch((e: unknown) => e)) as Response).status).toBe(400);
    const fine = new FormData();
    fine.append("intent", "create");
    expect((await readForm(post(fine))).get("intent")).toBe("create");
  });

  it("readForm refuses Conform's own control fields with a 400 before anything parses them", async () => {
    for (const field of ["__intent__", "__state__"]) {
      const form = new FormData();
      form.append("intent", "create");
      form.append(field, "nonsense{");
      const refused = await readForm(new Request("http://triad.test/x", { method: "POST", body: form })).catch(
        (e: unknown) => e,
      );
      expect((refused as Response).status, field).toBe(400);
      expect(await (refused as Response).text()).toMatch(/not sent by Triad's page/);
    }
  });
});
