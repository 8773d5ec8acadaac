/**
 * The integration tests' database: a private copy of the migrated template per test file
 * (and, on request, per test). The app opens its connection lazily from DATABASE_URL, so
 * pointing the variable at a new copy and closing the old connection is all a swap takes.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { inject } from "vitest";
import { closeDb, db } from "../../db/client.server";

let workDir: string | undefined;
let counter = 0;

function dir(): string {
  workDir ??= fs.mkdtempSync(path.join(os.tmpdir(), "triad-test-db-"));
  return workDir;
}

/** Points the app at a fresh, empty, migrated database and returns its path. */
export function resetDatabase(): string {
  closeDb();
  const file = path.join(dir(), `test-${++counter}.db`);
  fs.copyFileSync(inject("templateDatabase"), file);
  process.env.DATABASE_URL = file;
  return file;
}

/** Closes the connection and deletes this file's databases. */
export function removeDatabases(): void {
  closeDb();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  workDir = undefined;
}

/** Raw SQL on the app's connection, for assertions that must not go through the models. */
export function sqlite() {
  return db.$client;
}

export function countRows(table: string): number {
  return (sqlite().prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
}

export type ActivityRecord = {
  id: number;
  actor_id: number | null;
  entity_type: string;
  entity_id: number | null;
  action: string;
  summary: string;
  before: string | null;
  after: string | null;
  via: string;
};

/** Activity rows written after row `sinceId`, oldest first. */
export function activitySince(sinceId: number): ActivityRecord[] {
  return sqlite().prepare("select * from activity where id > ? order by id").all(sinceId) as ActivityRecord[];
}

/** The id of the newest activity row (0 when there is none). */
export function lastActivityId(): number {
  return (sqlite().prepare("select coalesce(max(id), 0) as id from activity").get() as { id: number }).id;
}
