/**
 * Importing a spreadsheet register (docs/domain.md, "Importing a spreadsheet register"): the
 * rows the web layer checked (app/utils/debt-import.ts) are logged in ONE transaction, each
 * through `createDebtItem` (its own savepoint, its own "debt.created" activity row, its webhook
 * event), so a row the model still refuses (the owner left the team since the preview) is
 * skipped and reported while the others stay. One more activity row records the import itself
 * with its report (what was logged, what was skipped and why), which the import page shows.
 * Each owner is told once, with the count, rather than once per item.
 */
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { db, type Tx } from "../../../db/client.server";
import { activity, debtItems, users } from "../../../db/schema";
import type { Register } from "~/domain/debt";
import { debtFieldWords, debtImported } from "~/domain/activity-sentences";
import { ConflictError, ValidationError } from "~/domain/errors";
import { IMPORT_MAX_ROWS } from "~/domain/limits";
import { debtImportedDraft } from "~/domain/notify-rules";
import { recordActivity } from "../activity.server";
import { notify } from "../notifications.server";
import { projectForWrite } from "../project-access.server";
import { withTx, type WriteOptions } from "../transaction.server";
import type { Actor } from "../users.server";
import { createDebtItem, type DebtDetails, type DebtPlan } from "./items.server";

export const IMPORTED_ACTION = "debt.imported";
/** The skipped rows a report keeps in full (the count is always kept). */
export const MAX_REPORTED_SKIPS = 500;

/** A row to log: its line in the file, the item's fields and, when the row gave one, its plan. */
export type ImportRow = { line: number; details: DebtDetails; plan: DebtPlan | null };

/** A row that was not logged: its line, its title as written, what is wrong (field, message). */
export type SkippedRow = { line: number; title: string; problems: Array<{ field: string; message: string }> };

export type ImportReport = {
  id: number;
  at: number;
  actorName: string | null;
  register: Register;
  fileName: string;
  imported: Array<{ line: number; id: number; title: string }>;
  skipped: SkippedRow[];
  skippedCount: number;
};

type StoredReport = {
  register: Register;
  fileName: string;
  importKey: string;
  imported: Array<{ line: number; id: number }>;
  skipped: SkippedRow[];
  skippedCount: number;
};

const fieldName = (key: string) => {
  const words = debtFieldWords([key.replace(/^plan\./, "")]);
  return words.charAt(0).toUpperCase() + words.slice(1);
};

function findByKey(database: Tx | typeof db, projectId: number, importKey: string) {
  return database
    .select({ id: activity.id })
    .from(activity)
    .where(
      and(
        eq(activity.action, IMPORTED_ACTION),
        eq(activity.projectId, projectId),
        sql`json_extract(${activity.after}, '$.importKey') = ${importKey}`,
      ),
    )
    .orderBy(desc(activity.id))
    .get();
}

/** The report of an import that used this key, if any (the same preview sent twice). */
export function importReportIdByKey(projectId: number, importKey: string): number | null {
  return findByKey(db, projectId, importKey)?.id ?? null;
}

/**
 * Logs `rows` into the project's `register` in one transaction and records the import. The
 * rows `skipped` were refused before (by the same checks as "Log debt item"); a row the model
 * refuses now (ValidationError) joins them. Refused as a whole: without permission to write
 * the project's debt, more rows than an import takes, an `importKey` already used (the same
 * preview imported twice), or no row left to log.
 */
export function importDebtItems(
  {
    actor,
    projectId,
    register,
    fileName,
    importKey,
    rows,
    skipped: skippedBefore,
  }: {
    actor: Actor;
    projectId: number;
    register: Register;
    fileName: string;
    importKey: string;
    rows: ImportRow[];
    skipped: SkippedRow[];
  },
  options?: WriteOptions,
): { reportId: number; imported: Array<{ line: number; id: number; title: string }>; skipped: SkippedRow[] } {
  return withTx(options, (tx, now) => {
    const project = projectForWrite(tx, actor, projectId, "debt:write");
    if (rows.length + skippedBefore.length > IMPORT_MAX_ROWS) {
      throw new ValidationError(`Import at most ${IMPORT_MAX_ROWS.toLocaleString("en")} rows at a time.`);
    }
    if (findByKey(tx, projectId, importKey)) {
      throw new ConflictError("These rows were imported already. Open the register to see them.");
    }
    const imported: Array<{ line: number; id: number; title: string; ownerId: number | null }> = [];
    const skipped = [...skippedBefore];
    for (const row of rows) {
      try {
        const item = createDebtItem(
          {
            actor,
            projectId,
            register,
            ...row.details,
            plan: row.plan ? { ...row.plan, steps: [] } : undefined,
            tellOwners: false,
          },
          { tx, now },
        );
        imported.push({ line: row.line, id: item.id, title: item.title, ownerId: item.ownerId });
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        const problems = Object.entries(error.fields).map(([key, message]) => ({ field: fieldName(key), message }));
        skipped.push({
          line: row.line,
          title: row.details.title,
          problems: problems.length ? problems : [{ field: "Row", message: error.message }],
        });
      }
    }
    if (imported.length === 0) {
      throw new ValidationError("None of the rows can be imported. Correct the file, then preview it again.");
    }
    skipped.sort((a, b) => a.line - b.line);
    const report: StoredReport = {
      register,
      fileName,
      importKey,
      imported: imported.map(({ line, id }) => ({ line, id })),
      skipped: skipped.slice(0, MAX_REPORTED_SKIPS),
      skippedCount: skipped.length,
    };
    recordActivity(tx, {
      actorId: actor.id,
      projectId,
      entityType: "project",
      entityId: projectId,
      action: IMPORTED_ACTION,
      summary: debtImported(actor.name, register, fileName, imported.length, skipped.length),
      after: report,
      via: actor.via,
      at: now,
    });
    const reportId = tx.get<{ id: number }>(sql`select last_insert_rowid() as id`).id;
    // Each owner once, with the count (createDebtItem was told not to, per item).
    const perOwner = new Map<number, number>();
    for (const item of imported) {
      if (item.ownerId != null) perOwner.set(item.ownerId, (perOwner.get(item.ownerId) ?? 0) + 1);
    }
    notify(tx, {
      actorId: actor.id,
      drafts: [...perOwner].map(([ownerId, items]) =>
        debtImportedDraft({ project, ownerId, actorName: actor.name, register, items }),
      ),
      now,
    });
    return { reportId, imported: imported.map(({ line, id, title }) => ({ line, id, title })), skipped };
  });
}

/** An import's report (its activity row), for the project it belongs to; null when there is none. */
export function getImportReport(projectId: number, reportId: number): ImportReport | null {
  const row = db
    .select({ id: activity.id, at: activity.at, after: activity.after, actorId: activity.actorId })
    .from(activity)
    .where(and(eq(activity.id, reportId), eq(activity.projectId, projectId), eq(activity.action, IMPORTED_ACTION)))
    .get();
  if (!row?.after) return null;
  const stored = JSON.parse(row.after) as StoredReport;
  const actorName =
    row.actorId == null
      ? null
      : (db.select({ name: users.name }).from(users).where(eq(users.id, row.actorId)).get()?.name ?? null);
  // Titles as they are now (an item may have been renamed since); the first 200 are listed.
  const shown = stored.imported.slice(0, 200).map((i) => i.id);
  const titles = new Map(
    shown.length
      ? db
          .select({ id: debtItems.id, title: debtItems.title })
          .from(debtItems)
          .where(and(eq(debtItems.projectId, projectId), inArray(debtItems.id, shown)))
          .all()
          .map((r) => [r.id, r.title])
      : [],
  );
  return {
    id: row.id,
    at: row.at,
    actorName,
    register: stored.register,
    fileName: stored.fileName,
    imported: stored.imported.map((i) => ({ ...i, title: titles.get(i.id) ?? "" })),
    skipped: stored.skipped,
    skippedCount: stored.skippedCount,
  };
}
