/**
 * The operator command line: `npm run triad -- <command> [options]`.
 *
 * Every command is one entry in `commands`: a summary, a usage line, its options for
 * node:util's parseArgs, the names of its positional arguments, and `run`. Adding a command
 * (token:create, generate, ...) means adding an entry; parsing, help and errors come with it.
 *
 * Works on the database named by DATABASE_URL (default ./data/triad.db).
 * Exit codes: 0 done, 1 refused or failed, 2 bad usage.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs, type ParseArgsConfig } from "node:util";
import {
  applyMigrations,
  closeDb,
  databasePath,
  getDb,
  migrationsFolder,
  openDatabase,
  type Db,
} from "../db/client.server";
import { seedDemo, demoAccounts, DEMO_PASSWORD, type DemoProject } from "../app/demo/demo";
import { generateOrganisation } from "../bench/generate";
import { PROJECT_STATES, STAGES } from "../app/domain/vocabulary";
import { dateInputError } from "~/domain/dates";
import { DomainError, ValidationError } from "~/domain/errors";
import { disciplineLabel, projectStateLabel, roleLabel, stageShortLabel } from "~/domain/labels";
import { BackupError, restoreBackup } from "~/jobs/backups.server";
import { runNotificationPass } from "~/jobs/notify-pass.server";
import { ExportImportError, exportOrganisation, importOrganisation } from "~/models/export-import.server";
import { createToken } from "~/models/tokens.server";
import { countUsers, createUser, findUserByEmail } from "~/models/users.server";
import { newTokenSchema, newUserSchema } from "~/utils/validation";

/** Wrong command line: the message and the command's usage go to stderr, exit code 2. */
class UsageError extends Error {
  /** False for a bad option value whose message already says what to write: one line, no usage. */
  constructor(
    message: string,
    public readonly showUsage = true,
  ) {
    super(message);
  }
}
/** The command ran and refused or failed: the message (and details) go to stderr, exit code 1. */
class CommandError extends Error {
  constructor(
    message: string,
    public readonly details: string[] = [],
  ) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;
type Values = Record<string, string | boolean | undefined>;
type Input = { values: Values; args: Record<string, string> };

type Command = {
  summary: string;
  /** Options and arguments after the command name, as shown in help. */
  usage: string;
  /** More lines for `help <command>`. */
  details?: string[];
  options?: Options;
  /** Names of the required positional arguments, in order. */
  args?: string[];
  run(input: Input): Promise<void> | void;
};

let out: NodeJS.WritableStream = process.stdout;
const say = (line = "") => out.write(`${line}\n`);

const str = (values: Values, name: string) => {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
};

// ---------------------------------------------------------------- commands

async function userCreate({ values }: Input) {
  if (values.password !== undefined && values["password-stdin"]) {
    throw new UsageError("Give either --password or --password-stdin, not both.");
  }
  const password = values["password-stdin"]
    ? fs.readFileSync(0, "utf8").replace(/\r?\n$/, "")
    : str(values, "password");
  const parsed = newUserSchema.safeParse({
    email: str(values, "email"),
    name: str(values, "name"),
    discipline: str(values, "discipline"),
    role: str(values, "role") ?? "member",
    password,
  });
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      fields[String(issue.path[0] ?? "form")] ??= issue.message;
    }
    throw new ValidationError("The person was not created.", fields);
  }
  const user = await createUser({ actor: null, ...parsed.data });
  const access = `${disciplineLabel[user.discipline]}, ${roleLabel[user.role]}`;
  say(`Created ${user.name} <${user.email}> (${access}), id ${user.id}, in ${databasePath()}.`);
}

type JournalEntry = { tag: string; when: number };

function lastAppliedMigration(database: Db): number {
  const row = database.$client
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'")
    .get();
  if (!row) return 0;
  const last = database.$client.prepare("SELECT max(created_at) AS at FROM __drizzle_migrations").get() as {
    at: number | null;
  };
  return Number(last.at ?? 0);
}

function migrateCommand() {
  const file = databasePath();
  const journalPath = path.join(migrationsFolder(), "meta/_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalPath, "utf8")) as { entries: JournalEntry[] };
  const database = openDatabase(file);
  try {
    const before = lastAppliedMigration(database);
    applyMigrations(database);
    for (const entry of journal.entries.filter((e) => e.when > before)) {
      say(`Applied ${entry.tag}.sql to ${file}`);
    }
    say(`${file} is up to date (${journal.entries.length} migrations).`);
  } finally {
    database.$client.close();
  }
}

async function backupCommand({ args }: Input) {
  const source = databasePath();
  const target = path.resolve(args.file);
  if (!fs.existsSync(source)) throw new CommandError(`There is no database at ${source}.`);
  if (fs.existsSync(target)) {
    throw new CommandError(`${target} already exists. Triad never overwrites a backup: choose a new file name.`);
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // Opened without migrating: a backup taken before an upgrade must be the old schema.
  const database = openDatabase(source);
  try {
    const { totalPages } = await database.$client.backup(target);
    const copy = openDatabase(target);
    const check = copy.$client.pragma("quick_check", { simple: true });
    copy.$client.close();
    if (check !== "ok") throw new CommandError(`The copy failed its integrity check: ${check}`);
    const kib = Math.round(fs.statSync(target).size / 1024);
    say(`Backed up ${source} to ${target} (${totalPages} pages, ${kib} KiB, integrity ok).`);
  } finally {
    database.$client.close();
  }
}

/** See restoreBackup (app/jobs/backups.server.ts) and docs/operations.md, "Backups and restore". */
async function restoreCommand({ args, values }: Input) {
  const to = str(values, "to");
  if (values.to !== undefined && !to?.trim()) throw new UsageError("--to needs a database file.");
  const target = path.resolve(to?.trim() || databasePath());
  try {
    const { level, tag, keptAs } = await restoreBackup({ backup: args.backup, target });
    const kept = keptAs ? `; the previous file is kept as ${keptAs}` : "";
    say(`Restored ${path.resolve(args.backup)} to ${target} (integrity ok, migration level ${level}, ${tag})${kept}.`);
  } catch (error) {
    if (error instanceof BackupError) throw new CommandError(`${error.message} Nothing was changed.`);
    throw error;
  }
}

async function demoCommand() {
  const file = databasePath();
  const database = getDb();
  const existing = countUsers();
  if (existing > 0) {
    const people = existing === 1 ? "1 person" : `${existing} people`;
    throw new CommandError(`${file} already has ${people}; the demo fills only an empty database.`, [
      "Use a new file, for example:",
      "  DATABASE_URL=./data/demo.db npm run triad -- demo",
      "or simply `npm run demo`, which seeds ./data/demo.db once and starts the server.",
    ]);
  }
  const seed = await seedDemo(database, { now: Date.now() });
  const projects = Object.values(seed.projects);
  const count = <T extends string>(values: readonly T[], pick: (p: DemoProject) => T) =>
    values.map((value) => [value, projects.filter((p) => pick(p) === value).length] as const).filter(([, n]) => n > 0);
  const byStage = count(STAGES, (p) => p.stage).map(([s, n]) => `${n} ${stageShortLabel[s]}`);
  const byState = count(PROJECT_STATES, (p) => p.state).map(([s, n]) => `${n} ${projectStateLabel[s].toLowerCase()}`);
  say(`Demo organisation created in ${file}:`);
  say(`  ${Object.keys(seed.users).length} people`);
  say(`  ${projects.length} projects: ${byStage.join(", ")}; ${byState.join(", ")}`);
  say();
  say(`Sign in with any of these (password: ${DEMO_PASSWORD}):`);
  for (const { email, discipline, role, name, title } of demoAccounts()) {
    const columns = [email.padEnd(22), disciplineLabel[discipline].padEnd(14), roleLabel[role]];
    say(`  ${columns.join(" ").padEnd(46)} ${name}, ${title}`);
  }
}

/** docs/export-format.md describes the file; app/models/export-import.server.ts writes and reads it. */
function exportCommand({ args }: Input) {
  getDb(); // opens and migrates DATABASE_URL: an export is always written at the current schema level
  try {
    const { file, counts, bytes } = exportOrganisation(args.file);
    const kib = Math.max(1, Math.round(bytes / 1024));
    say(`Exported ${databasePath()} to ${file} (${kib} KiB, format triad.export/1):`);
    for (const [section, n] of Object.entries(counts)) say(`  ${section.padEnd(24)} ${String(n).padStart(9)}`);
    say("Password hashes, sessions, API tokens and webhooks are not in the file (docs/export-format.md).");
  } catch (error) {
    if (error instanceof ExportImportError) throw new CommandError(error.message);
    throw error;
  }
}

function importCommand({ args }: Input) {
  getDb();
  try {
    const { counts, exportedAt, schemaLevel } = importOrganisation(args.file);
    say(`Imported ${path.resolve(args.file)} (exported ${exportedAt}, schema ${schemaLevel}) into ${databasePath()}:`);
    for (const [section, n] of Object.entries(counts)) say(`  ${section.padEnd(24)} ${String(n).padStart(9)}`);
    say("Checks passed: references, seats, promoted and open gate reviews.");
    say();
    say("Nobody can sign in yet: an export carries no passwords, and each imported person got a random");
    say("password that matches nothing. Triad has no password-reset flow; create an admin with a new");
    say('e-mail (npm run triad -- user:create ... --role admin) and see docs/export-format.md, "After an import".');
  } catch (error) {
    if (error instanceof ExportImportError) throw new CommandError(error.message);
    throw error;
  }
}

function tokenCreate({ values }: Input) {
  // The app's one date rule (app/domain/dates.ts): 2099-02-30 is one clear line, not a stack trace.
  const expires = str(values, "expires")?.trim() ?? "";
  const dateProblem = expires ? dateInputError(expires) : null;
  if (dateProblem) throw new CommandError(`--expires ${expires}: ${dateProblem} Nothing was created.`);
  const parsed = newTokenSchema.safeParse({ name: str(values, "name"), expiresOn: expires });
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues)
      fields[issue.path[0] === "expiresOn" ? "expires" : String(issue.path[0] ?? "form")] ??= issue.message;
    throw new ValidationError("The token was not created.", fields);
  }
  const email = str(values, "email");
  const user = email ? findUserByEmail(email) : undefined;
  if (!user) throw new CommandError(`There is no person with the e-mail ${email ?? "(none given)"}.`);
  let created: ReturnType<typeof createToken>;
  try {
    created = createToken({ actor: null, userId: user.id, ...parsed.data });
  } catch (error) {
    if (error instanceof ValidationError && error.fields.expiresOn) {
      throw new ValidationError(error.message, { expires: error.fields.expiresOn });
    }
    throw error;
  }
  const { token, row } = created;
  const until = parsed.data.expiresOn ? `valid through ${parsed.data.expiresOn}` : "no expiry";
  process.stderr.write(
    `Created the API token “${row.name}” for ${user.name} <${user.email}> (${until}). It is shown once:\n`,
  );
  say(token);
}

function generateCommand({ values }: Input) {
  const number = (name: string, fallback: number) => {
    const raw = str(values, name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new UsageError(`--${name} must be a positive whole number.`);
    return Number(raw);
  };
  const projects = number("projects", 5000);
  const seed = number("seed", 1);
  const nowText = str(values, "now");
  const now = nowText === undefined ? undefined : Date.parse(nowText);
  if (now !== undefined && Number.isNaN(now)) throw new UsageError("--now must be a date such as 2025-06-01.");
  const file = databasePath();
  const database = openDatabase(file);
  try {
    applyMigrations(database);
    say(`Generating ${projects} projects (seed ${seed}) in ${file}…`);
    const result = generateOrganisation(database, { projects, seed, now, log: say });
    for (const [table, n] of Object.entries(result.counts)) say(`  ${table.padEnd(16)} ${String(n).padStart(9)}`);
    say(`Done in ${(result.elapsedMs / 1000).toFixed(1)} s. Everyone's password is ${result.bench.password};`);
    say(`sign in as ${result.bench.email} (admin).`);
  } catch (error) {
    if (error instanceof Error && /not empty/.test(error.message)) throw new CommandError(`${file}: ${error.message}`);
    throw error;
  } finally {
    database.$client.close();
  }
}

/** An instant written in ISO 8601 with a date, a time and a zone: 2027-01-10T09:00:00Z. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

function notifyRun({ values }: Input) {
  const asOf = str(values, "as-of")?.trim();
  let now = Date.now();
  if (asOf !== undefined) {
    // The pattern first; then the date must be a real calendar day (2027-02-30 is not rolled into March).
    const parsed = ISO_INSTANT.test(asOf) && dateInputError(asOf.slice(0, 10)) === null ? Date.parse(asOf) : Number.NaN;
    if (Number.isNaN(parsed)) {
      throw new UsageError(
        `--as-of "${asOf.slice(0, 40)}" is not an instant: write it as ISO 8601 with a zone, for example 2027-01-10T09:00:00Z. Nothing was sent.`,
        false,
      );
    }
    now = parsed;
  }
  const report = runNotificationPass({ now });
  say(`Notification pass as of ${new Date(now).toISOString()} on ${databasePath()}:`);
  for (const line of report.lines) say(`  ${line}`);
  if (report.lines.length === 0) say("  Nothing was due.");
  say(
    `Reminders: ${report.reminders}, escalations: ${report.escalations}, debt notices: ${report.debtNotices}, digests: ${report.digests}.`,
  );
}

const commands: Record<string, Command> = {
  "user:create": {
    summary: "Add a person (an admin or a member) to the organisation.",
    usage:
      "--email <e-mail> --name <name> --discipline business|data_science|it [--role admin|member] (--password <password> | --password-stdin)",
    details: [
      "The role defaults to member. --password-stdin reads the password from the first line of",
      "standard input, so it stays out of the shell history and the process list.",
    ],
    options: {
      email: { type: "string" },
      name: { type: "string" },
      discipline: { type: "string" },
      role: { type: "string" },
      password: { type: "string" },
      "password-stdin": { type: "boolean" },
    },
    run: userCreate,
  },
  migrate: {
    summary: "Apply pending database migrations (the server also does this at start).",
    usage: "",
    run: migrateCommand,
  },
  backup: {
    summary: "Write a consistent copy of the live database to a new file.",
    usage: "<file>",
    details: ["Safe while the server runs (SQLite's online backup). Refuses to overwrite an existing file."],
    args: ["file"],
    run: backupCommand,
  },
  restore: {
    summary: "Replace the database with a verified backup (the server must be stopped).",
    usage: "<backup> [--to <db file>]",
    details: [
      "Checks the backup first (integrity, a Triad schema no newer than this version) and refuses",
      "a target a running server has open. The target defaults to DATABASE_URL; the previous file",
      "is kept as <target>.before-restore-<UTC time>. Start the server afterwards: it migrates.",
    ],
    options: { to: { type: "string" } },
    args: ["backup"],
    run: restoreCommand,
  },
  demo: {
    summary: "Fill an empty database with the demo organisation (people, projects, history).",
    usage: "",
    details: [`Every demo account has the password ${DEMO_PASSWORD}.`],
    run: demoCommand,
  },
  export: {
    summary: "Write the whole organisation to a new JSON file (documented, versioned format).",
    usage: "<file.json>",
    details: [
      "The format is triad.export/1 (docs/export-format.md): ids kept, instants in ISO 8601, no",
      "password hashes, sessions, tokens or webhooks. Refuses to overwrite an existing file.",
    ],
    args: ["file"],
    run: exportCommand,
  },
  import: {
    summary: "Load an export into an EMPTY database, in one transaction, and check it.",
    usage: "<file.json>",
    details: [
      "Refuses a database that holds anyone or anything, an unknown format and a newer version.",
      "Imported people cannot sign in until a password is set for them (there is no reset flow).",
    ],
    args: ["file"],
    run: importCommand,
  },
  "token:create": {
    summary: "Create a personal access token for the JSON API and print it (once).",
    usage: "--email <e-mail> --name <name> [--expires YYYY-MM-DD]",
    details: ["The token acts as that person, with their permissions; only its hash is stored."],
    options: { email: { type: "string" }, name: { type: "string" }, expires: { type: "string" } },
    run: tokenCreate,
  },
  generate: {
    summary: "Fill an empty database with a large generated organisation (benchmarks, scale tests).",
    usage: "[--projects <n>] [--seed <n>] [--now YYYY-MM-DD]",
    details: ["Defaults: 5000 projects, seed 1, history up to today. Same seed and --now, same data."],
    options: { projects: { type: "string" }, seed: { type: "string" }, now: { type: "string" } },
    run: generateCommand,
  },
  "notify:run": {
    summary: "Run one notification pass: review reminders and escalations, debt due and overdue, digests.",
    usage: "[--as-of <ISO time>]",
    details: [
      "The server runs this pass every few minutes (TRIAD_NOTIFY_INTERVAL seconds, default 300).",
      "--as-of runs it as if the clock said that instant, e.g. 2027-01-10T09:00:00Z; what it writes",
      "is dated then. Nothing is ever sent twice: each notice is recorded, and a late pass sends",
      "only the latest reminder due.",
    ],
    options: { "as-of": { type: "string" } },
    run: notifyRun,
  },
  help: {
    summary: "Show the commands, or the details of one.",
    usage: "[<command>]",
    run: () => undefined, // handled in main
  },
};

// ---------------------------------------------------------------- plumbing

function usageOf(name: string): string {
  const command = commands[name];
  return `npm run triad -- ${name}${command.usage ? ` ${command.usage}` : ""}`;
}

function printHelp(name?: string) {
  if (name && commands[name]) {
    say(`Usage: ${usageOf(name)}`);
    say();
    say(commands[name].summary);
    for (const line of commands[name].details ?? []) say(line);
    return;
  }
  say("Triad operator commands. Usage: npm run triad -- <command> [options]");
  say("The database is DATABASE_URL (default ./data/triad.db).");
  say();
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  for (const [commandName, command] of Object.entries(commands)) {
    say(`  ${commandName.padEnd(width)}  ${command.summary}`);
  }
  say();
  say("Run `npm run triad -- help <command>` for a command's options.");
}

function parse(command: Command, argv: string[]): Input {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: command.options ?? {},
      allowPositionals: true,
      strict: true,
    }) as { values: Values; positionals: string[] };
  } catch (error) {
    // parseArgs' messages are clear ("Unknown option '--x'"); drop its advice about "--".
    throw new UsageError((error as Error).message.split(". To specify")[0]);
  }
  const names = command.args ?? [];
  if (parsed.positionals.length < names.length) {
    throw new UsageError(`Missing <${names[parsed.positionals.length]}>.`);
  }
  if (parsed.positionals.length > names.length) {
    throw new UsageError(`Unexpected argument "${parsed.positionals[names.length]}".`);
  }
  const args = Object.fromEntries(names.map((n, i) => [n, parsed.positionals[i]]));
  return { values: parsed.values, args };
}

const flagOf = (field: string) => (field === "form" ? "" : `--${field}: `);

/** Runs one command line; returns the exit code. Exported for tests. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name) {
    out = process.stderr;
    printHelp();
    out = process.stdout;
    return 2;
  }
  if (name === "help" || name === "--help" || name === "-h") {
    if (rest[0] && !commands[rest[0]]) {
      process.stderr.write(`triad: unknown command "${rest[0]}".\n`);
      return 2;
    }
    printHelp(rest[0]);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`triad: unknown command "${name}". Commands: ${Object.keys(commands).join(", ")}.\n`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    printHelp(name);
    return 0;
  }
  try {
    await command.run(parse(command, rest));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`triad ${name}: ${error.message}\n${error.showUsage ? `Usage: ${usageOf(name)}\n` : ""}`);
      return 2;
    }
    if (error instanceof ValidationError) {
      process.stderr.write(`triad ${name}: ${error.message}\n`);
      for (const [field, message] of Object.entries(error.fields)) {
        process.stderr.write(`  ${flagOf(field)}${message}\n`);
      }
      return 1;
    }
    if (error instanceof CommandError || error instanceof DomainError) {
      process.stderr.write(`triad ${name}: ${error.message}\n`);
      for (const line of error instanceof CommandError ? error.details : []) {
        process.stderr.write(`${line}\n`);
      }
      return 1;
    }
    process.stderr.write(`triad ${name} failed:\n${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  } finally {
    closeDb();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  // `npm run triad -- help | head` closes the pipe early: that is not an error.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
