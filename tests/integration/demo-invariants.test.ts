/**
 * The demo organisation (app/demo/), replayed through the models, satisfies every invariant of
 * a Triad database (tests/support/invariants.ts), and its replay is deterministic: the same
 * clock gives the same rows. Its past sends no mail (app/demo/demo.ts, `quietThePast`).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db/client.server";
import { seedDemo, type DemoSeed } from "../../app/demo/demo";
import { dueMail } from "~/models/mail-outbox.server";
import { checkInvariants } from "../support/invariants";
import { resetDatabase, sqlite } from "../support/database";

const NOW = Date.UTC(2030, 5, 15, 12);
let seed: DemoSeed;

/** Every row of the tables the story writes, ids included. */
function rows() {
  const tables = ["users", "projects", "memberships", "requirements", "gate_reviews", "gate_criteria", "sign_offs"];
  const more = ["review_comments", "debt_items", "repayment_steps", "activity", "notifications", "notices"];
  return Object.fromEntries(
    [...tables, ...more].map((t) => [t, sqlite().prepare(`select * from ${t} order by rowid`).all()]),
  );
}

beforeAll(async () => {
  resetDatabase();
  seed = await seedDemo(db, { now: NOW, passwordHash: "not-a-real-hash" });
});

describe("the demo organisation", () => {
  it("satisfies every invariant", () => {
    expect(checkInvariants()).toEqual([]);
  });

  it("is the same organisation every time it is replayed on the same clock", async () => {
    const first = rows();
    resetDatabase();
    await seedDemo(db, { now: NOW, passwordHash: "not-a-real-hash" });
    expect(rows()).toEqual(first);
  });

  it("tells people what happened in the bell, but mails nobody about the past", () => {
    const counts = sqlite()
      .prepare(
        "select count(*) as total, sum(read_at is null) as unread, sum(read_at is not null and read_at <= created_at) as readEarly from notifications",
      )
      .get() as { total: number; unread: number; readEarly: number };
    expect(counts.total).toBeGreaterThan(50);
    // The last week's news waits in the bell; older news was read a day after it arrived.
    expect(counts.unread).toBeGreaterThan(0);
    expect(counts.unread).toBeLessThan(counts.total / 4);
    expect(counts.readEarly).toBe(0);
    // Nothing is due for the mail worker, and no digest would pick up the past.
    expect(dueMail(NOW + 60_000, 100)).toEqual([]);
    const pending = sqlite().prepare("select count(*) as n from mail_outbox where status <> 'sent'").get() as {
      n: number;
    };
    expect(pending.n).toBe(0);
    const unmailedDigest = sqlite()
      .prepare(
        "select count(*) as n from notifications where mailed_at is null and category in ('verdict_needed', 'project_changed', 'debt_due')",
      )
      .get() as { n: number };
    expect(unmailedDigest.n).toBe(0);
  });

  it("keeps its people, projects and history in the past", () => {
    expect(Object.keys(seed.users)).toHaveLength(13);
    expect(Object.keys(seed.projects)).toHaveLength(8);
    const latest = sqlite().prepare("select max(at) as at from activity").get() as { at: number };
    expect(latest.at).toBeLessThan(NOW);
  });
});
