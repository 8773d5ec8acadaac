/** What the production server promises on the wire: origin checks, headers, health, 404s. */
import { beforeAll, describe, expect, it } from "vitest";
import { seedAdmin, useE2E, useSession } from "../support/e2e";

const e2e = useE2E();
let adminCookie: string;

beforeAll(async () => {
  ({ cookie: adminCookie } = await seedAdmin(e2e.server));
});

const REFUSED = "This request came from another site, so Triad refused it.";

function post(pathname: string, headers: Record<string, string>, form: Record<string, string>) {
  return fetch(e2e.url(pathname), {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form),
  });
}

describe("cross-site requests", () => {
  it("refuses a cross-origin POST with 403, even with a valid session cookie", async () => {
    const person = {
      name: "Eve",
      email: "eve@example.com",
      discipline: "business",
      role: "admin",
      password: "a forged request password",
    };
    const forged = await post("/people/new", { Origin: "http://evil.example", Cookie: adminCookie }, person);
    expect(forged.status).toBe(403);
    await expect(forged.text()).resolves.toBe(REFUSED);

    const login = await post("/login", { Origin: "http://evil.example" }, { email: "a@b.c", password: "x" });
    expect(login.status).toBe(403);

    // neither Origin nor Referer: refused too
    const bare = await post("/people/new", { Cookie: adminCookie }, person);
    expect(bare.status).toBe(403);

    // nothing was created: the admin's people list has no Eve
    const list = await fetch(e2e.url("/people?q=eve"), { headers: { Cookie: adminCookie } });
    expect(list.status).toBe(200);
    expect(await list.text()).not.toContain("eve@example.com");
  });

  it("accepts the same POST from the app's own origin", async () => {
    const response = await post(
      "/people/new",
      { Origin: e2e.server.url, Cookie: adminCookie },
      {
        name: "Sam Same",
        email: "sam@example.com",
        discipline: "it",
        role: "member",
        password: "same origin password",
      },
    );
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/people");
  });
});

describe("security headers", () => {
  it("every page carries a nonce-based CSP and the other headers", async () => {
    const response = await fetch(e2e.url("/login"));
    expect(response.status).toBe(200);
    const csp = response.headers.get("Content-Security-Policy") ?? "";
    const directives = new Map(
      csp.split(";").map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values.join(" ")] as const;
      }),
    );
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(directives.get("script-src") ?? "")?.[1];
    expect(nonce, csp).toBeTruthy();
    expect(directives.get("script-src")).not.toContain("unsafe-inline");
    expect(directives.get("object-src")).toBe("'none'");
    expect(directives.get("base-uri")).toBe("'none'");
    expect(directives.get("frame-ancestors")).toBe("'none'");
    expect(directives.get("default-src")).toBe("'self'");
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(response.headers.get("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
    expect(response.headers.get("X-Powered-By")).toBeNull();

    // every inline script carries this response's nonce
    const html = await response.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const attributes of scripts) {
      if (/\bsrc=/.test(attributes)) continue;
      expect(attributes).toContain(`nonce="${nonce}"`);
    }

    // and a new nonce per response
    const again = await fetch(e2e.url("/login"));
    expect(again.headers.get("Content-Security-Policy")).not.toBe(csp);
  });

  it("the browser loads and runs the signed-in pages under this CSP without a violation", async () => {
    const page = await e2e.newPage();
    await useSession(page.context(), e2e.server, adminCookie);
    const response = await page.goto("/people");
    expect(response?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    // client-side navigation works (scripts ran): follow a link without a full page load
    await page.getByRole("link", { name: "Add person" }).click();
    await page.getByRole("heading", { name: "Add a person" }).waitFor();
    // a CSP violation would be a console error and fail this test
  });
});

describe("health and missing pages", () => {
  it('/healthz answers 200 {"status":"ok"}', async () => {
    const response = await fetch(e2e.url("/healthz"));
    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toEqual({ status: "ok" });
    expect(response.headers.get("Cache-Control")).toBe("no-store");
  });

  it("an unknown address shows a 404 page in words", async () => {
    const page = await e2e.newPage();
    await useSession(page.context(), e2e.server, adminCookie);
    const response = await page.goto("/no/such/page");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Page not found");
    await expect(
      page.getByText("There is no page at this address. It may have moved, or the link may be mistyped.").isVisible(),
    ).resolves.toBe(true);
    await page.getByRole("link", { name: "Back to the dashboard" }).click();
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
  });

  it("an unknown address asks an anonymous visitor to sign in first", async () => {
    const page = await e2e.newPage();
    await page.goto("/no/such/page");
    expect(new URL(page.url()).pathname).toBe("/login");
  });
});
