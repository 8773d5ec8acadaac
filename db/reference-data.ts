/**
 * Reference data every installation starts with, written right after the migrations: the
 * default gate checklists of docs/domain.md ("Gate reviews"). Idempotent; admins change them at /admin/gates.
 */
import { eq } from "drizzle-orm";
import { DEFAULT_CRITERIA } from "../app/domain/gates";
import type { Db } from "./client.server";
import { criterionTemplates } from "./schema";

export function seedReferenceData(database: Db, now = Date.now()): void {
  database.transaction((tx) => {
    for (const stage of ["pilot", "production"] as const) {
      const existing = tx
        .select({ id: criterionTemplates.id })
        .from(criterionTemplates)
        .where(eq(criterionTemplates.targetStage, stage))
        .get();
      if (existing) continue;
      DEFAULT_CRITERIA[stage].forEach((c, position) => {
        tx.insert(criterionTemplates)
          .values({ ...c, targetStage: stage, position, createdAt: now, updatedAt: now })
          .run();
      });
    }
  });
}
