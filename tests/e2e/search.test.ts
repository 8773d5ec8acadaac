/**
 * Search from the header (docs/domain.md, "Search") in a real browser: typing words in the
 * header's box and pressing Enter lists what matches with the matched words marked, and a
 * result leads to the thing; `/` puts the cursor in the box from anywhere but a field; and
 * without JavaScript the box is a plain form that still searches.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { seedAdmin, useE2E, useSession } from "../support/e2e";

const e2e = useE2E();
let adminCookie: string;
const PROJECT = "Bearing wear forecast";

beforeAll(async () => {
  ({ cookie: adminCookie } = await seedAdmin(e2e.server));
  const response = await fetch(new URL("/projects/new", e2e.server.url), {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: e2e.server.url, Cookie: adminCookie },
    body: new URLSearchParams({
      intent: "create",
      name: PROJECT,
      summary: "Warn a week ahead from the vibration spectra of the main bearings.",
      businessCase: "An unplanned bearing change stops the line for a shift.",
      ownerId: "1",
    }),
  });
  expect(response.status).toBe(302);
});

async function signedIn(options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const page = await e2e.newPage(options);
  await useSession(page.context(), e2e.server, adminCookie);
  return page;
}

const headerBox = (page: Page) => page.getByRole("searchbox", { name: "Search Triad" });

describe("search from the header", () => {
  it("lists what matches the words typed in the header's box, marked, and leads to it", async () => {
    const page = await signedIn();
    await page.goto("/projects");
    await page.getByRole("heading", { level: 1, name: "Projects" }).waitFor();

    await headerBox(page).fill("vibration");
    await headerBox(page).press("Enter");
    await page.waitForURL((url) => url.pathname === "/search" && url.searchParams.get("q") === "vibration");
    await page.getByRole("heading", { level: 1, name: "Search" }).waitFor();

    const results = page.locator(".search-results > li");
    await results.first().waitFor();
    expect(await results.count()).toBe(1);
    const result = results.first();
    expect(await result.locator(".search-kind").textContent()).toBe("Project");
    // the matched word is marked, as text
    expect(await result.locator("mark").allTextContents()).toEqual(["vibration"]);
    // the box keeps the search on the results page
    expect(await headerBox(page).inputValue()).toBe("vibration");

    await result.getByRole("link", { name: PROJECT }).click();
    await page.waitForURL((url) => url.pathname.startsWith("/projects/bearing-wear-forecast"));
    await page.getByRole("heading", { level: 1, name: PROJECT }).waitFor();
  });

  it("says so when nothing matches, and how to widen the search", async () => {
    const page = await signedIn();
    await page.goto("/search?q=quokka&kind=debt");
    await page.getByText("Nothing among debt items matches “quokka”.").waitFor();
    await page.getByRole("link", { name: "search everything at every stage" }).click();
    await page.waitForURL((url) => url.pathname === "/search" && !url.searchParams.has("kind"));
    await page.getByText("Nothing matches “quokka”.").waitFor();
  });

  it("puts the cursor in the box when / is pressed, but not while typing in a field", async () => {
    const page = await signedIn();
    await page.goto("/projects");
    await page.getByRole("heading", { level: 1, name: "Projects" }).waitFor();

    // The shortcut works once the page is hydrated: press until it has taken effect.
    await expect
      .poll(async () => {
        await page.keyboard.press("/");
        return page.evaluate(() => document.activeElement?.id);
      })
      .toBe("site-search");
    expect(await headerBox(page).inputValue()).toBe(""); // the slash was not typed

    // In another field, / is just a character.
    const byName = page.getByLabel("Search by name");
    await byName.focus();
    await page.keyboard.type("a/b");
    expect(await byName.inputValue()).toBe("a/b");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("q");
    expect(await page.evaluate(() => document.activeElement?.id)).not.toBe("site-search");

    // The box then searches with Enter like any form.
    await page.keyboard.press("Escape");
    await page.locator("main h1").click();
    await page.keyboard.press("/");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("site-search");
    await page.keyboard.type("bearing");
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.pathname === "/search" && url.searchParams.get("q") === "bearing");
    await page.locator(".search-results mark").first().waitFor();
  });

  it("searches without JavaScript: the header's box is a plain form", async () => {
    const page = await signedIn({ javaScriptEnabled: false });
    await page.goto("/");
    await headerBox(page).fill("bearings");
    await headerBox(page).press("Enter");
    await page.waitForURL((url) => url.pathname === "/search" && url.searchParams.get("q") === "bearings");
    const marks = await page.locator(".search-results mark").allTextContents();
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.every((m) => /^bearing/i.test(m))).toBe(true);
    // the filters are a plain GET form too
    await page.getByLabel("Kind", { exact: true }).selectOption("person");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get("kind") === "person");
    await page.getByText("Nothing among people matches “bearings”.").waitFor();
  });
});
