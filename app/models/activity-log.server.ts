/**
 * The organisation-wide audit log for admins (/admin/activity and /admin/activity.csv): every
 * activity row (sign-ins and failed sign-ins, tokens, webhooks, people, gate checklists and every
 * project change), newest first, filtered by actor, action, project and a time range. One filter
 * builder serves the page and the CSV, so both always select the same rows in the same order.
 *
 * Order and paging: newest first is `at desc, id desc`, paged by keyset (the last row's
 * `(at, id)`), never by offset. Each filter is served by an index of docs/domain.md's audit
 * log, read in that order so a page stops after its rows:
 * - an actor: activity_actor_idx (actor_id, at); an action: activity_action_idx (action, at);
 * - a project: activity_project_idx (project_id, id), sorting only that project's rows;
 * - none of these (a time range at most): activity_action_idx with `action IN (every action
 *   there is)`. SQLite reads each action's rows in time order and stops each after a page, so
 *   the page costs (number of actions) x (page size) rows whatever the size of the log. The list
 *   of actions is read in the same transaction, so no row is left out.
 * tests/integration/admin-activity.test.ts checks these plans on a generated organisation.
 */
import { and, asc, desc, eq, gte, inArray, isNull, lt, lte, or, sql, type SQL } from "drizzle-orm";
import { db, type Tx } from "../../db/client.server";
import { activity, projects, users } from "../../db/schema";
import { addDays, startOfDateInZone } from "~/domain/dates";
import { ValidationError } from "~/domain/errors";
import { activityActionLabel } from "~/domain/labels";
import { MAX_MODEL_PAGE_SIZE } from "~/domain/limits";
import type { CsvValue } from "~/lib/csv.server";
import { memoUntilWrite } from "./data-version.server";
import { streamOnOwnConnection, type RowStream } from "./own-snapshot.server";

export const ACTIVITY_LOG_PAGE_SIZE = 50;

/** What the log is filtered by; every part is optional and they combine with "and". */
export type ActivityLogQuery = {
  /** People by id, or "nobody": rows without a signed-in person (failed sign-ins for unknown e-mail addresses, operator commands). */
  actor?: readonly number[] | "nobody";
  action?: string;
  projects?: readonly number[];
  /** Instants in milliseconds: `from` included, `until` excluded. */
  from?: number;
  until?: number;
};

/** A position in the log: the `(at, id)` of a row. */
export type LogCursor = { at: number; id: number };

const logColumns = {
  id: activity.id,
  at: activity.at,
  actorId: activity.actorId,
  actorName: users.name,
  action: activity.action,
  projectId: activity.projectId,
  projectSlug: projects.slug,
  projectName: projects.name,
  entityType: activity.entityType,
  entityId: activity.entityId,
  summary: activity.summary,
  before: activity.before,
  after: activity.after,
  via: activity.via,
};

export type ActivityLogRow = {
  id: number;
  at: number;
  actorId: number | null;
  actorName: string | null;
  action: string;
  projectId: number | null;
  projectSlug: string | null;
  projectName: string | null;
  entityType: string;
  entityId: number | null;
  summary: string;
  before: string | null;
  after: string | null;
  via: string;
};

type Reader = typeof db | Tx;

/** The filters as SQL; `everyAction` (all actions in the log) when nothing else picks an index. */
function filterWhere(query: ActivityLogQuery, everyAction?: readonly string[]): SQL[] {
  const where: SQL[] = [];
  if (query.actor === "nobody") where.push(isNull(activity.actorId));
  else if (query.actor) where.push(inArray(activity.actorId, [...query.actor]));
  if (query.action !== undefined) where.push(eq(activity.action, query.action));
  else if (everyAction && query.actor === undefined && query.projects === undefined) {
    where.push(inArray(activity.action, [...everyAction]));
  }
  if (query.projects) where.push(inArray(activity.projectId, [...query.projects]));
  if (query.from !== undefined) where.push(gte(activity.at, query.from));
  if (query.until !== undefined) where.push(lt(activity.at, query.until));
  return where;
}

/** Rows strictly older (`dir` "older") or newer than `cursor`, written so the `at` bound uses the index. */
function beyond(cursor: LogCursor, dir: "older" | "newer"): SQL {
  return dir === "older"
    ? and(lte(activity.at, cursor.at), or(lt(activity.at, cursor.at), lt(activity.id, cursor.id)))!
    : and(gte(activity.at, cursor.at), or(sql`${activity.at} > ${cursor.at}`, sql`${activity.id} > ${cursor.id}`))!;
}

function selectRows(database: Reader, where: SQL[], dir: "older" | "newer", limit?: number) {
  const order = dir === "older" ? [desc(activity.at), desc(activity.id)] : [asc(activity.at), asc(activity.id)];
  const base = database
    .select(logColumns)
    .from(activity)
    .leftJoin(users, eq(users.id, activity.actorId))
    .leftJoin(projects, eq(projects.id, activity.projectId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(...order);
  return limit === undefined ? base : base.limit(limit);
}

/** Every action the log holds, in one index walk per action (not a scan of the log). */
function distinctActions(database: Reader): string[] {
  const rows = database.all<{ action: string }>(sql`
    with recursive actions(action) as (
      select min(${activity.action}) from ${activity}
      union all
      select (select min(${activity.action}) from ${activity} where ${activity.action} > actions.action)
      from actions where actions.action is not null
    )
    select action from actions where action is not null`);
  return rows.map((r) => r.action);
}

export type ActivityLogPage = {
  rows: ActivityLogRow[];
  /** Where the next older page starts, or null at the oldest row. */
  older: LogCursor | null;
  /** Where the next newer page starts (its rows are newer than this), or null on the newest page. */
  newer: LogCursor | null;
};

const cursorOf = (row: ActivityLogRow): LogCursor => ({ at: row.at, id: row.id });

/**
 * One page of the log, newest first: the newest rows, the rows older than `before`, or the
 * rows just newer than `after` (the newest page when fewer than a page are newer).
 */
export function listActivityLog({
  query,
  before,
  after,
  limit = ACTIVITY_LOG_PAGE_SIZE,
}: {
  query: ActivityLogQuery;
  before?: LogCursor;
  after?: LogCursor;
  limit?: number;
}): ActivityLogPage {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_MODEL_PAGE_SIZE) {
    throw new ValidationError(`Ask for 1 to ${MAX_MODEL_PAGE_SIZE} rows a page.`);
  }
  // One read transaction: the list of actions and the page see the same log.
  return db.transaction((tx) => {
    const filters = filterWhere(query, distinctActions(tx));
    const byEveryAction = query.actor === undefined && query.action === undefined && query.projects === undefined;
    const read = (where: SQL[], dir: "older" | "newer", n: number) => readPage(tx, where, dir, n, byEveryAction);
    const olderThan = (row: ActivityLogRow | undefined) =>
      row && read([...filters, beyond(cursorOf(row), "older")], "older", 1).length > 0 ? cursorOf(row) : null;
    if (after) {
      const found = read([...filters, beyond(after, "newer")], "newer", limit + 1);
      if (found.length > limit) {
        const rows = found.slice(0, limit).reverse();
        return { rows, newer: cursorOf(rows[0]), older: olderThan(rows.at(-1)) };
      }
    }
    const found = read(before ? [...filters, beyond(before, "older")] : filters, "older", limit + 1);
    const rows = found.slice(0, limit);
    const newest = rows[0];
    const hasNewer =
      before !== undefined &&
      newest !== undefined &&
      read([...filters, beyond(cursorOf(newest), "newer")], "newer", 1).length > 0;
    return {
      rows,
      older: found.length > limit ? cursorOf(rows[limit - 1]) : null,
      newer: hasNewer ? cursorOf(newest) : null,
    };
  });
}

/**
 * Up to `limit` rows in `dir` order. Filtered by actor, action or project, SQLite walks that
 * filter's index by itself. Otherwise (`byEveryAction`, the filter being `action IN (every
 * action)`) the planner would rather sort the whole log, so the page's ids are read first from
 * activity_action_idx, named (`INDEXED BY`) and covering, then their rows by primary key.
 */
function readPage(tx: Reader, where: SQL[], dir: "older" | "newer", limit: number, byEveryAction: boolean) {
  if (!byEveryAction) return selectRows(tx, where, dir, limit).all();
  const order =
    dir === "older" ? sql`${activity.at} desc, ${activity.id} desc` : sql`${activity.at} asc, ${activity.id} asc`;
  const ids = tx
    .all<{ id: number }>(
      sql`select ${activity.id} as id from ${activity} indexed by activity_action_idx where ${and(...where)} order by ${order} limit ${limit}`,
    )
    .map((r) => r.id);
  if (ids.length === 0) return [];
  return selectRows(tx, [inArray(activity.id, ids)], dir).all();
}

/**
 * Every row of the filtered log, newest first, one at a time, for the CSV download, through a
 * read-only connection of its own (own-snapshot.server.ts). Call `close` when done.
 */
export function iterateActivityLog(query: ActivityLogQuery): RowStream<ActivityLogRow> {
  const keys = Object.keys(logColumns) as (keyof ActivityLogRow)[];
  return streamOnOwnConnection(selectRows(db, filterWhere(query), "older"), (values) => {
    const row = {} as Record<string, unknown>;
    for (let i = 0; i < keys.length; i++) row[keys[i]] = values[i];
    return row as ActivityLogRow;
  });
}

// ---------- the filter form's choices ----------

/** Above this many projects or people, the filter form asks for a name instead of a list. */
export const LOG_FILTER_LIST_LIMIT = 150;

const optionsCache = new Map<string, { version: string; value: ReturnType<typeof computeFilterOptions> }>();

/**
 * The choices of the filter form: every action the log holds, and the projects and people
 * (null for either when there are too many to list: the form then asks for a name).
 */
export function activityLogFilterOptions() {
  return memoUntilWrite(optionsCache, "all", computeFilterOptions);
}

function computeFilterOptions() {
  const projectOptions = db
    .select({ id: projects.id, name: projects.name })
    .from(projects)
    .orderBy(asc(projects.name), asc(projects.id))
    .limit(LOG_FILTER_LIST_LIMIT + 1)
    .all();
  const people = db
    .select({ id: users.id, name: users.name })
    .from(users)
    .orderBy(asc(users.name), asc(users.id))
    .limit(LOG_FILTER_LIST_LIMIT + 1)
    .all();
  const actions = distinctActions(db)
    .map((action) => ({ action, label: activityActionLabel(action) }))
    .sort((a, b) => a.label.localeCompare(b.label, "en") || a.action.localeCompare(b.action));
  return {
    actions,
    projects: projectOptions.length > LOG_FILTER_LIST_LIMIT ? null : projectOptions,
    people: people.length > LOG_FILTER_LIST_LIMIT ? null : people,
  };
}

/** `%text%` for LIKE, with the wildcards in the text taken literally. */
const likeContains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** People whose name contains `text` (at most `limit`, by name): the actor filter of a large organisation. */
export function findPeopleByName(text: string, limit: number): Array<{ id: number; name: string }> {
  return db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(sql`${users.name} like ${likeContains(text)} escape '\\'`)
    .orderBy(asc(users.name), asc(users.id))
    .limit(limit)
    .all();
}

/** Projects whose name contains `text` (at most `limit`, by name): the project filter of a large organisation. */
export function findProjectsByName(text: string, limit: number): Array<{ id: number; name: string }> {
  return db
    .select({ id: projects.id, name: projects.name })
    .from(projects)
    .where(sql`${projects.name} like ${likeContains(text)} escape '\\'`)
    .orderBy(asc(projects.name), asc(projects.id))
    .limit(limit)
    .all();
}

/** Name searches match at most this many people, and projects; more is "type more of the name". */
export const MAX_PEOPLE_MATCHES = 50;
export const MAX_PROJECT_MATCHES = 20;

type NameSearch = "actorName" | "projectName";

/** The filters as the page and the CSV parse them from the query string (app/utils/admin-validation.ts). */
export type LogFilterInput = {
  actor?: number | "none";
  actorName?: string;
  action?: string;
  project?: number;
  projectName?: string;
  /** Calendar dates YYYY-MM-DD, both included. */
  from?: string;
  to?: string;
};

/**
 * The filters as a query of the log: name searches become the ids they match, calendar dates
 * the instants that bound them: `from` from the start of that day, `to` to the end of that
 * day, both in `zone` (the viewer's, the zone the page shows its times in). A name matching
 * too many people or projects is left out, with what to do next; one matching nobody selects
 * nothing, and says so.
 */
export function resolveLogFilters(
  input: LogFilterInput,
  zone: string,
): {
  query: ActivityLogQuery;
  problems: Partial<Record<NameSearch, string>>;
  /** The name searches left out (they match too many). */
  ignored: NameSearch[];
  matched: { people: string[] | null; projects: string[] | null };
} {
  const query: ActivityLogQuery = {};
  const problems: Partial<Record<NameSearch, string>> = {};
  const ignored: NameSearch[] = [];
  const matched: { people: string[] | null; projects: string[] | null } = { people: null, projects: null };
  if (input.actor === "none") query.actor = "nobody";
  else if (input.actor !== undefined) query.actor = [input.actor];
  if (input.actorName !== undefined && query.actor !== "nobody") {
    const people = findPeopleByName(input.actorName, MAX_PEOPLE_MATCHES + 1);
    if (people.length > MAX_PEOPLE_MATCHES) {
      problems.actorName = `More than ${MAX_PEOPLE_MATCHES} people's names contain “${input.actorName}”: type more of the name.`;
      ignored.push("actorName");
    } else {
      const ids = people.map((p) => p.id);
      query.actor = query.actor ? query.actor.filter((id) => ids.includes(id)) : ids;
      matched.people = people.map((p) => p.name);
      if (people.length === 0) problems.actorName = `No one's name contains “${input.actorName}”.`;
    }
  }
  if (input.action !== undefined) query.action = input.action;
  if (input.project !== undefined) query.projects = [input.project];
  if (input.projectName !== undefined) {
    const found = findProjectsByName(input.projectName, MAX_PROJECT_MATCHES + 1);
    if (found.length > MAX_PROJECT_MATCHES) {
      problems.projectName = `More than ${MAX_PROJECT_MATCHES} project names contain “${input.projectName}”: type more of the name.`;
      ignored.push("projectName");
    } else {
      const ids = found.map((p) => p.id);
      query.projects = query.projects ? query.projects.filter((id) => ids.includes(id)) : ids;
      matched.projects = found.map((p) => p.name);
      if (found.length === 0) problems.projectName = `No project's name contains “${input.projectName}”.`;
    }
  }
  if (input.from !== undefined) query.from = startOfDateInZone(input.from, zone);
  if (input.to !== undefined) query.until = startOfDateInZone(addDays(input.to, 1), zone);
  return { query, problems, ignored, matched };
}

/** The names of the people and projects a filter names by id (for the page's heading and fields). */
export function namesOf({
  people = [],
  projectIds = [],
}: {
  people?: readonly number[];
  projectIds?: readonly number[];
}) {
  return {
    people: people.length
      ? db
          .select({ id: users.id, name: users.name })
          .from(users)
          .where(inArray(users.id, [...people]))
          .all()
      : [],
    projects: projectIds.length
      ? db
          .select({ id: projects.id, name: projects.name })
          .from(projects)
          .where(inArray(projects.id, [...projectIds]))
          .all()
      : [],
  };
}

// ---------- the CSV ----------

export const ACTIVITY_CSV_HEADER = [
  "ID",
  "When (UTC)",
  "Actor ID",
  "Actor",
  "Action",
  "Action code",
  "Project",
  "Project slug",
  "Entity type",
  "Entity ID",
  "Summary",
  "Via",
  "Before (JSON)",
  "After (JSON)",
] as const;

/** One CSV record: the instant in ISO 8601 (UTC), the action's label and its code, before and after as stored. */
export function activityCsvCells(row: ActivityLogRow): CsvValue[] {
  return [
    row.id,
    new Date(row.at).toISOString(),
    row.actorId,
    row.actorName,
    activityActionLabel(row.action),
    row.action,
    row.projectName,
    row.projectSlug,
    row.entityType,
    row.entityId,
    row.summary,
    row.via,
    row.before,
    row.after,
  ];
}
