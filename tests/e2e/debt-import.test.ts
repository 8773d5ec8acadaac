/**
 * Importing a spreadsheet register end to end (issue 17, item 6): from the project's Debt page,
 * upload a CSV file with good and bad rows, keep the guessed columns, see the bad rows' errors
 * in the preview, import the valid ones, read the report and find the items in the register.
 * Then the same journey without JavaScript (the text travels in a hidden field). Plus an axe
 * scan of each step.
 */
import AxeBuilder from "@axe-core/playwright";
import { beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { ADMIN, seedAdmin, useE2E, useSession } from "../support/e2e";

const e2e = useE2E();
let adminCookie: string;
let slug: string;

const CSV = [
  "Title,Description,Category,Severity,Owner,Principal (person-days)",
  `Thresholds hard-coded in the notebook,"In score.ipynb, last cell",Hard-coded logic,High,${ADMIN.email},5`,
  "No tests for the feature pipeline,,Missing tests,Medium,,3",
  "Bad category row,,Astrology,High,,1",
  `"=HYPERLINK(""http://evil.example"",""click"")",,Manual steps,Low,,1`,
].join("\r\n");

beforeAll(async () => {
  ({ cookie: adminCookie } = await seedAdmin(e2e.server));
  const response = await fetch(new URL("/projects/new", e2e.server.url), {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: e2e.server.url, Cookie: adminCookie },
    body: new URLSearchParams({ name: "Spreadsheet import line", summary: "", businessCase: "", ownerId: "1" }),
  });
  expect(response.status).toBe(302);
  slug = new URL(response.headers.get("Location")!, e2e.server.url).pathname.split("/")[2];
});

async function asAdmin(javaScriptEnabled = true): Promise<Page> {
  const page = await e2e.newPage({ javaScriptEnabled });
  await useSession(page.context(), e2e.server, adminCookie);
  return page;
}

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

/** Upload -> columns -> preview -> import, in the browser; returns the report page. */
async function importJourney(page: Page, csv: string, fileName: string) {
  await page.goto(`/projects/${slug}/debt`);
  await page.getByRole("link", { name: "Import from a spreadsheet" }).click();
  await page.getByRole("heading", { name: "Choose the file" }).waitFor();
  expect(await seriousViolations(page)).toEqual([]);

  await page.getByLabel("CSV file").setInputFiles({ name: fileName, mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Read the rows" }).click();

  // Step 2: the columns, guessed from the header.
  await page.getByRole("heading", { name: "Match the columns" }).waitFor();
  expect(await page.getByLabel("Title", { exact: true }).inputValue()).toBe("0");
  expect(await page.getByLabel("Owner (e-mail address or name)").inputValue()).toBe("4");
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole("button", { name: "Check the rows" }).click();

  // Step 3: the preview, with the bad row and what to correct.
  await page.getByRole("heading", { name: "Check and import" }).waitFor();
  await page.getByText("4 rows in the file: 3 can be imported, 1 has errors and will be skipped.").waitFor();
  const errors = page.getByRole("table", { name: "Rows with errors (not imported)" });
  await errors.getByText("Choose one of the technical register's categories.").waitFor();
  expect(await errors.getByRole("row").count()).toBe(2); // header + the bad row
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole("button", { name: "Import 3 valid rows" }).click();

  // The report.
  await page.getByRole("heading", { name: "Import report" }).waitFor();
  expect(await seriousViolations(page)).toEqual([]);
}

describe("importing a spreadsheet register", () => {
  it("uploads a CSV, previews its errors and imports the valid rows (Chromium, with JavaScript)", async () => {
    const page = await asAdmin();
    await importJourney(page, CSV, "register.csv");
    await page.getByText("Imported 3 debt items into the technical register.", { exact: false }).first().waitFor();
    const skipped = page.getByRole("table", { name: "Skipped rows and what to correct" });
    await skipped.getByText("Bad category row").waitFor();
    const imported = page.getByRole("region", { name: "Imported items" });
    await imported.getByRole("link", { name: "Thresholds hard-coded in the notebook" }).waitFor();
    // The formula-looking title is text, shown as typed.
    await imported.getByRole("link", { name: '=HYPERLINK("http://evil.example","click")' }).waitFor();

    await page.getByRole("link", { name: "Open the register" }).click();
    await page.waitForURL(new RegExp(`/projects/${slug}/debt\\?register=technical`));
    await page.getByRole("link", { name: "No tests for the feature pipeline" }).waitFor();
  });

  it("works without JavaScript: the text travels in the form", async () => {
    const page = await asAdmin(false);
    const csv = "Title;Category;Severity\r\nManual export every Monday;Manual steps;High\r\n";
    await page.goto(`/projects/${slug}/debt/import`);
    await page.getByLabel("Or paste the rows").fill(csv);
    await page.getByRole("button", { name: "Read the rows" }).click();
    await page.getByRole("heading", { name: "Match the columns" }).waitFor();
    await page.getByRole("button", { name: "Check the rows" }).click();
    await page.getByText("1 row in the file: 1 can be imported.").waitFor();
    await page.getByRole("button", { name: "Import 1 valid row" }).click();
    await page.getByRole("heading", { name: "Import report" }).waitFor();
    await page.getByText("Every row was imported.").waitFor();
    await page.getByRole("link", { name: "Manual export every Monday" }).waitFor();
  });

  it("says what is wrong with a file that cannot be read, next to the file field", async () => {
    const page = await asAdmin();
    await page.goto(`/projects/${slug}/debt/import`);
    await page.getByLabel("CSV file").setInputFiles({
      name: "register.xlsx",
      mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      buffer: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]),
    });
    await page.getByRole("button", { name: "Read the rows" }).click();
    await page.getByText("This is a spreadsheet workbook, not CSV.", { exact: false }).waitFor();
    expect(await page.getByLabel("CSV file").getAttribute("aria-invalid")).toBe("true");
  });
});
