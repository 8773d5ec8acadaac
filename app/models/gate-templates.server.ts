/**
 * The organisation's gate checklists (/admin/gates). Defaults from docs/domain.md ("Gate reviews") are written
 * right after the migrations (db/reference-data.ts); admins add, edit, reorder and retire attestations and switch automatic checks
 * on or off. An open review keeps the criteria it was opened with.
 */
import { and, asc, eq, max, sql } from "drizzle-orm";
import { db, type Tx } from "../../db/client.server";
import { criterionTemplates, gatePolicies } from "../../db/schema";
import { type Discipline } from "~/domain/vocabulary";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "~/domain/errors";
import {
  gateTimingsSet,
  requiredApprovalsSet,
  templateActiveChanged,
  templateAdded,
  templateMoved,
  templateReworded,
} from "~/domain/activity-sentences";
import {
  DEFAULT_ESCALATE_AFTER_DAYS,
  DEFAULT_REMIND_AFTER_DAYS,
  gateTimingsError,
  type GateTimings,
} from "~/domain/reminders";
import { recordActivity } from "./activity.server";
import type { Actor } from "./users.server";
import { withTx, type WriteOptions } from "./transaction.server";

export type GateStage = "pilot" | "production";
export const GATE_STAGES: GateStage[] = ["pilot", "production"];

export function listTemplates(stage: GateStage) {
  return db
    .select()
    .from(criterionTemplates)
    .where(eq(criterionTemplates.targetStage, stage))
    .orderBy(asc(criterionTemplates.position), asc(criterionTemplates.id))
    .all();
}

function requireAdminActor(actor: Actor) {
  if (actor.role !== "admin") throw new ForbiddenError("Only admins edit gate checklists.");
}

function keyFrom(label: string): string {
  return (
    label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "")
      .slice(0, 48) || "criterion"
  );
}

export function addAttestation(
  {
    actor,
    stage,
    label,
    discipline,
  }: {
    actor: Actor;
    stage: GateStage;
    label: string;
    discipline: Discipline | null;
  },
  options?: WriteOptions,
) {
  requireAdminActor(actor);
  return withTx(options, (tx, now) => {
    const base = keyFrom(label);
    let key = base;
    for (
      let n = 2;
      tx
        .select({ id: criterionTemplates.id })
        .from(criterionTemplates)
        .where(and(eq(criterionTemplates.targetStage, stage), eq(criterionTemplates.key, key)))
        .get();
      n++
    ) {
      key = `${base}_${n}`;
    }
    const last = tx
      .select({ p: max(criterionTemplates.position) })
      .from(criterionTemplates)
      .where(eq(criterionTemplates.targetStage, stage))
      .get()?.p;
    const created = tx
      .insert(criterionTemplates)
      .values({
        targetStage: stage,
        key,
        label,
        kind: "attestation",
        discipline,
        position: (last ?? -1) + 1,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    recordActivity(tx, {
      actorId: actor.id,
      entityType: "criterion_template",
      entityId: created.id,
      action: "template.added",
      summary: templateAdded(actor.name, label, stage),
      after: { key, label, discipline },
      via: actor.via,
      at: now,
    });
    return created;
  });
}

function loadTemplate(tx: Tx, id: number) {
  const row = tx.select().from(criterionTemplates).where(eq(criterionTemplates.id, id)).get();
  if (!row) throw new NotFoundError("No such criterion.");
  return row;
}

export function updateAttestation(
  {
    actor,
    templateId,
    version,
    label,
    discipline,
  }: {
    actor: Actor;
    templateId: number;
    version: number;
    label: string;
    discipline: Discipline | null;
  },
  options?: WriteOptions,
) {
  requireAdminActor(actor);
  withTx(options, (tx, now) => {
    const before = loadTemplate(tx, templateId);
    if (before.kind !== "attestation") {
      throw new ValidationError("Automatic checks cannot be redefined.", {
        label: "Automatic checks are computed from the data; they can only be switched on or off.",
      });
    }
    const updated = tx
      .update(criterionTemplates)
      .set({ label, discipline, updatedAt: now, version: sql`${criterionTemplates.version} + 1` })
      .where(and(eq(criterionTemplates.id, templateId), eq(criterionTemplates.version, version)))
      .run();
    if (updated.changes === 0) {
      throw new ConflictError("Someone else changed this criterion since you opened the page. Reload and try again.");
    }
    recordActivity(tx, {
      actorId: actor.id,
      entityType: "criterion_template",
      entityId: templateId,
      action: "template.updated",
      summary: templateReworded(actor.name, before.targetStage),
      before: { label: before.label, discipline: before.discipline },
      after: { label, discipline },
      via: actor.via,
      at: now,
    });
  });
}

export function setTemplateActive(
  {
    actor,
    templateId,
    active,
  }: {
    actor: Actor;
    templateId: number;
    active: boolean;
  },
  options?: WriteOptions,
) {
  requireAdminActor(actor);
  withTx(options, (tx, now) => {
    const before = loadTemplate(tx, templateId);
    if (before.active === active) throw new ConflictError("Nothing to change: it already is.");
    tx.update(criterionTemplates)
      .set({ active, updatedAt: now, version: sql`${criterionTemplates.version} + 1` })
      .where(eq(criterionTemplates.id, templateId))
      .run();
    recordActivity(tx, {
      actorId: actor.id,
      entityType: "criterion_template",
      entityId: templateId,
      action: active ? "template.activated" : "template.deactivated",
      summary: templateActiveChanged(actor.name, before.label, before.targetStage, before.kind === "auto", active),
      before: { active: before.active },
      after: { active },
      via: actor.via,
      at: now,
    });
  });
}

/** Swaps a criterion with its neighbour above or below. */
export function moveTemplate(
  {
    actor,
    templateId,
    direction,
  }: {
    actor: Actor;
    templateId: number;
    direction: "up" | "down";
  },
  options?: WriteOptions,
) {
  requireAdminActor(actor);
  withTx(options, (tx, now) => {
    const row = loadTemplate(tx, templateId);
    const siblings = tx
      .select()
      .from(criterionTemplates)
      .where(eq(criterionTemplates.targetStage, row.targetStage))
      .orderBy(asc(criterionTemplates.position), asc(criterionTemplates.id))
      .all();
    const index = siblings.findIndex((s) => s.id === templateId);
    const other = siblings[direction === "up" ? index - 1 : index + 1];
    if (!other) throw new ConflictError(`It is already at the ${direction === "up" ? "top" : "bottom"}.`);
    // Renumber so positions are distinct, then swap the two.
    siblings.forEach((s, i) => {
      const position = s.id === row.id ? siblings.indexOf(other) : s.id === other.id ? index : i;
      tx.update(criterionTemplates).set({ position }).where(eq(criterionTemplates.id, s.id)).run();
    });
    recordActivity(tx, {
      actorId: actor.id,
      entityType: "criterion_template",
      entityId: templateId,
      action: "template.moved",
      summary: templateMoved(actor.name, row.label, direction, row.targetStage),
      before: { position: index },
      after: { position: siblings.indexOf(other) },
      via: actor.via,
      at: now,
    });
  });
}

// ---------- gate policies: approvals each discipline needs ----------

/** The approvals each discipline needs at the gate to `stage` (1 unless an admin set more). */
export function requiredApprovalsFor(stage: GateStage, database: Tx | typeof db = db): number {
  return (
    database
      .select({ n: gatePolicies.requiredApprovals })
      .from(gatePolicies)
      .where(eq(gatePolicies.targetStage, stage))
      .get()?.n ?? 1
  );
}

export function getGatePolicy(stage: GateStage) {
  const row = db.select().from(gatePolicies).where(eq(gatePolicies.targetStage, stage)).get();
  return (
    row ?? {
      targetStage: stage,
      requiredApprovals: 1,
      remindAfterDays: DEFAULT_REMIND_AFTER_DAYS,
      escalateAfterDays: DEFAULT_ESCALATE_AFTER_DAYS,
      updatedAt: 0,
      version: 0,
    }
  );
}

/**
 * When each gate's reminders and escalation are due (docs/domain.md, "Notifications"), by
 * target stage. Unlike the approvals, reviews do not copy them: a change applies to open
 * reviews at the next notification pass.
 */
export function gateTimings(database: Tx | typeof db = db): Record<GateStage, GateTimings> {
  const rows = database
    .select({
      stage: gatePolicies.targetStage,
      remind: gatePolicies.remindAfterDays,
      escalate: gatePolicies.escalateAfterDays,
    })
    .from(gatePolicies)
    .all();
  const timings = (stage: GateStage): GateTimings => {
    const row = rows.find((r) => r.stage === stage);
    return {
      remindAfterDays: row?.remind ?? DEFAULT_REMIND_AFTER_DAYS,
      escalateAfterDays: row?.escalate ?? DEFAULT_ESCALATE_AFTER_DAYS,
    };
  };
  return { pilot: timings("pilot"), production: timings("production") };
}

/**
 * Sets after how many days a gate review reminds a discipline that has not approved (and
 * every as many days after), and after how many it is escalated to the project owner and the
 * admins: whole days from 1 to 60, escalation later than the first reminder.
 */
export function setGateTimings(
  {
    actor,
    stage,
    remindAfterDays,
    escalateAfterDays,
    version,
  }: {
    actor: Actor;
    stage: GateStage;
    remindAfterDays: number;
    escalateAfterDays: number;
    /** The policy's version the form was opened on (0 when none was stored yet). */
    version: number;
  },
  options?: WriteOptions,
) {
  requireAdminActor(actor);
  const problems = gateTimingsError({ remindAfterDays, escalateAfterDays });
  if (problems) {
    throw new ValidationError(problems.escalateAfterDays ?? problems.remindAfterDays ?? "Check the days.", problems);
  }
  withTx(options, (tx, now) => {
    const before = tx.select().from(gatePolicies).where(eq(gatePolicies.targetStage, stage)).get();
    if ((before?.version ?? 0) !== version) {
      throw new ConflictError("Someone changed this gate's policy since you opened the page. Reload and try again.");
    }
    if (before) {
      tx.update(gatePolicies)
        .set({ remindAfterDays, escalateAfterDays, updatedAt: now, version: before.version + 1 })
        .where(eq(gatePolicies.targetStage, stage))
        .run();
    } else {
      tx.insert(gatePolicies).values({ targetStage: stage, remindAfterDays, escalateAfterDays, updatedAt: now }).run();
    }
    recordActivity(tx, {
      actorId: actor.id,
      entityType: "gate_policy",
      action: "gate_policy.updated",
      summary: gateTimingsSet(actor.name, stage, remindAfterDays, escalateAfterDays),
      before: {
        remindAfterDays: before?.remindAfterDays ?? DEFAULT_REMIND_AFTER_DAYS,
        escalateAfterDays: before?.escalateAfterDays ?? DEFAULT_ESCALATE_AFTER_DAYS,
      },
      after: { remindAfterDays, escalateAfterDays },
      via: actor.via,
      at: now,
    });
  });
}

/**
 * Sets how many approvals each discipline needs at a gate. Reviews copy the number when they
 * open, so a change applies to reviews opened afterwards.
 */
export function setRequiredApprovals(
  {
    actor,
    stage,
    requiredApprovals,
    version,
  }: {
    actor: Actor;
    stage: GateStage;
    requiredApprovals: number;
    /** The policy's version the form was opened on (0 when none was stored yet). */
    version: number;
  },
  options?: WriteOptions,
) {
  requireAdminActor(actor);
  if (!Number.isInteger(requiredApprovals) || requiredApprovals < 1 || requiredApprovals > 5) {
    throw new ValidationError("Enter a whole number from 1 to 5.", {
      requiredApprovals: "Enter a whole number from 1 to 5.",
    });
  }
  withTx(options, (tx, now) => {
    const before = tx.select().from(gatePolicies).where(eq(gatePolicies.targetStage, stage)).get();
    if ((before?.version ?? 0) !== version) {
      throw new ConflictError("Someone changed this gate's approvals since you opened the page. Reload and try again.");
    }
    if (before) {
      tx.update(gatePolicies)
        .set({ requiredApprovals, updatedAt: now, version: before.version + 1 })
        .where(eq(gatePolicies.targetStage, stage))
        .run();
    } else {
      tx.insert(gatePolicies).values({ targetStage: stage, requiredApprovals, updatedAt: now }).run();
    }
    recordActivity(tx, {
      actorId: actor.id,
      entityType: "gate_policy",
      action: "gate_policy.updated",
      summary: requiredApprovalsSet(actor.name, stage, requiredApprovals),
      before: { requiredApprovals: before?.requiredApprovals ?? 1 },
      after: { requiredApprovals },
      via: actor.via,
      at: now,
    });
  });
}
