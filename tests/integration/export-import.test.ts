/**
 * `triad export` / `triad import` (app/models/export-import.server.ts, docs/export-format.md):
 * the demo organisation exported from one database and imported into another empty one
 * answers the JSON API identically; the import refuses a non-empty database, a foreign or
 * newer format and a broken file without writing anything; export never overwrites a file.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "../../db/client.server";
import { gateReviews, users } from "../../db/schema";
import { DEMO_PASSWORD, seedDemo, type DemoSeed } from "../../app/demo/demo";
import { eq } from "drizzle-orm";
import { reviewSnapshot } from "~/models/gate-reviews-read.server";
import { listTeam } from "~/models/team.server";
import { hashToken } from "~/models/tokens.server";
import { exportOrganisation, FORMAT, importOrganisation, SECTIONS } from "~/models/export-import.server";
import { apiLimiter } from "~/api/handler.server";
import { verifyPassword } from "~/lib/password.server";
import { main } from "../../scripts/triad";
import { api, snapshotTables } from "./api-support";
import { removeDatabases, resetDatabase, sqlite } from "../support/database";

const NOW = Date.now() - 60_000;
const TOKEN = "triad_pat_export-import-test-token-0123456789abcdefghijklmnop";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "triad-export-"));
const exported = path.join(dir, "demo.json");

let seed: DemoSeed;
let before: Reads;
let after: Reads;
let tablesBefore: Record<string, unknown[]>;
let tablesAfter: Record<string, unknown[]>;

type Reads = Record<string, { status: number; body: unknown }>;

/** A token for Ada (admin) written straight into api_tokens: no activity row, same in both databases. */
function adaToken() {
  const ada = db.select({ id: users.id }).from(users).where(eq(users.email, "ada@demo.triad")).get()!;
  sqlite()
    .prepare(
      "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) VALUES (?, 'tests', ?, 'triad_pat_ex', ?)",
    )
    .run(ada.id, hashToken(TOKEN), NOW);
}

async function reads(): Promise<Reads> {
  apiLimiter.reset(); // the same token id reads both databases: start each pass within the limit
  const answers: Reads = {};
  const get = async (url: string) => {
    const { status, body } = await api("GET", url, { token: TOKEN });
    answers[url] = { status, body };
    return body;
  };
  const slugs: string[] = [];
  for (const state of ["active", "on_hold", "stopped", "retired"]) {
    const body = await get(`/api/v1/projects?state=${state}&limit=100`);
    slugs.push(...body.projects.map((p: { slug: string }) => p.slug));
  }
  await get("/api/v1/projects");
  for (const slug of slugs) {
    await get(`/api/v1/projects/${slug}`);
    await get(`/api/v1/projects/${slug}/activity`);
    const reviews = await get(`/api/v1/projects/${slug}/gate-reviews`);
    for (const review of reviews.reviews) {
      await get(`/api/v1/projects/${slug}/gate-reviews/${review.id}`);
      await get(`/api/v1/projects/${slug}/gate-reviews/${review.id}/comments`);
    }
  }
  const debt = await get("/api/v1/debt?limit=100");
  for (const item of debt.debtItems) await get(`/api/v1/debt/${item.id}`);
  await get("/api/v1/debt");
  await get("/api/v1/debt?status=repaid");
  return answers;
}

/** Every exported table, password hashes left out (they are replaced on import by design). */
function tables() {
  const rows = snapshotTables(sqlite());
  const all: Record<string, unknown[]> = { ...rows };
  for (const table of [
    "users",
    "project_slugs",
    "criterion_templates",
    "gate_policies",
    "notifications",
    "notification_preferences",
    "notices",
  ]) {
    all[table] = sqlite().prepare(`select * from ${table} order by rowid`).all();
  }
  delete all.webhook_deliveries;
  all.users = (all.users as Record<string, unknown>[]).map(({ password_hash: _hash, ...rest }) => rest);
  return all;
}

const allRows = () => snapshotTables(sqlite());

beforeAll(async () => {
  resetDatabase();
  seed = await seedDemo(db, { now: NOW, passwordHash: "not-a-real-hash" });
  adaToken();
  exportOrganisation(exported, NOW + 1000);
  before = await reads();
  tablesBefore = tables();

  resetDatabase();
  importOrganisation(exported);
  adaToken();
  after = await reads();
  tablesAfter = tables();
}, 60_000);

afterAll(() => {
  removeDatabases();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("export then import", () => {
  it("writes the documented header, ISO instants and no credentials", () => {
    const document = JSON.parse(fs.readFileSync(exported, "utf8"));
    expect(document.format).toBe(FORMAT);
    expect(document.exportedAt).toBe(new Date(NOW + 1000).toISOString());
    expect(document.schemaLevel).toMatch(/^\d{4}_/);
    expect(Object.keys(document)).toEqual(["format", "exportedAt", "schemaLevel", ...SECTIONS.map((s) => s.key)]);
    expect(document.people).toHaveLength(Object.keys(seed.users).length);
    for (const person of document.people) {
      expect(person).not.toHaveProperty("passwordHash");
      expect(person.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
    const text = fs.readFileSync(exported, "utf8");
    expect(text).not.toMatch(/not-a-real-hash|token_hash|tokenHash|triad_pat_/);
    expect(document.activity.length).toBeGreaterThan(100);
    for (const row of document.activity) expect(row.at).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
  });

  it("answers every API read identically from both databases", () => {
    expect(Object.keys(after)).toEqual(Object.keys(before));
    expect(Object.keys(before).length).toBeGreaterThan(40);
    for (const [url, answer] of Object.entries(before)) {
      expect(answer.status, url).toBe(200);
      expect(after[url], url).toEqual(answer);
    }
    // The reads really covered open reviews and the debt register.
    expect(Object.keys(before).some((url) => /gate-reviews\/\d+$/.test(url))).toBe(true);
    expect((before["/api/v1/debt"].body as { debtItems: unknown[] }).debtItems.length).toBeGreaterThan(10);
  });

  it("keeps every row and id (password hashes aside)", () => {
    expect(tablesAfter).toEqual(tablesBefore);
  });

  it("re-exports the imported database to the same document", () => {
    const again = path.join(dir, "again.json");
    exportOrganisation(again, NOW + 1000);
    expect(fs.readFileSync(again, "utf8")).toBe(fs.readFileSync(exported, "utf8"));
  });

  it("gives imported people no usable password", async () => {
    const hashes = sqlite().prepare("select password_hash as h from users").all() as { h: string }[];
    expect(new Set(hashes.map((r) => r.h)).size).toBe(hashes.length);
    for (const { h } of hashes) {
      expect(h).toMatch(/^!imported:/);
      expect(await verifyPassword(h, DEMO_PASSWORD)).toBe(false);
      expect(await verifyPassword(h, "")).toBe(false);
    }
  });

  it("passes the demo's invariants: references, seats, promoted and open reviews", () => {
    expect(sqlite().pragma("foreign_key_check")).toEqual([]);
    const profile = new Map(
      db
        .select({ id: users.id, discipline: users.discipline })
        .from(users)
        .all()
        .map((u) => [u.id, u.discipline]),
    );
    let seats = 0;
    for (const project of Object.values(seed.projects)) {
      for (const member of listTeam(project.id)) {
        expect(member.discipline).toBe(profile.get(member.userId));
        seats += 1;
      }
    }
    expect(seats).toBeGreaterThan(30);
    const promoted = db.select().from(gateReviews).where(eq(gateReviews.status, "promoted")).all();
    expect(promoted.length).toBeGreaterThan(0);
    for (const review of promoted) expect(reviewSnapshot(review)!.blockers).toEqual([]);
  });
});

describe("refusals", () => {
  it("refuses a database that already holds people, writing nothing", () => {
    const rows = allRows();
    expect(() => importOrganisation(exported)).toThrow(/already holds 13 people; .*Nothing was imported/);
    expect(allRows()).toEqual(rows);
  });

  const variant = (name: string, change: (document: Record<string, unknown>) => void) => {
    const document = JSON.parse(fs.readFileSync(exported, "utf8"));
    change(document);
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(document));
    return file;
  };

  it.each([
    ["another format", (d: Record<string, unknown>) => (d.format = "acme.dump/1"), /not a Triad export/],
    ["no format", (d: Record<string, unknown>) => delete d.format, /not a Triad export/],
    [
      "a newer version",
      (d: Record<string, unknown>) => (d.format = "triad.export/2"),
      /newer than this Triad reads .*upgrade Triad first/,
    ],
    [
      "a newer schema",
      (d: Record<string, unknown>) => (d.schemaLevel = "0099_future"),
      /schema level "0099_future".*upgrade Triad first/,
    ],
    ["an unknown section", (d: Record<string, unknown>) => (d.secrets = []), /unknown section "secrets"/],
    [
      "an unknown field",
      (d: Record<string, unknown>) => ((d.people as Record<string, unknown>[])[0].passwordHash = "x"),
      /people\[0\] has an unknown field "passwordHash"/,
    ],
    [
      "a bad instant",
      (d: Record<string, unknown>) => ((d.projects as Record<string, unknown>[])[1].createdAt = "yesterday"),
      /projects\[1\]\.createdAt is not an ISO 8601 instant/,
    ],
    [
      "a dangling reference",
      (d: Record<string, unknown>) => ((d.memberships as Record<string, unknown>[])[0].userId = 999),
      /reference\(s\) point nowhere/,
    ],
    [
      "a seat unlike the person",
      (d: Record<string, unknown>) => {
        const m = (d.memberships as Record<string, unknown>[])[0];
        const person = (d.people as Record<string, unknown>[]).find((p) => p.id === m.userId)!;
        m.discipline = person.discipline === "it" ? "business" : "it";
      },
      /a seat is always the person's discipline/,
    ],
  ])("refuses a file with %s, leaving the empty database empty", (name, change, message) => {
    const file = variant(`${name.replace(/\W+/g, "-")}.json`, change);
    resetDatabase();
    const rows = allRows();
    const people = sqlite().prepare("select count(*) as n from users").get();
    expect(() => importOrganisation(file)).toThrow(message);
    expect(() => importOrganisation(file)).toThrow(/Nothing was imported/);
    expect(allRows()).toEqual(rows);
    expect(sqlite().prepare("select count(*) as n from users").get()).toEqual(people);
  });

  it("refuses a file that is not JSON or does not exist", () => {
    resetDatabase();
    const broken = path.join(dir, "broken.json");
    fs.writeFileSync(broken, '{"format":"triad.export/1", "people": [');
    expect(() => importOrganisation(broken)).toThrow(/is not JSON/);
    expect(() => importOrganisation(path.join(dir, "missing.json"))).toThrow(/There is no file at/);
  });

  it("never overwrites an existing file on export", () => {
    const file = path.join(dir, "taken.json");
    fs.writeFileSync(file, "keep me");
    expect(() => exportOrganisation(file)).toThrow(/already exists\. Triad never overwrites an export/);
    expect(fs.readFileSync(file, "utf8")).toBe("keep me");
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".partial"))).toEqual([]);
  });
});

describe("triad export / import", () => {
  async function triad(argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const stdout = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (out.push(String(chunk)), true));
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (err.push(String(chunk)), true));
    try {
      const code = await main(argv);
      return { code, out: out.join(""), err: err.join("") };
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
  }

  it("exports, refuses to overwrite, imports into an empty database only, with exit codes 0, 1 and 2", async () => {
    const file = path.join(dir, "cli.json");
    resetDatabase();
    await seedDemo(db, { now: NOW, passwordHash: "not-a-real-hash" });
    const exportedOk = await triad(["export", file]);
    expect(exportedOk).toMatchObject({ code: 0, err: "" });
    expect(exportedOk.out).toMatch(/people +13/);
    const again = await triad(["export", file]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already exists/);
    const refused = await triad(["import", file]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/already holds 13 people/);
    expect(await triad(["import"])).toMatchObject({ code: 2, err: expect.stringMatching(/Missing <file>/) });

    resetDatabase();
    const imported = await triad(["import", file]);
    expect(imported).toMatchObject({ code: 0, err: "" });
    expect(imported.out).toMatch(/Checks passed/);
    expect(imported.out).toMatch(/Nobody can sign in yet/);
    expect(sqlite().prepare("select count(*) as n from users").get()).toEqual({ n: 13 });
  });
});
