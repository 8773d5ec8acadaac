/**
 * Forms and error pages in a real browser (docs/architecture.md, "Forms", "Error pages"):
 * a form is checked in the browser with its server schema before anything is sent, the first
 * field in error gets the focus, the submit button says it is working; without JavaScript the
 * server gives the same message. An error inside a project tab keeps the project's name and tabs.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { seedAdmin, useE2E, useSession } from "../support/e2e";

const e2e = useE2E();
let adminCookie: string;
let slug: string;
const PROJECT = "Scrap rate forecast";

beforeAll(async () => {
  ({ cookie: adminCookie } = await seedAdmin(e2e.server));
  const response = await fetch(new URL("/projects/new", e2e.server.url), {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: e2e.server.url, Cookie: adminCookie },
    body: new URLSearchParams({
      intent: "create",
      name: PROJECT,
      summary: "Forecast scrap per shift.",
      businessCase: "",
      ownerId: "1",
    }),
  });
  expect(response.status).toBe(302);
  slug = new URL(response.headers.get("Location")!, e2e.server.url).pathname.split("/")[2];
});

async function asAdmin(options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const page = await e2e.newPage(options);
  await useSession(page.context(), e2e.server, adminCookie);
  return page;
}

/** Counts the POSTs the page sends (document or data requests alike). */
function countPosts(page: Page): () => number {
  let posts = 0;
  page.on("request", (request) => {
    if (request.method() === "POST") posts++;
  });
  return () => posts;
}

describe("forms", () => {
  it("checks a form in the browser with the server's schema before sending it, and focuses the first error", async () => {
    const page = await asAdmin();
    await page.goto("/projects/new");
    await page.getByRole("heading", { level: 1 }).waitFor();
    const posts = countPosts(page);

    // Leaving the field empty says so as soon as the field is left.
    await page.getByLabel("Name").focus();
    await page.getByLabel("Summary").focus();
    const nameError = page.locator(".field-error").first();
    await nameError.waitFor();
    const message = await nameError.textContent();
    expect(message).toMatch(/name/i);

    // Submitting sends nothing and puts the focus on the field in error.
    await page.getByLabel("Summary").fill("A summary that is fine.");
    await page.getByRole("button", { name: "Create project" }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("name");
    expect(posts()).toBe(0);
    expect(await page.getByLabel("Name").getAttribute("aria-invalid")).toBe("true");

    // Typing a name clears the message at once.
    await page.getByLabel("Name").fill("Energy use per press");
    await expect.poll(() => page.locator(".field-error").count()).toBe(0);
  });

  it("says that it is working while the request is on its way", async () => {
    const page = await asAdmin();
    await page.goto("/projects/new");
    await page.getByLabel("Name").fill("Tool wear estimate");
    await page.getByLabel("Summary").fill("Estimate tool wear from vibration.");
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route("**/projects/new*", async (route) => {
      if (route.request().method() === "POST") await held;
      await route.continue();
    });
    const button = page.getByRole("button", { name: /Create project|Creating/ });
    await button.click();
    await expect.poll(() => button.getAttribute("aria-busy")).toBe("true");
    expect(await button.isDisabled()).toBe(true);
    release();
    await page.getByRole("heading", { name: "Tool wear estimate", level: 1 }).waitFor();
  });

  it("gives the same message from the server when the browser runs no JavaScript", async () => {
    const withJs = await asAdmin();
    await withJs.goto("/projects/new");
    await withJs.getByLabel("Name").focus();
    await withJs.getByLabel("Summary").focus();
    const inBrowser = await withJs.locator(".field-error").first().textContent();

    const page = await asAdmin({ javaScriptEnabled: false });
    await page.goto("/projects/new");
    await page.getByLabel("Summary").fill("Sent without a name.");
    await page.getByRole("button", { name: "Create project" }).click();
    await page.locator(".field-error").first().waitFor();
    expect(await page.locator(".field-error").first().textContent()).toBe(inBrowser);
    // What was typed is still there.
    expect(await page.getByLabel("Summary").inputValue()).toBe("Sent without a name.");
  });
});

describe("error pages", () => {
  for (const javaScriptEnabled of [true, false]) {
    it(`keeps the project's name and tabs around an error inside a tab (${javaScriptEnabled ? "with" : "without"} JavaScript)`, async () => {
      const page = await asAdmin({ javaScriptEnabled });
      const response = await page.goto(`/projects/${slug}/debt/999999`);
      expect(response?.status()).toBe(404);
      await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(PROJECT);
      const tabs = page.getByRole("navigation", { name: "Project sections" });
      await expect(tabs.getByRole("link", { name: "Debt" }).isVisible()).resolves.toBe(true);
      await expect(page.getByRole("heading", { level: 2, name: "Page not found" }).isVisible()).resolves.toBe(true);
      await page.getByRole("link", { name: `Back to ${PROJECT}` }).click();
      await page.waitForURL((url) => url.pathname === `/projects/${slug}`);
    });
  }

  it("shows the plain error page when the project itself does not exist", async () => {
    const page = await asAdmin();
    const response = await page.goto("/projects/no-such-project-here");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Page not found");
    expect(await page.getByRole("navigation", { name: "Project sections" }).count()).toBe(0);
    await expect(page.getByRole("link", { name: "Back to the projects" }).isVisible()).resolves.toBe(true);
  });
});
