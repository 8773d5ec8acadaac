/** Progressive enhancement: setup, sign-in and sign-out work with JavaScript switched off. */
import { describe, expect, it } from "vitest";
import { ADMIN, submitSignIn, useE2E } from "../support/e2e";

const e2e = useE2E();

describe("without JavaScript", () => {
  it("first-run setup creates the admin and signs them in", async () => {
    const page = await e2e.newPage({ javaScriptEnabled: false });
    await page.goto("/");
    expect(new URL(page.url()).pathname).toBe("/setup");

    // a bad submission comes back with the message and the input kept
    await page.getByLabel("Your name").fill(ADMIN.name);
    await page.getByLabel("E-mail").fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill("short");
    await page.getByRole("button", { name: "Create admin and sign in" }).click();
    await page.getByText("Use at least 12 characters.").waitFor();
    await expect(page.getByLabel("Your name").inputValue()).resolves.toBe(ADMIN.name);
    await expect(page.getByLabel("E-mail").inputValue()).resolves.toBe(ADMIN.email);

    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByRole("button", { name: "Create admin and sign in" }).click();
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/");
  });

  it("sign-in shows errors, signs in, and signs out", async () => {
    const page = await e2e.newPage({ javaScriptEnabled: false });
    await page.goto("/people");
    expect(new URL(page.url()).pathname).toBe("/login");

    await submitSignIn(page, ADMIN.email, "a wrong password here");
    await expect(page.getByRole("alert").textContent()).resolves.toBe(
      "That e-mail and password do not match an account.",
    );
    await expect(page.getByLabel("E-mail").inputValue()).resolves.toBe(ADMIN.email);
    // the page was re-rendered by the server: the password is never sent back
    await expect(page.getByLabel("Password", { exact: true }).inputValue()).resolves.toBe("");

    await submitSignIn(page, ADMIN.email, ADMIN.password);
    await page.getByRole("heading", { name: "People", level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/people");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to Triad" }).waitFor();
    await page.goto("/");
    expect(new URL(page.url()).pathname).toBe("/login");
  });
});
