/** An admin adds a member at /people/new; members cannot open /people. */
import { beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { addPerson, seedAdmin, signIn, useE2E, useSession } from "../support/e2e";

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
    const messages = await Promise.all(
      describedBy.split(" ").map((id) => page.locator(`[id="${id}"]`).textContent()),
    );
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
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "People" }).count()).resolves.toBe(0);

    const response = await page.goto("/people");
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Not allowed");
    await expect(page.getByText("Only admins can open this page.").isVisible()).resolves.toBe(true);

    const form = await page.goto("/people/new");
    expect(form?.status()).toBe(403);
  });
});
