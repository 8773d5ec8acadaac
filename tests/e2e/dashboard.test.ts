/**
 * The dashboard for each discipline: a user of each discipline signs in and sees the right
 * items in "My queue"; the dashboard renders with JavaScript disabled.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { addPerson, seedAdmin, signIn, signInCookie, useE2E } from "../support/e2e";

const e2e = useE2E();

const PASSWORD = "a long enough password";
const BEA = { name: "Bea Business", email: "bea@example.com", password: PASSWORD, discipline: "business" };
const DAN = { name: "Dan Science", email: "dan@example.com", password: PASSWORD, discipline: "data_science" };
const IDA = { name: "Ida Ops", email: "ida@example.com", password: PASSWORD, discipline: "it" };

async function post(path: string, cookie: string, form: Record<string, string>) {
  const response = await fetch(e2e.url(path), {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: e2e.server.url, Cookie: cookie },
    body: new URLSearchParams(form),
  });
  expect(response.status, `POST ${path}: ${await response.clone().text()}`).toBe(302);
  return response;
}

async function html(path: string, cookie: string) {
  const response = await fetch(e2e.url(path), { headers: { Cookie: cookie } });
  expect(response.status).toBe(200);
  return response.text();
}

/** The value of the <option> whose text starts with `label`. */
function optionValue(page: string, label: string): string {
  const match = new RegExp(`<option value="(\\d+)"[^>]*>${label}`).exec(page);
  if (!match) throw new Error(`No option "${label}"`);
  return match[1];
}

beforeAll(async () => {
  const admin = await seedAdmin(e2e.server);
  for (const person of [BEA, DAN, IDA]) await addPerson(e2e.server, admin.cookie, person);
  const bea = await signInCookie(e2e.server, BEA.email, BEA.password);
  const newPage = await html("/projects/new", bea);
  await post("/projects/new", bea, {
    name: "Line 3 maintenance",
    summary: "",
    businessCase: "",
    ownerId: optionValue(newPage, BEA.name),
  });
  const team = await html("/projects/line-3-maintenance/team", bea);
  await post("/projects/line-3-maintenance/team", bea, {
    intent: "add",
    userId: optionValue(team, DAN.name),
    discipline: "data_science",
  });
  await post("/projects/line-3-maintenance/team", bea, {
    intent: "add",
    userId: optionValue(team, IDA.name),
    discipline: "it",
  });
  await post("/projects/line-3-maintenance/requirements", bea, {
    intent: "create",
    title: "Warn 48 h before a press fails",
    target: "48 h, precision ≥ 0.8",
    priority: "must",
    description: "",
  });
  await post("/projects/line-3-maintenance/gate", bea, {
    intent: "open",
    statement: "Business case confirmed; ready for the gate.",
  });
  const gate = await html("/projects/line-3-maintenance/gate", bea);
  const reviewId = /name="reviewId" value="(\d+)"/.exec(gate)![1];
  await post("/projects/line-3-maintenance/gate", bea, {
    intent: "sign",
    reviewId,
    discipline: "business",
    decision: "approve",
    comment: "",
  });
}, 120_000);

describe("my queue by discipline", () => {
  it("asks data science and IT to assess and sign; business has nothing left", async () => {
    for (const person of [DAN, IDA]) {
      const page = await e2e.newPage();
      await signIn(page, person.email, person.password);
      const queue = page.getByRole("region", { name: /My queue/ });
      await expect(queue.getByRole("link", { name: "Warn 48 h before a press fails" }).isVisible()).resolves.toBe(true);
      await expect(queue.getByText("Gate reviews waiting for your discipline").isVisible()).resolves.toBe(true);
      await expect(queue.getByRole("link", { name: "Line 3 maintenance" }).isVisible()).resolves.toBe(true);
    }
    const page = await e2e.newPage();
    await signIn(page, BEA.email, BEA.password);
    const queue = page.getByRole("region", { name: /My queue/ });
    await expect(queue.getByText("Nothing waits for you.").isVisible()).resolves.toBe(true);
    // The board shows the project with business approved and the others missing.
    const card = page.locator(".board-card", { hasText: "Line 3 maintenance" });
    await expect(card.getByText("Approved").count()).resolves.toBe(1);
    await expect(card.getByText("Missing").count()).resolves.toBe(2);
  });

  it("renders without JavaScript, charts included", async () => {
    const page = await e2e.newPage({ javaScriptEnabled: false });
    await signIn(page, IDA.email, IDA.password);
    await expect(page.getByRole("heading", { level: 1, name: "Dashboard" }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole("heading", { name: "Pipeline" }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole("img", { name: /Projects entering each stage/ }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole("img", { name: /Debt over time/ }).isVisible()).resolves.toBe(true);
    // The GET filter works without client JS.
    await page.getByLabel("Waiting for").selectOption({ label: "IT operations" });
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/waiting=it/);
    await expect
      .poll(() => page.locator(".board-card", { hasText: "Line 3 maintenance" }).count(), { timeout: 10_000 })
      .toBe(1);
  });
});
