/** The audit log is append-only in the database itself: raw SQL cannot change or delete it. */
import { describe, expect, it } from "vitest";
import { recordActivity } from "~/models/activity.server";
import { db } from "../../db/client.server";
import { sqlite } from "../support/database";
import { createTestUser } from "../support/users";

describe("the activity table", () => {
  it("refuses UPDATE and DELETE, even in raw SQL, and keeps the row as written", async () => {
    const user = await createTestUser();
    recordActivity(db, {
      actorId: user.id,
      entityType: "user",
      entityId: user.id,
      action: "user.renamed",
      summary: "Ada is now called Ada L.",
      before: { name: "Ada" },
      after: { name: "Ada L." },
    });
    const row = sqlite().prepare("select * from activity order by id desc limit 1").get() as {
      id: number;
    };

    expect(() => sqlite().prepare("update activity set summary = 'nothing happened' where id = ?").run(row.id)).toThrow(
      /append-only/,
    );
    expect(() => sqlite().prepare("delete from activity where id = ?").run(row.id)).toThrow(/append-only/);
    expect(() => sqlite().prepare("delete from activity").run()).toThrow(/append-only/);

    expect(sqlite().prepare("select * from activity where id = ?").get(row.id)).toEqual(row);
  });

  it("a refused change inside a transaction rolls back the whole transaction", async () => {
    const user = await createTestUser({ name: "Before" });
    const count = () => (sqlite().prepare("select count(*) as n from activity").get() as { n: number }).n;
    const activityBefore = count();
    expect(() =>
      sqlite().transaction(() => {
        sqlite().prepare("update users set name = 'After' where id = ?").run(user.id);
        sqlite().prepare("delete from activity").run();
      })(),
    ).toThrow(/append-only/);
    expect(count()).toBe(activityBefore);
    expect((sqlite().prepare("select name from users where id = ?").get(user.id) as { name: string }).name).toBe(
      "Before",
    );
  });
});
