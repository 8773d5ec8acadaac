import express from "express";
import { describe, expect, it } from "vitest";
import { isAllowedOrigin, safeRedirect, trustProxySetting } from "~/utils/http.server";

describe("safeRedirect keeps a redirect inside Triad", () => {
  it.each([
    ["/", "/"],
    ["/projects", "/projects"],
    ["/projects?stage=pilot&q=a%20b", "/projects?stage=pilot&q=a%20b"],
    ["/projects/churn#gate", "/projects/churn#gate"],
    ["/people/7?confirm=deactivate", "/people/7?confirm=deactivate"],
    // an encoded slash stays a path segment on this origin
    ["/%2F%2Fevil.com", "/%2F%2Fevil.com"],
    // dot segments are resolved, but stay on this origin
    ["/projects/../debt", "/debt"],
  ])("accepts the app path %j as %j", (input, expected) => {
    expect(safeRedirect(input)).toBe(expected);
  });

  it.each([
    "//evil.com",
    "//evil.com/path",
    "///evil.com",
    "https://evil.com",
    "http://triad.test/", // absolute, even to ourselves: only paths are accepted
    "https:evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "/\\/evil.com",
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "/\t/evil.com",
    "/\n/evil.com",
    "/\r\n//evil.com",
    " /projects",
    "projects",
    "evil.com",
    "",
    // dot segments that resolve to a protocol-relative URL
    "/.//evil.com",
    "/..//evil.com",
    "/projects/..//evil.com",
    "/%2e//evil.com",
    "/%2e%2e//evil.com",
  ])("refuses %j and falls back to /", (input) => {
    const result = safeRedirect(input);
    expect(result).toBe("/");
  });

  it("never returns something a browser would read as another host", () => {
    const evil = ["//", "/\\", "\\", "/.//", "/..//", "/%2e//", "https://", "/\t/", "/./\\"];
    for (const prefix of evil) {
      const result = safeRedirect(`${prefix}evil.example`);
      const resolved = new URL(result, "https://triad.example/some/page");
      expect(resolved.host, `${prefix}evil.example -> ${result}`).toBe("triad.example");
      expect(result.startsWith("//")).toBe(false);
    }
  });

  it("uses the given fallback for missing or non-text values", () => {
    expect(safeRedirect(null, "/login")).toBe("/login");
    expect(safeRedirect(undefined, "/login")).toBe("/login");
    expect(safeRedirect(new File(["x"], "x.txt"), "/login")).toBe("/login");
    expect(safeRedirect("//evil.com", "/projects")).toBe("/projects");
  });
});

describe("isAllowedOrigin refuses writes from other sites", () => {
  const url = "https://triad.example/projects/new";
  const base = { url, origin: null, referer: null } as const;

  it("always allows reads, whatever their origin", () => {
    for (const method of ["GET", "HEAD", "OPTIONS", "get"]) {
      expect(isAllowedOrigin({ ...base, method, origin: "https://evil.example" })).toBe(true);
      expect(isAllowedOrigin({ ...base, method })).toBe(true);
    }
  });

  it("lets only a one-click unsubscribe POST through without an origin", () => {
    const unsubscribe = "https://triad.example/unsubscribe/12.comment.abc";
    expect(isAllowedOrigin({ url: unsubscribe, method: "POST", origin: null, referer: null })).toBe(true);
    expect(isAllowedOrigin({ url: unsubscribe, method: "POST", origin: "https://mail.example", referer: null })).toBe(
      true,
    );
    // any other method, a deeper path, or another page is still checked
    expect(isAllowedOrigin({ url: unsubscribe, method: "PUT", origin: "https://evil.example", referer: null })).toBe(
      false,
    );
    expect(
      isAllowedOrigin({ url: `${unsubscribe}/x`, method: "POST", origin: "https://evil.example", referer: null }),
    ).toBe(false);
    expect(isAllowedOrigin({ url: "https://triad.example/logout", method: "POST", origin: null, referer: null })).toBe(
      false,
    );
  });

  it("allows a same-origin POST, PUT, PATCH and DELETE", () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "post"]) {
      expect(isAllowedOrigin({ ...base, method, origin: "https://triad.example" })).toBe(true);
    }
  });

  it("refuses a cross-origin write", () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      expect(isAllowedOrigin({ ...base, method, origin: "https://evil.example" })).toBe(false);
    }
    // same host, other scheme or port: another origin
    expect(isAllowedOrigin({ ...base, method: "POST", origin: "http://triad.example" })).toBe(false);
    expect(isAllowedOrigin({ ...base, method: "POST", origin: "https://triad.example:8443" })).toBe(false);
    expect(isAllowedOrigin({ ...base, method: "POST", origin: "https://triad.example.evil.example" })).toBe(false);
  });

  it("does not let a same-origin Referer rescue a cross-origin Origin", () => {
    expect(
      isAllowedOrigin({
        ...base,
        method: "POST",
        origin: "https://evil.example",
        referer: "https://triad.example/projects",
      }),
    ).toBe(false);
  });

  it("falls back to the Referer when there is no Origin (or it is 'null')", () => {
    for (const origin of [null, "null"]) {
      expect(isAllowedOrigin({ ...base, method: "POST", origin, referer: "https://triad.example/login" })).toBe(true);
      expect(isAllowedOrigin({ ...base, method: "POST", origin, referer: "https://evil.example/login" })).toBe(false);
      expect(isAllowedOrigin({ ...base, method: "POST", origin, referer: "not a url" })).toBe(false);
    }
  });

  it("refuses a write with neither Origin nor Referer, except an API call with a bearer token", () => {
    expect(isAllowedOrigin({ ...base, method: "POST" })).toBe(false);
    expect(isAllowedOrigin({ ...base, method: "POST", authorization: "Bearer abc" })).toBe(false);
    const api = "https://triad.example/api/v1/projects";
    const cookie = "triad_session=abc";
    for (const authorization of ["Bearer abc", "bearer abc"]) {
      expect(isAllowedOrigin({ ...base, url: api, method: "POST", authorization, cookie })).toBe(true);
    }
    expect(isAllowedOrigin({ ...base, url: api, method: "POST", cookie })).toBe(false);
    expect(isAllowedOrigin({ ...base, url: api, method: "POST", authorization: "Basic abc", cookie })).toBe(false);
  });

  it("lets an API write without any cookie through, so the API can answer 401 itself", () => {
    const api = "https://triad.example/api/v1/projects";
    for (const cookie of [undefined, null, "", " "]) {
      expect(isAllowedOrigin({ ...base, url: api, method: "POST", cookie })).toBe(true);
      expect(isAllowedOrigin({ ...base, url: api, method: "DELETE", cookie, origin: "https://evil.example" })).toBe(
        true,
      );
    }
    // a cookie makes it a browser request like any other: the origin must be ours
    const cookie = "triad_session=abc";
    expect(isAllowedOrigin({ ...base, url: api, method: "POST", cookie, origin: "https://evil.example" })).toBe(false);
    expect(isAllowedOrigin({ ...base, url: api, method: "POST", cookie, origin: "https://triad.example" })).toBe(true);
    // pages are checked with or without cookies (a forged sign-in needs none)
    expect(isAllowedOrigin({ ...base, method: "POST", origin: "https://evil.example" })).toBe(false);
    expect(isAllowedOrigin({ ...base, url: "https://triad.example/login", method: "POST" })).toBe(false);
  });

  it("accepts configured trusted origins and only those", () => {
    const trustedOrigins = ["https://portal.example"];
    expect(isAllowedOrigin({ ...base, method: "POST", origin: "https://portal.example", trustedOrigins })).toBe(true);
    expect(isAllowedOrigin({ ...base, method: "POST", origin: "https://evil.example", trustedOrigins })).toBe(false);
  });
});

describe("trustProxySetting: which X-Forwarded-For entry is the client", () => {
  /** req.ip as Express computes it for a request from `peer` with this X-Forwarded-For. */
  function clientIp(setting: ReturnType<typeof trustProxySetting>, peer: string, forwardedFor?: string) {
    const app = express();
    app.set("trust proxy", setting);
    const socket = { remoteAddress: peer };
    const req = Object.assign(Object.create(app.request) as express.Request, {
      headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor },
      connection: socket,
      socket,
    });
    return req.ip;
  }

  it("ignores X-Forwarded-For when unset, empty or 0", () => {
    for (const value of [undefined, "", " ", "0"]) {
      expect(trustProxySetting(value)).toBe(false);
      expect(clientIp(trustProxySetting(value), "127.0.0.1", "6.6.6.6")).toBe("127.0.0.1");
    }
  });

  it("with 1 takes the address the one proxy appended, whatever the client wrote before it", () => {
    const setting = trustProxySetting("1");
    expect(setting).toBe(1);
    expect(clientIp(setting, "127.0.0.1", "203.0.113.7")).toBe("203.0.113.7");
    expect(clientIp(setting, "127.0.0.1", "6.6.6.6, 203.0.113.7")).toBe("203.0.113.7");
    expect(clientIp(setting, "127.0.0.1", "1.1.1.1, 6.6.6.6,203.0.113.7")).toBe("203.0.113.7");
    expect(clientIp(trustProxySetting("2"), "127.0.0.1", "6.6.6.6, 203.0.113.7, 10.0.0.2")).toBe("203.0.113.7");
  });

  it("with a list believes only those proxies", () => {
    const setting = trustProxySetting("10.0.0.0/8, 127.0.0.1");
    expect(setting).toEqual(["10.0.0.0/8", "127.0.0.1"]);
    expect(clientIp(setting, "127.0.0.1", "6.6.6.6, 203.0.113.7, 10.1.2.3")).toBe("203.0.113.7");
    // a request that does not come from a listed proxy is its own client
    expect(clientIp(setting, "192.0.2.9", "6.6.6.6")).toBe("192.0.2.9");
    expect(trustProxySetting("loopback,::1,fd00::/8")).toEqual(["loopback", "::1", "fd00::/8"]);
  });

  it("refuses values that would trust every client, or that it cannot read", () => {
    for (const value of [
      "true",
      "TRUE",
      "yes",
      "1.5",
      "-1",
      "10.0.0.0/33",
      "10.0.0.1/",
      "::1/129",
      "10.0.0.1,",
      "proxy.example",
    ]) {
      expect(() => trustProxySetting(value), value).toThrow(/TRUST_PROXY/);
    }
  });
});
