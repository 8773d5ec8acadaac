/**
 * Crash safety, proven (docs/operations.md, "Crash safety"): several API clients write at once
 * (sign-offs on an open review, requirement edits, debt plan updates and new steps), the production
 * server is killed with SIGKILL at seeded instants and started again on the same database file.
 * After each restart the file is intact, every acknowledged write is there with its activity
 * row, no write is half-applied (row versions and activity rows agree one for one) and the
 * webhook/mail outbox rows written before are unchanged or moved on by their worker.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../support/server";
import { logged, seeded, startServerOn, type CrashServer, type LoggedWrite } from "../support/write-mix";

const SEED = 20261201;
const KILL_AFTER_MS = [150, 400, 800, 1500];

let dir: string;
let databaseFile: string;
let server: CrashServer | undefined;
const tokens: Record<string, { id: number; token: string; email: string }> = {};
const summary: string[] = [];

type World = {
  projects: Array<{ slug: string; reviewId: number }>;
  requirements: Array<{ slug: string; id: number; version: number }>;
  debt: Array<{ id: number; version: number }>;
};
let world: World;

const who = ["owner", "dara", "ivo", "dmitri"] as const;

async function call(method: string, pathname: string, token: string, body?: unknown, expected = 200): Promise<any> {
  const response = await fetch(`${server!.url}${pathname}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      "Content-Type": "application/json",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${method} ${pathname}: ${response.status} ${text}`);
  return JSON.parse(text);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "triad-crash-"));
  databaseFile = path.join(dir, "triad.db");
  // People, API tokens and a webhook through the models, in this process, then closed.
  const previous = {
    url: process.env.DATABASE_URL,
    migrations: process.env.TRIAD_MIGRATIONS_DIR,
  };
  process.env.DATABASE_URL = databaseFile;
  process.env.TRIAD_MIGRATIONS_DIR = path.join(ROOT, "db/migrations");
  const { closeDb } = await import("../../db/client.server");
  const { createUser } = await import("~/models/users.server");
  const { createToken } = await import("~/models/tokens.server");
  const { createWebhook } = await import("~/models/webhooks.server");
  try {
    const people = {
      owner: { name: "Bea Business", discipline: "business", role: "admin" },
      dara: { name: "Dara Data", discipline: "data_science", role: "member" },
      ivo: { name: "Ivo Ops", discipline: "it", role: "member" },
      dmitri: {
        name: "Dmitri Deep",
        discipline: "data_science",
        role: "member",
      },
    } as const;
    for (const [key, p] of Object.entries(people)) {
      const email = `${key}@crash.example`;
      const user = await createUser({
        actor: null,
        ...p,
        email,
        password: "crash test password 1",
      });
      tokens[key] = {
        id: user.id,
        email,
        token: createToken({
          actor: null,
          userId: user.id,
          name: "crash",
          expiresOn: null,
        }).token,
      };
    }
    const owner = {
      id: tokens.owner.id,
      name: people.owner.name,
      role: "admin" as const,
      discipline: "business" as const,
      via: "cli" as const,
    };
    // A host name is resolved at delivery time; this one never resolves, so deliveries stay in the outbox.
    createWebhook({
      actor: owner,
      url: "https://receiver.invalid/triad",
      secret: "s".repeat(32),
      events: ["gate.signoff", "debt.created", "gate.review_opened"],
    });
  } finally {
    closeDb();
    if (previous.url === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previous.url;
    if (previous.migrations === undefined) delete process.env.TRIAD_MIGRATIONS_DIR;
    else process.env.TRIAD_MIGRATIONS_DIR = previous.migrations;
  }

  server = await startServerOn(databaseFile);
  // Projects, teams, requirements, an open review and debt with steps, through the API.
  world = { projects: [], requirements: [], debt: [] };
  for (const name of ["Press line crash one", "Press line crash two"]) {
    const { project } = await call("POST", "/api/v1/projects", tokens.owner.token, { name }, 201);
    const slug: string = project.slug;
    for (const key of ["dara", "ivo", "dmitri"]) {
      await call("POST", `/api/v1/projects/${slug}/members`, tokens.owner.token, { email: tokens[key].email }, 201);
    }
    for (const title of ["Warn before a press fails", "Explain each warning"]) {
      const { requirement } = await call(
        "POST",
        `/api/v1/projects/${slug}/requirements`,
        tokens.owner.token,
        { title, target: "precision >= 0.8", priority: "must" },
        201,
      );
      let current = requirement;
      for (const key of ["dara", "ivo"]) {
        current = (
          await call("POST", `/api/v1/projects/${slug}/requirements/${requirement.id}/assessment`, tokens[key].token, {
            feasibility: "feasible",
          })
        ).requirement;
      }
      world.requirements.push({
        slug,
        id: requirement.id,
        version: current.version,
      });
      const { debtItem } = await call(
        "POST",
        `/api/v1/projects/${slug}/debt`,
        tokens.dara.token,
        {
          register: "technical",
          title: `Notebook pipeline for ${title}`,
          category: "hard_coded_logic",
          stageIncurred: "poc",
          severity: "medium",
          principalDays: 4,
          interestDays: 0.5,
          ownerId: tokens.dara.id,
        },
        201,
      );
      const step = await call(
        "POST",
        `/api/v1/debt/${debtItem.id}/steps`,
        tokens.dara.token,
        {
          version: debtItem.version,
          title: "Port the joins",
          dueDate: "2099-05-01",
        },
        201,
      );
      world.debt.push({ id: debtItem.id, version: step.debtItem.version });
    }
    const { review } = await call(
      "POST",
      `/api/v1/projects/${slug}/gate-reviews`,
      tokens.owner.token,
      { statement: "The model beats the baseline." },
      201,
    );
    world.projects.push({ slug, reviewId: review.id });
  }
}, 120_000);

afterAll(async () => {
  await server?.kill9();
  fs.mkdirSync(path.join(ROOT, "test-results"), { recursive: true });
  fs.writeFileSync(path.join(ROOT, "test-results/crash-summary.txt"), summary.join("\n") + "\n");
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * One client: seeded choice of write, its own requirement and debt item, one request at a time,
 * until a request gets no answer (the server is gone), so requests are in flight at the kill.
 */
async function client(n: number, random: () => number, log: LoggedWrite[], tag: string) {
  const key = who[n];
  const token = tokens[key].token;
  const project = world.projects[n % 2];
  const requirement = world.requirements[n];
  const item = world.debt[n];
  for (let i = 0; i < 10_000; i++) {
    const marker = `${tag}-c${n}-w${i}.`;
    const pick = random();
    // One PATCH in ten sends a stale version on purpose: it must be refused (409) and leave no trace.
    const stale = random() < 0.1;
    let r: LoggedWrite;
    if (pick < 0.3) {
      const decision = random() < 0.7 ? "approve" : "changes_requested";
      r = await logged(
        log,
        server!.url,
        token,
        {
          client: n,
          kind: "signoff",
          method: "POST",
          path: `/api/v1/projects/${project.slug}/gate-reviews/${project.reviewId}/signoffs`,
          marker,
        },
        { decision, comment: marker },
      );
    } else if (pick < 0.6) {
      // Requirements are the business side's to edit: the owner's token, one requirement per client.
      r = await logged(
        log,
        server!.url,
        tokens.owner.token,
        {
          client: n,
          kind: "requirement",
          method: "PATCH",
          path: `/api/v1/projects/${requirement.slug}/requirements/${requirement.id}`,
          marker,
          stale,
        },
        { version: requirement.version - (stale ? 1 : 0), target: marker },
      );
      if (r.status === 200) requirement.version = r.body.requirement.version;
    } else if (pick < 0.85) {
      r = await logged(
        log,
        server!.url,
        token,
        {
          client: n,
          kind: "debt",
          method: "PATCH",
          path: `/api/v1/debt/${item.id}`,
          marker,
          stale,
        },
        { version: item.version - (stale ? 1 : 0), strategy: marker },
      );
      if (r.status === 200) item.version = r.body.debtItem.version;
    } else {
      r = await logged(
        log,
        server!.url,
        token,
        {
          client: n,
          kind: "step",
          method: "POST",
          path: `/api/v1/debt/${item.id}/steps`,
          marker,
        },
        { version: item.version, title: marker, dueDate: "2099-05-01" },
      );
      if (r.status === 201) item.version = r.body.debtItem.version;
    }
    if (r.status === null) return; // no answer: the server is gone
  }
}

type Row = Record<string, any>;

function checkDatabase(
  tag: string,
  log: LoggedWrite[],
  base: {
    activityId: number;
    signOffId: number;
    req: Map<number, Row>;
    debt: Map<number, Row>;
    outbox: Row[];
    mail: Row[];
  },
) {
  const sqlite = new Database(databaseFile, { fileMustExist: true });
  try {
    sqlite.pragma("busy_timeout = 5000");
    expect(sqlite.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(sqlite.pragma("foreign_key_check")).toEqual([]);
    const activity = sqlite.prepare("select * from activity where id > ? order by id").all(base.activityId) as Row[];
    const hasActivity = (type: string, id: number, action: string, marker: string) =>
      activity.some(
        (a) =>
          a.entity_type === type && a.entity_id === id && a.action === action && String(a.after ?? "").includes(marker),
      );
    let checked = 0;
    let appliedUnanswered = 0;
    for (const write of log) {
      const acked = write.status !== null && write.status >= 200 && write.status < 300;
      const refused = write.status !== null && write.status >= 400;
      const anywhere = activity.some((a) => `${a.summary}${a.after ?? ""}`.includes(write.marker));
      if (write.stale && write.status !== null) expect(write.status, `stale ${write.marker}`).toBe(409);
      if (refused) {
        expect(anywhere, `refused write ${write.marker} left activity`).toBe(false);
        checked++;
        continue;
      }
      if (!acked) {
        // No answer: committed or not, the consistency checks below hold it to all-or-nothing.
        if (anywhere) appliedUnanswered++;
        continue;
      }
      checked++;
      if (write.kind === "signoff") {
        const id = write.body.signoff.id;
        const row = sqlite.prepare("select * from sign_offs where id = ?").get(id) as Row | undefined;
        expect(row?.comment, `acked sign-off ${write.marker}`).toBe(write.marker);
        expect(
          activity.some((a) => a.entity_type === "sign_off" && a.entity_id === id && a.action === "gate.signed_off"),
        ).toBe(true);
      } else if (write.kind === "requirement") {
        const { id, version } = write.body.requirement;
        const row = sqlite.prepare("select version from requirements where id = ?").get(id) as Row;
        expect(row.version).toBeGreaterThanOrEqual(version);
        expect(hasActivity("requirement", id, "requirement.updated", write.marker), `acked ${write.marker}`).toBe(true);
      } else if (write.kind === "debt") {
        const { id, version } = write.body.debtItem;
        expect(
          (sqlite.prepare("select version from debt_items where id = ?").get(id) as Row).version,
        ).toBeGreaterThanOrEqual(version);
        expect(hasActivity("debt_item", id, "debt.plan_updated", write.marker), `acked ${write.marker}`).toBe(true);
      } else {
        const step = sqlite.prepare("select * from repayment_steps where id = ?").get(write.body.step.id) as
          Row | undefined;
        expect(step?.title, `acked step ${write.marker}`).toBe(write.marker);
        expect(hasActivity("debt_item", write.body.debtItem.id, "debt.step_added", write.marker)).toBe(true);
      }
    }
    // Nothing half-applied: each version bump has its activity row and each activity row its change.
    for (const [id, before] of base.req) {
      const row = sqlite.prepare("select * from requirements where id = ?").get(id) as Row;
      const rows = activity.filter((a) => a.entity_type === "requirement" && a.entity_id === id);
      expect(row.version - before.version, `requirement ${id} versions vs activity`).toBe(rows.length);
      const last = rows.at(-1);
      expect(row.target).toBe(last ? JSON.parse(last.after).target : before.target);
    }
    for (const [id, before] of base.debt) {
      const row = sqlite.prepare("select * from debt_items where id = ?").get(id) as Row;
      const rows = activity.filter((a) => a.entity_type === "debt_item" && a.entity_id === id);
      expect(row.version - before.version, `debt item ${id} versions vs activity`).toBe(rows.length);
      const lastStrategy = rows.filter((a) => a.action === "debt.plan_updated").at(-1);
      expect(row.strategy).toBe(lastStrategy ? JSON.parse(lastStrategy.after).strategy : before.strategy);
      const steps = sqlite
        .prepare("select title from repayment_steps where debt_item_id = ? and title like ?")
        .all(id, `${tag}-%`) as Row[];
      const stepAdds = activity.filter(
        (a) => a.entity_type === "debt_item" && a.entity_id === id && a.action === "debt.step_added",
      );
      expect(steps.length).toBe(stepAdds.length);
    }
    const signOffs = (
      sqlite.prepare("select id from sign_offs where id > ? order by id").all(base.signOffId) as Row[]
    ).map((r) => r.id);
    const signed = activity.filter((a) => a.action === "gate.signed_off").map((a) => a.entity_id);
    expect(signOffs).toEqual(signed);
    // Outbox rows written before this round: still there, same payload, a known status.
    for (const [table, rows, text] of [
      ["webhook_deliveries", base.outbox, "payload"],
      ["mail_outbox", base.mail, "text"],
    ] as const) {
      for (const before of rows) {
        const now = sqlite.prepare(`select * from ${table} where id = ?`).get(before.id) as Row | undefined;
        expect(now?.[text], `${table} ${before.id}`).toBe(before[text]);
        if (before.status !== "pending") expect(now!.status).toBe(before.status);
      }
      for (const row of sqlite.prepare(`select * from ${table}`).all() as Row[]) {
        expect(["pending", "delivered", "sent", "failed"]).toContain(row.status);
        if (table === "webhook_deliveries") expect(() => JSON.parse(row.payload)).not.toThrow();
      }
    }
    return { checked, appliedUnanswered };
  } finally {
    sqlite.close();
  }
}

// Steps added in the mix carry this prefix (the seeded one is "Port the joins").
const KILL_TAG = "k";

function snapshot() {
  const sqlite = new Database(databaseFile, { readonly: true });
  try {
    const max = (sql: string) => ((sqlite.prepare(sql).get() as Row).n as number | null) ?? 0;
    return {
      activityId: max("select max(id) n from activity"),
      signOffId: max("select max(id) n from sign_offs"),
      req: new Map(
        world.requirements.map((r) => [
          r.id,
          sqlite.prepare("select * from requirements where id = ?").get(r.id) as Row,
        ]),
      ),
      debt: new Map(
        world.debt.map((d) => [d.id, sqlite.prepare("select * from debt_items where id = ?").get(d.id) as Row]),
      ),
      outbox: sqlite.prepare("select * from webhook_deliveries").all() as Row[],
      mail: sqlite.prepare("select * from mail_outbox").all() as Row[],
    };
  } finally {
    sqlite.close();
  }
}

describe("kill -9 in the middle of concurrent API writes", () => {
  KILL_AFTER_MS.forEach((killAfter, round) => {
    it(`round ${
      round + 1
    }: SIGKILL after ${killAfter} ms loses no acknowledged write and half-applies none`, async () => {
      const random = seeded(SEED + round);
      // Versions may have moved in the round before (writes that committed without an answer).
      for (const r of world.requirements)
        r.version =
          (await call("GET", `/api/v1/projects/${r.slug}/requirements/${r.id}`, tokens.owner.token).catch(() => null))
            ?.requirement?.version ?? r.version;
      for (const d of world.debt)
        d.version = (await call("GET", `/api/v1/debt/${d.id}`, tokens.owner.token)).debtItem.version;
      const base = snapshot();
      const log: LoggedWrite[] = [];
      const clients = who.map((_, n) => client(n, seeded(SEED * 7 + round * 13 + n), log, `${KILL_TAG}${round}`));
      await new Promise((r) => setTimeout(r, killAfter + Math.floor(random() * 50)));
      await server!.kill9();
      await Promise.all(clients);
      server = await startServerOn(databaseFile);
      const { checked, appliedUnanswered } = checkDatabase(`${KILL_TAG}${round}`, log, base);
      const acked = log.filter((w) => w.status !== null && w.status < 300).length;
      const refusals = new Map<string, number>();
      for (const w of log.filter((w) => w.status !== null && w.status >= 300)) {
        const reason = `${w.stale ? "stale " : ""}${w.kind} ${w.status} ${w.body?.error?.code ?? ""}`.trim();
        refusals.set(reason, (refusals.get(reason) ?? 0) + 1);
      }
      const line =
        `crash round ${round + 1}: kill -9 after ${killAfter} ms; ${log.length} writes sent, ${acked} acked, ` +
        `${log.filter((w) => w.status === null).length} unanswered (${appliedUnanswered} of them committed), ` +
        `refused: ${[...refusals].map(([k, v]) => `${k} x${v}`).join(", ") || "none"}; ${checked} checked; ` +
        `${base.outbox.length} webhook and ${base.mail.length} mail outbox rows from before intact`;
      summary.push(line);
      console.log(line);
      expect(acked).toBeGreaterThan(0);
    }, 60_000);
  });
});
