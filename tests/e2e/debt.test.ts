/**
 * Debt end to end: a member logs an organizational debt item, gives it a two-step plan (a step
 * due after the target date is refused next to the field), completes both steps, is asked to
 * mark it repaid with a note, sees it repaid with its history, finds it on /debt and downloads
 * the CSV. Stopping a project writes its open debt off with a reason; an admin reopens it.
 * Plus an axe scan of the debt pages.
 */
import fs from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { seedAdmin, useE2E, useSession } from "../support/e2e";

const e2e = useE2E();
let adminCookie: string;
let slug: string;

const TITLE = "Data quality gaps overlooked in the PoC";

beforeAll(async () => {
  ({ cookie: adminCookie } = await seedAdmin(e2e.server));
  // The admin creates the project (and so is its owner and a member).
  const response = await fetch(new URL("/projects/new", e2e.server.url), {
    method: "POST",
    redirect: "manual",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: e2e.server.url,
      Cookie: adminCookie,
    },
    body: new URLSearchParams({
      name: "Press line 3 predictive maintenance",
      summary: "Warn 48 hours before a press fails.",
      businessCase: "",
      ownerId: "1",
    }),
  });
  expect(response.status).toBe(302);
  slug = new URL(response.headers.get("Location")!, e2e.server.url).pathname.split("/")[2];
});

async function asAdmin(): Promise<Page> {
  const page = await e2e.newPage();
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

async function toast(page: Page): Promise<string> {
  return (await page.locator(".toast").textContent()) ?? "";
}

describe("debt registers", () => {
  it("logs an organizational item, plans two steps, completes them and downloads the CSV", async () => {
    const page = await asAdmin();
    await page.goto(`/projects/${slug}/debt`);
    await page.getByRole("link", { name: /^Organizational/ }).click();
    await page.waitForURL(/register=organizational/);
    // The URL changes before the page re-renders: wait for the tab to become the current one.
    await expect
      .poll(() => page.getByRole("link", { name: /^Organizational/ }).getAttribute("aria-current"), { timeout: 10_000 })
      .toBe("page");
    await page.getByText("No organizational debt logged yet.").waitFor();

    const log = page.getByRole("form", { name: /Log debt item/ });
    await log.getByLabel("Title").fill(TITLE);
    await log.getByLabel("Description").fill("Sensor dropouts were filtered by hand, for a clean PoC quarter.");
    await log.getByLabel("Category").selectOption({ label: "Data quality" });
    await log.getByLabel("Why it was taken on").fill("Show a result to the steering committee, fast.");
    await expect(log.getByLabel("Stage incurred").inputValue()).resolves.toBe("poc");
    await log.getByLabel("Severity").selectOption({ label: "High" });
    await log.getByLabel("Principal (person-days)").fill("6");
    await log.getByLabel("Interest (person-days per month)").fill("1,5");
    await log.getByLabel("Owner").selectOption({ label: "Ada Admin" });
    await log.getByRole("button", { name: "Log debt item" }).click();

    await page.getByRole("heading", { name: TITLE, level: 1 }).waitFor();
    await expect(toast(page)).resolves.toContain("Now give it a repayment plan.");
    await page.getByText("This item has no repayment plan yet").waitFor();

    // the plan
    const plan = page.getByRole("form", { name: "Repayment plan" });
    await plan.getByLabel("Strategy").fill("Name a data owner and automate the quality checks.");
    await plan.getByLabel("Target date").fill("2099-12-31");
    await plan.getByRole("button", { name: "Save plan" }).click();
    await expect(page.getByText("The repayment plan was saved.").waitFor()).resolves.toBeUndefined();

    // a step due after the target date is refused next to its field, the input kept
    let addStep = page.getByRole("form", { name: "Add step" });
    await addStep.getByLabel("Title").fill("Name a data owner for the sensor feed");
    await addStep.getByLabel("Due date").fill("2100-01-15");
    await addStep.getByRole("button", { name: "Add step" }).click();
    await page
      .getByText("Step 1 is due on 2100-01-15, after the plan's target date 2099-12-31.", { exact: false })
      .waitFor();
    addStep = page.getByRole("form", { name: "Add step" });
    await expect(addStep.getByLabel("Title").inputValue()).resolves.toBe("Name a data owner for the sensor feed");
    await expect(addStep.getByLabel("Due date").getAttribute("aria-invalid")).resolves.toBe("true");

    await addStep.getByLabel("Due date").fill("2099-06-30");
    await addStep.getByLabel("Owner").selectOption({ label: "Ada Admin" });
    await addStep.getByRole("button", { name: "Add step" }).click();
    await page.getByText("Step “Name a data owner for the sensor feed” was added.").waitFor();

    addStep = page.getByRole("form", { name: "Add step" });
    await addStep.getByLabel("Title").fill("Automate dropout and duplicate checks");
    await addStep.getByLabel("Due date").fill("2099-11-30");
    await addStep.getByRole("button", { name: "Add step" }).click();
    await page.getByText("Step “Automate dropout and duplicate checks” was added.").waitFor();
    await expect(page.locator(".debt-steps > li").count()).resolves.toBe(2);
    expect(await seriousViolations(page)).toEqual([]);

    // complete the steps: repaying; the last one proposes "repaid", which still takes a note
    const status = page.getByRole("region", { name: "Status" });
    await expect(status.textContent()).resolves.toContain("Open");
    await page.getByRole("button", { name: "Mark done: Name a data owner for the sensor feed" }).click();
    await page.getByText("Step marked done.").waitFor();
    await expect(status.textContent()).resolves.toContain("Repaying");
    await page.getByRole("button", { name: "Mark done: Automate dropout and duplicate checks" }).click();
    await page.waitForURL(/propose=repaid/);
    const proposal = page.getByRole("region", { name: "All steps are done. Mark the item repaid?" });
    await proposal.waitFor();
    await expect(status.textContent()).resolves.toContain("Repaying");
    expect(await seriousViolations(page)).toEqual([]);
    await proposal.getByRole("button", { name: "Yes, mark repaid" }).click();
    await page.getByText("Say how the debt was repaid.").waitFor();
    await expect(status.textContent()).resolves.toContain("Repaying");
    await proposal.getByLabel("How was it repaid?").fill("The checks run on every load; the sensor feed has an owner.");
    await proposal.getByRole("button", { name: "Yes, mark repaid" }).click();
    await page.getByText("The item is repaid. Its history stays here.").waitFor();
    await expect(status.textContent()).resolves.toContain("Repaid");
    await expect(page.getByRole("button", { name: /^Mark (not )?done/ }).count()).resolves.toBe(0);

    const history = page.getByRole("region", { name: "History" }).getByRole("listitem");
    const lines = await history.allTextContents();
    expect(lines).toHaveLength(7);
    expect(lines[0]).toContain(`marked “${TITLE}” repaid: The checks run on every load`);
    expect(lines[1]).toContain("marked step 2 “Automate dropout and duplicate checks”");
    expect(lines[1]).not.toContain("the item is now");
    expect(lines[2]).toContain("the item is now repaying");
    expect(lines[6]).toContain(`Ada Admin logged “${TITLE}” in the organizational debt register`);

    // the register lists it as repaid
    await page.getByRole("link", { name: "Back to the register" }).click();
    const row = page.getByRole("row").filter({ hasText: TITLE });
    await expect(row.textContent()).resolves.toMatch(/Data quality.*High.*Repaid.*Ada Admin.*6 d/);

    // the org-wide register, filtered, and its CSV
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Debt" }).click();
    await page.getByRole("heading", { name: "Debt register", level: 1 }).waitFor();
    const filters = page.getByRole("search", { name: "Filter debt" });
    await filters.getByLabel("Register").selectOption({ label: "Organizational" });
    await filters.getByLabel("Status").selectOption({ label: "Repaid" });
    await filters.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/status=repaid/);
    await page.getByRole("row").filter({ hasText: TITLE }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^triad-debt-\d{4}-\d{2}-\d{2}\.csv$/);
    const bytes = fs.readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString("utf8");
    const lines2 = text.split("\r\n");
    expect(lines2.at(-1)).toBe("");
    expect(lines2[0]).toMatch(/^ID,Project,Register,Title,Category,Severity,Status,Owner,/);
    expect(lines2).toHaveLength(3); // header, the one item, and the final CRLF
    expect(lines2[1]).toContain(
      `Press line 3 predictive maintenance,Organizational,${TITLE},Data quality,High,Repaid,Ada Admin,6,1.5,`,
    );
    expect(lines2[1]).toContain(",2099-12-31,");
  });

  it("stops a project writing off its open debt with a reason; an admin reopens it", async () => {
    const created = await fetch(new URL("/projects/new", e2e.server.url), {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: e2e.server.url, Cookie: adminCookie },
      body: new URLSearchParams({
        name: "Churn model for the call centre",
        summary: "",
        businessCase: "",
        ownerId: "1",
      }),
    });
    const churn = new URL(created.headers.get("Location")!, e2e.server.url).pathname.split("/")[2];
    const logged = await fetch(new URL(`/projects/${churn}/debt`, e2e.server.url), {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: e2e.server.url, Cookie: adminCookie },
      body: new URLSearchParams({
        intent: "create",
        register: "technical",
        title: "Scores computed in a spreadsheet",
        category: "manual_steps",
        stageIncurred: "poc",
        severity: "medium",
        principalDays: "4",
        interestDays: "1",
      }),
    });
    expect(logged.status).toBe(302);
    const itemPath = new URL(logged.headers.get("Location")!, e2e.server.url).pathname;

    const page = await asAdmin();
    await page.goto(`/projects/${churn}`);
    await page.getByRole("link", { name: "Stop project…" }).click();
    await page.getByLabel("Why did it stop?").selectOption({ label: "Other" });
    await page.getByLabel("What happened").fill("The call centre moved to a vendor product.");
    const choice = page.getByRole("group", { name: "What happens to its 1 open debt item?" });
    await choice.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // no choice: refused, the message next to the choice, the input kept
    await page.getByRole("button", { name: "Stop the project" }).click();
    await choice.getByText("Say what happens to the 1 open debt item: write it off or keep it open.").waitFor();
    await expect(page.getByLabel("What happened").inputValue()).resolves.toBe(
      "The call centre moved to a vendor product.",
    );
    await choice.getByLabel("Write it off").check();
    await page.getByLabel("Why write it off?").fill("The vendor product replaces the spreadsheet.");
    await page.getByRole("button", { name: "Stop the project" }).click();
    await page.getByText("The project was stopped and its open debt written off.", { exact: false }).waitFor();

    // the item says so, with the reason, and no longer changes
    await page.goto(itemPath);
    const status = page.getByRole("region", { name: "Status" });
    await expect(status.textContent()).resolves.toContain("Written off");
    await expect(status.textContent()).resolves.toContain(
      "Why it was written off: The vendor product replaces the spreadsheet.",
    );
    const history = await page.getByRole("region", { name: "History" }).getByRole("listitem").allTextContents();
    expect(history[0]).toContain(
      "wrote off “Scores computed in a spreadsheet” when Churn model for the call centre was stopped",
    );
    expect(await seriousViolations(page)).toEqual([]);

    // the admin reopens the project with a reason
    await page.goto(`/projects/${churn}`);
    await page.getByRole("link", { name: "Reopen…" }).click();
    await page.getByRole("button", { name: "Reopen the project" }).click();
    await page.getByText("Say in a sentence why the project is reopened.").waitFor();
    await page.getByLabel("Why reopen it?").fill("The vendor contract fell through.");
    await page.getByRole("button", { name: "Reopen the project" }).click();
    await page.getByText("The project is active again. Written-off debt stays written off.").waitFor();
    await page.getByRole("link", { name: "Stop project…" }).waitFor();
  });

  it("shows a non-member everything but no forms", async () => {
    const page = await e2e.newPage();
    // a member of no project: a second person the admin adds
    const response = await fetch(new URL("/people/new", e2e.server.url), {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: e2e.server.url, Cookie: adminCookie },
      body: new URLSearchParams({
        name: "Olga Outsider",
        email: "olga@example.com",
        discipline: "it",
        role: "member",
        password: "outsiders read only please",
      }),
    });
    expect(response.status).toBe(302);
    const login = await fetch(new URL("/login", e2e.server.url), {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: e2e.server.url },
      body: new URLSearchParams({ email: "olga@example.com", password: "outsiders read only please" }),
    });
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .find((c) => c.startsWith("triad_session="))!;
    await useSession(page.context(), e2e.server, cookie);
    await page.goto(`/projects/${slug}/debt?register=organizational`);
    await page.getByRole("row").filter({ hasText: TITLE }).waitFor();
    await expect(page.getByRole("form").count()).resolves.toBe(0);
    await page.getByText("Only members of this project log and change its debt.").waitFor();
    await page.getByRole("link", { name: TITLE }).click();
    await page.getByRole("heading", { name: TITLE, level: 1 }).waitFor();
    await expect(page.getByRole("button", { name: /Mark|Save|Add|Reopen/ }).count()).resolves.toBe(0);
    await expect(page.getByRole("link", { name: "Reopen…" }).count()).resolves.toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
  });
});
