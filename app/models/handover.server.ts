/**
 * Handing over a person's work when they leave (docs/domain.md, "Hand-over on departure"):
 * their open debt items, their open repayment steps and the projects they own, project by
 * project, to active members of that project, in one transaction with one activity row per
 * item, step or project that changed owner. Only open projects (active or on hold) take part:
 * a stopped or retired project no longer changes. An admin does it, when deactivating the
 * person or later (their work is then "orphaned": /admin/orphans lists it).
 *
 * Each new owner is told once per project, with what they now own (notify-rules.ts,
 * handedOverDraft); a changed debt owner can make approvals stale, which their signers are told
 * as after any edit (notify-events.server.ts).
 */
import { and, asc, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import { db, type Tx } from "../../db/client.server";
import { debtItems, memberships, projects, repaymentSteps, users, type DebtItem } from "../../db/schema";
import type { Register, Stage } from "~/domain/vocabulary";
import { debtHandedOver, projectHandedOver, stepHandedOver } from "~/domain/activity-sentences";
import { ForbiddenError, NotFoundError, ValidationError, type FieldErrors } from "~/domain/errors";
import { handedOverDraft } from "~/domain/notify-rules";
import type { NotificationDraft } from "~/domain/notifications";
import { can } from "~/domain/permissions";
import { recordActivity } from "./activity.server";
import { record, UNSETTLED, writeItem } from "./debt/shared.server";
import { notify } from "./notifications.server";
import { staleDrafts, watchSignOffs } from "./notify-events.server";
import { withTx, type WriteOptions } from "./transaction.server";
import { setUserActive, type Actor, type PublicUser } from "./users.server";

type Database = Tx | typeof db;

/** The three kinds of work a person holds in a project. */
export const HANDOVER_KINDS = ["items", "steps", "ownership"] as const;
export type HandoverKind = (typeof HANDOVER_KINDS)[number];

/** The projects that still change: their work can be handed over. */
const OPEN_PROJECT_STATES = ["active", "on_hold"] as const;

export type Holding = {
  project: { id: number; slug: string; name: string; stage: Stage };
  /** The person owns the project. */
  ownership: boolean;
  /** Their open (open or repaying) debt items. */
  items: Array<{ id: number; title: string; register: Register }>;
  /** Their steps not done yet, of open items; `position` is the step's number in its plan. */
  steps: Array<{ id: number; title: string; position: number; itemId: number; itemTitle: string }>;
  /** Who may take it over: the project's active members but the person. */
  candidates: Array<{ id: number; name: string }>;
};

/** The position (1, 2...) of each step in its item's plan, as the item page numbers them. */
function stepNumbers(database: Database, itemIds: number[]): Map<number, number> {
  const numbers = new Map<number, number>();
  if (!itemIds.length) return numbers;
  const rows = database
    .select({ id: repaymentSteps.id, itemId: repaymentSteps.debtItemId })
    .from(repaymentSteps)
    .where(inArray(repaymentSteps.debtItemId, itemIds))
    .orderBy(asc(repaymentSteps.debtItemId), asc(repaymentSteps.position), asc(repaymentSteps.id))
    .all();
  let item = -1;
  let n = 0;
  for (const row of rows) {
    n = row.itemId === item ? n + 1 : 1;
    item = row.itemId;
    numbers.set(row.id, n);
  }
  return numbers;
}

/**
 * What `userId` holds in open projects, project by project (by name): the projects they own,
 * their open debt items and their steps not done, with the members who could take them over.
 */
export function holdingsOf(userId: number, database: Database = db): Holding[] {
  const openProject = inArray(projects.state, OPEN_PROJECT_STATES);
  const owned = database
    .select({ id: projects.id })
    .from(projects)
    .where(and(eq(projects.ownerId, userId), openProject))
    .all();
  const items = database
    .select({
      id: debtItems.id,
      title: debtItems.title,
      register: debtItems.register,
      projectId: debtItems.projectId,
    })
    .from(debtItems)
    .innerJoin(projects, eq(projects.id, debtItems.projectId))
    .where(and(eq(debtItems.ownerId, userId), inArray(debtItems.status, UNSETTLED), openProject))
    .orderBy(asc(debtItems.id))
    .all();
  const steps = database
    .select({
      id: repaymentSteps.id,
      title: repaymentSteps.title,
      itemId: debtItems.id,
      itemTitle: debtItems.title,
      projectId: debtItems.projectId,
    })
    .from(repaymentSteps)
    .innerJoin(debtItems, eq(debtItems.id, repaymentSteps.debtItemId))
    .innerJoin(projects, eq(projects.id, debtItems.projectId))
    .where(
      and(
        eq(repaymentSteps.ownerId, userId),
        isNull(repaymentSteps.doneAt),
        inArray(debtItems.status, UNSETTLED),
        openProject,
      ),
    )
    .orderBy(asc(debtItems.id), asc(repaymentSteps.position), asc(repaymentSteps.id))
    .all();
  const projectIds = [
    ...new Set([...owned.map((p) => p.id), ...items.map((i) => i.projectId), ...steps.map((s) => s.projectId)]),
  ];
  if (!projectIds.length) return [];
  const numbers = stepNumbers(database, [...new Set(steps.map((s) => s.itemId))]);
  const rows = database
    .select({ id: projects.id, slug: projects.slug, name: projects.name, stage: projects.stage })
    .from(projects)
    .where(inArray(projects.id, projectIds))
    .orderBy(asc(projects.name), asc(projects.id))
    .all();
  const members = database
    .select({ projectId: memberships.projectId, id: users.id, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(inArray(memberships.projectId, projectIds), eq(users.active, true), ne(users.id, userId)))
    .orderBy(asc(users.name), asc(users.id))
    .all();
  const ownedIds = new Set(owned.map((p) => p.id));
  return rows.map((project) => ({
    project,
    ownership: ownedIds.has(project.id),
    items: items.filter((i) => i.projectId === project.id).map(({ id, title, register }) => ({ id, title, register })),
    steps: steps
      .filter((s) => s.projectId === project.id)
      .map(({ id, title, itemId, itemTitle }) => ({ id, title, itemId, itemTitle, position: numbers.get(id) ?? 0 })),
    candidates: members.filter((m) => m.projectId === project.id).map(({ id, name }) => ({ id, name })),
  }));
}

/** Who takes what in one project; null (or left out) keeps it with the person. */
export type HandoverChoice = {
  projectId: number;
  items?: number | null;
  steps?: number | null;
  ownership?: number | null;
};

export type HandoverResult = { items: number; steps: number; projects: number };

/** A choice's field: `items.12` for the debt items of project 12 (the form names its selects so). */
export const handoverField = (kind: HandoverKind, projectId: number) => `${kind}.${projectId}`;

type Person = { id: number; name: string; active: boolean };

function personOf(database: Database, id: number): Person | undefined {
  return database
    .select({ id: users.id, name: users.name, active: users.active })
    .from(users)
    .where(eq(users.id, id))
    .get();
}

/**
 * Hands `from`'s work over as `choices` say, inside `tx`. Refuses the whole hand-over (a
 * ValidationError, one message per field) when a new owner is the person themself, unknown,
 * deactivated or not on the project's team, or the project no longer changes.
 */
function handOverIn(
  tx: Tx,
  { actor, from, choices }: { actor: Actor; from: Person; choices: HandoverChoice[] },
  now: number,
): HandoverResult {
  const errors: FieldErrors = {};
  const plans: Array<{
    project: { id: number; slug: string; name: string; ownerId: number };
    to: Partial<Record<HandoverKind, Person>>;
  }> = [];
  for (const choice of choices) {
    const project = tx
      .select({
        id: projects.id,
        slug: projects.slug,
        name: projects.name,
        ownerId: projects.ownerId,
        state: projects.state,
      })
      .from(projects)
      .where(eq(projects.id, choice.projectId))
      .get();
    const to: Partial<Record<HandoverKind, Person>> = {};
    for (const kind of HANDOVER_KINDS) {
      const targetId = choice[kind];
      if (targetId == null) continue;
      const field = handoverField(kind, choice.projectId);
      if (!project) {
        errors[field] = "No such project.";
        continue;
      }
      if (!(OPEN_PROJECT_STATES as readonly string[]).includes(project.state)) {
        errors[field] =
          `${project.name} is ${project.state === "stopped" ? "stopped" : "retired"}; its work no longer changes hands.`;
        continue;
      }
      const target = personOf(tx, targetId);
      if (!target) errors[field] = "No such person. Choose a member of the project.";
      else if (target.id === from.id) errors[field] = `Choose someone other than ${from.name}.`;
      else if (!target.active)
        errors[field] = `${target.name} is deactivated. Choose an active member of ${project.name}.`;
      else {
        const seat = tx
          .select({ id: memberships.id })
          .from(memberships)
          .where(and(eq(memberships.projectId, project.id), eq(memberships.userId, target.id)))
          .get();
        if (!seat)
          errors[field] = `${target.name} is not on ${project.name}'s team. Add them first, or choose a member.`;
        else to[kind] = target;
      }
    }
    if (project && Object.keys(to).length) plans.push({ project, to });
  }
  if (Object.keys(errors).length) throw new ValidationError("Check the people chosen to take over.", errors);

  const result: HandoverResult = { items: 0, steps: 0, projects: 0 };
  const drafts: NotificationDraft[] = [];
  for (const { project, to } of plans) {
    const received = new Map<number, { items: number; steps: number; ownership: boolean; name: string }>();
    const note = (person: Person, kind: HandoverKind) => {
      const entry = received.get(person.id) ?? { items: 0, steps: 0, ownership: false, name: person.name };
      if (kind === "ownership") entry.ownership = true;
      else entry[kind]++;
      received.set(person.id, entry);
    };
    // An item's owner is part of what each discipline signed for (docs/domain.md, "What makes a sign-off stale").
    const watch = to.items || to.steps ? watchSignOffs(tx, project.id) : null;

    if (to.items) {
      const target = to.items;
      const items = tx
        .select()
        .from(debtItems)
        .where(
          and(
            eq(debtItems.projectId, project.id),
            eq(debtItems.ownerId, from.id),
            inArray(debtItems.status, UNSETTLED),
          ),
        )
        .orderBy(asc(debtItems.id))
        .all();
      for (const item of items) {
        writeItem(tx, item, item.version, { ownerId: target.id }, now);
        record(
          tx,
          actor,
          item,
          "debt.handed_over",
          debtHandedOver(actor.name, item.title, from.name, target.name),
          { ownerId: from.id },
          { ownerId: target.id },
          now,
        );
        note(target, "items");
        result.items++;
      }
    }

    if (to.steps) {
      const target = to.steps;
      const steps = tx
        .select({ id: repaymentSteps.id, title: repaymentSteps.title, itemId: repaymentSteps.debtItemId })
        .from(repaymentSteps)
        .innerJoin(debtItems, eq(debtItems.id, repaymentSteps.debtItemId))
        .where(
          and(
            eq(debtItems.projectId, project.id),
            eq(repaymentSteps.ownerId, from.id),
            isNull(repaymentSteps.doneAt),
            inArray(debtItems.status, UNSETTLED),
          ),
        )
        .orderBy(asc(repaymentSteps.debtItemId), asc(repaymentSteps.position), asc(repaymentSteps.id))
        .all();
      const numbers = stepNumbers(tx, [...new Set(steps.map((s) => s.itemId))]);
      for (const step of steps) {
        // Steps are part of the item: its version moves too (it may have moved above).
        const item: DebtItem = tx.select().from(debtItems).where(eq(debtItems.id, step.itemId)).get()!;
        writeItem(tx, item, item.version, {}, now);
        tx.update(repaymentSteps)
          .set({ ownerId: target.id, version: sql`${repaymentSteps.version} + 1` })
          .where(eq(repaymentSteps.id, step.id))
          .run();
        record(
          tx,
          actor,
          item,
          "debt.step_handed_over",
          stepHandedOver(actor.name, numbers.get(step.id) ?? 0, step.title, item.title, from.name, target.name),
          { step: { id: step.id, ownerId: from.id } },
          { step: { id: step.id, ownerId: target.id } },
          now,
        );
        note(target, "steps");
        result.steps++;
      }
    }

    if (to.ownership && project.ownerId === from.id) {
      const target = to.ownership;
      tx.update(projects)
        .set({ ownerId: target.id, updatedAt: now, version: sql`${projects.version} + 1` })
        .where(eq(projects.id, project.id))
        .run();
      recordActivity(tx, {
        actorId: actor.id,
        projectId: project.id,
        entityType: "project",
        entityId: project.id,
        action: "project.handed_over",
        summary: projectHandedOver(actor.name, project.name, from.name, target.name),
        before: { ownerId: from.id },
        after: { ownerId: target.id },
        via: actor.via,
        at: now,
      });
      note(target, "ownership");
      result.projects++;
    }

    for (const [ownerId, got] of received) {
      drafts.push(
        handedOverDraft({
          project,
          ownerId,
          actorName: actor.name,
          fromName: from.name,
          items: got.items,
          steps: got.steps,
          ownership: got.ownership,
        }),
      );
    }
    drafts.push(...staleDrafts(tx, watch, { actorId: actor.id, now }));
  }
  notify(tx, { actorId: actor.id, drafts, now });
  return result;
}

function requireAdmin(actor: Actor) {
  if (!can(actor, "people:manage")) throw new ForbiddenError("Only admins hand over someone's work.");
}

/**
 * An admin hands over the work of `userId` (active or already deactivated): one transaction,
 * one activity row per item, step and project moved; nothing changes when any choice is refused.
 */
export function handOverWork(
  { actor, userId, choices }: { actor: Actor; userId: number; choices: HandoverChoice[] },
  options?: WriteOptions,
): HandoverResult {
  requireAdmin(actor);
  return withTx(options, (tx, now) => {
    const from = personOf(tx, userId);
    if (!from) throw new NotFoundError("No such person.");
    return handOverIn(tx, { actor, from, choices }, now);
  });
}

/**
 * Deactivates `userId` after handing over what `choices` say, in one transaction: a refused
 * hand-over (or deactivation: the last admin) changes nothing. What is not handed over stays
 * with them, orphaned, for /admin/orphans.
 */
export function deactivateWithHandover(
  { actor, userId, choices }: { actor: Actor; userId: number; choices: HandoverChoice[] },
  options?: WriteOptions,
): { person: PublicUser; moved: HandoverResult } {
  requireAdmin(actor);
  return withTx(options, (tx, now) => {
    const from = personOf(tx, userId);
    if (!from) throw new NotFoundError("No such person.");
    const moved = handOverIn(tx, { actor, from, choices }, now);
    const person = setUserActive({ actor, userId, active: false }, { tx, now });
    return { person, moved };
  });
}

// ---------- orphans: work held by deactivated people ----------

export type OrphanedWork = {
  person: { id: number; name: string; email: string };
  projects: Array<{ id: number; slug: string; name: string }>;
  items: Array<{ id: number; title: string; projectSlug: string; projectName: string }>;
  steps: Array<{
    id: number;
    title: string;
    itemId: number;
    itemTitle: string;
    projectSlug: string;
    projectName: string;
  }>;
};

/** The most rows of each kind the orphans page lists (it says when there are more). */
export const ORPHAN_LIST_LIMIT = 500;

/**
 * Work still held by deactivated people in open projects: projects they own, open debt items
 * and steps not done, grouped by person (by name).
 */
export function listOrphanedWork(): { people: OrphanedWork[]; truncated: boolean } {
  const openProject = inArray(projects.state, OPEN_PROJECT_STATES);
  const inactive = eq(users.active, false);
  const owned = db
    .select({ personId: users.id, id: projects.id, slug: projects.slug, name: projects.name })
    .from(projects)
    .innerJoin(users, eq(users.id, projects.ownerId))
    .where(and(inactive, openProject))
    .orderBy(asc(projects.name))
    .limit(ORPHAN_LIST_LIMIT + 1)
    .all();
  const items = db
    .select({
      personId: users.id,
      id: debtItems.id,
      title: debtItems.title,
      projectSlug: projects.slug,
      projectName: projects.name,
    })
    .from(debtItems)
    .innerJoin(users, eq(users.id, debtItems.ownerId))
    .innerJoin(projects, eq(projects.id, debtItems.projectId))
    .where(and(inactive, inArray(debtItems.status, UNSETTLED), openProject))
    .orderBy(asc(projects.name), asc(debtItems.id))
    .limit(ORPHAN_LIST_LIMIT + 1)
    .all();
  const steps = db
    .select({
      personId: users.id,
      id: repaymentSteps.id,
      title: repaymentSteps.title,
      itemId: debtItems.id,
      itemTitle: debtItems.title,
      projectSlug: projects.slug,
      projectName: projects.name,
    })
    .from(repaymentSteps)
    .innerJoin(users, eq(users.id, repaymentSteps.ownerId))
    .innerJoin(debtItems, eq(debtItems.id, repaymentSteps.debtItemId))
    .innerJoin(projects, eq(projects.id, debtItems.projectId))
    .where(and(inactive, isNull(repaymentSteps.doneAt), inArray(debtItems.status, UNSETTLED), openProject))
    .orderBy(asc(projects.name), asc(debtItems.id), asc(repaymentSteps.position))
    .limit(ORPHAN_LIST_LIMIT + 1)
    .all();
  const truncated = [owned, items, steps].some((rows) => rows.length > ORPHAN_LIST_LIMIT);
  const ids = [...new Set([...owned, ...items, ...steps].map((r) => r.personId))];
  const people = ids.length
    ? db
        .select({ id: users.id, name: users.name, email: users.email })
        .from(users)
        .where(inArray(users.id, ids))
        .orderBy(asc(users.name), asc(users.id))
        .all()
    : [];
  const strip = <T extends { personId: number }>(rows: T[], id: number) =>
    rows
      .slice(0, ORPHAN_LIST_LIMIT)
      .filter((r) => r.personId === id)
      .map(({ personId, ...rest }) => rest);
  return {
    people: people.map((person) => ({
      person,
      projects: strip(owned, person.id),
      items: strip(items, person.id),
      steps: strip(steps, person.id),
    })),
    truncated,
  };
}
