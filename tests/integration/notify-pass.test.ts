/**
 * The notification pass (docs/domain.md, "Notifications") on a real database, run at chosen
 * instants: review reminders to the missing discipline's members on day 3 and 6, escalation
 * to the project owner and the admins on day 10, nothing twice and nothing after the review
 * closes; debt "due soon" and "overdue" once each, and the overdue escalation; the daily
 * digest; and the `notify:run` command against a database of its own.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { addDays, startOfDateUtc, utcDate } from "~/domain/dates";
import { DAY_MS } from "~/domain/reminders";
import { runNotificationPass } from "~/jobs/notify-pass.server";
import { addRepaymentStep, createDebtItem, updateDebtItem } from "~/models/debt.server";
import { setGateTimings } from "~/models/gate-templates.server";
import { openReview, signOff, withdrawReview } from "~/models/gates.server";
import { notify } from "~/models/notifications.server";
import { createProject } from "~/models/projects.server";
import { addMember } from "~/models/team.server";
import { setUserActive } from "~/models/users.server";
import * as adminGates from "~/routes/admin.gates";
import { db } from "../../db/client.server";
import { activitySince, lastActivityId, resetDatabase, sqlite } from "../support/database";
import { callAction, callLoader, refusalOf } from "../support/requests";
import { createAdmin, createTestUser, signInAs, type TestUser } from "../support/users";
import { actorOf } from "./debt-support";

type Row = {
  user_id: number;
  category: string;
  title: string;
  link: string;
  mailed_at: number | null;
  actor_id: number | null;
};

/** Notifications of the pass's categories (the models' own notifications are left out). */
const told = (category: string) =>
  sqlite().prepare("select * from notifications where category = ? order by id").all(category) as Row[];
const recipients = (rows: Row[]) => rows.map((r) => r.user_id).sort((a, b) => a - b);
const ids = (...people: TestUser[]) => people.map((p) => p.id).sort((a, b) => a - b);

let owner: TestUser;
let scientist: TestUser;
let operator: TestUser;
let operator2: TestUser;
let admin: TestUser;
let formerAdmin: TestUser;
let dbFile: string;

beforeEach(async () => {
  dbFile = resetDatabase();
  owner = await createTestUser({ name: "Bea Business", discipline: "business" });
  scientist = await createTestUser({ name: "Dan Science", discipline: "data_science" });
  operator = await createTestUser({ name: "Ida Ops", discipline: "it" });
  operator2 = await createTestUser({ name: "Ivo Ops", discipline: "it" });
  admin = await createAdmin({ name: "Ada Admin", discipline: "data_science" });
  formerAdmin = await createAdmin({ name: "Fred Former", discipline: "it" });
  await createTestUser({ name: "Otto Outside", discipline: "it" });
  setUserActive({ actor: actorOf(admin), userId: formerAdmin.id, active: false });
});

function teamProject(name = "Press line 3") {
  const project = createProject({ actor: actorOf(owner), name, summary: "", businessCase: "", ownerId: owner.id });
  addMember({ actor: actorOf(owner), projectId: project.id, userId: scientist.id, discipline: "data_science" });
  addMember({ actor: actorOf(owner), projectId: project.id, userId: operator.id, discipline: "it" });
  addMember({ actor: actorOf(owner), projectId: project.id, userId: operator2.id, discipline: "it" });
  return project;
}

/** A review business and data science approved: it waits for IT operations only. */
function reviewWaitingForIt() {
  const project = teamProject();
  const review = openReview({
    actor: actorOf(owner),
    projectId: project.id,
    statement: "The pilot plant is ready for us.",
  });
  signOff({ actor: actorOf(owner), reviewId: review.id, decision: "approve", comment: "" });
  signOff({ actor: actorOf(scientist), reviewId: review.id, decision: "approve", comment: "" });
  return { project, review, day: (n: number) => review.openedAt + n * DAY_MS + 60_000 };
}

describe("gate review reminders and escalation", () => {
  it("reminds the missing discipline's members on day 3 and 6, escalates on day 10, never twice", () => {
    const { project, day } = reviewWaitingForIt();

    expect(runNotificationPass({ now: day(2) })).toMatchObject({ reminders: 0, escalations: 0 });
    expect(told("review_reminder")).toEqual([]);

    expect(runNotificationPass({ now: day(3) })).toMatchObject({ reminders: 2, escalations: 0 });
    const first = told("review_reminder");
    expect(recipients(first)).toEqual(ids(operator, operator2));
    expect(first[0]).toMatchObject({ link: `/projects/${project.slug}/gate`, actor_id: null, mailed_at: day(3) });
    expect(first[0].title).toBe(
      "Reminder: the gate review to Pilot of Press line 3 has waited 3 days for IT operations",
    );
    // Reminders go out by e-mail at once by default: one mail each.
    expect(sqlite().prepare("select count(*) as n from mail_outbox where category = 'review_reminder'").get()).toEqual({
      n: 2,
    });

    // Run again, the same instant or later the same step: nothing new.
    expect(runNotificationPass({ now: day(3) })).toMatchObject({ reminders: 0 });
    expect(runNotificationPass({ now: day(5) })).toMatchObject({ reminders: 0 });
    expect(told("review_reminder")).toHaveLength(2);

    expect(runNotificationPass({ now: day(6) })).toMatchObject({ reminders: 2, escalations: 0 });
    expect(
      told("review_reminder")
        .slice(2)
        .map((r) => r.title),
    ).toEqual([
      expect.stringMatching(/waited 6 days for IT operations$/),
      expect.stringMatching(/waited 6 days for IT operations$/),
    ]);

    // Day 10, the pass of day 9 missed: one late reminder (3), and the escalation to the owner
    // and the active admins (not the deactivated one, not the members).
    const tenth = runNotificationPass({ now: day(10) });
    expect(tenth).toMatchObject({ reminders: 2, escalations: 2 });
    const escalations = told("escalation");
    expect(recipients(escalations)).toEqual(ids(owner, admin));
    expect(escalations[0].title).toBe("The gate review to Pilot of Press line 3 has waited 10 days for IT operations");
    expect(tenth.lines).toEqual([
      "Reminder 3 on Press line 3 (gate to Pilot, 10 days) for IT operations: 2 people",
      "Escalation on Press line 3 (gate to Pilot, 10 days) waiting for IT operations: 2 people",
    ]);

    expect(runNotificationPass({ now: day(10) })).toMatchObject({ reminders: 0, escalations: 0 });
    expect(runNotificationPass({ now: day(11) })).toMatchObject({ reminders: 0, escalations: 0 });
    // Nobody outside the discipline was reminded.
    expect(told("review_reminder").every((r) => [operator.id, operator2.id].includes(r.user_id))).toBe(true);
    expect(
      sqlite().prepare("select count(*) as n from notices where key like 'remind:%' or key like 'escalate:%'").get(),
    ).toEqual({ n: 4 });
  });

  it("reminds nobody once the review is closed, nor a discipline that approved", () => {
    const { review, day } = reviewWaitingForIt();
    runNotificationPass({ now: day(3) });
    signOff({ actor: actorOf(operator), reviewId: review.id, decision: "approve", comment: "" });
    expect(runNotificationPass({ now: day(6) })).toMatchObject({ reminders: 0, escalations: 0 });

    const other = createProject({
      actor: actorOf(owner),
      name: "Withdrawn line",
      summary: "",
      businessCase: "",
      ownerId: owner.id,
    });
    const withdrawn = openReview({
      actor: actorOf(owner),
      projectId: other.id,
      statement: "We think we are ready now.",
    });
    withdrawReview({ actor: actorOf(owner), reviewId: withdrawn.id, note: "Not yet." });
    const before = told("review_reminder").length;
    expect(runNotificationPass({ now: withdrawn.openedAt + 12 * DAY_MS })).toMatchObject({
      reminders: 0,
      escalations: 0,
    });
    expect(told("review_reminder")).toHaveLength(before);
  });

  it("follows the gate's timings set by an admin", () => {
    expect(() =>
      setGateTimings({ actor: actorOf(admin), stage: "pilot", remindAfterDays: 5, escalateAfterDays: 5, version: 0 }),
    ).toThrow(/later than the first reminder/);
    setGateTimings({ actor: actorOf(admin), stage: "pilot", remindAfterDays: 1, escalateAfterDays: 2, version: 0 });
    const { day } = reviewWaitingForIt();
    expect(runNotificationPass({ now: day(1) })).toMatchObject({ reminders: 2, escalations: 0 });
    expect(runNotificationPass({ now: day(2) })).toMatchObject({ reminders: 2, escalations: 2 });
  });
});

describe("the gate's timings on /admin/gates", () => {
  it("are set by admins only, within 1–60 days, escalation after the reminder, with one activity row", async () => {
    const page = await callLoader(adminGates.loader, "/admin/gates", { cookie: signInAs(admin) });
    expect(page.data.stages[0].policy).toMatchObject({ remindAfterDays: 3, escalateAfterDays: 10, version: 0 });
    const post = (user: TestUser, form: Record<string, string>) =>
      callAction(adminGates.action, "/admin/gates", {
        cookie: signInAs(user),
        form: { intent: "timings", stage: "production", version: "0", ...form },
      });

    expect((await post(owner, { remindAfterDays: "2", escalateAfterDays: "5" })).status).toBe(403);
    const tooMany = await post(admin, { remindAfterDays: "61", escalateAfterDays: "abc" });
    expect(tooMany.status).toBe(400);
    expect(refusalOf(tooMany.data).fieldErrors).toEqual({
      remindAfterDays: "Enter a whole number of days from 1 to 60.",
      escalateAfterDays: "Enter a whole number of days from 1 to 60.",
    });
    const backwards = await post(admin, { remindAfterDays: "7", escalateAfterDays: "7" });
    expect(backwards.status).toBe(400);
    expect(refusalOf(backwards.data).fieldErrors.escalateAfterDays).toMatch(/later than the first reminder/);

    const since = lastActivityId();
    const saved = await post(admin, { remindAfterDays: "2", escalateAfterDays: "5" });
    expect(saved.status).toBe(302);
    expect(activitySince(since)).toEqual([
      expect.objectContaining({
        action: "gate_policy.updated",
        after: JSON.stringify({ remindAfterDays: 2, escalateAfterDays: 5 }),
      }),
    ]);
    const after = await callLoader(adminGates.loader, "/admin/gates", { cookie: signInAs(admin) });
    expect(after.data.stages[1].policy).toMatchObject({
      targetStage: "production",
      remindAfterDays: 2,
      escalateAfterDays: 5,
      requiredApprovals: 1,
      version: 1,
    });
    // The form was read at version 0: a second save from it is refused, nothing written.
    expect((await post(admin, { remindAfterDays: "4", escalateAfterDays: "8" })).status).toBe(409);
  });
});

describe("debt due and overdue", () => {
  it("tells the owner of an item and of a step once each, and escalates a week overdue to the project owner", () => {
    const project = teamProject("Debt line");
    const target = addDays(utcDate(Date.now()), 20);
    const item = createDebtItem({
      actor: actorOf(operator),
      projectId: project.id,
      register: "technical",
      title: "Manual model deployment",
      description: "",
      category: "manual_steps",
      benefit: "Faster PoC",
      stageIncurred: "poc",
      severity: "high",
      principalDays: 5,
      interestDays: 1,
      ownerId: operator.id,
    });
    const planned = updateDebtItem({
      actor: actorOf(operator),
      itemId: item.id,
      version: item.version,
      plan: { strategy: "Automate it", targetDate: target, repayBeforeStage: null },
    });
    addRepaymentStep({
      actor: actorOf(operator),
      itemId: item.id,
      version: planned.version,
      step: { title: "Write the pipeline", ownerId: scientist.id, dueDate: addDays(target, -5) },
    });
    const at = (date: string, hour = 6) => startOfDateUtc(date) + hour * 3_600_000;

    expect(runNotificationPass({ now: at(addDays(target, -9)) })).toMatchObject({ debtNotices: 0 });
    // Three days before the step's date: the step's owner only.
    expect(runNotificationPass({ now: at(addDays(target, -8)) })).toMatchObject({ debtNotices: 1 });
    expect(told("debt_due").map((r) => [r.user_id, r.title])).toEqual([
      [
        scientist.id,
        `Step “Write the pipeline” of debt item “Manual model deployment” is due in 3 days (${addDays(target, -5)})`,
      ],
    ]);
    expect(runNotificationPass({ now: at(addDays(target, -7)) })).toMatchObject({ debtNotices: 0 });
    // The step is overdue; the item's date is 2 days away.
    expect(runNotificationPass({ now: at(addDays(target, -2)) })).toMatchObject({ debtNotices: 2 });
    expect(runNotificationPass({ now: at(addDays(target, -1)) })).toMatchObject({ debtNotices: 0 });
    expect(runNotificationPass({ now: at(addDays(target, 1)) })).toMatchObject({ debtNotices: 1, escalations: 0 });
    expect(runNotificationPass({ now: at(addDays(target, 3)) })).toMatchObject({ debtNotices: 0, escalations: 0 });
    expect(runNotificationPass({ now: at(addDays(target, 7)) })).toMatchObject({ debtNotices: 0, escalations: 1 });
    expect(runNotificationPass({ now: at(addDays(target, 9)) })).toMatchObject({ debtNotices: 0, escalations: 0 });

    const titles = told("debt_due").map((r) => [r.user_id, r.title]);
    expect(titles).toEqual([
      [scientist.id, expect.stringMatching(/^Step “Write the pipeline” .* is due in 3 days/)],
      [operator.id, `Debt item “Manual model deployment” of Debt line is due in 2 days (${target})`],
      [scientist.id, expect.stringMatching(/^Step “Write the pipeline” .* is overdue: it was due on/)],
      [operator.id, `Debt item “Manual model deployment” of Debt line is overdue: it was due on ${target}`],
    ]);
    expect(told("debt_due").every((r) => r.link === `/projects/${project.slug}/debt/${item.id}`)).toBe(true);
    const escalation = told("escalation");
    expect(escalation.map((r) => [r.user_id, r.title])).toEqual([
      [owner.id, "Debt item “Manual model deployment” of Debt line has been overdue for 7 days"],
    ]);
  });
});

describe("the daily digest", () => {
  it("bundles the digest-mode notifications into one e-mail after the digest hour, once a day", () => {
    sqlite().prepare("update users set time_zone = 'Europe/Berlin', digest_hour = 8 where id = ?").run(scientist.id);
    // One category the scientist wants only in the app.
    sqlite()
      .prepare(
        "insert into notification_preferences (user_id, category, mode, updated_at) values (?, 'project_changed', 'in_app', 0)",
      )
      .run(scientist.id);
    const day1 = Date.UTC(2031, 2, 3, 5, 0); // 06:00 in Berlin
    const draft = (category: "verdict_needed" | "debt_due" | "project_changed" | "mention", title: string) => ({
      userId: scientist.id,
      category,
      title,
      link: "/debt",
    });
    db.transaction((tx) =>
      notify(tx, {
        actorId: null,
        now: day1,
        drafts: [
          draft("verdict_needed", "A requirement needs your verdict"),
          draft("debt_due", "A debt item is due in 2 days"),
          draft("project_changed", "A project was put on hold"),
          draft("mention", "Bea mentioned you"),
        ],
      }),
    );
    const mails = () =>
      sqlite()
        .prepare("select * from mail_outbox where user_id = ? and notification_id is null order by id")
        .all(scientist.id) as Array<{
        subject: string;
        text: string;
        category: string | null;
        status: string;
      }>;

    expect(runNotificationPass({ now: day1 })).toMatchObject({ digests: 0 }); // 06:00 local: not yet
    expect(runNotificationPass({ now: day1 + 2 * 3_600_000 })).toMatchObject({ digests: 1 }); // 08:00 local
    const [digest] = mails();
    expect(mails()).toHaveLength(1);
    expect(digest).toMatchObject({
      category: null,
      status: "pending",
      subject: "[Triad] Your daily digest: 2 notifications",
    });
    expect(digest.text).toContain("A requirement needs your verdict");
    expect(digest.text).toContain("A debt item is due in 2 days");
    expect(digest.text).not.toContain("put on hold"); // in the app only
    expect(digest.text).not.toContain("mentioned you"); // already mailed at once
    const mailed = sqlite()
      .prepare(
        "select category, mailed_at from notifications where user_id = ? and category in ('verdict_needed', 'debt_due', 'project_changed') order by id",
      )
      .all(scientist.id);
    expect(mailed).toEqual([
      { category: "verdict_needed", mailed_at: day1 + 2 * 3_600_000 },
      { category: "debt_due", mailed_at: day1 + 2 * 3_600_000 },
      { category: "project_changed", mailed_at: null },
    ]);

    // Later the same local day: a new digest-mode notification waits for tomorrow.
    db.transaction((tx) =>
      notify(tx, {
        actorId: null,
        now: day1 + 4 * 3_600_000,
        drafts: [draft("verdict_needed", "Another requirement needs your verdict")],
      }),
    );
    expect(runNotificationPass({ now: day1 + 10 * 3_600_000 })).toMatchObject({ digests: 0 });
    expect(mails()).toHaveLength(1);
    expect(runNotificationPass({ now: day1 + 24 * 3_600_000 })).toMatchObject({ digests: 0 }); // 06:00 the next day
    expect(runNotificationPass({ now: day1 + 27 * 3_600_000 })).toMatchObject({ digests: 1 });
    expect(mails()).toHaveLength(2);
    expect(mails()[1].subject).toBe("[Triad] Your daily digest: 1 notification");
    expect(runNotificationPass({ now: day1 + 28 * 3_600_000 })).toMatchObject({ digests: 0 });
  });
});

describe("npm run triad -- notify:run", () => {
  const ROOT = path.resolve(__dirname, "../..");
  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        "npx",
        ["tsx", "scripts/triad.ts", "notify:run", ...args],
        { cwd: ROOT, env: { ...process.env, DATABASE_URL: dbFile, NODE_ENV: "test" }, timeout: 60_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  it("runs one pass as of the given instant and prints what it sent; a bad instant is one line, exit 2", async () => {
    const { day } = reviewWaitingForIt();
    const asOf = new Date(day(3)).toISOString();
    const first = await run(["--as-of", asOf]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Notification pass as of ${asOf}`);
    expect(first.stdout).toContain("Reminder 1 on Press line 3 (gate to Pilot, 3 days) for IT operations: 2 people");
    expect(first.stdout).toContain("Reminders: 2, escalations: 0, debt notices: 0, digests: 0.");
    expect(recipients(told("review_reminder"))).toEqual(ids(operator, operator2));

    const again = await run(["--as-of", asOf]);
    expect(again.stdout).toContain("Nothing was due.");
    expect(told("review_reminder")).toHaveLength(2);

    const bad = await run(["--as-of", "2027-02-30T09:00:00Z"]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(
        /^triad notify:run: --as-of "2027-02-30T09:00:00Z" is not an instant: .*2027-01-10T09:00:00Z/,
      ),
    ]);
  }, 90_000);
});
