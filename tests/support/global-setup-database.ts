/**
 * Integration global setup: migrate ONE template SQLite file; every test file then starts
 * from a copy of it (setup-database.ts), so no test pays for migrations or sees another's rows.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { applyMigrations, openDatabase } from "../../db/client.server";

declare module "vitest" {
  export interface ProvidedContext {
    /** Path of the migrated, empty template database. */
    templateDatabase: string;
  }
}

export default function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "triad-template-"));
  const file = path.join(dir, "template.db");
  const database = openDatabase(file);
  applyMigrations(database);
  // Fold the WAL into the main file so a plain copy of template.db is complete.
  database.$client.pragma("wal_checkpoint(TRUNCATE)");
  database.$client.close();
  project.provide("templateDatabase", file);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
