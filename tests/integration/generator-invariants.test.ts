/**
 * The scale generator (bench/generate.ts) writes rows in bulk instead of going through the
 * models, for speed; this checks that what it writes is still a Triad database: a small
 * generated organisation satisfies the same invariants as the demo, which the models wrote
 * (tests/support/invariants.ts). And the invariants do catch a database that drifted.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db/client.server";
import { generateOrganisation } from "../../bench/generate";
import { canonicalView, describeChanges, type DisciplineView } from "~/domain/concerns";
import { currentViews } from "~/models/gates.server";
import { checkInvariants } from "../support/invariants";
import { resetDatabase, sqlite } from "../support/database";

const NOW = Date.UTC(2030, 5, 15);

beforeAll(() => {
  resetDatabase();
  generateOrganisation(db, { projects: 40, seed: 7, now: NOW });
}, 60_000);

describe("a generated organisation", () => {
  it("has every kind of project and history the benchmark relies on", () => {
    const count = (sql: string) => (sqlite().prepare(sql).get() as { n: number }).n;
    expect(count("select count(*) as n from projects")).toBe(40);
    expect(count("select count(*) as n from gate_reviews where status = 'open'")).toBeGreaterThan(0);
    expect(count("select count(*) as n from gate_reviews where status = 'promoted'")).toBeGreaterThan(0);
    expect(count("select count(*) as n from gate_reviews where status = 'withdrawn'")).toBeGreaterThan(0);
    expect(count("select count(distinct state) as n from projects")).toBeGreaterThanOrEqual(3);
    expect(count("select count(distinct status) as n from debt_items")).toBe(4);
  });

  it("satisfies the same invariants as the demo", () => {
    expect(checkInvariants()).toEqual([]);
  });

  it("builds each open review's views as the model does: a sign-off is current, or says what changed", () => {
    const signed = sqlite()
      .prepare(
        `select s.id, s.review_id as reviewId, s.discipline, s.snapshot from sign_offs s join gate_reviews g on g.id = s.review_id
         where g.status = 'open' and s.status = 'current' and s.snapshot is not null`,
      )
      .all() as { id: number; reviewId: number; discipline: "business" | "data_science" | "it"; snapshot: string }[];
    expect(signed.length).toBeGreaterThan(5);
    let current = 0;
    for (const s of signed) {
      const live = currentViews(s.reviewId).views[s.discipline];
      if (s.snapshot === canonicalView(live)) current += 1;
      else expect(describeChanges(JSON.parse(s.snapshot) as DisciplineView, live), `sign-off ${s.id}`).not.toEqual([]);
    }
    // About one in five was given on an earlier view on purpose (bench/generate.ts, staleView).
    expect(current / signed.length).toBeGreaterThan(0.6);
  });

  it("would be caught drifting: the invariants name what broke", () => {
    const client = sqlite();
    client.exec("SAVEPOINT drift");
    try {
      const member = client.prepare("select project_id, user_id, discipline from memberships limit 1").get() as {
        project_id: number;
        user_id: number;
        discipline: string;
      };
      const other = member.discipline === "it" ? "business" : "it";
      client
        .prepare("update memberships set discipline = ? where project_id = ? and user_id = ?")
        .run(other, member.project_id, member.user_id);
      client.exec(
        "update debt_items set status = 'open' where id = (select debt_item_id from repayment_steps where done_at is not null limit 1)",
      );
      client.exec(
        "update gate_reviews set closing_snapshot = null where id = (select id from gate_reviews where status = 'promoted' limit 1)",
      );
      client.exec(
        "update projects set stage = 'production' where id = (select id from projects where stage = 'poc' limit 1)",
      );
      const problems = checkInvariants().join("\n");
      expect(problems).toMatch(/^A team seat is its person's own discipline: /m);
      expect(problems).toMatch(/^A debt item's status agrees with its steps .*open with \d+ step\(s\) done/m);
      expect(problems).toMatch(/^A closed review keeps when, by whom and its closing snapshot.*snapshot missing/m);
      expect(problems).toMatch(/^The stage history follows the promoted gate reviews: project \d+ is in production/m);
    } finally {
      client.exec("ROLLBACK TO drift");
      client.exec("RELEASE drift");
    }
    expect(checkInvariants()).toEqual([]);
  });
});
