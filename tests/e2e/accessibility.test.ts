/** An axe scan of the main pages: no serious or critical violation. */
import AxeBuilder from "@axe-core/playwright";
import { beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { seedAdmin, useE2E, useSession } from "../support/e2e";

const e2e = useE2E();
let adminCookie: string;

beforeAll(async () => {
  ({ cookie: adminCookie } = await seedAdmin(e2e.server));
});

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

describe("accessibility", () => {
  it("/login", async () => {
    const page = await e2e.newPage();
    await page.goto("/login");
    await page.getByRole("heading", { name: "Sign in to Triad" }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  it.each(["/", "/people", "/people/new", "/search?q=admin", "/admin/activity", "/admin/orphans"])(
    "%s (signed in as admin)",
    async (pathname) => {
      const page = await e2e.newPage();
      await useSession(page.context(), e2e.server, adminCookie);
      const response = await page.goto(pathname);
      expect(response?.status()).toBe(200);
      await page.getByRole("heading", { level: 1 }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);
    },
  );

  it("/people/new with field errors showing", async () => {
    const page = await e2e.newPage();
    await useSession(page.context(), e2e.server, adminCookie);
    await page.goto("/people/new");
    await page.getByRole("button", { name: "Add person" }).click();
    await page.getByText("Enter a name.").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });
});
