/**
 * Export and import of a whole organisation as one versioned JSON document
 * (`triad export <file.json>`, `triad import <file.json>`). The format is documented in
 * docs/export-format.md; change it only together with that page and FORMAT's version.
 *
 * Export streams row by row to a temporary file next to the target and renames it at the end,
 * so a failed export never leaves a half-written file under the requested name, and an
 * existing file is never overwritten. Import works on an empty database only, in one
 * transaction, and checks the result (foreign keys, seats, closed and open reviews) before it
 * commits: a refused or failed import writes nothing.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { eq, getTableColumns, getTableName } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { db, migrationsFolder } from "../../db/client.server";
import * as s from "../../db/schema";
import { getOpenReview, reviewSnapshot } from "./gate-reviews-read.server";

/** The format's name and version; a reader refuses any other name and any newer version. */
export const FORMAT_NAME = "triad.export";
export const FORMAT_VERSION = 1;
export const FORMAT = `${FORMAT_NAME}/${FORMAT_VERSION}`;

/** A refusal with a message meant for the operator (the CLI prints it, exit code 1). */
export class ExportImportError extends Error {}

type Section = {
  /** The key in the document. */
  key: string;
  table: SQLiteTable;
  /** Field names (drizzle keys) never written: credentials. */
  omit?: string[];
};

/**
 * What is exported, in an order where every reference points backwards (import inserts in
 * this order). Left out on purpose (docs/export-format.md, "What is not exported"):
 * password hashes, sessions, API tokens, webhooks (their signing secrets) and their
 * deliveries, the mail outbox and the application secrets.
 */
export const SECTIONS: Section[] = [
  { key: "people", table: s.users, omit: ["passwordHash"] },
  { key: "projects", table: s.projects },
  { key: "projectSlugs", table: s.projectSlugs },
  { key: "memberships", table: s.memberships },
  { key: "requirements", table: s.requirements },
  { key: "criterionTemplates", table: s.criterionTemplates },
  { key: "gatePolicies", table: s.gatePolicies },
  { key: "gateReviews", table: s.gateReviews },
  { key: "gateCriteria", table: s.gateCriteria },
  { key: "signOffs", table: s.signOffs },
  { key: "reviewComments", table: s.reviewComments },
  { key: "reviewCommentRevisions", table: s.reviewCommentRevisions },
  { key: "reviewCommentMentions", table: s.reviewCommentMentions },
  { key: "debtItems", table: s.debtItems },
  { key: "repaymentSteps", table: s.repaymentSteps },
  { key: "activity", table: s.activity },
  { key: "notifications", table: s.notifications },
  { key: "notificationPreferences", table: s.notificationPreferences },
  { key: "notices", table: s.notices },
];

/** Reference data every migrated database already holds; an import replaces it. */
const REFERENCE_TABLES = new Set(["criterion_templates", "gate_policies"]);

type Field = { key: string; name: string; instant: boolean; boolean: boolean; notNull: boolean; hasDefault: boolean };

function fieldsOf(section: Section): Field[] {
  return Object.entries(getTableColumns(section.table) as Record<string, SQLiteColumn>)
    .filter(([key]) => !section.omit?.includes(key))
    .map(([key, column]) => ({
      key,
      name: column.name,
      // Every instant in the schema is an integer column named *_at (or activity's "at") holding
      // epoch milliseconds; dates without a time (due dates) are already "YYYY-MM-DD" text.
      instant: column.columnType === "SQLiteInteger" && (column.name.endsWith("_at") || column.name === "at"),
      boolean: column.columnType === "SQLiteBoolean",
      notNull: column.notNull,
      hasDefault: column.hasDefault,
    }));
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The tag of the newest migration this code ships (the schema level an export is written at). */
export function currentSchemaLevel(): string {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder(), "meta/_journal.json"), "utf8")) as {
    entries: { tag: string }[];
  };
  return journal.entries.at(-1)!.tag;
}

function knownSchemaLevels(): string[] {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder(), "meta/_journal.json"), "utf8")) as {
    entries: { tag: string }[];
  };
  return journal.entries.map((e) => e.tag);
}

// ---------------------------------------------------------------- export

export type ExportResult = { file: string; counts: Record<string, number>; bytes: number };

/** Writes the organisation to `target` (which must not exist). */
export function exportOrganisation(target: string, now = Date.now()): ExportResult {
  const file = path.resolve(target);
  if (fs.existsSync(file)) {
    throw new ExportImportError(`${file} already exists. Triad never overwrites an export: choose a new file name.`);
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.partial`;
  const sqlite = db.$client;
  const counts: Record<string, number> = {};
  const fd = fs.openSync(temporary, "wx");
  try {
    // One read transaction: every section sees the same instant of the database.
    const ownTransaction = !sqlite.inTransaction;
    if (ownTransaction) sqlite.prepare("BEGIN").run();
    try {
      let buffer = "";
      const write = (text: string) => {
        buffer += text;
        if (buffer.length > 1 << 16) {
          fs.writeSync(fd, buffer);
          buffer = "";
        }
      };
      write(`{"format":${JSON.stringify(FORMAT)},"exportedAt":${JSON.stringify(new Date(now).toISOString())},`);
      write(`"schemaLevel":${JSON.stringify(currentSchemaLevel())}`);
      for (const section of SECTIONS) {
        const fields = fieldsOf(section);
        const columns = fields.map((f) => quote(f.name)).join(", ");
        const order = fields.some((f) => f.key === "id") ? "id" : "rowid";
        const statement = sqlite
          .prepare(`SELECT ${columns} FROM ${quote(getTableName(section.table))} ORDER BY ${order}`)
          .raw(true);
        write(`,\n${JSON.stringify(section.key)}:[`);
        let n = 0;
        for (const row of statement.iterate() as Iterable<unknown[]>) {
          const record: Record<string, unknown> = {};
          fields.forEach((field, i) => {
            const value = row[i];
            record[field.key] =
              value == null
                ? null
                : field.instant
                  ? new Date(Number(value)).toISOString()
                  : field.boolean
                    ? value === 1
                    : value;
          });
          write(`${n === 0 ? "\n" : ",\n"}${JSON.stringify(record)}`);
          n += 1;
        }
        write("]");
        counts[section.key] = n;
      }
      write("}\n");
      fs.writeSync(fd, buffer);
    } finally {
      if (ownTransaction) sqlite.prepare("COMMIT").run();
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    // A hard link fails when the name exists, so even a file created meanwhile is not replaced.
    fs.linkSync(temporary, file);
    fs.unlinkSync(temporary);
  } catch (error) {
    try {
      fs.closeSync(fd);
    } catch {
      // already closed
    }
    fs.rmSync(temporary, { force: true });
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new ExportImportError(`${file} already exists. Triad never overwrites an export: choose a new file name.`);
    }
    throw error;
  }
  return { file, counts, bytes: fs.statSync(file).size };
}

// ---------------------------------------------------------------- import

export type ImportResult = { counts: Record<string, number>; exportedAt: string; schemaLevel: string };

/** The largest file import parses (JSON.parse of one string; see docs/export-format.md, "Size"). */
export const MAX_IMPORT_BYTES = 480 * 2 ** 20;

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

function readDocument(source: string): Record<string, unknown> {
  const file = path.resolve(source);
  if (!fs.existsSync(file)) throw new ExportImportError(`There is no file at ${file}.`);
  // The import parses the file in one piece (docs/export-format.md, "Size"); V8 strings stop near 512 MiB.
  const size = fs.statSync(file).size;
  if (size > MAX_IMPORT_BYTES) {
    throw new ExportImportError(
      `${file} is ${Math.round(size / 2 ** 20)} MiB; import reads at most ${MAX_IMPORT_BYTES / 2 ** 20} MiB in one piece. Move the database with backup and restore instead. Nothing was imported.`,
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new ExportImportError(`${file} is not JSON (${(error as Error).message}). Nothing was imported.`);
  }
  if (!document || typeof document !== "object" || Array.isArray(document)) {
    throw new ExportImportError(`${file} is not a Triad export (no JSON object). Nothing was imported.`);
  }
  return document as Record<string, unknown>;
}

function checkHeader(document: Record<string, unknown>) {
  const format = document.format;
  const match = typeof format === "string" ? /^([a-z.]+)\/(\d+)$/.exec(format) : null;
  if (!match || match[1] !== FORMAT_NAME) {
    throw new ExportImportError(
      `The file is not a Triad export: its "format" is ${JSON.stringify(format ?? null)}, expected "${FORMAT}". Nothing was imported.`,
    );
  }
  if (Number(match[2]) < 1) {
    throw new ExportImportError(`The file's format ${format} was never written by Triad. Nothing was imported.`);
  }
  if (Number(match[2]) > FORMAT_VERSION) {
    throw new ExportImportError(
      `The file is in ${format}, newer than this Triad reads (${FORMAT}): upgrade Triad first. Nothing was imported.`,
    );
  }
  const level = document.schemaLevel;
  if (typeof level !== "string" || !knownSchemaLevels().includes(level)) {
    throw new ExportImportError(
      `The file was written at schema level ${JSON.stringify(level ?? null)}, which this Triad does not know (newest: ${currentSchemaLevel()}): upgrade Triad first. Nothing was imported.`,
    );
  }
  if (typeof document.exportedAt !== "string" || !ISO_INSTANT.test(document.exportedAt)) {
    throw new ExportImportError(`The file's "exportedAt" is not an ISO 8601 instant. Nothing was imported.`);
  }
  for (const key of Object.keys(document)) {
    if (!["format", "exportedAt", "schemaLevel"].includes(key) && !SECTIONS.some((section) => section.key === key)) {
      throw new ExportImportError(`The file has an unknown section "${key}". Nothing was imported.`);
    }
  }
}

/** Rows, as SQL values in the columns' order; every problem names the section and the row. */
function rowsOf(section: Section, fields: Field[], value: unknown): unknown[][] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ExportImportError(`"${section.key}" is not a list. Nothing was imported.`);
  return value.map((record, index) => {
    const where = `${section.key}[${index}]`;
    if (!record || typeof record !== "object" || Array.isArray(record)) {
      throw new ExportImportError(`${where} is not an object. Nothing was imported.`);
    }
    const known = new Set(fields.map((f) => f.key));
    for (const key of Object.keys(record)) {
      if (!known.has(key)) throw new ExportImportError(`${where} has an unknown field "${key}". Nothing was imported.`);
    }
    return fields.map((field) => {
      const raw = (record as Record<string, unknown>)[field.key];
      if (raw === undefined || raw === null) return raw === undefined && field.hasDefault ? undefined : null;
      if (field.instant) {
        const ms = typeof raw === "string" && ISO_INSTANT.test(raw) ? Date.parse(raw) : Number.NaN;
        if (Number.isNaN(ms))
          throw new ExportImportError(`${where}.${field.key} is not an ISO 8601 instant. Nothing was imported.`);
        return ms;
      }
      if (field.boolean) {
        if (typeof raw !== "boolean")
          throw new ExportImportError(`${where}.${field.key} must be true or false. Nothing was imported.`);
        return raw ? 1 : 0;
      }
      if (typeof raw !== "string" && typeof raw !== "number") {
        throw new ExportImportError(`${where}.${field.key} must be a string or a number. Nothing was imported.`);
      }
      return raw;
    });
  });
}

/** Raises when the imported organisation breaks an invariant the app relies on. */
function checkInvariants() {
  const sqlite = db.$client;
  const broken = sqlite.pragma("foreign_key_check") as { table: string; rowid: number; parent: string }[];
  if (broken.length > 0) {
    const first = broken[0];
    throw new ExportImportError(
      `${broken.length} reference(s) point nowhere, e.g. ${first.table} row ${first.rowid} → ${first.parent}. Nothing was imported.`,
    );
  }
  const seat = sqlite
    .prepare(
      "SELECT m.id, u.email, m.discipline AS seat, u.discipline FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.discipline <> u.discipline LIMIT 1",
    )
    .get() as { id: number; email: string; seat: string; discipline: string } | undefined;
  if (seat) {
    throw new ExportImportError(
      `Membership #${seat.id}: ${seat.email} sits as ${seat.seat} but is ${seat.discipline}; a seat is always the person's discipline. Nothing was imported.`,
    );
  }
  for (const review of db.select().from(s.gateReviews).where(eq(s.gateReviews.status, "promoted")).all()) {
    let snapshot: ReturnType<typeof reviewSnapshot>;
    try {
      snapshot = reviewSnapshot(review);
    } catch {
      throw new ExportImportError(
        `Gate review #${review.id}'s closing snapshot is not readable. Nothing was imported.`,
      );
    }
    if (!snapshot || (snapshot.blockers ?? []).length > 0) {
      throw new ExportImportError(
        `Gate review #${review.id} was promoted, but its closing snapshot has blockers or is missing. Nothing was imported.`,
      );
    }
  }
  for (const review of db.select().from(s.gateReviews).where(eq(s.gateReviews.status, "open")).all()) {
    try {
      getOpenReview(review.projectId);
    } catch (error) {
      throw new ExportImportError(
        `Open gate review #${review.id} cannot be evaluated (${(error as Error).message}). Nothing was imported.`,
      );
    }
  }
}

function organisationSize(): { people: number; other: number } {
  const sqlite = db.$client;
  const count = (table: string) =>
    (sqlite.prepare(`SELECT count(*) AS n FROM ${quote(table)}`).get() as { n: number }).n;
  const people = count("users");
  const other = SECTIONS.map((section) => getTableName(section.table))
    .filter((table) => table !== "users" && !REFERENCE_TABLES.has(table))
    .reduce((n, table) => n + count(table), 0);
  return { people, other };
}

/**
 * Loads an export into the (empty) database. Imported people get a random hash no password
 * matches: nobody can sign in with an imported account until a password is set for it.
 */
export function importOrganisation(source: string): ImportResult {
  const document = readDocument(source);
  checkHeader(document);
  const plans = SECTIONS.map((section) => {
    const fields = fieldsOf(section);
    return { section, fields, rows: rowsOf(section, fields, document[section.key]) };
  });
  const sqlite = db.$client;
  const refuseUnlessEmpty = () => {
    const { people, other } = organisationSize();
    if (people > 0 || other > 0) {
      const held =
        people > 0 ? `${people === 1 ? "1 person" : `${people} people`}` : `${other} rows of projects and history`;
      throw new ExportImportError(
        `The database already holds ${held}; import fills only an empty database. Nothing was imported.`,
      );
    }
  };
  refuseUnlessEmpty();
  const counts: Record<string, number> = {};
  const statements = new Map<string, ReturnType<typeof sqlite.prepare<unknown[]>>>();
  const statement = (sql: string) => {
    if (!statements.has(sql)) statements.set(sql, sqlite.prepare<unknown[]>(sql));
    return statements.get(sql)!;
  };
  const run = sqlite.transaction(() => {
    refuseUnlessEmpty(); // again under the write lock: nobody wrote in between
    sqlite.pragma("defer_foreign_keys = ON");
    for (const { section, fields, rows } of plans) {
      const table = getTableName(section.table);
      // The file's checklists and policies replace the defaults; a file without them keeps the defaults.
      if (REFERENCE_TABLES.has(table) && document[section.key] !== undefined)
        sqlite.prepare(`DELETE FROM ${quote(table)}`).run();
      for (const values of rows) {
        const names = fields.filter((_, i) => values[i] !== undefined).map((f) => quote(f.name));
        const given = values.filter((v) => v !== undefined);
        if (section.key === "people") {
          names.push(quote("password_hash"));
          given.push(`!imported:${crypto.randomBytes(24).toString("base64url")}`);
        }
        try {
          statement(
            `INSERT INTO ${quote(table)} (${names.join(", ")}) VALUES (${names.map(() => "?").join(", ")})`,
          ).run(...given);
        } catch (error) {
          throw new ExportImportError(
            `${section.key}[${counts[section.key] ?? 0}] was refused by the database: ${(error as Error).message}. Nothing was imported.`,
          );
        }
        counts[section.key] = (counts[section.key] ?? 0) + 1;
      }
      counts[section.key] ??= 0;
    }
    checkInvariants();
  });
  run.immediate();
  return { counts, exportedAt: document.exportedAt as string, schemaLevel: document.schemaLevel as string };
}
