/**
 * The HTTP server: Express in front of the Remix build. It applies migrations before
 * listening, refuses cross-origin writes, sets security headers (an enforced CSP with a
 * per-request nonce) on every response, limits request bodies, and logs one JSON line per
 * request. `NODE_ENV=development` serves through Vite instead of the build.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { createRequestHandler } from "@remix-run/express";
import compression from "compression";
import express from "express";
import { closeDb, databasePath, getDb } from "../db/client.server";
import { isAllowedOrigin } from "../app/utils/http.server";
import { purgeExpiredSessions } from "../app/utils/session.server";
import { startWebhookWorker } from "../app/utils/webhook-worker.server";

const dev = process.env.NODE_ENV === "development";
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";
const bodyLimitBytes = Number(process.env.TRIAD_BODY_LIMIT ?? 1024 * 1024);
const trustedOrigins = (process.env.TRIAD_TRUSTED_ORIGINS ?? "")
  .split(",")
  .map((o) => o.trim())
  .filter(Boolean);
const logRequests = process.env.TRIAD_LOG_REQUESTS !== "0";

function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

async function main() {
  const startedAt = performance.now();
  getDb(); // open and migrate before the first request
  // Sends webhook deliveries from the outbox on its own timer (unref'd), never in a request.
  const webhookWorker = startWebhookWorker();
  const app = express();
  app.disable("x-powered-by");
  if (process.env.TRUST_PROXY === "1") app.set("trust proxy", true);

  app.use((req, res, next) => {
    const start = performance.now();
    res.on("finish", () => {
      if (!logRequests) return;
      process.stdout.write(
        `${JSON.stringify({
          time: new Date().toISOString(),
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Math.round((performance.now() - start) * 10) / 10,
        })}\n`,
      );
    });
    const nonce = randomBytes(16).toString("base64");
    res.locals.nonce = nonce;
    if (!dev) res.setHeader("Content-Security-Policy", contentSecurityPolicy(nonce));
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    next();
  });

  app.use((req, res, next) => {
    const url = `${req.protocol}://${req.get("host") ?? `${host}:${port}`}${req.originalUrl}`;
    const allowed = isAllowedOrigin({
      method: req.method,
      url,
      origin: req.get("origin") ?? null,
      referer: req.get("referer") ?? null,
      authorization: req.get("authorization") ?? null,
      trustedOrigins,
    });
    if (!allowed) {
      const message = "This request came from another site, so Triad refused it.";
      if (req.path.startsWith("/api/")) {
        res.status(403).json({ error: { code: "forbidden", message } });
      } else {
        res.status(403).type("text/plain").send(message);
      }
      return;
    }
    const length = Number(req.get("content-length") ?? 0);
    if (length > bodyLimitBytes) {
      const message = `The request body is larger than ${bodyLimitBytes} bytes.`;
      if (req.path.startsWith("/api/")) {
        res.status(413).json({ error: { code: "payload_too_large", message } });
      } else {
        res.status(413).type("text/plain").send(message);
      }
      return;
    }
    next();
  });

  app.use(compression());

  let build: ServerBuild | (() => Promise<ServerBuild>);
  if (dev) {
    const vite = await import("vite");
    const viteServer = await vite.createServer({ server: { middlewareMode: true } });
    app.use(viteServer.middlewares);
    build = () => viteServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
  } else {
    const buildDir = path.resolve(process.cwd(), "build");
    app.use(
      "/assets",
      express.static(path.join(buildDir, "client/assets"), { immutable: true, maxAge: "1y" }),
    );
    app.use(express.static(path.join(buildDir, "client"), { maxAge: "1h" }));
    build = (await import(pathToFileURL(path.join(buildDir, "server/index.js")).href)) as ServerBuild;
  }

  app.all(
    "*",
    createRequestHandler({
      build,
      mode: dev ? "development" : "production",
      getLoadContext: (req, res) => ({
        clientAddress: req.ip ?? req.socket.remoteAddress ?? "unknown",
        nonce: res.locals.nonce as string,
      }),
    }),
  );

  const server = app.listen(port, host, () => {
    const ms = Math.round(performance.now() - startedAt);
    console.log(
      `Triad listening on http://${host}:${port} (database ${databasePath()}, ready in ${ms} ms)`,
    );
  });

  const housekeeping = setInterval(() => purgeExpiredSessions(), 60 * 60 * 1000);
  housekeeping.unref();

  const shutdown = () => {
    clearInterval(housekeeping);
    server.close(() => {
      void webhookWorker.stop().finally(() => {
        closeDb();
        process.exit(0);
      });
    });
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
