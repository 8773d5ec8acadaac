/**
 * The organisation-wide register: /debt and /debt.csv select the same rows for the same query
 * string, totals cover the filtered set, pages hold 50, and the CSV opens in a spreadsheet
 * (BOM, CRLF, quoting, no formulas). The CSV streams through its own connection, so writes
 * keep working while a download is under way.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { utcDate } from "~/domain/dates";
import {
  addRepaymentStep,
  createDebtItem,
  getDebtItem,
  setDebtStatus,
  setRepaymentStepDone,
  updateDebtItem,
} from "~/models/debt.server";
import { changeProjectState, getProject } from "~/models/projects.server";
import * as debtCsv from "~/routes/debt[.]csv";
import * as debtIndex from "~/routes/debt._index";
import { parseCsv } from "../support/csv";
import { resetDatabase } from "../support/database";
import { callLoader, makeRequest, testContext } from "../support/requests";
import { actorOf, createDebtWorld, DAY, details, logItem, type DebtWorld } from "./debt-support";

let a: DebtWorld;
let b: DebtWorld;
const today = utcDate(Date.now());

async function download(query: string, cookie = a.cookies.outsider) {
  const response = (await debtCsv.loader({
    request: makeRequest(`/debt.csv${query}`, { cookie }),
    params: {},
    context: testContext,
  })) as Response;
  const bytes = new Uint8Array(await response.arrayBuffer());
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
  return { response, bytes, text, rows: parseCsv(text) };
}

async function page(query: string, cookie = a.cookies.outsider) {
  const result = await callLoader(debtIndex.loader, `/debt${query}`, { cookie });
  expect(result.status).toBe(200);
  return result.data;
}

beforeAll(async () => {
  resetDatabase();
  a = await createDebtWorld("Alpha press line");
  b = await createDebtWorld("Beta churn model");
  const now = Date.now();
  const actorA = actorOf(a.scientist);
  const actorB = actorOf(b.scientist);

  const overdue = logItem(a, { now: now - 200 * DAY, ownerId: a.scientist.id, severity: "critical" });
  updateDebtItem({
    actor: actorA,
    itemId: overdue.id,
    version: 1,
    plan: { strategy: "Rewrite", targetDate: "2001-02-03", repayBeforeStage: "pilot" },
  });

  const stepLate = logItem(a, {
    register: "organizational",
    category: "data_quality",
    title: "Data quality gaps overlooked in the PoC",
    ownerId: a.owner.id,
    severity: "high",
    now: now - 90 * DAY,
  });
  addRepaymentStep({
    actor: actorA,
    itemId: stepLate.id,
    version: 1,
    step: { title: "Profile", ownerId: null, dueDate: "2002-01-01" },
  });

  const repaid = logItem(a, { severity: "low", principalDays: 1 });
  setDebtStatus({ actor: actorA, itemId: repaid.id, version: 1, today, change: { to: "repaid", note: "Done" } });

  const accepted = logItem(b, {
    register: "organizational",
    category: "missing_skills",
    severity: "medium",
    title: "No ML engineer yet",
  });
  setDebtStatus({
    actor: actorB,
    itemId: accepted.id,
    version: 1,
    today,
    change: { to: "accepted", justification: "Hiring, 2 = ok", reviewDate: "2999-01-01" },
  });

  // the awkward one: every character a CSV writer gets wrong
  logItem(b, {
    title: '=HYPERLINK("http://evil.example","Click"), then "quotes"',
    description: "Line one\nLine two, with a comma\r\nand “curly” quotes — Müller, Yıldız, 日本語, 🚀",
    benefit: "-1 day of work; @ops asked",
    severity: "high",
    principalDays: 2.5,
    interestDays: 0.25,
  });

  const repaying = logItem(b, { severity: "medium", ownerId: b.owner.id });
  const step = addRepaymentStep({
    actor: actorB,
    itemId: repaying.id,
    version: 1,
    step: { title: "Half", ownerId: null, dueDate: null },
  });
  addRepaymentStep({
    actor: actorB,
    itemId: repaying.id,
    version: 2,
    step: { title: "Other half", ownerId: null, dueDate: null },
  });
  setRepaymentStepDone({ actor: actorB, itemId: repaying.id, version: 3, stepId: step.id, done: true });
  expect(getDebtItem(repaying.id)!.status).toBe("repaying");

  // a stopped project whose open debt (overdue by its target date) was written off
  const e = await createDebtWorld("Epsilon stopped project");
  const gone = logItem(e, {
    title: "Abandoned scoring notebook",
    severity: "critical",
    principalDays: 7,
    now: now - 100 * DAY,
  });
  updateDebtItem({
    actor: actorOf(e.scientist),
    itemId: gone.id,
    version: 1,
    plan: { strategy: "Port", targetDate: "2003-04-05", repayBeforeStage: null },
  });
  changeProjectState({
    actor: actorOf(e.owner),
    projectId: e.project.id,
    version: getProject(e.project.id)!.version,
    change: {
      to: "stopped",
      stopCause: "other",
      stopNote: "The product line was sold.",
      openDebt: "write_off",
      writeOffReason: "The buyer rewrites it.",
    },
  });
});

const QUERIES = [
  "",
  "?overdue=yes",
  "?overdue=no",
  "?status=unpaid",
  "?status=repaid",
  "?status=accepted",
  "?status=written_off",
  "?sort=status&dir=asc",
  "?register=organizational",
  "?register=technical&severity=high",
  "?category=data_quality",
  "?owner=none",
  "?sort=principal&dir=asc",
  "?sort=owner&dir=desc",
  "?sort=title&dir=asc&register=technical",
  "?sort=accrued&dir=desc",
  "?status=nonsense&sort=bogus&page=-3",
];

describe("/debt and /debt.csv agree", () => {
  it.each(QUERIES)("same rows, same order for %j", async (query) => {
    const onPage = await page(query);
    const csv = await download(query);
    const [header, ...rows] = csv.rows;
    expect(header[0]).toBe("ID");
    expect(rows.map((r) => Number(r[0]))).toEqual(onPage.rows.map((r: { id: number }) => r.id));
    expect(rows).toHaveLength(onPage.totals.count);
    const principalCol = header.indexOf("Principal (person-days)");
    const statusCol = header.indexOf("Status");
    const openPrincipal = rows
      .filter((r) => r[statusCol] === "Open" || r[statusCol] === "Repaying")
      .reduce((sum, r) => sum + Number(r[principalCol]), 0);
    expect(onPage.totals.principalDays).toBeCloseTo(openPrincipal, 6);
    const overdueCol = header.indexOf("Overdue");
    expect(rows.filter((r) => r[overdueCol] === "yes")).toHaveLength(onPage.totals.overdueCount);
  });

  it("filters by project and owner", async () => {
    const byProject = await page(`?project=${b.project.id}`);
    expect(new Set(byProject.rows.map((r: { projectName: string }) => r.projectName))).toEqual(
      new Set(["Beta churn model"]),
    );
    const byOwner = await page(`?owner=${a.owner.id}`);
    expect(byOwner.rows.map((r: { title: string }) => r.title)).toEqual(["Data quality gaps overlooked in the PoC"]);
    const csv = await download(`?owner=${a.owner.id}`);
    expect(csv.rows.slice(1).map((r) => r[3])).toEqual(["Data quality gaps overlooked in the PoC"]);
  });

  it("counts overdue by target date and by a late step, never settled items", async () => {
    const overdue = await page("?overdue=yes");
    expect(overdue.rows.map((r: { title: string }) => r.title).sort()).toEqual(
      ["Data quality gaps overlooked in the PoC", "Hard-coded data transformation to show results tomorrow"].sort(),
    );
    expect(overdue.totals.overdueCount).toBe(2);
    expect(overdue.rows.every((r: { overdue: boolean }) => r.overdue)).toBe(true);
  });

  it("sort headers are links that keep the filters", async () => {
    const data = await page("?register=technical&status=unpaid");
    const principal = data.headers.find((h: { key: string }) => h.key === "principal");
    expect(principal.href).toBe("/debt?register=technical&status=unpaid&sort=principal");
    expect(data.csvHref).toBe("/debt.csv?register=technical&status=unpaid");
    const sorted = await page("?sort=principal&dir=desc");
    const current = sorted.headers.find((h: { key: string }) => h.key === "principal");
    expect(current).toMatchObject({ direction: "descending", href: "/debt?sort=principal&dir=asc" });
  });
});

describe("written-off debt", () => {
  it("has its own status filter, counts in no open figure, and shows its reason and date in the CSV", async () => {
    const all = await page("");
    const writtenOff = await page("?status=written_off");
    expect(writtenOff.rows.map((r: { title: string }) => r.title)).toEqual(["Abandoned scoring notebook"]);
    expect(writtenOff.totals).toMatchObject({ count: 1, openCount: 0, principalDays: 0, overdueCount: 0 });
    expect(writtenOff.rows[0]).toMatchObject({ status: "written_off", overdue: false });
    expect((await page("?status=unpaid")).rows.map((r: { title: string }) => r.title)).not.toContain(
      "Abandoned scoring notebook",
    );
    expect(all.totals.count).toBe(
      (await page("?status=unpaid")).totals.count +
        (await page("?status=repaid")).totals.count +
        (await page("?status=accepted")).totals.count +
        1,
    );

    const { rows } = await download("?status=written_off");
    const header = rows[0];
    expect(header.at(-1)).toBe("Written off");
    const row = rows[1];
    expect(row[header.indexOf("Status")]).toBe("Written off");
    expect(row[header.indexOf("Status note")]).toBe("The buyer rewrites it.");
    expect(row[header.indexOf("Overdue")]).toBe("no");
    expect(row[header.indexOf("Written off")]).toBe(today);
    expect(row[header.indexOf("Repaid")]).toBe("");
  });
});

describe("the CSV file", () => {
  it("is a UTF-8 attachment with a BOM, CRLF line ends and ISO dates", async () => {
    const { response, bytes, text, rows } = await download("");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toBe(`attachment; filename="triad-debt-${today}.csv"`);
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(
      text
        .replace(/"[^"]*"/g, "")
        .split("\n")
        .every((line, i, all) => i === all.length - 1 || line.endsWith("\r")),
    ).toBe(true);
    const header = rows[0];
    const opened = header.indexOf("Opened");
    const target = header.indexOf("Target date");
    for (const row of rows.slice(1)) {
      expect(row).toHaveLength(header.length);
      expect(row[opened]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(row[target]).toMatch(/^(\d{4}-\d{2}-\d{2})?$/);
    }
  });

  it("quotes commas, quotes and newlines, keeps unicode, and defuses formulas", async () => {
    const { rows } = await download("?severity=high&register=technical");
    const header = rows[0];
    const awkward = rows.find((r) => r[header.indexOf("Title")].includes("HYPERLINK"))!;
    expect(awkward[header.indexOf("Title")]).toBe(`'=HYPERLINK("http://evil.example","Click"), then "quotes"`);
    expect(awkward[header.indexOf("Description")]).toBe(
      "Line one\nLine two, with a comma\r\nand “curly” quotes — Müller, Yıldız, 日本語, 🚀",
    );
    expect(awkward[header.indexOf("Why it was taken on")]).toBe("'-1 day of work; @ops asked");
    expect(awkward[header.indexOf("Principal (person-days)")]).toBe("2.5");
    expect(awkward[header.indexOf("Interest (person-days per month)")]).toBe("0.25");
    expect(awkward[header.indexOf("Register")]).toBe("Technical");
  });

  it("lets the app write while a download is still streaming, and exports one snapshot", async () => {
    const d = await createDebtWorld("Delta bulk project");
    for (let i = 0; i < 450; i++) {
      createDebtItem({
        actor: actorOf(d.scientist),
        projectId: d.project.id,
        register: "technical",
        ...details({ title: `Bulk ${i}` }),
      });
    }
    const response = (await debtCsv.loader({
      request: makeRequest(`/debt.csv?project=${d.project.id}`, { cookie: d.cookies.owner }),
      params: {},
      context: testContext,
    })) as Response;
    const reader = response.body!.getReader();
    const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
    let text = "";
    text += decoder.decode((await reader.read()).value, { stream: true }); // the header
    text += decoder.decode((await reader.read()).value, { stream: true }); // a first batch: the cursor is open
    // better-sqlite3 refuses writes on a connection with an open cursor; the export has its own
    const written = logItem(d, { title: "Written during a download" });
    expect(written.id).toBeGreaterThan(0);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    const rows = parseCsv(text);
    expect(rows).toHaveLength(451);
    expect(text).not.toContain("Written during a download");
  });

  it("needs a signed-in user", async () => {
    const result = await callLoader(debtCsv.loader, "/debt.csv?status=open");
    expect(result).toMatchObject({ status: 302, location: "/login?redirectTo=%2Fdebt.csv%3Fstatus%3Dopen" });
  });
});

describe("paging", () => {
  it("shows 25 a page with totals for the whole filtered set", async () => {
    const c = await createDebtWorld("Gamma paging project");
    for (let i = 0; i < 55; i++) {
      createDebtItem({
        actor: actorOf(c.scientist),
        projectId: c.project.id,
        register: "technical",
        ...details({ title: `Paged item ${String(i).padStart(2, "0")}`, principalDays: 1 }),
      });
    }
    const first = await page(`?project=${c.project.id}&sort=title&dir=asc`);
    expect(first.rows).toHaveLength(25);
    expect(first).toMatchObject({ page: 1, pages: 3, previousHref: null });
    expect(first.totals).toMatchObject({ count: 55, principalDays: 55 });
    expect(first.nextHref).toBe(`/debt?project=${c.project.id}&sort=title&dir=asc&page=2`);
    const last = await page(`?project=${c.project.id}&sort=title&dir=asc&page=3`);
    expect(last.rows.map((r: { title: string }) => r.title)).toEqual(
      [50, 51, 52, 53, 54].map((n) => `Paged item ${n}`),
    );
    const beyond = await page(`?project=${c.project.id}&page=9`);
    expect(beyond.page).toBe(3);
    const csv = await download(`?project=${c.project.id}&sort=title&dir=asc&page=2`);
    expect(csv.rows).toHaveLength(56); // every page, plus the header
  });
});
