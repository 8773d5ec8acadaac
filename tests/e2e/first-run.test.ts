/** A new installation in a real browser: setup, sign out, sign in, a wrong password. */
import { describe, expect, it } from "vitest";
import { ADMIN, signIn, submitSignIn, useE2E } from "../support/e2e";

const e2e = useE2E();

describe("first run", () => {
  it("sends the first visitor to /setup, creates the admin and lands on the dashboard", async () => {
    const page = await e2e.newPage();
    await page.goto("/");
    expect(new URL(page.url()).pathname).toBe("/setup");
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Welcome to Triad");

    await page.getByLabel("Your name").fill(ADMIN.name);
    await page.getByLabel("E-mail").fill(ADMIN.email);
    await page.getByLabel("Your discipline").selectOption({ label: "Data science" });
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByRole("button", { name: "Create admin and sign in" }).click();

    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/");
    await expect(page.getByText(`Welcome, ${ADMIN.name}.`).isVisible()).resolves.toBe(true);
    // the admin sees the People link
    await expect(
      page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "People" }).isVisible(),
    ).resolves.toBe(true);

    // setup is closed now
    await page.goto("/setup");
    expect(new URL(page.url()).pathname).not.toBe("/setup");
  });

  it("signs out with the Sign out button and back in with the login form", async () => {
    const page = await e2e.newPage();
    await signIn(page, ADMIN.email, ADMIN.password);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to Triad" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/login");
    await expect(page.getByRole("status").textContent()).resolves.toBe("You are signed out.");

    // signed out means signed out: the dashboard asks to sign in again
    await page.goto("/people");
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(new URL(page.url()).searchParams.get("redirectTo")).toBe("/people");

    // and signing in goes back where they were going
    await submitSignIn(page, ADMIN.email.toUpperCase(), ADMIN.password);
    await page.getByRole("heading", { name: "People", level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/people");
  });

  it("shows a clear message for a wrong password and keeps the e-mail", async () => {
    const page = await e2e.newPage();
    await page.goto("/login");
    await submitSignIn(page, ADMIN.email, "this is not the password");
    const alert = page.getByRole("alert");
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toBe("That e-mail and password do not match an account.");
    await expect(page.getByLabel("E-mail").inputValue()).resolves.toBe(ADMIN.email);
    expect(new URL(page.url()).pathname).toBe("/login");
    await expect(page.getByRole("button", { name: "Sign out" }).count()).resolves.toBe(0);
  });
});
