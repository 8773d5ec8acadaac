/**
 * How the server (scripts/server.ts) serves files and compresses answers (issue 15, "Cut the
 * per-request shell cost"):
 *
 * - Static files only under their prefix: `/assets/*` (the build's hashed files, immutable) and
 *   the few files at the top of build/client (public/: the favicons), each by its exact path.
 *   A page request never reaches `express.static`, so it costs no file-system lookup, and a
 *   file in public/ named like a page (`projects`, no extension) can never shadow that page.
 * - Compression, TRIAD_COMPRESSION (README.md, "Configuration"): `on` compresses answers of 1 KB
 *   and more of a compressible type (HTML, JSON, CSS, JavaScript, SVG, CSV) for clients that
 *   ask for it; `off` leaves it to the reverse proxy in front (which usually compresses, and
 *   spends its own CPU rather than the app's). Images, archives and other already compressed
 *   types are never compressed again, nor answers that declare a length under 1 KB. CSV
 *   downloads (paths ending in `.csv`) use zlib's fastest level, every other answer the default.
 */
import fs from "node:fs";
import path from "node:path";
import { constants as zlibConstants } from "node:zlib";
import compression from "compression";
import express, { type RequestHandler } from "express";

/**
 * The files at the top of `clientDir` (public/ in the build) as request paths, ["/favicon.ico",
 * "/favicon.svg"]: files with an extension only, never a folder or a dotfile, so a stray file
 * named like a page (`projects`) cannot shadow it.
 */
export function publicFilePaths(clientDir: string): string[] {
  return fs
    .readdirSync(clientDir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && /^[^.].*\.[A-Za-z0-9]+$/.test(entry.name))
    .map((entry) => `/${entry.name}`);
}

/**
 * The static-file middleware for a build's client folder: `/assets/*` from `assets/` (a year,
 * immutable: the names carry a content hash), and each top-level file at its exact path (an
 * hour). Anything else, and a missing asset, goes on to the next handler (Remix) untouched.
 */
export function staticFiles(clientDir: string): express.Router {
  const router = express.Router();
  router.use(
    "/assets",
    express.static(path.join(clientDir, "assets"), { immutable: true, maxAge: "1y", index: false }),
  );
  const files = publicFilePaths(clientDir);
  if (files.length) {
    const serve = express.static(clientDir, { maxAge: "1h", index: false });
    router.get(files, serve);
  }
  return router;
}

export type CompressionSetting = "on" | "off";

/** TRIAD_COMPRESSION: `on` (the default) or `off`; anything else stops the server at start. */
export function compressionSetting(env: Record<string, string | undefined> = process.env): CompressionSetting {
  const text = env.TRIAD_COMPRESSION?.trim().toLowerCase() || "on";
  if (text === "on" || text === "1" || text === "true") return "on";
  if (text === "off" || text === "0" || text === "false") return "off";
  throw new Error(
    `TRIAD_COMPRESSION is "on" (Triad compresses its answers) or "off" (a reverse proxy in front does it); it is "${text.slice(0, 40)}".`,
  );
}

/** Answers smaller than this are sent as they are: compressing them saves less than it costs. */
export const COMPRESSION_THRESHOLD_BYTES = 1024;

/** The compression middleware for the setting, or null when off. */
export function responseCompression(setting: CompressionSetting): RequestHandler | null {
  if (setting === "off") return null;
  const options: compression.CompressionOptions = {
    threshold: COMPRESSION_THRESHOLD_BYTES,
    // compression's own filter: only compressible types (never images, archives, fonts that
    // are compressed already), and nothing a handler marked as already encoded.
    filter: (req, res) => {
      const type = String(res.getHeader("Content-Type") ?? "");
      // A stream of events is written piece by piece; compressing it would hold pieces back.
      if (type.startsWith("text/event-stream")) return false;
      return compression.filter(req, res);
    },
  };
  const compress = compression(options);
  // CSV downloads run to tens of megabytes (/debt.csv: 40 MB at 100,000 items): zlib's fastest
  // level takes 40% of the default's time for a file 35% larger (5.6 MB instead of 4.1 MB).
  const compressFast = compression({ ...options, level: zlibConstants.Z_BEST_SPEED });
  return (req, res, next) => {
    // A client that accepts no encoding gets nothing from the middleware but its cost (about
    // 40 µs a request): skip it, and only say that the answer varies by Accept-Encoding.
    if (!req.headers["accept-encoding"]) {
      res.vary("Accept-Encoding");
      return next();
    }
    return (req.path.endsWith(".csv") ? compressFast : compress)(req, res, next);
  };
}
