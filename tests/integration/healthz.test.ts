/** /healthz reads the database for real: 200 when it answers, 503 when it cannot. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loader } from "~/routes/healthz";
import { closeDb, getDb } from "../../db/client.server";
import { resetDatabase } from "../support/database";
import { settle } from "../support/requests";

const check = () => settle(() => loader());

afterEach(() => {
  resetDatabase();
});

describe("/healthz", () => {
  it('answers 200 {"status":"ok"}, never cached', async () => {
    const result = await check();
    expect(result.status).toBe(200);
    expect(result.data).toEqual({ status: "ok" });
    expect(result.headers.get("Cache-Control")).toBe("no-store");
  });

  it("answers 503 when the database file is corrupt", async () => {
    // An operator restored the wrong file, or the disk mangled it: the app reopens it and
    // finds no database there.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "triad-broken-"));
    const broken = path.join(dir, "triad.db");
    fs.writeFileSync(broken, "this is not an SQLite database, just text ".repeat(200));
    closeDb();
    process.env.DATABASE_URL = broken;
    try {
      const result = await check();
      expect(result.status).toBe(503);
      expect(result.data).toEqual({ status: "unavailable", error: "The database cannot be read." });
      expect(result.headers.get("Cache-Control")).toBe("no-store");
    } finally {
      closeDb();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("answers 503 when the connection has gone away, and 200 again once it is back", async () => {
    expect((await check()).status).toBe(200);
    // the SQLite handle dies under the running app: every read now throws
    getDb().$client.close();
    expect((await check()).status).toBe(503);
    closeDb(); // the next request opens a fresh connection
    expect((await check()).status).toBe(200);
  });
});
