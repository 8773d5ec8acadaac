import { describe, expect, it } from "vitest";
import { isAllowedOrigin, safeRedirect } from "~/utils/http.server";

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
    expect(isAllowedOrigin({ ...base, method: "POST", origin: "https://triad.example:8443" })).toBe(
      false,
    );
    expect(
      isAllowedOrigin({ ...base, method: "POST", origin: "https://triad.example.evil.example" }),
    ).toBe(false);
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
      expect(
        isAllowedOrigin({ ...base, method: "POST", origin, referer: "https://triad.example/login" }),
      ).toBe(true);
      expect(
        isAllowedOrigin({ ...base, method: "POST", origin, referer: "https://evil.example/login" }),
      ).toBe(false);
      expect(isAllowedOrigin({ ...base, method: "POST", origin, referer: "not a url" })).toBe(false);
    }
  });

  it("refuses a write with neither Origin nor Referer, except an API call with a bearer token", () => {
    expect(isAllowedOrigin({ ...base, method: "POST" })).toBe(false);
    expect(isAllowedOrigin({ ...base, method: "POST", authorization: "Bearer abc" })).toBe(false);
    const api = "https://triad.example/api/v1/projects";
    expect(isAllowedOrigin({ ...base, url: api, method: "POST", authorization: "Bearer abc" })).toBe(
      true,
    );
    expect(isAllowedOrigin({ ...base, url: api, method: "POST", authorization: "bearer abc" })).toBe(
      true,
    );
    expect(isAllowedOrigin({ ...base, url: api, method: "POST" })).toBe(false);
    expect(isAllowedOrigin({ ...base, url: api, method: "POST", authorization: "Basic abc" })).toBe(
      false,
    );
  });

  it("accepts configured trusted origins and only those", () => {
    const trustedOrigins = ["https://portal.example"];
    expect(
      isAllowedOrigin({ ...base, method: "POST", origin: "https://portal.example", trustedOrigins }),
    ).toBe(true);
    expect(
      isAllowedOrigin({ ...base, method: "POST", origin: "https://evil.example", trustedOrigins }),
    ).toBe(false);
  });
});
