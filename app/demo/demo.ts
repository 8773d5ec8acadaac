/**
 * The demo organisation: a manufacturer's data team with the article's predictive-maintenance
 * use case and seven other data products at every stage, with the history that got them there.
 *
 * `seedDemo` writes everything in ONE transaction. Each part is a function over the transaction
 * and a shared `Timeline`; activity rows are written last, sorted by time, so ids follow time
 * (timelines page by id). Later parts (requirements, gate reviews, debt) add a `seedX(tx, seed,
 * timeline)` call in `seedDemo` and use the ids and stage history returned by the earlier parts.
 *
 * Deterministic: all times are offsets from `now`; no randomness.
 */
import { count, eq } from "drizzle-orm";
import type { Db, Tx } from "../../db/client.server";
import { debtItems, memberships, projects, users } from "../../db/schema";
import { type Discipline, type Role, type Stage, type ProjectState, type STOP_CAUSES } from "~/domain/vocabulary";
import { recordActivity, type ActivityInput } from "~/models/activity.server";
import { disciplineLabel, roleLabel, stageShortLabel, stopCauseLabel } from "~/domain/labels";
import { hashPassword } from "~/lib/password.server";
import { seedDemoDebt } from "~/demo/demo-debt";
import { seedDemoGates } from "~/demo/demo-gates";

export const DEMO_PASSWORD = "triad-demo-password";
export const DEMO_EMAIL_DOMAIN = "demo.triad";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

type PersonSpec = {
  name: string;
  discipline: Discipline;
  role: Role;
  /** What they do, for the README and the CLI's account list (not stored). */
  title: string;
  joinedDaysAgo: number;
};

const person = (
  name: string,
  discipline: Discipline,
  role: Role,
  title: string,
  joinedDaysAgo: number,
): PersonSpec => ({ name, discipline, role, title, joinedDaysAgo });

/** The people; the key is also the e-mail's local part (ada@demo.triad). Ada is the admin. */
// prettier-ignore
export const DEMO_PEOPLE = {
  ada: person("Ada Lovelace", "it", "admin", "Head of data platform, runs Triad", 760),
  brigitte: person("Brigitte Hofmann", "business", "member", "Head of maintenance, press shop", 757),
  carlos: person("Carlos Mendes", "business", "member", "Head of operations planning", 756),
  dana: person("Dana Whitfield", "business", "member", "Customer service lead", 754),
  elif: person("Elif Yıldız", "business", "member", "Finance and procurement", 752),
  farid: person("Farid Haddad", "data_science", "member", "Senior data scientist", 757),
  grace: person("Grace Okafor", "data_science", "member", "ML engineer, hired for deployments", 300),
  hiro: person("Hiro Tanaka", "data_science", "member", "Data engineer", 755),
  ines: person("Inês Duarte", "data_science", "member", "Data scientist, text and vision", 753),
  jonas: person("Jonas Berger", "it", "member", "IT operations, application platform", 756),
  kemal: person("Kemal Aksoy", "it", "member", "Information security", 751),
  lena: person("Lena Novak", "it", "member", "Data platform and databases", 755),
  mateo: person("Mateo Rossi", "it", "member", "Plant IT and shop-floor networks", 750),
};

export type PersonKey = keyof typeof DEMO_PEOPLE;
export const demoEmail = (key: PersonKey) => `${key}@${DEMO_EMAIL_DOMAIN}`;

/** The accounts to sign in with, admin first. */
export function demoAccounts() {
  return (Object.keys(DEMO_PEOPLE) as PersonKey[]).map((key) => ({
    email: demoEmail(key),
    ...DEMO_PEOPLE[key],
  }));
}

type ProjectSpec = {
  slug: string;
  name: string;
  summary: string;
  businessCase: string;
  owner: PersonKey;
  createdDaysAgo: number;
  /** Members besides the owner (who joins as business at creation), with the day they joined. */
  team: readonly (readonly [PersonKey, number])[];
  /** Promotions in order: the stage reached and when. */
  promotions: readonly (readonly [Stage, number])[];
  stateChange?: {
    to: Exclude<ProjectState, "active">;
    daysAgo: number;
    stopCause?: (typeof STOP_CAUSES)[number];
    /** Why. Stored as the stop note when stopped; an on-hold project has no such field. */
    note: string;
  };
};

export const DEMO_PROJECTS = {
  pressLine3: {
    slug: "press-line-3-predictive-maintenance",
    name: "Predictive maintenance for press line 3",
    summary:
      "Warn the maintenance planners 48 hours before a hydraulic press on line 3 fails, from vibration, temperature and oil-pressure sensor data.",
    businessCase:
      "Unplanned stops on press line 3 cost about 35 production hours a quarter (roughly EUR 280k a year in lost output and overtime). A 48-hour warning lets planners move the repair into a scheduled shift change. The case holds if at least 8 in 10 alarms are real (precision >= 0.8) and at least 60 % of failures are caught.",
    owner: "brigitte",
    createdDaysAgo: 420,
    team: [
      ["farid", 418],
      ["hiro", 415],
      ["jonas", 410],
      ["mateo", 405],
      ["grace", 140],
    ],
    promotions: [["pilot", 120]],
  },
  sparePartsDemand: {
    slug: "spare-parts-demand-forecast",
    name: "Spare-parts demand forecast",
    summary:
      "Forecasts weekly demand for 4,200 spare parts in three warehouses, twelve weeks ahead, and feeds the replenishment run in the ERP.",
    businessCase:
      "Cutting safety stock by 15 % frees about EUR 1.1M of tied-up capital while keeping the 97 % fill rate.",
    owner: "carlos",
    createdDaysAgo: 700,
    team: [
      ["ines", 697],
      ["lena", 690],
      ["jonas", 688],
    ],
    promotions: [
      ["pilot", 560],
      ["production", 300],
    ],
  },
  churn: {
    slug: "customer-churn-early-warning",
    name: "Customer churn early warning",
    summary:
      "Scores every service-contract customer monthly for the risk of not renewing, so account managers call the top 50 before the renewal window opens.",
    businessCase:
      "A retained contract is worth about EUR 18k a year; keeping 20 more contracts a year pays for the team twice over.",
    owner: "dana",
    createdDaysAgo: 480,
    team: [
      ["ines", 478],
      ["farid", 470],
      ["kemal", 465],
      ["lena", 460],
    ],
    promotions: [["pilot", 200]],
  },
  invoiceOcr: {
    slug: "invoice-ocr",
    name: "Invoice OCR and account coding",
    summary:
      "Reads supplier invoices (PDF and scans), extracts header and line items, and proposes the G/L account and cost centre for accounts payable to confirm.",
    businessCase:
      "Accounts payable keys in 9,000 invoices a month by hand; automating 70 % of them frees two full-time positions for supplier queries.",
    owner: "elif",
    createdDaysAgo: 640,
    team: [
      ["hiro", 636],
      ["ines", 630],
      ["jonas", 628],
      ["kemal", 625],
    ],
    promotions: [
      ["pilot", 500],
      ["production", 330],
    ],
  },
  energyPrice: {
    slug: "energy-price-forecast",
    name: "Energy-price forecast for procurement",
    summary:
      "Forecasts day-ahead and month-ahead electricity prices so procurement can time forward purchases for the plants.",
    businessCase:
      "The plants buy 160 GWh a year; buying 3 % cheaper on the forward market saves around EUR 400k a year.",
    owner: "elif",
    createdDaysAgo: 75,
    team: [
      ["farid", 73],
      ["lena", 70],
      ["jonas", 68],
    ],
    promotions: [],
  },
  weldInspection: {
    slug: "weld-seam-inspection",
    name: "Visual quality inspection of weld seams",
    summary:
      "A camera at the end of the welding cell and an image model flag faulty seams before the part leaves the cell.",
    businessCase:
      "Rework of faulty seams found at final assembly costs about EUR 150k a year; catching them at the cell costs a tenth of that.",
    owner: "brigitte",
    createdDaysAgo: 560,
    team: [
      ["ines", 558],
      ["mateo", 550],
      ["jonas", 548],
      ["grace", 290],
    ],
    promotions: [["pilot", 330]],
    stateChange: {
      to: "stopped",
      daysAgo: 210,
      stopCause: "technology_landscape",
      note: "The model needs GPU inference at the cell in under 200 ms. The shop-floor network has no edge compute and core IT cannot run GPUs on the plant network. Revisit once the edge-computing platform exists.",
    },
  },
  oeeDashboard: {
    slug: "oee-dashboard",
    name: "Shop-floor OEE dashboard",
    summary:
      "One page per plant with availability, performance and quality (OEE) per line and shift, refreshed every 15 minutes from the MES.",
    businessCase:
      "Shift leads spend two hours a week assembling OEE figures in spreadsheets; a shared dashboard ends that and makes the plants comparable.",
    owner: "carlos",
    createdDaysAgo: 260,
    team: [
      ["hiro", 258],
      ["mateo", 255],
      ["lena", 250],
    ],
    promotions: [],
    stateChange: {
      to: "on_hold",
      daysAgo: 150,
      note: "Waiting for the MES upgrade that exposes machine states; the current MES only exports a nightly file.",
    },
  },
  callVolume: {
    slug: "call-volume-forecast",
    name: "Service-desk call-volume forecast",
    summary: "Forecasts inbound calls per 30-minute slot two weeks ahead so the service desk can plan its shifts.",
    businessCase:
      "Overstaffed slots cost about EUR 60k a year and understaffed ones lose calls; a forecast within 10 % lets the desk plan to demand.",
    owner: "dana",
    createdDaysAgo: 40,
    team: [
      ["ines", 38],
      ["lena", 36],
      ["jonas", 35],
    ],
    promotions: [],
  },
} as const satisfies Record<string, ProjectSpec>;

export type ProjectKey = keyof typeof DEMO_PROJECTS;

export type DemoUser = {
  id: number;
  name: string;
  email: string;
  discipline: Discipline;
  role: Role;
};
export type DemoProject = {
  id: number;
  slug: string;
  name: string;
  ownerId: number;
  stage: Stage;
  state: ProjectState;
  createdAt: number;
  stageEnteredAt: number;
  members: { userId: number; discipline: Discipline; joinedAt: number }[];
  /**
   * Every promotion, oldest first: what the gate-review part turns into promoted reviews. It
   * should then set `activity.after.reviewId` (and the summary's "(gate review #id)") as
   * app/models/gates.server.ts `promote` writes them.
   */
  promotions: {
    from: Stage;
    to: Stage;
    at: number;
    byId: number;
    activity: ActivityInput & { at: number; after: { stage: Stage; reviewId?: number } };
  }[];
  /** The state change (stopped, on hold), if any, with its queued activity row. */
  stateChange: { to: Exclude<ProjectState, "active">; at: number; activity: ActivityInput & { at: number } } | null;
};
export type DemoSeed = {
  now: number;
  users: Record<PersonKey, DemoUser>;
  projects: Record<ProjectKey, DemoProject>;
};

/**
 * Activity rows collected while seeding and written at the end in time order. `at` is
 * required: demo history is in the past, never "now".
 */
export class Timeline {
  private rows: (ActivityInput & { at: number })[] = [];
  /** Queues a row and returns it, so a later part can still add to it (e.g. a reviewId). */
  add(row: ActivityInput & { at: number }): ActivityInput & { at: number } {
    const queued = { via: "web" as const, ...row };
    this.rows.push(queued);
    return queued;
  }
  get size(): number {
    return this.rows.length;
  }
  write(tx: Tx): void {
    const sorted = [...this.rows].sort((a, b) => a.at - b.at);
    for (const row of sorted) recordActivity(tx, row);
  }
}

/** A stable time of day for each event (0-7 h back from `now`'s), so the history looks lived in. */
function at(now: number, daysAgo: number, label: string): number {
  let h = 7;
  for (const c of label) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return now - daysAgo * DAY - (h % 420) * MINUTE;
}

function assertBefore(earlier: number, later: number, what: string): void {
  if (!(earlier < later)) throw new Error(`Demo data is inconsistent: ${what}`);
}

function seedPeople(tx: Tx, now: number, passwordHash: string, timeline: Timeline) {
  const created = {} as Record<PersonKey, DemoUser>;
  let adminId: number | null = null;
  for (const key of Object.keys(DEMO_PEOPLE) as PersonKey[]) {
    const person = DEMO_PEOPLE[key];
    const createdAt = at(now, person.joinedDaysAgo, `user:${key}`);
    const email = demoEmail(key);
    const row = tx
      .insert(users)
      .values({
        email,
        name: person.name,
        discipline: person.discipline,
        role: person.role,
        passwordHash,
        createdAt,
        updatedAt: createdAt,
      })
      .returning({ id: users.id })
      .get();
    created[key] = {
      id: row.id,
      name: person.name,
      email,
      discipline: person.discipline,
      role: person.role,
    };
    const first = adminId === null;
    if (first) adminId = row.id;
    timeline.add({
      at: createdAt,
      actorId: adminId,
      entityType: "user",
      entityId: row.id,
      action: first ? "user.setup" : "user.created",
      summary: `${person.name} (${disciplineLabel[person.discipline]}, ${roleLabel[person.role]}) was added`,
      after: { name: person.name, email, discipline: person.discipline, role: person.role },
    });
  }
  return created;
}

function seedProject(
  tx: Tx,
  now: number,
  key: ProjectKey,
  spec: ProjectSpec,
  people: Record<PersonKey, DemoUser>,
  timeline: Timeline,
): DemoProject {
  const owner = people[spec.owner];
  const createdAt = at(now, spec.createdDaysAgo, `project:${key}`);
  assertBefore(
    at(now, DEMO_PEOPLE[spec.owner].joinedDaysAgo, `user:${spec.owner}`),
    createdAt,
    `${key} created before its owner joined`,
  );

  let stage: Stage = "poc";
  let stageEnteredAt = createdAt;
  const promotions: Omit<DemoProject["promotions"][number], "activity">[] = [];
  for (const [to, daysAgo] of spec.promotions) {
    const promotedAt = at(now, daysAgo, `promotion:${key}:${to}`);
    assertBefore(stageEnteredAt, promotedAt, `${key} promoted to ${to} out of order`);
    promotions.push({ from: stage, to, at: promotedAt, byId: owner.id });
    stage = to;
    stageEnteredAt = promotedAt;
  }
  const state: ProjectState = spec.stateChange?.to ?? "active";
  const stateChangedAt = spec.stateChange ? at(now, spec.stateChange.daysAgo, `state:${key}`) : null;
  if (stateChangedAt !== null) {
    assertBefore(stageEnteredAt, stateChangedAt, `${key} changed state before its last promotion`);
  }
  const team = spec.team.map(([person, daysAgo]) => ({
    person,
    joinedAt: at(now, daysAgo, `member:${key}:${person}`),
  }));
  const updatedAt = Math.max(stageEnteredAt, stateChangedAt ?? 0);
  for (const { joinedAt } of team) assertBefore(joinedAt, now, `${key} gets a member in the future`);
  assertBefore(updatedAt, now, `${key} has events in the future`);

  const project = tx
    .insert(projects)
    .values({
      slug: spec.slug,
      name: spec.name,
      summary: spec.summary,
      businessCase: spec.businessCase,
      stage,
      state,
      stopCause: spec.stateChange?.stopCause ?? null,
      stopNote: spec.stateChange?.to === "stopped" ? spec.stateChange.note : null,
      ownerId: owner.id,
      stageEnteredAt,
      // Stopped (or retired) projects stop counting days in stage there.
      closedAt: spec.stateChange?.to === "stopped" || spec.stateChange?.to === "retired" ? stateChangedAt : null,
      createdAt,
      updatedAt,
      // One version per change of the project row: each promotion and the state change.
      version: 1 + promotions.length + (stateChangedAt !== null ? 1 : 0),
    })
    .returning({ id: projects.id })
    .get();
  const projectId = project.id;
  timeline.add({
    at: createdAt,
    actorId: owner.id,
    projectId,
    entityType: "project",
    entityId: projectId,
    action: "project.created",
    summary: `${owner.name} created ${spec.name} (owner ${owner.name})`,
    after: { name: spec.name, slug: spec.slug, stage: "poc", state: "active", ownerId: owner.id },
  });

  const members: DemoProject["members"] = [];
  const addMember = (person: PersonKey, joinedAt: number, actorId: number, logIt: boolean) => {
    const user = people[person];
    assertBefore(
      at(now, DEMO_PEOPLE[person].joinedDaysAgo, `user:${person}`),
      joinedAt,
      `${person} joined ${key} before being hired`,
    );
    tx.insert(memberships)
      .values({ projectId, userId: user.id, discipline: user.discipline, createdAt: joinedAt })
      .run();
    members.push({ userId: user.id, discipline: user.discipline, joinedAt });
    if (!logIt) return;
    assertBefore(createdAt, joinedAt, `${person} joined ${key} before it was created`);
    timeline.add({
      at: joinedAt,
      actorId,
      projectId,
      // As app/models/team.server.ts writes it: the membership is named by its user.
      entityType: "membership",
      entityId: user.id,
      action: "member.added",
      summary: `${owner.name} added ${user.name} to ${spec.name} as ${disciplineLabel[user.discipline]}`,
      after: { userId: user.id, discipline: user.discipline },
    });
  };
  // The owner is on the team from the start (part of project.created).
  addMember(spec.owner, createdAt, owner.id, false);
  for (const { person, joinedAt } of team) addMember(person, joinedAt, owner.id, true);

  const promoted = promotions.map((promotion) => {
    const { from, to, byId } = promotion;
    const activity = timeline.add({
      at: promotion.at,
      actorId: byId,
      projectId,
      entityType: "project",
      entityId: projectId,
      action: "project.stage_changed",
      summary: `${people[spec.owner].name} promoted ${spec.name} to ${stageShortLabel[to]}`,
      before: { stage: from },
      after: { stage: to },
    }) as DemoProject["promotions"][number]["activity"];
    return { ...promotion, activity };
  });

  let stateChange: DemoProject["stateChange"] = null;
  if (spec.stateChange && stateChangedAt !== null) {
    const { to, stopCause, note } = spec.stateChange;
    const activity = timeline.add({
      at: stateChangedAt,
      actorId: owner.id,
      projectId,
      entityType: "project",
      entityId: projectId,
      action: "project.state_changed",
      // As app/models/projects.server.ts changeProjectState writes it (the open debt's fate is
      // added by seedDemo once the debt exists).
      summary:
        to === "stopped"
          ? `${owner.name} stopped ${spec.name} (${stopCauseLabel[stopCause ?? "other"]}: ${note})`
          : `${owner.name} put on hold ${spec.name}`,
      before: { state: "active" },
      after: to === "stopped" ? { state: to, stopCause, stopNote: note } : { state: to },
    });
    stateChange = { to, at: stateChangedAt, activity };
  }

  return {
    id: projectId,
    slug: spec.slug,
    name: spec.name,
    ownerId: owner.id,
    stage,
    state,
    createdAt,
    stageEnteredAt,
    members,
    promotions: promoted,
    stateChange,
  };
}

function seedProjects(tx: Tx, now: number, people: Record<PersonKey, DemoUser>, timeline: Timeline) {
  const created = {} as Record<ProjectKey, DemoProject>;
  for (const key of Object.keys(DEMO_PROJECTS) as ProjectKey[]) {
    created[key] = seedProject(tx, now, key, DEMO_PROJECTS[key], people, timeline);
  }
  return created;
}

/**
 * A stopped demo project kept its open debt (docs/domain.md, "Stopping and reopening a
 * project"): its state change says so, as changeProjectState writes it with `openDebt: "keep"`,
 * and nothing of its debt changes after the stop (a stopped project is read-only).
 */
function keepOpenDebtOfStopped(tx: Tx, projectRows: Record<ProjectKey, DemoProject>) {
  for (const project of Object.values(projectRows)) {
    const change = project.stateChange;
    if (change?.to !== "stopped") continue;
    const items = tx.select().from(debtItems).where(eq(debtItems.projectId, project.id)).all();
    for (const item of items) {
      assertBefore(item.updatedAt, change.at, `debt of ${project.slug} changes after it was stopped`);
    }
    const open = items.filter(
      (i) => i.openedAt <= change.at && (i.status === "open" || i.status === "repaying"),
    ).length;
    if (open === 0) continue;
    change.activity.summary += `; ${open} open debt ${open === 1 ? "item stays" : "items stay"} open`;
    change.activity.after = { ...(change.activity.after as object), openDebt: "keep", openDebtCount: open };
  }
}

/**
 * Fills an empty database with the demo organisation. Refuses when anyone exists already.
 * `passwordHash` lets tests skip the (deliberately slow) argon2id hash.
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
    const timeline = new Timeline();
    const people = seedPeople(tx, now, hash, timeline);
    const projectRows = seedProjects(tx, now, people, timeline);
    const seed: DemoSeed = { now, users: people, projects: projectRows };
    // Debt first: the gate reviews' fingerprints include the open debt.
    seedDemoDebt(tx, {
      now,
      projects: Object.values(projectRows).map((p) => ({
        id: p.id,
        stage: p.stage,
        slug: p.slug,
        memberIds: p.members.map((m) => m.userId),
      })),
      createdById: people.ada.id,
      timeline,
    });
    keepOpenDebtOfStopped(tx, projectRows);
    seedDemoGates(tx, seed, timeline);
    // Later parts go here, before the timeline is written.
    timeline.write(tx);
    return seed;
  });
}
