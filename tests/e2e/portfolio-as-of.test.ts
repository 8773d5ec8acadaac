/**
 * The portfolio on a date in a real browser, without JavaScript (docs/domain.md, "Portfolio on
 * a date"): the board's date field is a plain GET form; a valid day shows the board as it stood
 * then with its CSV link, a wrong one is said next to the field; the projects list takes the
 * same date.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { seedAdmin, useE2E, useSession } from "../support/e2e";

const e2e = useE2E();
const PROJECT = "Paint shop energy forecast";
let cookie: string;

beforeAll(async () => {
  ({ cookie } = await seedAdmin(e2e.server));
  const response = await fetch(new URL("/projects/new", e2e.server.url), {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: e2e.server.url, Cookie: cookie },
    body: new URLSearchParams({ intent: "create", name: PROJECT, summary: "", businessCase: "", ownerId: "1" }),
  });
  expect(response.status).toBe(302);
});

async function page(javaScriptEnabled: boolean): Promise<Page> {
  const p = await e2e.newPage({ javaScriptEnabled });
  await useSession(p.context(), e2e.server, cookie);
  return p;
}

/** Today's date on the server (the organisation's zone is UTC in the tests). */
const today = () => new Date().toISOString().slice(0, 10);

describe("the board on a date", () => {
  it("shows the board as it stood at the end of the day, without JavaScript", async () => {
    const p = await page(false);
    await p.goto("/");
    await p.getByLabel("Board on date").fill(today());
    await p.getByRole("button", { name: "Show board" }).click();
    await p.waitForURL(/asOf=/);
    await p.getByRole("heading", { name: `Pipeline on ${today()}` }).waitFor();
    await expect(p.locator(".board-card", { hasText: PROJECT }).count()).resolves.toBe(1);
    await expect(p.getByRole("link", { name: "Download as CSV" }).getAttribute("href")).resolves.toBe(
      `/projects.csv?asOf=${today()}`,
    );
    await p.getByRole("link", { name: "Back to today's board" }).click();
    await p.getByRole("heading", { name: "Pipeline", exact: true }).waitFor();
  });

  it("says next to the field what is wrong with a date, and keeps today's board", async () => {
    const p = await page(false);
    await p.goto("/");
    await p.getByLabel("Board on date").fill("2026-02-30");
    await p.getByRole("button", { name: "Show board" }).click();
    await p.waitForURL(/asOf=2026-02-30/);
    const field = p.getByLabel("Board on date");
    await expect(field.getAttribute("aria-invalid")).resolves.toBe("true");
    await p.getByText("Enter a date as YYYY-MM-DD, for example 2027-03-01.").first().waitFor();
    await p.getByRole("heading", { name: "Pipeline", exact: true }).waitFor();
  });

  it("lists the projects on a date with JavaScript too", async () => {
    const p = await page(true);
    await p.goto(`/projects?asOf=${today()}`);
    await p.getByRole("heading", { level: 1, name: `Projects on ${today()}` }).waitFor();
    await expect(p.getByRole("link", { name: PROJECT }).count()).resolves.toBe(1);
    await expect(p.getByLabel("On date").inputValue()).resolves.toBe(today());
  });
});
