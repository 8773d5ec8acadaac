/**
 * The demo organisation: a manufacturer's data team with the article's predictive-maintenance
 * use case and seven other data products at every stage, with the history that got them there
 * (who they are: app/demo/cast.ts).
 *
 * `seedDemo` replays that history through the models in ONE transaction on a deterministic
 * clock (app/demo/story.ts): people are added, projects created and staffed, requirements
 * stated and assessed, debt logged and repaid, gate reviews opened, attested, signed and
 * promoted, projects stopped or put on hold — each by the person who did it, at the instant it
 * happened, with the rules of the models (permissions, seats, blockers, plans) checked as for
 * anyone. A story that breaks a rule fails the seeding with the model's reason.
 *
 * The past sends no mail: see `quietThePast`.
 */
import { and, count, eq, isNull } from "drizzle-orm";
import type { Db, Tx } from "../../db/client.server";
import { mailOutbox, notifications, projects, users } from "../../db/schema";
import type { NotificationCategory } from "~/domain/vocabulary";
import { hashPassword } from "~/lib/password.server";
import { recordMailAttempt } from "~/models/mail-outbox.server";
import { markRead } from "~/models/notifications-read.server";
import { modesFor } from "~/models/notifications.server";
import { changeProjectState, createProject } from "~/models/projects.server";
import { addMember } from "~/models/team.server";
import { addUserWithPasswordHash } from "~/models/users.server";
import {
  DEMO_PASSWORD,
  DEMO_PEOPLE,
  DEMO_PROJECTS,
  demoEmail,
  type DemoProject,
  type DemoSeed,
  type DemoUser,
  type PersonKey,
  type ProjectKey,
  type ProjectSpec,
} from "~/demo/cast";
import { scheduleDemoDebt } from "~/demo/demo-debt";
import { scheduleDemoGates } from "~/demo/demo-gates";
import { actorOf, DAY, daysAgo, fail, Story } from "~/demo/story";

export {
  DEMO_EMAIL_DOMAIN,
  DEMO_PASSWORD,
  DEMO_PEOPLE,
  DEMO_PROJECTS,
  demoAccounts,
  demoEmail,
  type DemoProject,
  type DemoSeed,
  type DemoUser,
  type PersonKey,
  type ProjectKey,
} from "~/demo/cast";

/** People and projects keep the times of day they always had in the demo. */
const at = (now: number, days: number, label: string) => daysAgo(now, days, label, 7);

function assertBefore(earlier: number, later: number, what: string): void {
  if (!(earlier < later)) fail(what);
}

/** Ada sets Triad up (the first admin) and adds everyone else, each on the day they were hired. */
function schedulePeople(story: Story, passwordHash: string): Record<PersonKey, DemoUser> {
  const people = {} as Record<PersonKey, DemoUser>;
  const keys = Object.keys(DEMO_PEOPLE) as PersonKey[];
  const [admin] = keys;
  for (const key of keys) {
    const { name, discipline, role, joinedDaysAgo } = DEMO_PEOPLE[key];
    const person: DemoUser = { id: 0, name, email: demoEmail(key), discipline, role };
    people[key] = person;
    const hiredAt = at(story.now, joinedDaysAgo, `user:${key}`);
    if (key !== admin) {
      const setUpAt = at(story.now, DEMO_PEOPLE[admin].joinedDaysAgo, `user:${admin}`);
      assertBefore(setUpAt, hiredAt, `${key} was hired before Triad was set up`);
    }
    story.at(hiredAt, `${name} joins`, (options) => {
      const created = addUserWithPasswordHash(
        key === admin
          ? { name, email: person.email, discipline, role, passwordHash, actor: null, firstAdmin: true }
          : { name, email: person.email, discipline, role, passwordHash, actor: actorOf(people[admin]) },
        options,
      );
      person.id = created.id;
    });
  }
  return people;
}

function projectVersion(tx: Tx, projectId: number): number {
  return (
    tx.select({ v: projects.version }).from(projects).where(eq(projects.id, projectId)).get()?.v ??
    fail(`no project ${projectId}`)
  );
}

/**
 * A project's own life: created by its owner (who is on the team from the start), the others
 * added by the owner, and its state change. Its promotions are the ends of its gate reviews
 * (app/demo/demo-gates.ts).
 */
function scheduleProject(
  story: Story,
  key: ProjectKey,
  spec: ProjectSpec,
  people: Record<PersonKey, DemoUser>,
): DemoProject {
  const { now } = story;
  const owner = people[spec.owner];
  const createdAt = at(now, spec.createdDaysAgo, `project:${key}`);
  assertBefore(
    at(now, DEMO_PEOPLE[spec.owner].joinedDaysAgo, `user:${spec.owner}`),
    createdAt,
    `${key} created before its owner joined`,
  );

  let stage: DemoProject["stage"] = "poc";
  let stageEnteredAt = createdAt;
  const promotions: DemoProject["promotions"] = [];
  for (const [to, days] of spec.promotions) {
    const promotedAt = at(now, days, `promotion:${key}:${to}`);
    assertBefore(stageEnteredAt, promotedAt, `${key} promoted to ${to} out of order`);
    promotions.push({ from: stage, to, at: promotedAt, byId: 0, reviewId: null });
    stage = to;
    stageEnteredAt = promotedAt;
  }
  const change = spec.stateChange;
  const stateChangedAt = change ? at(now, change.daysAgo, `state:${key}`) : null;
  if (stateChangedAt !== null) {
    assertBefore(stageEnteredAt, stateChangedAt, `${key} changed state before its last promotion`);
  }

  const project: DemoProject = {
    key,
    id: 0,
    slug: "",
    name: spec.name,
    ownerId: 0,
    stage,
    state: change?.to ?? "active",
    createdAt,
    stageEnteredAt,
    members: [],
    promotions,
    stateChange: change && stateChangedAt !== null ? { to: change.to, at: stateChangedAt } : null,
  };

  story.at(createdAt, `${owner.name} creates ${spec.name}`, (options) => {
    const created = createProject(
      {
        actor: actorOf(owner),
        name: spec.name,
        summary: spec.summary,
        businessCase: spec.businessCase,
        ownerId: owner.id,
      },
      options,
    );
    project.id = created.id;
    project.slug = created.slug;
    project.ownerId = owner.id;
    for (const p of promotions) p.byId = owner.id;
    project.members.push({ userId: owner.id, discipline: owner.discipline, joinedAt: createdAt });
  });

  for (const [person, days] of spec.team) {
    const joinedAt = at(now, days, `member:${key}:${person}`);
    assertBefore(createdAt, joinedAt, `${person} joined ${key} before it was created`);
    assertBefore(
      at(now, DEMO_PEOPLE[person].joinedDaysAgo, `user:${person}`),
      joinedAt,
      `${person} joined ${key} before being hired`,
    );
    const member = people[person];
    story.at(joinedAt, `${owner.name} adds ${member.name} to ${spec.name}`, (options) => {
      addMember({ actor: actorOf(owner), projectId: project.id, userId: member.id }, options);
      project.members.push({ userId: member.id, discipline: member.discipline, joinedAt });
    });
  }

  if (change && stateChangedAt !== null) {
    story.at(stateChangedAt, `${owner.name} ${change.to === "stopped" ? "stops" : "holds"} ${spec.name}`, (options) => {
      changeProjectState(
        {
          actor: actorOf(owner),
          projectId: project.id,
          version: projectVersion(options.tx, project.id),
          change:
            change.to === "stopped"
              ? // The open debt stays open (docs/domain.md, "Stopping and reopening a project").
                { to: "stopped", stopCause: change.stopCause ?? "other", stopNote: change.note, openDebt: "keep" }
              : { to: change.to },
        },
        options,
      );
    });
  }
  return project;
}

/** Notifications older than this were read by the demo's people; newer ones wait in the bell. */
const READ_AFTER_DAYS = 7;

/**
 * The replay told everyone what happened, as Triad does (app/models/notifications.server.ts):
 * in the bell, and as mail queued in the outbox or waiting for a daily digest. That past must
 * not reach anyone's inbox when the demo server starts with TRIAD_SMTP_URL set, so the demo
 * treats it as delivered when it happened:
 * - every mail the replay queued is recorded as sent at the instant it was queued (the mail
 *   worker's own `recordMailAttempt`), so /admin/mail shows a plausible history and the worker
 *   finds nothing due;
 * - notifications waiting for a digest count as mailed then (`mailed_at`), as the digest pass
 *   (app/jobs/notify-pass.server.ts, which the demo may not import) would have marked them —
 *   the one raw write of the demo, since no model marks a notification mailed;
 * - notifications more than READ_AFTER_DAYS old were read a day after they arrived
 *   (`markRead`); the last week's stay unread, so each person's bell shows what is current.
 * Reminders and debt notices about the present (an open review waiting, an item overdue) still
 * come from the server's notification pass as usual.
 */
function quietThePast(tx: Tx, now: number): void {
  const queued = tx
    .select({ id: mailOutbox.id, createdAt: mailOutbox.createdAt })
    .from(mailOutbox)
    .where(eq(mailOutbox.status, "pending"))
    .all();
  for (const mail of queued) {
    recordMailAttempt({ id: mail.id, sent: true, error: null, retryAt: null, now: mail.createdAt }, { tx });
  }

  const unmailed = tx
    .select({ id: notifications.id, userId: notifications.userId, category: notifications.category })
    .from(notifications)
    .where(isNull(notifications.mailedAt))
    .all();
  const byCategory = new Map<NotificationCategory, typeof unmailed>();
  for (const n of unmailed) byCategory.set(n.category, [...(byCategory.get(n.category) ?? []), n]);
  for (const [category, list] of byCategory) {
    const modes = modesFor(tx, [...new Set(list.map((n) => n.userId))], category);
    for (const n of list) {
      if (modes.get(n.userId) !== "digest") continue;
      tx.update(notifications)
        .set({ mailedAt: notifications.createdAt })
        .where(and(eq(notifications.id, n.id), isNull(notifications.mailedAt)))
        .run();
    }
  }

  const old = tx
    .select({ id: notifications.id, userId: notifications.userId, createdAt: notifications.createdAt })
    .from(notifications)
    .where(isNull(notifications.readAt))
    .all()
    .filter((n) => n.createdAt < now - READ_AFTER_DAYS * DAY);
  for (const n of old) markRead({ userId: n.userId, ids: [n.id] }, { tx, now: n.createdAt + DAY });
}

/**
 * Fills an empty database with the demo organisation. Refuses when anyone exists already.
 * `passwordHash` lets tests skip the (deliberately slow) argon2id hash of DEMO_PASSWORD.
 */
export async function seedDemo(
  db: Db,
  { now, passwordHash }: { now: number; passwordHash?: string },
): Promise<DemoSeed> {
  const hash = passwordHash ?? (await hashPassword(DEMO_PASSWORD));
  return db.transaction((tx) => {
    const existing = tx.select({ n: count() }).from(users).get()?.n ?? 0;
    if (existing > 0) {
      throw new Error(`The database already has ${existing} user(s); the demo fills only an empty database.`);
    }
    const story = new Story(tx, now);
    const people = schedulePeople(story, hash);
    const demoProjects = {} as Record<ProjectKey, DemoProject>;
    for (const key of Object.keys(DEMO_PROJECTS) as ProjectKey[]) {
      demoProjects[key] = scheduleProject(story, key, DEMO_PROJECTS[key], people);
    }
    const seed: DemoSeed = { now, users: people, projects: demoProjects };
    scheduleDemoDebt(story, seed);
    scheduleDemoGates(story, seed);
    story.play();
    for (const project of Object.values(demoProjects)) {
      for (const p of project.promotions) {
        if (p.reviewId === null) fail(`${project.key}'s promotion to ${p.to} has no gate review`);
      }
    }
    quietThePast(tx, now);
    return seed;
  });
}
