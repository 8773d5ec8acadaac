/**
 * Importing a spreadsheet register (issue 17, item 6; docs/domain.md "Importing a spreadsheet
 * register"), through the real route action with multipart bodies as a browser sends them:
 * upload (file or pasted text) -> match the columns -> preview with per-row errors -> import
 * the valid rows in one transaction, each with its activity row, the others reported.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { BOM } from "~/lib/csv.server";
import { addMember } from "~/models/team.server";
import { setUserActive } from "~/models/users.server";
import { importDebtItems } from "~/models/debt/import.server";
import * as csvRoute from "~/routes/debt[.]csv";
import * as importRoute from "~/routes/projects.$slug.debt_.import";
import * as templateRoute from "~/routes/projects.$slug.debt_.import_.template[.]csv";
import { newDebtItemSchema } from "~/utils/debt-validation";
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS } from "~/utils/debt-import";
import { parseSubmission } from "~/utils/forms";
import { countRows, resetDatabase, sqlite } from "../support/database";
import { callLoader, ORIGIN, refusalOf, settle, testContext } from "../support/requests";
import { createAdmin, createTestUser, signInAs } from "../support/users";
import { actorOf, createDebtWorld, toastOf, type DebtWorld } from "./debt-support";

let world: DebtWorld;

beforeEach(async () => {
  resetDatabase();
  world = await createDebtWorld("Spreadsheet line");
});

const path = () => `/projects/${world.project.slug}/debt/import`;

type Part = string | { file: string | Uint8Array; name?: string; type?: string };

/** POSTs a multipart form to the import action, as the page's forms do. */
function post(fields: Record<string, Part>, cookie = world.cookies.scientist) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === "string") form.append(key, value);
    else
      form.append(
        key,
        new Blob([value.file as BlobPart], { type: value.type ?? "text/csv" }),
        value.name ?? "register.csv",
      );
  }
  const request = new Request(new URL(path(), ORIGIN), {
    method: "POST",
    body: form,
    headers: { Cookie: cookie, Origin: ORIGIN },
  });
  return settle(() => importRoute.action({ request, params: { slug: world.project.slug }, context: testContext }));
}

type MapStep = {
  step: "map";
  state: {
    csv: string;
    mapping: Record<string, string>;
    defaults: Record<string, string>;
    header: string[];
    rowCount: number;
    register: string;
    fileName: string;
  };
};
type PreviewStep = MapStep & {
  preview: {
    total: number;
    valid: number;
    invalid: Array<{ line: number; title: string; problems: Array<{ field: string; message: string }> }>;
    importKey: string;
  };
};

/** The fields steps 2 and 3 send back: the carried text and the choices. */
function carried(state: MapStep["state"], extra: Record<string, string> = {}) {
  const fields: Record<string, string> = { register: state.register, csv: state.csv, fileName: state.fileName };
  for (const [k, v] of Object.entries(state.mapping)) fields[`map.${k}`] = v;
  for (const [k, v] of Object.entries(state.defaults)) fields[`defaults.${k}`] = v;
  return { ...fields, ...extra };
}

async function uploadFile(text: string | Uint8Array, register = "technical", name = "register.csv") {
  const result = await post({ intent: "upload", register, file: { file: text, name }, pasted: "" });
  expect(result.status, JSON.stringify(result.data).slice(0, 500)).toBe(200);
  return result.data as MapStep;
}

async function previewOf(map: MapStep, changes: Record<string, string> = {}) {
  const result = await post({ intent: "preview", ...carried(map.state, changes) });
  expect(result.status, JSON.stringify(result.data).slice(0, 500)).toBe(200);
  return result.data as PreviewStep;
}

async function importPreview(p: PreviewStep) {
  return post({ intent: "import", ...carried(p.state), importKey: p.preview.importKey });
}

/** Upload, keep the guessed columns, preview, import: the report's id. */
async function importAll(text: string, register = "technical") {
  const p = await previewOf(await uploadFile(text, register));
  const done = await importPreview(p);
  expect(done.status).toBe(302);
  return { preview: p, done, reportId: Number(new URL(done.location!, ORIGIN).searchParams.get("report")) };
}

const items = () =>
  sqlite().prepare("select * from debt_items where project_id = ? order by id").all(world.project.id) as Array<{
    id: number;
    title: string;
    description: string;
    category: string;
    severity: string;
    owner_id: number | null;
    principal_days: number;
    interest_days: number;
    stage_incurred: string;
    target_date: string | null;
    strategy: string | null;
    register: string;
    created_at: number;
  }>;

const activityOf = (action: string) =>
  sqlite().prepare("select * from activity where action = ? order by id").all(action) as Array<{
    id: number;
    entity_id: number;
    summary: string;
    after: string;
  }>;

/** The message "Log debt item" gives for these values: the import must give the same. */
function formMessage(values: Record<string, string>, field: string): string {
  const form = new FormData();
  const base = {
    register: "technical",
    title: "A valid title",
    category: "missing_tests",
    stageIncurred: "poc",
    severity: "medium",
    principalDays: "1",
    interestDays: "0",
  };
  for (const [k, v] of Object.entries({ ...base, ...values })) form.append(k, v);
  const submission = parseSubmission(form, newDebtItemSchema);
  if (submission.status === "success") throw new Error("expected a refusal");
  return submission.error![field]![0];
}

const GOOD_AND_BAD = [
  "Title,Description,Category,Severity,Owner,Principal (person-days),Interest (person-days per month),Target date",
  `Hard-coded thresholds,"In score.py, line 40",Hard-coded logic,High,OWNER_EMAIL,5,"0,5",2099-06-30`,
  "No tests for the pipeline,,missing_tests,medium,,3,1,",
  "Bad category row,,Astrology,High,,1,0,", // line 4: category
  "x,,Missing tests,High,,1,0,", // line 5: title too short
  "Negative effort,,Missing tests,High,,-2,0,", // line 6: principal
  "Unknown owner,,Missing tests,Low,nobody@example.com,1,0,", // line 7: owner
  "Impossible date,,Missing tests,Low,,1,0,2027-02-30", // line 8: target date
  `"=HYPERLINK(""http://evil.example"",""click"")",+1 555 0100,Manual steps,Critical,,2,0,`,
].join("\r\n");

const goodAndBad = () => GOOD_AND_BAD.replace("OWNER_EMAIL", world.scientist.email.toUpperCase());

describe("upload, match the columns, preview, import", () => {
  it("guesses the columns from the header and shows the file's rows", async () => {
    const map = await uploadFile(goodAndBad());
    expect(map.step).toBe("map");
    expect(map.state.rowCount).toBe(8);
    expect(map.state.mapping).toMatchObject({
      title: "0",
      description: "1",
      category: "2",
      severity: "3",
      owner: "4",
      principalDays: "5",
      interestDays: "6",
      targetDate: "7",
      benefit: "",
    });
    expect(map.state.defaults).toEqual({ category: "", severity: "medium", stageIncurred: "poc" });
    expect(countRows("debt_items")).toBe(0);
  });

  it("previews every row with the messages of the single-item form, and writes nothing", async () => {
    const before = countRows("activity");
    const p = await previewOf(await uploadFile(goodAndBad()));
    expect(p.preview).toMatchObject({ total: 8, valid: 3 });
    const byLine = Object.fromEntries(p.preview.invalid.map((r) => [r.line, r.problems]));
    expect(Object.keys(byLine).map(Number)).toEqual([4, 5, 6, 7, 8]);
    expect(byLine[4]).toEqual([{ field: "Category", message: formMessage({ category: "Astrology" }, "category") }]);
    expect(byLine[5]).toEqual([{ field: "Title", message: formMessage({ title: "x" }, "title") }]);
    expect(byLine[6]).toEqual([
      { field: "Principal (person-days)", message: formMessage({ principalDays: "-2" }, "principalDays") },
    ]);
    expect(byLine[7][0].field).toBe("Owner");
    expect(byLine[7][0].message).toContain("nobody@example.com");
    expect(byLine[8]).toEqual([
      { field: "Target date", message: "Enter a date as YYYY-MM-DD, for example 2027-03-01." },
    ]);
    expect(countRows("debt_items")).toBe(0);
    expect(countRows("activity")).toBe(before);
  });

  it("imports exactly the valid rows in one transaction, each with its activity row, and reports the others", async () => {
    const { done, reportId } = await importAll(goodAndBad());
    expect(toastOf(done.headers)).toBe(
      "Imported 3 debt items into the technical register. 5 rows were skipped; the report below says why.",
    );
    const rows = items();
    expect(rows.map((r) => r.title)).toEqual([
      "Hard-coded thresholds",
      "No tests for the pipeline",
      '=HYPERLINK("http://evil.example","click")',
    ]);
    // One transaction, one instant.
    expect(new Set(rows.map((r) => r.created_at)).size).toBe(1);
    expect(rows[0]).toMatchObject({
      description: "In score.py, line 40",
      category: "hard_coded_logic",
      severity: "high",
      owner_id: world.scientist.id,
      principal_days: 5,
      interest_days: 0.5,
      target_date: "2099-06-30",
      register: "technical",
      stage_incurred: "poc",
    });
    expect(rows[1]).toMatchObject({ category: "missing_tests", severity: "medium", owner_id: null, target_date: null });
    const created = activityOf("debt.created");
    expect(created.map((a) => a.entity_id)).toEqual(rows.map((r) => r.id));
    // And one row for the import itself, holding its report.
    const imported = activityOf("debt.imported");
    expect(imported).toHaveLength(1);
    expect(imported[0].id).toBe(reportId);
    expect(imported[0].summary).toContain("imported 3 debt items into the technical debt register from “register.csv”");
    expect(imported[0].summary).toContain("5 rows with errors were skipped");

    const report = await callLoader(importRoute.loader, `${path()}?report=${reportId}`, {
      cookie: world.cookies.owner,
      params: { slug: world.project.slug },
    });
    expect(report.status).toBe(200);
    expect(report.data.report.imported.map((i: { line: number }) => i.line)).toEqual([2, 3, 9]);
    expect(report.data.report.skipped.map((s: { line: number }) => s.line)).toEqual([4, 5, 6, 7, 8]);
    expect(report.data.report.skipped[0].problems[0]).toEqual({
      field: "Category",
      message: "Choose one of the technical register's categories.",
    });
  });

  it("stores formula-looking cells as plain text and exports them back neutralised", async () => {
    await importAll(goodAndBad());
    const formula = items().find((r) => r.title.startsWith("="))!;
    expect(formula.title).toBe('=HYPERLINK("http://evil.example","click")');
    expect(formula.description).toBe("+1 555 0100");
    const csv = await callLoader(csvRoute.loader, "/debt.csv", { cookie: world.cookies.owner });
    const text = csv.data as string;
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(text).toContain("'+1 555 0100");
    expect(text).not.toMatch(/(^|,)=HYPERLINK/m);
  });

  it("re-imports the register's own export (labels, apostrophe-escaped formulas) as it was", async () => {
    await importAll(goodAndBad());
    const exported = (await callLoader(csvRoute.loader, "/debt.csv", { cookie: world.cookies.owner })).data as string;
    resetDatabase();
    world = await createDebtWorld("Spreadsheet line");
    const map = await uploadFile(exported, "technical", "triad-debt.csv");
    expect(map.state.mapping).toMatchObject({ title: "3", category: "4", severity: "5", owner: "7" });
    // The owner of the export is not on this new project's team: the owner column is left out.
    const p = await previewOf(map, { "map.owner": "" });
    expect(p.preview).toMatchObject({ total: 3, valid: 3 });
    await importPreview(p);
    // In the export's order (most severe first).
    expect(items().map((r) => [r.title, r.category, r.severity])).toEqual([
      ['=HYPERLINK("http://evil.example","click")', "manual_steps", "critical"],
      ["Hard-coded thresholds", "hard_coded_logic", "high"],
      ["No tests for the pipeline", "missing_tests", "medium"],
    ]);
  });

  it("takes pasted rows (tab-separated, as copied from a spreadsheet)", async () => {
    const pasted = "Title\tCategory\tSeverity\nCopied by hand weekly\tData access\tHigh\n";
    const up = await post({ intent: "upload", register: "organizational", pasted });
    expect(up.status).toBe(200);
    const p = await previewOf(up.data as MapStep);
    expect(p.preview).toMatchObject({ total: 1, valid: 1 });
    await importPreview(p);
    expect(items()).toMatchObject([
      { title: "Copied by hand weekly", category: "data_access", register: "organizational" },
    ]);
    expect(activityOf("debt.imported")[0].summary).toContain("from pasted rows");
  });

  it("reads semicolons, a byte-order mark, CRLF and line breaks inside quoted cells", async () => {
    const text = `${BOM}Title;Description;Category;Principal\r\n"Export; by hand";"First line\r\nsecond line";Manual steps;2,5\r\n`;
    await importAll(text);
    expect(items()).toMatchObject([
      {
        title: "Export; by hand",
        description: "First line\nsecond line",
        category: "manual_steps",
        principal_days: 2.5,
      },
    ]);
  });

  it("reads UTF-16 files with their byte-order mark (Excel's “Unicode text”)", async () => {
    const text = "Title\tCategory\r\nÜberwachung läuft manuell\tManual steps\r\n";
    const bytes = new Uint8Array([0xff, 0xfe, ...new Uint8Array(Buffer.from(text, "utf16le"))]);
    await importAll(bytes as unknown as string);
    expect(items().map((r) => r.title)).toEqual(["Überwachung läuft manuell"]);
  });

  it("uses the defaults for empty cells and columns not in the file", async () => {
    const map = await uploadFile("Title\nNo monitoring at all\n");
    const p = await previewOf(map, {
      "defaults.category": "infrastructure",
      "defaults.severity": "critical",
    });
    expect(p.preview.valid).toBe(1);
    await importPreview(p);
    expect(items()).toMatchObject([{ category: "infrastructure", severity: "critical", stage_incurred: "poc" }]);
  });

  it("refuses to preview without a title column, showing the columns again", async () => {
    const map = await uploadFile("Name,Kind\nA thing,Other\n");
    expect(map.state.mapping.title).toBe("0"); // "Name" is taken as the title
    const result = await post({ intent: "preview", ...carried(map.state, { "map.title": "" }) });
    expect(result.status).toBe(400);
    expect(result.data.step).toBe("map");
    expect(refusalOf(result.data).fieldErrors["map.title"]).toBe("Choose the column that holds the titles.");
  });
});

describe("owners", () => {
  it("matches an owner by e-mail (any case) or by name among the project's active members", async () => {
    const text = [
      "Title,Owner",
      `By e-mail,${world.scientist.email.toUpperCase()}`,
      `By name,  ${world.owner.name.toLowerCase()} `,
      `Not a member,${world.outsider.email}`,
      `Not a member by name,${world.outsider.name}`,
    ].join("\n");
    const p = await previewOf(await uploadFile(text), { "defaults.category": "other" });
    expect(p.preview.valid).toBe(2);
    expect(p.preview.invalid.map((r) => [r.line, r.problems[0].field])).toEqual([
      [4, "Owner"],
      [5, "Owner"],
    ]);
    expect(p.preview.invalid[0].problems[0].message).toBe(
      `No active member of this project has the e-mail address “${world.outsider.email}”. Add them to the team first, or leave the owner empty.`,
    );
    await importPreview(p);
    expect(items().map((r) => r.owner_id)).toEqual([world.scientist.id, world.owner.id]);
  });

  it("asks for the e-mail address when two members share the name, and refuses deactivated members", async () => {
    const twin = await createTestUser({ name: world.scientist.name, discipline: "it" });
    const gone = await createTestUser({ name: "Gone Person", discipline: "it" });
    addMember({ actor: actorOf(world.owner), projectId: world.project.id, userId: twin.id, discipline: "it" });
    addMember({ actor: actorOf(world.owner), projectId: world.project.id, userId: gone.id, discipline: "it" });
    const admin = await createAdmin();
    setUserActive({ actor: actorOf(admin), userId: gone.id, active: false });
    const p = await previewOf(
      await uploadFile(`Title,Owner\nTwin row,${world.scientist.name}\nGone row,${gone.email}\n`),
      { "defaults.category": "other" },
    );
    expect(p.preview.valid).toBe(0);
    expect(p.preview.invalid[0].problems[0].message).toBe(
      `Several members are called “${world.scientist.name}”; write the owner's e-mail address instead.`,
    );
    expect(p.preview.invalid[1].problems[0].message).toContain("No active member");
  });

  it("tells each owner once, with the count, not once per item", async () => {
    const rows = Array.from({ length: 4 }, (_, i) => `Item number ${i + 1},${world.owner.email}`);
    const p = await previewOf(await uploadFile(["Title,Owner", ...rows].join("\n")), { "defaults.category": "other" });
    await importPreview(p);
    const notices = sqlite()
      .prepare("select title, link from notifications where user_id = ?")
      .all(world.owner.id) as Array<{ title: string; link: string }>;
    expect(notices).toEqual([
      {
        title: `${world.scientist.name} imported 4 debt items you own into the technical register of Spreadsheet line`,
        link: `/projects/${world.project.slug}/debt?register=technical`,
      },
    ]);
  });

  it("checks the rows again at import time: a row whose owner left since the preview is skipped and reported", async () => {
    const leaver = await createTestUser({ name: "Leaving Soon", discipline: "it" });
    addMember({ actor: actorOf(world.owner), projectId: world.project.id, userId: leaver.id, discipline: "it" });
    const text = `Title,Owner\nStays,\nOwned by the leaver,${leaver.email}\n`;
    const p = await previewOf(await uploadFile(text), { "defaults.category": "other" });
    expect(p.preview.valid).toBe(2);
    // Between the preview and the import the preview's owner is deactivated: the check at import
    // time finds no such member, and the row is skipped with the others kept.
    const admin = await createAdmin();
    setUserActive({ actor: actorOf(admin), userId: leaver.id, active: false });
    const done = await importPreview(p);
    expect(done.status).toBe(302);
    expect(items().map((r) => r.title)).toEqual(["Stays"]);
    expect(toastOf(done.headers)).toContain("1 row was skipped");
  });
});

describe("one transaction", () => {
  it("writes nothing at all when a row fails for a reason other than its input", () => {
    const good = {
      title: "A good row",
      description: "",
      category: "other",
      benefit: "",
      stageIncurred: "poc" as const,
      severity: "low" as const,
      principalDays: 1,
      interestDays: 0,
      ownerId: null,
    };
    const before = { items: countRows("debt_items"), activity: countRows("activity") };
    expect(() =>
      importDebtItems({
        actor: actorOf(world.scientist),
        projectId: world.project.id,
        register: "technical",
        fileName: "x.csv",
        importKey: "key-0000000000000001",
        skipped: [],
        rows: [
          { line: 2, details: good, plan: null },
          // Past every check but the database's CHECK constraint: the whole import rolls back.
          { line: 3, details: { ...good, severity: "bogus" as "low" }, plan: null },
        ],
      }),
    ).toThrow();
    expect({ items: countRows("debt_items"), activity: countRows("activity") }).toEqual(before);
  });

  it("skips and reports a row the model itself refuses, keeping the others", () => {
    const good = {
      title: "A good row",
      description: "",
      category: "other",
      benefit: "",
      stageIncurred: "poc" as const,
      severity: "low" as const,
      principalDays: 1,
      interestDays: 0,
      ownerId: null,
    };
    const result = importDebtItems({
      actor: actorOf(world.scientist),
      projectId: world.project.id,
      register: "technical",
      fileName: "x.csv",
      importKey: "key-0000000000000002",
      skipped: [
        { line: 2, title: "x", problems: [{ field: "Title", message: "Enter a title of at least 3 characters." }] },
      ],
      rows: [
        { line: 3, details: good, plan: null },
        { line: 4, details: { ...good, title: "Owned by an outsider", ownerId: world.outsider.id }, plan: null },
      ],
    });
    expect(result.imported.map((i) => i.line)).toEqual([3]);
    expect(result.skipped).toEqual([
      { line: 2, title: "x", problems: [{ field: "Title", message: "Enter a title of at least 3 characters." }] },
      {
        line: 4,
        title: "Owned by an outsider",
        problems: [
          { field: "Owner", message: "Choose an owner from the project's members (add them to the team first)." },
        ],
      },
    ]);
    expect(items().map((r) => r.title)).toEqual(["A good row"]);
  });

  it("imports one preview once: sending it again shows the first import's report", async () => {
    const p = await previewOf(await uploadFile(goodAndBad()));
    const first = await importPreview(p);
    const second = await importPreview(p);
    expect(second.status).toBe(302);
    expect(second.location).toBe(first.location);
    expect(toastOf(second.headers)).toBe("These rows were imported already; here is what that import did.");
    expect(items()).toHaveLength(3);
    expect(activityOf("debt.imported")).toHaveLength(1);
  });

  it("refuses when no row can be imported, and writes nothing", async () => {
    const p = await previewOf(await uploadFile("Title,Category\nx,Astrology\n"));
    expect(p.preview.valid).toBe(0);
    const before = countRows("activity");
    const result = await importPreview(p);
    expect(result.status).toBe(400);
    expect(refusalOf(result.data).formError).toBe(
      "None of the rows can be imported. Correct the file, then upload it again.",
    );
    expect(countRows("debt_items")).toBe(0);
    expect(countRows("activity")).toBe(before);
  });
});

describe("limits and refusals", () => {
  it("refuses a file over 512 KB with a message next to the file field", async () => {
    const big = `Title\n${"A long enough title\n".repeat(Math.ceil((IMPORT_MAX_BYTES + 10) / 20))}`;
    const result = await post({ intent: "upload", register: "technical", file: { file: big }, pasted: "" });
    expect(result.status).toBe(413);
    expect(refusalOf(result.data).fieldErrors.file).toBe(
      "The file is larger than 512 KB. Import at most 512 KB and 2,000 rows at a time: split the file and import each part.",
    );
  });

  it("refuses pasted text over 512 KB", async () => {
    const big = `Title\n${"é".repeat(IMPORT_MAX_BYTES / 2 + 10)}\n`; // fewer characters than bytes
    const result = await post({ intent: "upload", register: "technical", pasted: big });
    expect(result.status).toBe(413);
    expect(refusalOf(result.data).fieldErrors.pasted).toContain("larger than 512 KB");
  });

  it(`refuses more than ${IMPORT_MAX_ROWS} rows`, async () => {
    const rows = (n: number) => ["Title", ...Array.from({ length: n }, (_, i) => `Row ${i}`)].join("\n");
    expect(
      (await post({ intent: "upload", register: "technical", file: { file: rows(IMPORT_MAX_ROWS) } })).status,
    ).toBe(200);
    const result = await post({ intent: "upload", register: "technical", file: { file: rows(IMPORT_MAX_ROWS + 1) } });
    expect(result.status).toBe(400);
    expect(refusalOf(result.data).fieldErrors.file).toBe(
      "The file has more than 2,000 rows after its header. Split it into smaller files and import each.",
    );
  });

  it("refuses a workbook, a binary file and text that is not UTF-8", async () => {
    const cases: Array<[Uint8Array, string]> = [
      [new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), "spreadsheet workbook, not CSV"],
      [new Uint8Array([0x54, 0x69, 0x00, 0x01, 0x0a]), "This file is not text"],
      [new Uint8Array([0x54, 0x69, 0x74, 0x6c, 0x65, 0x0a, 0xe9, 0x74, 0xe9, 0x0a]), "not in UTF-8"],
    ];
    for (const [bytes, message] of cases) {
      const result = await post({ intent: "upload", register: "technical", file: { file: bytes } });
      expect(result.status).toBe(400);
      expect(refusalOf(result.data).fieldErrors.file).toContain(message);
    }
  });

  it("asks for a file or pasted rows, not none and not both", async () => {
    const none = await post({ intent: "upload", register: "technical", pasted: "" });
    expect(refusalOf(none.data).fieldErrors.pasted).toBe("Choose a CSV file, or paste the rows here.");
    const both = await post({
      intent: "upload",
      register: "technical",
      pasted: "Title\nx",
      file: { file: "Title\ny" },
    });
    expect(refusalOf(both.data).fieldErrors.pasted).toContain("not both");
  });

  it("refuses a file in another field, two files, a file with another step, and an unknown step", async () => {
    const other = await post({ intent: "upload", register: "technical", attachment: { file: "Title\nx" } });
    expect([other.status, other.data]).toEqual([400, "This form takes one file, in its “file” field."]);
    const form = new FormData();
    form.append("intent", "upload");
    form.append("file", new Blob(["Title\nx"]), "a.csv");
    form.append("file", new Blob(["Title\ny"]), "b.csv");
    const request = new Request(new URL(path(), ORIGIN), {
      method: "POST",
      body: form,
      headers: { Cookie: world.cookies.scientist, Origin: ORIGIN },
    });
    const two = await settle(() =>
      importRoute.action({ request, params: { slug: world.project.slug }, context: testContext }),
    );
    expect([two.status, two.data]).toEqual([400, "Send one file at a time."]);
    const wrongStep = await post({ intent: "preview", file: { file: "Title\nx" } });
    expect(wrongStep.status).toBe(400);
    const unknown = await post({ intent: "explode" });
    expect(unknown.status).toBe(400);
    expect(countRows("debt_items")).toBe(0);
  });

  it("refuses a tampered or missing text at the later steps", async () => {
    const missing = await post({ intent: "preview", register: "technical", "map.title": "0" });
    expect(missing.status).toBe(400);
    const badKey = await post({
      intent: "import",
      ...carried((await uploadFile("Title\nFine title\n")).state),
      importKey: "x",
    });
    expect(badKey.status).toBe(400);
    expect(countRows("debt_items")).toBe(0);
  });
});

describe("who may import", () => {
  it("lets only members who may add debt open the page or import, and lets anyone read a report", async () => {
    const page = await callLoader(importRoute.loader, path(), {
      cookie: world.cookies.outsider,
      params: { slug: world.project.slug },
    });
    expect(page.status).toBe(403);
    const admin = await createAdmin();
    const asAdmin = await post({ intent: "upload", register: "technical", pasted: "Title\nx" }, signInAs(admin));
    expect(asAdmin.status).toBe(403);
    const asOutsider = await post(
      { intent: "upload", register: "technical", pasted: "Title\nx" },
      world.cookies.outsider,
    );
    expect(asOutsider.status).toBe(403);
    const member = await callLoader(importRoute.loader, `${path()}?register=organizational`, {
      cookie: world.cookies.scientist,
      params: { slug: world.project.slug },
    });
    expect(member.data).toMatchObject({ mode: "start", register: "organizational" });
    const { reportId } = await importAll(goodAndBad());
    const report = await callLoader(importRoute.loader, `${path()}?report=${reportId}`, {
      cookie: world.cookies.outsider,
      params: { slug: world.project.slug },
    });
    expect(report.status).toBe(200);
    const other = await callLoader(importRoute.loader, `${path()}?report=1`, {
      cookie: world.cookies.outsider,
      params: { slug: world.project.slug },
    });
    expect(other.status).toBe(404);
  });
});

describe("the template", () => {
  it("downloads a CSV per register that imports without errors", async () => {
    for (const register of ["technical", "organizational"] as const) {
      const template = await callLoader(templateRoute.loader, `${path()}/template.csv?register=${register}`, {
        cookie: world.cookies.scientist,
        params: { slug: world.project.slug },
      });
      expect(template.status).toBe(200);
      expect(template.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
      const text = template.data as string;
      const p = await previewOf(await uploadFile(text, register));
      expect(p.preview).toMatchObject({ total: 2, valid: 2 });
    }
  });
});
