/**
 * An admin adds a member at /people/new; members cannot open /people. A project owner seats a
 * person in their own discipline; an admin changing that discipline confirms first (without
 * JavaScript too), and the person's seats move (docs/domain.md, "Who may sign").
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { addPerson, seedAdmin, signIn, signInCookie, useE2E, useSession } from "../support/e2e";

const e2e = useE2E();
let adminCookie: string;

beforeAll(async () => {
  ({ cookie: adminCookie } = await seedAdmin(e2e.server));
});

async function asAdmin(): Promise<Page> {
  const page = await e2e.newPage();
  await useSession(page.context(), e2e.server, adminCookie);
  return page;
}

const MEMBER = {
  name: "Grace Hopper",
  email: "grace@example.com",
  discipline: "IT operations",
  password: "compilers are people too",
};

async function fillNewPerson(page: Page, person: typeof MEMBER) {
  await page.getByLabel("Name", { exact: true }).fill(person.name);
  await page.getByLabel("E-mail").fill(person.email);
  await page.getByLabel("Discipline").selectOption({ label: person.discipline });
  await page.getByLabel("Role").selectOption({ label: "Member" });
  await page.getByLabel("Initial password").fill(person.password);
}

describe("people", () => {
  it("an admin adds a member, who then appears in the people list", async () => {
    const page = await asAdmin();
    await page.goto("/people");
    await page.getByRole("link", { name: "Add person" }).click();
    await page.getByRole("heading", { name: "Add a person" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/people/new");

    await fillNewPerson(page, MEMBER);
    await page.getByRole("button", { name: "Add person" }).click();

    await page.getByRole("heading", { name: "People", level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/people");
    await expect(page.getByRole("status").textContent()).resolves.toContain("Grace Hopper was added.");
    const row = page.getByRole("row").filter({ hasText: MEMBER.email });
    await expect(row.getByRole("link", { name: MEMBER.name }).isVisible()).resolves.toBe(true);
    await expect(row.textContent()).resolves.toMatch(/IT operations.*Member.*Active/);
  });

  it("a duplicate e-mail shows the error next to the field and keeps the other input", async () => {
    await addPerson(e2e.server, adminCookie, {
      name: "Margaret Hamilton",
      email: "margaret@example.com",
      password: "apollo guidance computer",
    });
    const page = await asAdmin();
    await page.goto("/people/new");
    await fillNewPerson(page, {
      ...MEMBER,
      name: "Margaret Again",
      email: "MARGARET@example.com",
      discipline: "Data science",
    });
    await page.getByRole("button", { name: "Add person" }).click();

    const email = page.getByLabel("E-mail");
    await page.getByText("Someone already uses this e-mail address. Choose another.").waitFor();
    await expect(email.getAttribute("aria-invalid")).resolves.toBe("true");
    // the message is tied to the field, so a screen reader reads it with the field
    const describedBy = (await email.getAttribute("aria-describedby")) ?? "";
    const messages = await Promise.all(describedBy.split(" ").map((id) => page.locator(`[id="${id}"]`).textContent()));
    expect(messages).toContain("Someone already uses this e-mail address. Choose another.");

    await expect(page.getByLabel("Name", { exact: true }).inputValue()).resolves.toBe("Margaret Again");
    await expect(email.inputValue()).resolves.toBe("MARGARET@example.com");
    await expect(page.getByLabel("Discipline").inputValue()).resolves.toBe("data_science");
    await expect(page.getByLabel("Role").inputValue()).resolves.toBe("member");

    await page.goto("/people");
    await expect(page.getByRole("row").filter({ hasText: "margaret@example.com" }).count()).resolves.toBe(1);
    await expect(page.getByText("Margaret Again").count()).resolves.toBe(0);
  });

  it("the member signs in and is not allowed into /people", async () => {
    const member = await addPerson(e2e.server, adminCookie, {
      name: "Mary Member",
      email: "mary@example.com",
      password: "an ordinary member password",
    });
    const page = await e2e.newPage();
    await signIn(page, member.email, member.password);
    // no People link for members
    await expect(
      page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "People" }).count(),
    ).resolves.toBe(0);

    const response = await page.goto("/people");
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Not allowed");
    await expect(page.getByText("Only admins can open this page.").isVisible()).resolves.toBe(true);

    const form = await page.goto("/people/new");
    expect(form?.status()).toBe(403);
  });
});

describe("a person's discipline decides their seat", () => {
  type Models = {
    users: typeof import("~/models/users.server");
    projects: typeof import("~/models/projects.server");
    gates: typeof import("~/models/gates.server");
    client: typeof import("../../db/client.server");
  };
  let models: Models;
  const BEA = {
    name: "Bea Business",
    email: "bea@example.com",
    password: "business owner password",
    discipline: "business",
  };
  const DAN = {
    name: "Dan Science",
    email: "dan@example.com",
    password: "data scientist password",
    discipline: "data_science",
  };
  const PROJECT = "Line 3 maintenance";

  beforeAll(async () => {
    // The models write to the server's own database file (the app connects lazily).
    process.env.DATABASE_URL = e2e.server.databaseFile;
    models = {
      users: await import("~/models/users.server"),
      projects: await import("~/models/projects.server"),
      gates: await import("~/models/gates.server"),
      client: await import("../../db/client.server"),
    };
    for (const person of [BEA, DAN]) await addPerson(e2e.server, adminCookie, person);
    const bea = models.users.findUserByEmail(BEA.email)!;
    models.projects.createProject({
      actor: { ...bea, via: "web" },
      name: PROJECT,
      summary: "",
      businessCase: "",
      ownerId: bea.id,
    });
  });

  afterAll(() => {
    models?.client.closeDb();
  });

  it("the owner picks a person, who joins as their own discipline", async () => {
    const page = await e2e.newPage();
    await useSession(page.context(), e2e.server, await signInCookie(e2e.server, BEA.email, BEA.password));
    await page.goto("/projects/line-3-maintenance/team");
    // no discipline to choose: the person brings theirs
    await expect(page.getByLabel("Discipline on this project").count()).resolves.toBe(0);
    await page.getByLabel("Person").selectOption({ label: `${DAN.name} — Data science` });
    await page.getByRole("button", { name: "Add to team" }).click();
    await expect(page.getByRole("status").textContent()).resolves.toContain(
      "Dan Science joined the team as Data science.",
    );
    await page
      .getByRole("region", { name: /Data science/ })
      .getByRole("link", { name: `Remove ${DAN.name}` })
      .waitFor();
  });

  it("changing it asks first when sign-offs would be withdrawn, then moves the seat (no JavaScript)", async () => {
    const dan = models.users.findUserByEmail(DAN.email)!;
    const bea = models.users.findUserByEmail(BEA.email)!;
    const found = models.projects.findProjectBySlug("line-3-maintenance");
    if (found.kind !== "found") throw new Error("The project is missing.");
    const review = models.gates.openReview({
      actor: { ...bea, via: "web" },
      projectId: found.project.id,
      statement: "The PoC warns 48 h ahead.",
    });
    models.gates.signOff({
      actor: { ...dan, via: "web" },
      reviewId: review.id,
      decision: "approve",
      comment: "The model holds up.",
    });

    const page = await e2e.newPage({ javaScriptEnabled: false });
    await useSession(page.context(), e2e.server, adminCookie);
    await page.goto("/people");
    await page.getByRole("link", { name: DAN.name }).click();
    await page.getByRole("heading", { name: "Teams" }).waitFor();
    await expect(page.getByRole("region", { name: "Teams" }).textContent()).resolves.toMatch(
      /Line 3 maintenance.*Data science/,
    );

    await page.getByLabel("Discipline", { exact: true }).selectOption({ label: "IT operations" });
    await page.getByRole("button", { name: "Save discipline and role" }).click();
    const confirm = page.getByRole("form", { name: "Change Dan Science's discipline?" });
    await confirm.waitFor();
    const text = (await confirm.textContent()) ?? "";
    expect(text).toContain("1 current sign-off on open gate reviews (Line 3 maintenance) will be withdrawn");
    expect(text).toContain("Their 1 team seat moves to IT operations");
    // nothing changed yet
    expect(models.users.getUser(dan.id)!.discipline).toBe("data_science");

    await confirm.getByRole("button", { name: "Yes, change discipline" }).click();
    await expect(page.getByRole("status").textContent()).resolves.toContain(
      "Dan Science is now IT operations, Member. Their 1 seat moved to IT operations; 1 sign-off on an open review was withdrawn.",
    );
    await expect(page.getByRole("region", { name: "Teams" }).textContent()).resolves.toMatch(
      /Line 3 maintenance.*IT operations/,
    );
    expect(models.users.getUser(dan.id)!.discipline).toBe("it");
  });
});
