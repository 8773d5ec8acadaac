/**
 * Static files and compression as the server mounts them (app/utils/serving.server.ts): files
 * only under /assets and at the exact paths of the top-level public files, so a page request
 * never reaches express.static; TRIAD_COMPRESSION on or off, never for tiny answers or types
 * that are compressed already, CSV downloads at zlib's fastest level.
 */
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  COMPRESSION_THRESHOLD_BYTES,
  compressionSetting,
  publicFilePaths,
  responseCompression,
  staticFiles,
} from "~/utils/serving.server";

let dir: string;
const servers: { close: () => void }[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "triad-serving-"));
  fs.mkdirSync(path.join(dir, "assets"));
  fs.writeFileSync(path.join(dir, "assets", "entry-abc123.js"), `console.log(${JSON.stringify("x".repeat(5000))});`);
  fs.writeFileSync(path.join(dir, "assets", "logo.png"), Buffer.alloc(5000, 1));
  fs.writeFileSync(path.join(dir, "favicon.svg"), `<svg xmlns="http://www.w3.org/2000/svg">${" ".repeat(3000)}</svg>`);
  // Files named like pages: the pages must win (they are never looked up on disk).
  fs.writeFileSync(path.join(dir, "projects"), "a file, not the page");
  fs.mkdirSync(path.join(dir, "debt"));
  fs.writeFileSync(path.join(dir, "debt", "index.html"), "a file, not the page");
});

afterAll(() => {
  for (const server of servers) server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** An app with the server's order: compression, static files, then "Remix" (here: a stand-in). */
async function start(setting: "on" | "off"): Promise<string> {
  const app = express();
  const compress = responseCompression(setting);
  if (compress) app.use(compress);
  app.use(staticFiles(dir));
  app.get("/tiny", (_req, res) => {
    res.type("text/plain").send("ok");
  });
  app.get(["/export.csv", "/export"], (_req, res) => {
    res.type("text/csv").send(CSV);
  });
  app.get("/image", (_req, res) => {
    res.type("image/png").send(Buffer.alloc(5000, 2));
  });
  app.all("*", (req, res) => {
    res.type("text/html").send(`<p>page ${req.path}</p>${" ".repeat(4000)}`);
  });
  const server = app.listen(0, "127.0.0.1");
  servers.push(server);
  await new Promise((resolve) => server.once("listening", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A CSV like an export: varied rows (a fixed pseudo-random sequence), 200 KB or so. */
const CSV = (() => {
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const words = ["sensor", "join", "notebook", "backfill", "pilot", "drift", "retrain", "owner", "vendor", "ledger"];
  const lines = ["ID,Title,Severity,Principal,Opened"];
  for (let i = 1; i <= 3000; i++) {
    const title = Array.from({ length: 4 }, () => words[next() % words.length]).join(" ");
    lines.push(
      `${i},${title} ${next() % 997},${["low", "high"][next() % 2]},${next() % 400},2026-0${1 + (next() % 9)}-1${next() % 10}`,
    );
  }
  return lines.join("\r\n");
})();

/** The bytes as they came over the wire (fetch would decompress them). */
async function rawBody(url: string, encoding: string): Promise<{ encoding: string | undefined; bytes: Buffer }> {
  const { request } = await import("node:http");
  return new Promise((resolve, reject) => {
    request(url, { headers: { "Accept-Encoding": encoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ encoding: res.headers["content-encoding"], bytes: Buffer.concat(chunks) }));
    })
      .on("error", reject)
      .end();
  });
}

const get = (origin: string, p: string, encoding = "gzip, br") =>
  fetch(`${origin}${p}`, { headers: { "Accept-Encoding": encoding } });

describe("static files only under their prefix", () => {
  let origin: string;
  beforeAll(async () => {
    origin = await start("on");
  });

  it("serves the build's assets, immutable, and the top-level public files by exact path", async () => {
    const asset = await get(origin, "/assets/entry-abc123.js");
    expect(asset.status).toBe(200);
    expect(asset.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(await asset.text()).toContain("console.log");
    const icon = await get(origin, "/favicon.svg");
    expect(icon.status).toBe(200);
    expect(icon.headers.get("Cache-Control")).toBe("public, max-age=3600");
  });

  it("never answers a page request from a file: the page handler gets it", async () => {
    // public/projects and public/debt/index.html exist, yet /projects and /debt are pages.
    expect(publicFilePaths(dir)).toEqual(["/favicon.svg"]);
    for (const p of ["/projects", "/debt", "/debt/", "/debt/index.html", "/people", "/assets", "/projects/x"]) {
      const answer = await get(origin, p);
      expect(await answer.text(), p).toContain(`page ${p}`);
    }
  });

  it("hands a missing asset on instead of answering it", async () => {
    expect(await (await get(origin, "/assets/missing.js")).text()).toContain("page /assets/missing.js");
  });
});

describe("compression", () => {
  it("on: compresses pages and scripts of 1 KB and more for clients that ask", async () => {
    const origin = await start("on");
    expect((await get(origin, "/projects/x")).headers.get("Content-Encoding")).toMatch(/^(br|gzip)$/);
    expect((await get(origin, "/assets/entry-abc123.js", "gzip")).headers.get("Content-Encoding")).toBe("gzip");
    expect((await get(origin, "/projects/x", "identity")).headers.get("Content-Encoding")).toBeNull();
  });

  it("on: answers a client that accepts no encoding as it is, saying the answer varies", async () => {
    const origin = await start("on");
    // fetch always sends Accept-Encoding; a raw request does not.
    const { request } = await import("node:http");
    const answer = await new Promise<{ headers: Record<string, unknown>; length: number }>((resolve, reject) => {
      request(`${origin}/projects/x`, (res) => {
        let length = 0;
        res.on("data", (chunk: Buffer) => (length += chunk.length));
        res.on("end", () => resolve({ headers: res.headers, length }));
      })
        .on("error", reject)
        .end();
    });
    expect(answer.headers["content-encoding"]).toBeUndefined();
    expect(answer.headers.vary).toBe("Accept-Encoding");
    expect(answer.length).toBeGreaterThan(4000);
  });

  it("on: leaves tiny answers and compressed types alone", async () => {
    const origin = await start("on");
    expect("ok".length).toBeLessThan(COMPRESSION_THRESHOLD_BYTES);
    expect((await get(origin, "/tiny")).headers.get("Content-Encoding")).toBeNull();
    expect((await get(origin, "/image")).headers.get("Content-Encoding")).toBeNull();
    expect((await get(origin, "/assets/logo.png")).headers.get("Content-Encoding")).toBeNull();
  });

  it("on: compresses CSV downloads (paths ending in .csv) at the fastest level: larger, and the same text", async () => {
    const origin = await start("on");
    const { gunzipSync } = await import("node:zlib");
    const download = await rawBody(`${origin}/export.csv`, "gzip");
    const page = await rawBody(`${origin}/export`, "gzip");
    expect(download.encoding).toBe("gzip");
    expect(page.encoding).toBe("gzip");
    expect(gunzipSync(download.bytes).toString()).toBe(CSV);
    expect(gunzipSync(page.bytes).toString()).toBe(CSV);
    // The same text at the default level packs tighter: the download was compressed faster.
    expect(download.bytes.length).toBeGreaterThan(page.bytes.length);
  });

  it("off: sends every answer as it is (the proxy compresses)", async () => {
    const origin = await start("off");
    for (const p of ["/projects/x", "/assets/entry-abc123.js", "/favicon.svg"]) {
      const answer = await get(origin, p);
      expect(answer.headers.get("Content-Encoding"), p).toBeNull();
      expect(answer.headers.get("Vary") ?? "", p).not.toContain("Accept-Encoding");
    }
  });

  it("reads TRIAD_COMPRESSION: on by default, off, and refuses anything else", () => {
    expect(compressionSetting({})).toBe("on");
    expect(compressionSetting({ TRIAD_COMPRESSION: "off" })).toBe("off");
    expect(compressionSetting({ TRIAD_COMPRESSION: " OFF " })).toBe("off");
    expect(compressionSetting({ TRIAD_COMPRESSION: "0" })).toBe("off");
    expect(compressionSetting({ TRIAD_COMPRESSION: "on" })).toBe("on");
    expect(() => compressionSetting({ TRIAD_COMPRESSION: "gzip" })).toThrow(/TRIAD_COMPRESSION/);
  });
});
