/**
 * Time zones in a real browser (docs/domain.md, "Dates and times"): a person whose browser is in
 * America/New_York gets that zone at their first sign-in and sees every instant in it, with the
 * zone named; date inputs take and show YYYY-MM-DD, the pages' own format; changing the zone on
 * /account changes what the same instant reads.
 *
 * The known instant: a token "valid through" 2027-03-01 stops working at the end of that UTC
 * day, 2027-03-02T00:00Z, which is 2027-03-01 19:00 in New York and 2027-03-02 01:00 in Berlin.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { addPerson, seedAdmin, signIn, useE2E, type Person } from "../support/e2e";

const e2e = useE2E();
let nora: Person;

const EXPIRY_ISO = "2027-03-02T00:00:00.000Z";

beforeAll(async () => {
  const admin = await seedAdmin(e2e.server);
  nora = await addPerson(e2e.server, admin.cookie, {
    name: "Nora York",
    email: "nora.york@example.com",
    password: "nora's long password 1",
    discipline: "business",
  });
});

/** The "Valid through" field of the token form. */
const validThrough = (page: Page) => page.getByLabel("Valid through");

describe("a person in America/New_York", () => {
  it("gets the browser's zone at the first sign-in and sees local times, with the zone named", async () => {
    const page = await e2e.newPage({ timezoneId: "America/New_York" });
    await signIn(page, nora.email, nora.password);

    // Every page says which clock its times are on.
    await page.getByText("Times are shown in America/New York.").waitFor();

    // The profile shows the zone kept at the first sign-in.
    await page.goto("/account");
    await page.getByRole("heading", { name: "Time zone" }).waitFor();
    await expect(page.getByLabel("Your time zone").inputValue()).resolves.toBe("America/New_York");

    // A date input is a text field in the pages' format, prefilled with a YYYY-MM-DD date.
    await page.goto("/settings/tokens");
    const field = validThrough(page);
    await field.waitFor();
    await expect(field.getAttribute("type")).resolves.toBe("text");
    await expect(field.getAttribute("placeholder")).resolves.toBe("YYYY-MM-DD");
    await expect(field.inputValue()).resolves.toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await page.getByText("Format: YYYY-MM-DD, for example 2027-03-01.", { exact: false }).waitFor();

    // Another format is refused next to the field, in the browser, with the pages' format named.
    await page.getByLabel("Name").fill("Nightly export");
    await field.fill("03/01/2027");
    await page.getByRole("button", { name: "Create token" }).click();
    await page.getByText("Enter a date as YYYY-MM-DD, for example 2027-03-01.").waitFor();
    await expect(field.getAttribute("aria-invalid")).resolves.toBe("true");

    // The same date written as the pages write it is taken.
    await field.fill("2027-03-01");
    await page.getByRole("button", { name: "Create token" }).click();
    await page.getByRole("heading", { name: "Your new token “Nightly export”" }).waitFor();

    // The known instant, in New York time: the end of 2027-03-01 UTC is 19:00 there.
    const row = page.getByRole("row", { name: /Nightly export/ });
    const expiry = row.locator(`time[datetime="${EXPIRY_ISO}"]`);
    await expiry.waitFor();
    await expect(expiry.textContent()).resolves.toBe("2027-03-01 19:00");
    await expect(expiry.getAttribute("title")).resolves.toBe("2027-03-01 19:00 America/New York");
  });

  it("sees the same instant in Berlin time after choosing Europe/Berlin on /account", async () => {
    // Another browser zone: the first sign-in is over, so it does not change the zone...
    const page = await e2e.newPage({ timezoneId: "Asia/Tokyo" });
    await signIn(page, nora.email, nora.password);
    await page.getByText("Times are shown in America/New York.").waitFor();

    // ...the person does, on their account.
    await page.goto("/account");
    await page.getByLabel("Your time zone").selectOption("Europe/Berlin");
    await page.getByRole("button", { name: "Save time zone" }).click();
    await page.getByText("Times are now shown in Europe/Berlin.").waitFor();
    await page.getByText("Times are shown in Europe/Berlin.").waitFor();

    await page.goto("/settings/tokens");
    const expiry = page.getByRole("row", { name: /Nightly export/ }).locator(`time[datetime="${EXPIRY_ISO}"]`);
    await expiry.waitFor();
    await expect(expiry.textContent()).resolves.toBe("2027-03-02 01:00");
  });
});
