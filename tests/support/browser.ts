/**
 * Headless Debian Chromium through playwright-core (never a downloaded browser), a fresh
 * context per test, and a guard that fails the test on any console error or page error.
 */
import fs from "node:fs";
import path from "node:path";
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type ConsoleMessage,
  type Page,
} from "playwright-core";
import { ROOT } from "./server";

export const CHROMIUM_PATH = "/usr/bin/chromium";
export const ARTIFACTS_DIR = path.join(ROOT, "test-results", "e2e");

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * Chromium logs "Failed to load resource: ... status of 4xx" for every page or data request
 * that answers 4xx. For a document or a Remix data request that is the app answering on
 * purpose (403 page, 401 wrong password), which the test asserts itself; for an asset the
 * page asked for (a script, stylesheet, icon) it is a broken page, and fails the test.
 */
function isExpectedHttpError(message: ConsoleMessage): boolean {
  if (!/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) {
    return false;
  }
  const url = message.location().url;
  if (!url) return false;
  const { pathname } = new URL(url);
  // Chromium's own probe for a default icon (the app declares /favicon.svg); it sometimes
  // fires while React swaps <head> links during a client-side navigation.
  if (pathname === "/favicon.ico") return true;
  return !pathname.startsWith("/assets/") && !/\.(js|css|svg|png|ico|woff2?)$/.test(pathname);
}

export type GuardedPage = { context: BrowserContext; page: Page; problems: string[] };

export async function newGuardedPage(browser: Browser, options: BrowserContextOptions = {}): Promise<GuardedPage> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && !isExpectedHttpError(message)) {
      problems.push(`console.error at ${message.location().url}: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.stack ?? error.message}`));
  return { context, page, problems };
}

const slug = (text: string) =>
  text
    .replace(/[^a-z0-9]+/gi, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 120);

/** Saves a screenshot and the page's HTML under test-results/e2e/ for a failed test. */
export async function saveArtifacts(page: Page, testName: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const base = path.join(ARTIFACTS_DIR, slug(testName));
  try {
    await page.screenshot({ path: `${base}.png`, fullPage: true });
    fs.writeFileSync(`${base}.html`, await page.content());
  } catch {
    // the page may already be gone; the assertion error says enough
  }
}
