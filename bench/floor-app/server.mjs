/**
 * The bare framework floor's server (bench/README.md, "The bare floor"): Express and
 * @remix-run/express's request handler in front of bench/floor-app's build, no middleware but
 * the static files under /assets. Started by bench/run.ts with PORT, HOST, FLOOR_BUILD (the
 * build directory) and FLOOR_DATABASE (made here with 200 rows when missing).
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import Database from "better-sqlite3";
import express from "express";

const buildDir = process.env.FLOOR_BUILD;
const database = process.env.FLOOR_DATABASE;
if (!buildDir || !database) throw new Error("FLOOR_BUILD and FLOOR_DATABASE are required.");

if (!fs.existsSync(database)) {
  const partial = `${database}.partial`;
  fs.rmSync(partial, { force: true });
  const db = new Database(partial);
  db.exec(
    "CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, stage TEXT NOT NULL, owner TEXT NOT NULL, open_debt_days INTEGER NOT NULL)",
  );
  const insert = db.prepare("INSERT INTO products (id, name, stage, owner, open_debt_days) VALUES (?, ?, ?, ?, ?)");
  const stages = ["poc", "pilot", "production"];
  db.transaction(() => {
    for (let i = 0; i < 200; i++) {
      insert.run(i + 1, `Data product ${i + 1}`, stages[i % 3], `Person ${(i * 7) % 23}`, (i * 13) % 40);
    }
  })();
  db.close();
  fs.renameSync(partial, database);
}

const build = await import(pathToFileURL(path.join(buildDir, "server/index.js")).href);
const app = express();
app.disable("x-powered-by");
app.use("/assets", express.static(path.join(buildDir, "client/assets"), { immutable: true, maxAge: "1y" }));
app.all("*", createRequestHandler({ build, mode: "production" }));

const port = Number(process.env.PORT ?? 3100);
const server = app.listen(port, process.env.HOST ?? "127.0.0.1", () => {
  console.log(`Bare floor listening on ${port}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
