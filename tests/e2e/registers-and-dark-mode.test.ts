/**
 * The debt registers on a 1280 px screen and dark mode, on the demo organisation (seeded with
 * `triad demo` into the server's database before it starts):
 * - /debt at 1280×800 shows its key columns without scrolling sideways (screenshots saved in
 *   test-results/e2e/); the other columns are in each row's "More" (without JavaScript too) or
 *   chosen with "Columns", kept in the URL through sorting;
 * - the overdue badge says what is overdue: a step, by number, when the item's own target is ahead;
 * - axe finds no serious or critical violation on the dashboard, /debt, a project register and
 *   a debt item page, in light and in dark (prefers-color-scheme emulated).
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import AxeBuilder from "@axe-core/playwright";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { ARTIFACTS_DIR, launchBrowser, newGuardedPage, saveArtifacts } from "../support/browser";
import { signInCookie, useSession } from "../support/e2e";
import { ROOT, startServer, type TestServer } from "../support/server";

const run = promisify(execFile);

const PROJECT = "predictive-maintenance-for-press-line-3";
/** A demo item whose target date is ahead while its step 2 is past due. */
const STEP_LATE = "Hard-coded data transformation to show results tomorrow";
const KEY_COLUMNS = ["Title", "Project", "Severity", "Status", "Owner", "Accrued interest", "Target date", "Overdue"];
const VIEWPORT = { width: 1280, height: 800 };

const work = fs.mkdtempSync(path.join(os.tmpdir(), "triad-e2e-registers-"));
const databaseFile = path.join(work, "demo.db");
let server: TestServer;
let browser: Browser;
let cookie: string;
let stderrOffset = 0;

beforeAll(async () => {
  await run(process.execPath, ["--import", "tsx", "scripts/triad.ts", "demo"], {
    cwd: ROOT,
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(VITEST|TEST$|NODE_OPTIONS$)/.test(key))),
      NODE_ENV: "production",
      DATABASE_URL: databaseFile,
    },
    timeout: 90_000,
  });
  [server, browser] = await Promise.all([startServer({ env: { DATABASE_URL: databaseFile } }), launchBrowser()]);
  cookie = await signInCookie(server, "ada@demo.triad", "triad-demo-password");
});

afterAll(async () => {
  await Promise.all([browser?.close(), server?.stop()]);
  fs.rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  stderrOffset = server?.stderr().length ?? 0;
});

afterEach(() => {
  const written = server?.stderr().slice(stderrOffset).trim();
  if (written) throw new Error(`The server wrote to stderr during this test:\n${written}`);
});

/** A signed-in page at 1280×800 with the console guard; artifacts kept when the test fails. */
async function adaPage(options: BrowserContextOptions = {}): Promise<Page> {
  const guarded = await newGuardedPage(browser, { baseURL: server.url, viewport: VIEWPORT, ...options });
  await useSession(guarded.context, server, cookie);
  onTestFinished(async ({ task }) => {
    try {
      if (task.result?.state === "fail") await saveArtifacts(guarded.page, `registers-and-dark-mode ${task.name}`);
    } finally {
      await guarded.context.close();
    }
    if (guarded.problems.length > 0) throw new Error(`The browser reported errors:\n${guarded.problems.join("\n")}`);
  });
  return guarded.page;
}

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

function screenshotPath(name: string): string {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return path.join(ARTIFACTS_DIR, name);
}

/** The debt item page of STEP_LATE, from its link on the project's register. */
async function stepLateItemPath(page: Page): Promise<string> {
  await page.goto(`/projects/${PROJECT}/debt`);
  const href = await page.getByRole("link", { name: STEP_LATE, exact: true }).getAttribute("href");
  expect(href).toMatch(new RegExp(`^/projects/${PROJECT}/debt/\\d+$`));
  return href!;
}

describe("the registers at 1280 px", () => {
  it("/debt shows the key columns within the screen, and a screenshot is saved", async () => {
    const page = await adaPage();
    await page.goto("/debt");
    await page.getByRole("heading", { name: "Debt register", level: 1 }).waitFor();
    const table = page.getByRole("table", { name: /Debt across all projects/ });
    await table.waitFor();
    for (const name of KEY_COLUMNS) {
      const box = await table.getByRole("columnheader", { name, exact: true }).boundingBox();
      expect(box, `column ${name}`).not.toBeNull();
      expect(box!.x, `left edge of ${name}`).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width, `right edge of ${name}`).toBeLessThanOrEqual(VIEWPORT.width);
    }
    // Nothing scrolls sideways: neither the page nor the table's own scroll box.
    const overflow = await page.evaluate(() => {
      const wrap = document.querySelector(".debt-org-table")!.parentElement!;
      return { page: document.documentElement.scrollWidth, wrap: wrap.scrollWidth - wrap.clientWidth };
    });
    expect(overflow.page).toBeLessThanOrEqual(VIEWPORT.width);
    expect(overflow.wrap).toBeLessThanOrEqual(0);
    // The other columns are not headers by default.
    await expect(table.getByRole("columnheader", { name: "Principal", exact: true }).count()).resolves.toBe(0);
    const file = screenshotPath("debt-register-1280x800.png");
    await page.screenshot({ path: file });
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
  });

  it("the overdue badge names the late step when the item's own target date is still ahead", async () => {
    const page = await adaPage();
    await page.goto("/debt");
    const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: STEP_LATE, exact: true }) });
    const badge = row.locator(".debt-overdue");
    await expect(badge.textContent()).resolves.toMatch(/Step 2 overdue since \S/);
    // No row says a bare "Overdue": each names the item ("Overdue since …") or a step.
    const texts = await page.locator(".debt-org-table .debt-overdue").allTextContents();
    expect(texts.length).toBeGreaterThan(1);
    for (const text of texts) expect(text.replace("⚠", "").trim()).toMatch(/^(Overdue|Step \d+ overdue) since \S/);

    // The project's register and the item's page say the same.
    const itemPath = await stepLateItemPath(page);
    const projectRow = page.getByRole("row").filter({ has: page.getByRole("link", { name: STEP_LATE, exact: true }) });
    await expect(projectRow.locator(".debt-overdue").textContent()).resolves.toMatch(/Step 2 overdue since \S/);
    await page.goto(itemPath);
    await page.getByRole("heading", { name: STEP_LATE, level: 1 }).waitFor();
    await expect(page.locator(".debt-numbers .debt-overdue").textContent()).resolves.toMatch(/Step 2 overdue since \S/);
  });

  it("chosen columns stay in the URL through sorting; the rest is in each row's More", async () => {
    const page = await adaPage();
    await page.goto("/debt");
    const table = page.getByRole("table", { name: /Debt across all projects/ });
    await table.locator("summary", { hasText: `about ${STEP_LATE}` }).click();
    const details = table.locator("details[open]");
    await expect(details.getByText("Principal", { exact: true }).isVisible()).resolves.toBe(true);
    await expect(details.getByText("Interest rate", { exact: true }).isVisible()).resolves.toBe(true);

    await page.locator("summary", { hasText: /^Columns/ }).click();
    const chooser = page.getByRole("form", { name: "Choose columns" });
    await chooser.getByLabel("Principal").check();
    await chooser.getByRole("button", { name: "Show columns" }).click();
    await page.waitForURL(/cols=principal/);
    const principal = table.getByRole("columnheader", { name: "Principal", exact: true });
    await principal.waitFor();
    await principal.getByRole("link").click();
    await page.waitForURL(/sort=principal/);
    expect(page.url()).toContain("cols=principal");
    await expect
      .poll(() => table.getByRole("columnheader", { name: "Principal", exact: true }).getAttribute("aria-sort"))
      .toBe("descending");
  });

  it("a row's More opens without JavaScript", async () => {
    const page = await adaPage({ javaScriptEnabled: false });
    await page.goto(`/projects/${PROJECT}/debt`);
    const table = page.getByRole("table", { name: /debt register/ });
    await table.locator("summary", { hasText: `about ${STEP_LATE}` }).click();
    await expect(table.locator("details[open]").getByText("Interest rate", { exact: true }).isVisible()).resolves.toBe(
      true,
    );
  });
});

describe("dark mode", () => {
  const BACKGROUND = { light: "rgb(247, 248, 250)", dark: "rgb(17, 19, 24)" };

  it.each(["light", "dark"] as const)("axe passes on the dashboard and the debt pages in %s", async (scheme) => {
    const page = await adaPage({ colorScheme: scheme });
    const itemPath = await stepLateItemPath(page);
    for (const pathname of ["/", "/debt", `/projects/${PROJECT}/debt`, itemPath]) {
      const response = await page.goto(pathname);
      expect(response?.status(), pathname).toBe(200);
      await page.getByRole("heading", { level: 1 }).first().waitFor();
      // The palette follows the system setting.
      await expect(page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).resolves.toBe(
        BACKGROUND[scheme],
      );
      expect(await seriousViolations(page), `${pathname} in ${scheme}`).toEqual([]);
    }
    await page.goto("/debt");
    await page.screenshot({ path: screenshotPath(`debt-register-1280x800-${scheme}.png`) });
  });
});
