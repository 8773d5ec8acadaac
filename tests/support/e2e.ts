/**
 * One end-to-end test file = one production server with an empty database + one Chromium.
 *
 *   const e2e = useE2E();
 *   it("...", async () => {
 *     const page = await e2e.newPage();            // fresh context, console guard, artifacts
 *     await page.goto(e2e.url("/login"));
 *   });
 *
 * A test fails on any browser console error or page error, and on anything the server writes
 * to stderr while it runs. A failed test leaves a screenshot and the HTML in test-results/e2e/.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect, onTestFinished } from "vitest";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { launchBrowser, newGuardedPage, saveArtifacts } from "./browser";
import { startServer, type TestServer } from "./server";

export type E2E = {
  readonly server: TestServer;
  readonly browser: Browser;
  url: (pathname: string) => string;
  /** A page in a fresh browser context, closed after the test. */
  newPage: (options?: BrowserContextOptions) => Promise<Page>;
};

export function useE2E(): E2E {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  let stderrOffset = 0;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), server?.stop()]);
  });

  beforeEach(() => {
    stderrOffset = server?.stderr().length ?? 0;
  });

  afterEach(() => {
    const written = server?.stderr().slice(stderrOffset).trim();
    if (written) throw new Error(`The server wrote to stderr during this test:\n${written}`);
  });

  const e2e: E2E = {
    get server() {
      if (!server) throw new Error("The e2e server is not running (did beforeAll fail?)");
      return server;
    },
    get browser() {
      if (!browser) throw new Error("Chromium is not running (did beforeAll fail?)");
      return browser;
    },
    url: (pathname) => new URL(pathname, e2e.server.url).href,
    async newPage(options = {}) {
      const guarded = await newGuardedPage(e2e.browser, { baseURL: e2e.server.url, ...options });
      const testName = `${expect.getState().testPath?.split("/").pop() ?? "e2e"} ${expect.getState().currentTestName ?? ""}`;
      onTestFinished(async ({ task }) => {
        try {
          if (task.result?.state === "fail") await saveArtifacts(guarded.page, testName);
        } finally {
          await guarded.context.close();
        }
        if (guarded.problems.length > 0) {
          throw new Error(`The browser reported errors:\n${guarded.problems.join("\n")}`);
        }
      });
      return guarded.page;
    },
  };
  return e2e;
}

export const ADMIN = {
  name: "Ada Admin",
  email: "ada.admin@example.com",
  password: "first admin password 1",
  discipline: "data_science",
} as const;

export type Person = { name: string; email: string; password: string };

async function postForm(
  server: TestServer,
  pathname: string,
  form: Record<string, string>,
  cookie?: string,
): Promise<Response> {
  return fetch(new URL(pathname, server.url), {
    method: "POST",
    redirect: "manual",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: server.url,
      ...(cookie ? { Cookie: cookie } : {}),
    },
    body: new URLSearchParams(form),
  });
}

function sessionCookie(response: Response): string {
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .find((c) => c.startsWith("triad_session=") && c !== "triad_session=");
  if (!cookie) throw new Error(`No session cookie in the response (status ${response.status})`);
  return cookie;
}

/** Creates the first admin through POST /setup; returns them with a session cookie. */
export async function seedAdmin(server: TestServer, admin = ADMIN): Promise<Person & { cookie: string }> {
  const response = await postForm(server, "/setup", { ...admin });
  if (response.status !== 302) {
    throw new Error(`Setup failed with ${response.status}: ${await response.text()}`);
  }
  return { ...admin, cookie: sessionCookie(response) };
}

/** Signs in over HTTP (no browser) and returns the session cookie. */
export async function signInCookie(server: TestServer, email: string, password: string): Promise<string> {
  return sessionCookie(await postForm(server, "/login", { email, password }));
}

/** An admin adds a person through POST /people/new. */
export async function addPerson(
  server: TestServer,
  adminCookie: string,
  person: Person & { discipline?: string; role?: string },
): Promise<Person> {
  const response = await postForm(
    server,
    "/people/new",
    { discipline: "business", role: "member", ...person },
    adminCookie,
  );
  if (response.status !== 302) {
    throw new Error(`Adding ${person.email} failed with ${response.status}: ${await response.text()}`);
  }
  return person;
}

/** Puts a session cookie (from seedAdmin/signInCookie) into a browser context. */
export async function useSession(context: BrowserContext, server: TestServer, cookie: string) {
  const [name, value] = cookie.split("=");
  await context.addCookies([{ name, value, url: server.url, httpOnly: true, sameSite: "Lax" }]);
}

/** Signs in through the login form, the way a person does, and waits until signed in. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await submitSignIn(page, email, password);
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

/** Fills and submits the login form without waiting for success. */
export async function submitSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}
