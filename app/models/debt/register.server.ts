/**
 * The organisation-wide register (/debt, /debt.csv): one filter builder, so the page, its
 * totals and the CSV always select the same rows.
 */
import { and, asc, eq, inArray, isNull, not, sql, type SQL } from "drizzle-orm";
import { alias, type AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import { db } from "../../../db/client.server";
import { debtItems, projects, users } from "../../../db/schema";
import { accruedInterest, categoryLabel, type OverdueReason } from "~/domain/debt";
import { ValidationError } from "~/domain/errors";
import { pagingError } from "~/domain/limits";
import type { DebtFilters, DebtSort } from "~/domain/debt";
import { memoUntilWrite } from "../data-version.server";
import { streamOnOwnConnection, type RowStream } from "../own-snapshot.server";
import { UNSETTLED } from "./shared.server";

export const DEBT_PAGE_SIZE = 50;

/**
 * Overdue, in SQL, exactly as domain `isOverdue`: open or repaying, and the target date or an
 * unfinished step's due date is before `today`.
 */
export function overdueSql(today: string): SQL {
  // Written with qualified names on purpose: drizzle leaves columns unqualified in the select
  // list of a single-table query, and inside the subquery "id" would then mean the step's id.
  const item = (column: string) => sql.raw(`"debt_items"."${column}"`);
  return sql`(${item("status")} in ('open', 'repaying') and ((${item("target_date")} is not null and ${item("target_date")} < ${today}) or exists (select 1 from "repayment_steps" as "rs" where "rs"."debt_item_id" = ${item("id")} and "rs"."done_at" is null and "rs"."due_date" is not null and "rs"."due_date" < ${today})))`;
}

/**
 * The unfinished step of an open item whose due date passed first, as "number|due date"
 * (its number in the plan, 1-based), or null: the "Step 2 overdue since …" of the badge
 * (domain `overdueReason`), in the same query as the row.
 */
export function overdueStepSql(today: string): SQL {
  const item = (column: string) => sql.raw(`"debt_items"."${column}"`);
  return sql`(case when ${item("status")} in ('open', 'repaying') then (select (select count(*) from "repayment_steps" as "rn" where "rn"."debt_item_id" = "rs"."debt_item_id" and ("rn"."position" < "rs"."position" or ("rn"."position" = "rs"."position" and "rn"."id" <= "rs"."id"))) || '|' || "rs"."due_date" from "repayment_steps" as "rs" where "rs"."debt_item_id" = ${item("id")} and "rs"."done_at" is null and "rs"."due_date" is not null and "rs"."due_date" < ${today} order by "rs"."due_date", "rs"."position", "rs"."id" limit 1) end)`;
}

function orgWhere(filters: DebtFilters, today: string): SQL | undefined {
  const where: SQL[] = [];
  if (filters.register) where.push(eq(debtItems.register, filters.register));
  if (filters.status === "unpaid") where.push(inArray(debtItems.status, UNSETTLED));
  else if (filters.status) where.push(eq(debtItems.status, filters.status));
  if (filters.severity) where.push(eq(debtItems.severity, filters.severity));
  if (filters.category) where.push(eq(debtItems.category, filters.category));
  if (filters.project) where.push(eq(debtItems.projectId, filters.project));
  if (filters.owner === "none") where.push(isNull(debtItems.ownerId));
  else if (filters.owner) where.push(eq(debtItems.ownerId, filters.owner));
  if (filters.projectName) {
    where.push(
      sql`${debtItems.projectId} in (select ${projects.id} from ${projects} where ${projects.name} like ${likeContains(filters.projectName)} escape '\\')`,
    );
  }
  if (filters.ownerName) {
    where.push(
      sql`${debtItems.ownerId} in (select ${users.id} from ${users} where ${users.name} like ${likeContains(filters.ownerName)} escape '\\')`,
    );
  }
  if (filters.overdue === "yes") where.push(overdueSql(today));
  if (filters.overdue === "no") where.push(not(overdueSql(today)));
  return where.length ? and(...where) : undefined;
}

/** `%text%` for LIKE, with the wildcards in the text taken literally. */
const likeContains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const orgOwner = alias(users, "owner");

function orgColumns(today: string) {
  return {
    id: debtItems.id,
    projectId: debtItems.projectId,
    projectSlug: projects.slug,
    projectName: projects.name,
    register: debtItems.register,
    title: debtItems.title,
    description: debtItems.description,
    category: debtItems.category,
    benefit: debtItems.benefit,
    stageIncurred: debtItems.stageIncurred,
    severity: debtItems.severity,
    status: debtItems.status,
    statusNote: debtItems.statusNote,
    acceptedJustification: debtItems.acceptedJustification,
    acceptedReviewDate: debtItems.acceptedReviewDate,
    ownerId: debtItems.ownerId,
    ownerName: orgOwner.name,
    principalDays: debtItems.principalDays,
    interestDays: debtItems.interestDays,
    strategy: debtItems.strategy,
    targetDate: debtItems.targetDate,
    repayBeforeStage: debtItems.repayBeforeStage,
    openedAt: debtItems.openedAt,
    repaidAt: debtItems.repaidAt,
    writtenOffAt: debtItems.writtenOffAt,
    overdue: sql<number>`${overdueSql(today)}`,
    overdueStep: sql<string | null>`${overdueStepSql(today)}`,
  };
}

function orgOrder(filters: DebtFilters, today: string): SQL[] {
  const dir = filters.dir === "asc" ? sql`asc` : sql`desc`;
  const rank = (column: AnySQLiteColumn, values: readonly string[]) =>
    sql`(case ${column} ${sql.join(
      values.map((v, i) => sql`when ${v} then ${i}`),
      sql` `,
    )} else ${values.length} end)`;
  const end = sql`coalesce(case ${debtItems.status} when 'repaid' then date(${debtItems.repaidAt} / 1000, 'unixepoch') when 'written_off' then date(${debtItems.writtenOffAt} / 1000, 'unixepoch') end, ${today})`;
  // Sorting only: months approximated by days / 30.436875; displayed values are exact.
  const accrued = sql`(${debtItems.interestDays} * max(0, julianday(${end}) - julianday(date(${debtItems.openedAt} / 1000, 'unixepoch'))) / 30.436875)`;
  const expressions: Record<DebtSort, SQL> = {
    project: sql`lower(${projects.name})`,
    title: sql`lower(${debtItems.title})`,
    register: sql`${debtItems.register}`,
    category: sql`${debtItems.category}`,
    severity: rank(debtItems.severity, ["low", "medium", "high", "critical"]),
    status: rank(debtItems.status, ["open", "repaying", "accepted", "repaid", "written_off"]),
    owner: sql`lower(${orgOwner.name})`,
    principal: sql`${debtItems.principalDays}`,
    interest: sql`${debtItems.interestDays}`,
    accrued,
    target: sql`${debtItems.targetDate}`,
    overdue: overdueSql(today),
    opened: sql`${debtItems.openedAt}`,
  };
  const nullable = filters.sort === "owner" || filters.sort === "target";
  return [
    sql`${expressions[filters.sort]} ${dir}${nullable ? sql` nulls last` : sql``}`,
    sql`${rank(debtItems.severity, ["low", "medium", "high", "critical"])} desc`,
    sql`${debtItems.targetDate} asc nulls last`,
    asc(debtItems.id),
  ];
}

type OrgRaw = ReturnType<ReturnType<typeof orgQuery>["all"]>[number];

function orgQuery(filters: DebtFilters, today: string) {
  return db
    .select(orgColumns(today))
    .from(debtItems)
    .innerJoin(projects, eq(projects.id, debtItems.projectId))
    .leftJoin(orgOwner, eq(orgOwner.id, debtItems.ownerId))
    .where(orgWhere(filters, today))
    .orderBy(...orgOrder(filters, today));
}

/** A row as the query gives it, without the overdue step (which only `finishRow` reads). */
type OrgFields = Omit<OrgRaw, "overdueStep">;

/**
 * A row of the org-wide register with the numbers the domain computes, added to the row itself:
 * a download finishes 100,000 rows, and copying each one (a spread of its 26 fields) cost more
 * than the query.
 */
function finishRow(row: OrgFields, overdueStep: string | null, today: string) {
  const overdue = Boolean(row.overdue);
  return Object.assign(row as Omit<OrgFields, "overdue">, {
    overdue,
    overdueReason: orgOverdueReason(overdue, row.targetDate, overdueStep, today),
    categoryLabel: categoryLabel(row.register, row.category),
    accruedInterestDays: accruedInterest(row, today),
  });
}

/** finishRow for a row straight from the query builder. */
const finishQueryRow = ({ overdueStep, ...row }: OrgRaw, today: string) => finishRow(row, overdueStep, today);

export type OrgDebtRow = ReturnType<typeof finishRow>;

/** Domain `overdueReason` from the row and its earliest overdue step (overdueStepSql). */
function orgOverdueReason(
  overdue: boolean,
  targetDate: string | null,
  overdueStep: string | null,
  today: string,
): OverdueReason | null {
  if (!overdue) return null;
  if (targetDate && targetDate < today) return { what: "item", since: targetDate };
  const [step, since] = (overdueStep ?? "").split("|");
  return step && since ? { what: "step", step: Number(step), since } : null;
}

export type OrgDebtTotals = {
  count: number;
  openCount: number;
  principalDays: number;
  accruedInterestDays: number;
  overdueCount: number;
};

/** Totals of the whole filtered set (not just the page). */
export function orgDebtTotals(filters: DebtFilters, today: string): OrgDebtTotals {
  const where = orgWhere(filters, today);
  const unsettled = sql`${debtItems.status} in ('open', 'repaying')`;
  const sums = db
    .select({
      count: sql<number>`count(*)`,
      openCount: sql<number>`coalesce(sum(case when ${unsettled} then 1 else 0 end), 0)`,
      principalDays: sql<number>`coalesce(sum(case when ${unsettled} then ${debtItems.principalDays} else 0 end), 0)`,
      overdueCount: sql<number>`coalesce(sum(case when ${overdueSql(today)} then 1 else 0 end), 0)`,
    })
    .from(debtItems)
    .where(where)
    .get()!;
  // Interest needs calendar months (domain monthsBetween), so it is summed here, row by row.
  const interestRows = db
    .select({
      interestDays: debtItems.interestDays,
      openedAt: debtItems.openedAt,
      repaidAt: debtItems.repaidAt,
      writtenOffAt: debtItems.writtenOffAt,
      status: debtItems.status,
    })
    .from(debtItems)
    .where(and(where, sql`${debtItems.interestDays} > 0`))
    .all();
  const accruedInterestDays = interestRows.reduce((sum, row) => sum + accruedInterest(row, today), 0);
  return { ...sums, accruedInterestDays };
}

/** One page of the org-wide register, its totals and page count. */
type OrgDebtInput = { filters: DebtFilters; today: string; pageSize?: number };
const registerCache = new Map<string, { version: string; value: ReturnType<typeof computeOrgDebt> }>();

/** One page of the org-wide register with its totals, remembered until the next write. */
export function listOrgDebt(input: OrgDebtInput) {
  const badPaging = pagingError(input.filters.page, input.pageSize ?? DEBT_PAGE_SIZE);
  if (badPaging) throw new ValidationError(badPaging, { page: badPaging });
  const key = JSON.stringify([input.filters, input.today, input.pageSize ?? DEBT_PAGE_SIZE]);
  return memoUntilWrite(registerCache, key, () => computeOrgDebt(input));
}

function computeOrgDebt({ filters, today, pageSize = DEBT_PAGE_SIZE }: OrgDebtInput) {
  const totals = orgDebtTotals(filters, today);
  const pages = Math.max(1, Math.ceil(totals.count / pageSize));
  const page = Math.min(filters.page, pages);
  const rows = orgQuery(filters, today)
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .all()
    .map((row) => finishQueryRow(row, today));
  return { rows, totals, page, pages, pageSize };
}

/**
 * Every row of the filtered set, in the page's order, one at a time, for the CSV download,
 * through a read-only connection of its own (own-snapshot.server.ts). Call `close` when done
 * (csvStream does, also when the client goes away).
 */
export function iterateOrgDebt(filters: DebtFilters, today: string): RowStream<OrgDebtRow> {
  const keys = Object.keys(orgColumns(today)) as (keyof OrgRaw)[];
  const stepAt = keys.indexOf("overdueStep");
  return streamOnOwnConnection(orgQuery(filters, today), (values) => {
    const row = {} as Record<string, unknown>;
    for (let i = 0; i < keys.length; i++) if (i !== stepAt) row[keys[i]] = values[i];
    return finishRow(row as OrgFields, values[stepAt] as string | null, today);
  });
}

/** Choices for the /debt filter form: projects, and people who own debt. */
/** Above this many projects or owners, the filter form asks for a name instead of a list. */
export const FILTER_LIST_LIMIT = 150;

const optionsCache = new Map<string, { version: string; value: ReturnType<typeof computeFilterOptions> }>();

/**
 * Choices for the /debt filter form: the projects and the people who own debt, or null for
 * either when there are too many to list (the form then searches by name).
 */
export function orgDebtFilterOptions() {
  return memoUntilWrite(optionsCache, "all", computeFilterOptions);
}

function computeFilterOptions() {
  const projectOptions = db
    .select({ id: projects.id, name: projects.name })
    .from(projects)
    .orderBy(asc(projects.name))
    .limit(FILTER_LIST_LIMIT + 1)
    .all();
  const owners = db
    .selectDistinct({ id: users.id, name: users.name })
    .from(debtItems)
    .innerJoin(users, eq(users.id, debtItems.ownerId))
    .orderBy(asc(users.name))
    .limit(FILTER_LIST_LIMIT + 1)
    .all();
  return {
    projects: projectOptions.length > FILTER_LIST_LIMIT ? null : projectOptions,
    owners: owners.length > FILTER_LIST_LIMIT ? null : owners,
  };
}
