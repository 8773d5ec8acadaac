/**
 * Search (docs/domain.md, "Search"): one query over projects, requirements, debt items, review
 * comments and people, read from the SQLite FTS5 index `search_index` that migration 0008
 * builds and its triggers keep in step with every write, in the writer's own transaction.
 *
 * An entry's rowid is the row's id * 8 + its kind's code (KIND_CODE); the index's `kind` and
 * `stage` columns are the filters, so a filtered search never reads what it leaves out. What a
 * person types is never handed to FTS5 as syntax: it is cut into words, each word or quoted
 * phrase becomes a quoted FTS5 string, the last word also matches as a prefix ("requir" finds
 * "requirement"), and every word must appear in the title or the text (searchExpression).
 * Snippets come back with marker characters around the matched words; `segmentsOf` turns them
 * into plain-text segments, which the page renders as <mark> elements (never as HTML).
 */
import { eq, inArray, sql } from "drizzle-orm";
import { db } from "../../db/client.server";
import { debtItems, gateReviews, projects, requirements, reviewComments, users } from "../../db/schema";
import { stageShortLabel } from "~/domain/labels";
import { pagingError } from "~/domain/limits";
import { memoUntilWrite } from "./data-version.server";
import {
  STAGES,
  type DebtStatus,
  type Discipline,
  type Priority,
  type ProjectState,
  type Register,
  type Role,
  type Severity,
  type Stage,
} from "~/domain/vocabulary";

export const SEARCH_KINDS = ["project", "requirement", "debt", "comment", "person"] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

/** The rowid code of each kind in `search_index` (migration 0008_search.sql). */
const KIND_CODE: Record<SearchKind, number> = { project: 1, requirement: 2, debt: 3, comment: 4, person: 5 };
const KIND_OF_CODE = new Map(SEARCH_KINDS.map((kind) => [KIND_CODE[kind], kind]));

/** The longest search read, in characters (the search box's limit); the rest is ignored. */
export const SEARCH_MAX_LENGTH = 100;
/** The most words a search matches on; further words are ignored. */
export const SEARCH_MAX_WORDS = 12;
export const SEARCH_PAGE_SIZE = 20;
/**
 * Above this many matches the results are listed unranked: ranking scores every match, so a
 * word found almost everywhere ("the", in 150,000 entries at the benchmark's scale) would take
 * a few hundred milliseconds. The page says so and suggests a word or a filter to narrow it.
 */
export const SEARCH_RANK_LIMIT = 10_000;

/** The markers FTS5 puts around matched words (private-use characters, removed from queries). */
const OPEN = "\uE000";
const CLOSE = "\uE001";
const MARKERS = /[\uE000\uE001]/g;

/** A piece of a title or snippet; `match` is a word the search matched. */
export type Segment = { text: string; match: boolean };

// ---------- the query ----------

/** What FTS5's unicode61 tokenizer treats as a word: letters, digits and combining marks. */
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
/** A quoted phrase (closed), or a run of anything but spaces and quotes. A lone quote is dropped. */
const CHUNK = /"([^"]*)"|([^\s"]+)/g;

/**
 * The FTS5 expression for what a person typed, or null when it holds no word. Never a syntax
 * error whatever the input (`"`, `*`, `NEAR(`, `-`, `AND`...): each word or quoted phrase
 * becomes a quoted string of letters and digits (`ada.lovelace@x.com` is the phrase
 * "ada lovelace x com"), all of them must match, and the last one also matches as a prefix
 * when it was not quoted and is two characters or more.
 */
export function searchExpression(input: string): string | null {
  const text = input.normalize("NFC").replace(MARKERS, " ").slice(0, SEARCH_MAX_LENGTH);
  const phrases: { words: string[]; quoted: boolean }[] = [];
  let budget = SEARCH_MAX_WORDS;
  for (const match of text.matchAll(CHUNK)) {
    if (budget === 0) break;
    const quoted = match[1] !== undefined;
    const words = ((quoted ? match[1] : match[2]).match(WORD) ?? []).slice(0, budget);
    if (!words.length) continue;
    budget -= words.length;
    phrases.push({ words, quoted });
  }
  if (!phrases.length) return null;
  return phrases
    .map(({ words, quoted }, i) => {
      const prefix = i === phrases.length - 1 && !quoted && words[words.length - 1].length >= 2;
      return `"${words.join(" ")}"${prefix ? "*" : ""}`;
    })
    .join(" ");
}

/**
 * The whole MATCH: the words in the title or text, and the filters on the index's own columns.
 * Only admins find deactivated people (docs/domain.md, "Search"): as when adding a member, a
 * deactivated account is not told apart from an unknown one. Their entries' kind is
 * "person deactivated" (migration 0008).
 */
function matchOf(expression: string, filters: { kind?: SearchKind; stage?: Stage; admin: boolean }): string {
  let match = `{title body} : (${expression})`;
  // Both values are checked against their lists by the callers' parsers and again here.
  if (filters.kind && SEARCH_KINDS.includes(filters.kind)) match += ` AND kind : "${filters.kind}"`;
  if (filters.stage && STAGES.includes(filters.stage)) match += ` AND stage : "${filters.stage}"`;
  return filters.admin ? match : `${match} NOT kind : "deactivated"`;
}

// ---------- snippets ----------

const squeeze = (text: string) => text.replace(/\s+/g, " ");

/**
 * A highlighted text from FTS5's highlight() or snippet() as segments: the text between the
 * markers is a match. Whitespace runs (the line breaks between an item's fields) become one
 * space; empty segments are dropped.
 */
export function segmentsOf(marked: string | null): Segment[] {
  const segments: Segment[] = [];
  let match = false;
  let text = "";
  const flush = () => {
    if (text) segments.push({ text, match });
    text = "";
  };
  for (const char of squeeze(marked ?? "").trim()) {
    if (char === OPEN || char === CLOSE) {
      flush();
      match = char === OPEN;
    } else text += char;
  }
  flush();
  return segments;
}

const plain = (text: string): Segment[] => (text ? [{ text, match: false }] : []);

// ---------- results ----------

export type ProjectRef = { id: number; slug: string; name: string; stage: Stage; state: ProjectState };

type HitBase = {
  id: number;
  /** The name or title, matched words marked. */
  title: Segment[];
  /** A few words of the text around the matches (…), matched words marked; may be empty. */
  snippet: Segment[];
  /** Where the thing is in Triad (a path). */
  href: string;
};

export type SearchHit = HitBase &
  (
    | { kind: "project"; project: ProjectRef }
    | { kind: "requirement"; project: ProjectRef; priority: Priority }
    | { kind: "debt"; project: ProjectRef; register: Register; status: DebtStatus; severity: Severity }
    | {
        kind: "comment";
        project: ProjectRef;
        reviewId: number;
        targetStage: Stage;
        author: { id: number; name: string };
        createdAt: number;
      }
    | { kind: "person"; project: null; email: string; discipline: Discipline; active: boolean }
  );

export type SearchInput = {
  /** What the person typed (the page and the API bound it to SEARCH_MAX_LENGTH). */
  q: string;
  kind?: SearchKind;
  stage?: Stage;
  page?: number;
  pageSize?: number;
  /** Who searches: only admins find deactivated people, and a person links to their page. */
  viewer: { role: Role };
  /** Ranks at most this many matches (SEARCH_RANK_LIMIT); a test sets a small one. */
  rankLimit?: number;
};

export type SearchResult = {
  /** False when the search held no word to look for (nothing was searched). */
  searched: boolean;
  hits: SearchHit[];
  /** Matches of each kind for the words and the stage (the kind filter aside). */
  counts: Record<SearchKind, number>;
  /** Matches of the kind asked for (all kinds without one): what the pages count. */
  total: number;
  /** False when there were more than SEARCH_RANK_LIMIT matches: listed unranked. */
  ranked: boolean;
  page: number;
  pages: number;
  pageSize: number;
};

const noCounts = (): Record<SearchKind, number> => ({ project: 0, requirement: 0, debt: 0, comment: 0, person: 0 });

const projectRef = {
  id: projects.id,
  slug: projects.slug,
  name: projects.name,
  stage: projects.stage,
  state: projects.state,
};

/** The rows behind one page of keys, by kind and id, for links and labels. */
function detailsOf(ids: Record<SearchKind, number[]>) {
  const byId = <T extends { id: number }>(rows: T[]) => new Map(rows.map((r) => [r.id, r]));
  return {
    project: byId(
      ids.project.length ? db.select(projectRef).from(projects).where(inArray(projects.id, ids.project)).all() : [],
    ),
    requirement: byId(
      ids.requirement.length
        ? db
            .select({ id: requirements.id, priority: requirements.priority, project: projectRef })
            .from(requirements)
            .innerJoin(projects, eq(projects.id, requirements.projectId))
            .where(inArray(requirements.id, ids.requirement))
            .all()
        : [],
    ),
    debt: byId(
      ids.debt.length
        ? db
            .select({
              id: debtItems.id,
              register: debtItems.register,
              status: debtItems.status,
              severity: debtItems.severity,
              project: projectRef,
            })
            .from(debtItems)
            .innerJoin(projects, eq(projects.id, debtItems.projectId))
            .where(inArray(debtItems.id, ids.debt))
            .all()
        : [],
    ),
    comment: byId(
      ids.comment.length
        ? db
            .select({
              id: reviewComments.id,
              reviewId: reviewComments.reviewId,
              reviewStatus: gateReviews.status,
              targetStage: gateReviews.targetStage,
              authorId: users.id,
              authorName: users.name,
              createdAt: reviewComments.createdAt,
              project: projectRef,
            })
            .from(reviewComments)
            .innerJoin(gateReviews, eq(gateReviews.id, reviewComments.reviewId))
            .innerJoin(projects, eq(projects.id, gateReviews.projectId))
            .innerJoin(users, eq(users.id, reviewComments.authorId))
            .where(inArray(reviewComments.id, ids.comment))
            .all()
        : [],
    ),
    person: byId(
      ids.person.length
        ? db
            .select({
              id: users.id,
              name: users.name,
              email: users.email,
              discipline: users.discipline,
              active: users.active,
            })
            .from(users)
            .where(inArray(users.id, ids.person))
            .all()
        : [],
    ),
  };
}

type Details = ReturnType<typeof detailsOf>;

/** One index entry as a result, or null if its row is gone (a write between two reads). */
function hitOf(
  kind: SearchKind,
  id: number,
  title: Segment[],
  snippet: Segment[],
  details: Details,
  admin: boolean,
): SearchHit | null {
  switch (kind) {
    case "project": {
      const p = details.project.get(id);
      return p ? { kind, id, title, snippet, href: `/projects/${p.slug}`, project: p } : null;
    }
    case "requirement": {
      const r = details.requirement.get(id);
      if (!r) return null;
      const href = `/projects/${r.project.slug}/requirements#requirement-${id}`;
      return { kind, id, title, snippet, href, project: r.project, priority: r.priority };
    }
    case "debt": {
      const d = details.debt.get(id);
      if (!d) return null;
      const { register, status, severity, project } = d;
      return {
        kind,
        id,
        title,
        snippet,
        href: `/projects/${project.slug}/debt/${id}`,
        project,
        register,
        status,
        severity,
      };
    }
    case "comment": {
      const c = details.comment.get(id);
      if (!c) return null;
      // The open review lives on the gate tab; a closed one on its own page.
      const review = c.reviewStatus === "open" ? "gate" : `gate/${c.reviewId}`;
      return {
        kind,
        id,
        title: plain(`${c.authorName}’s comment on the gate review to ${stageShortLabel[c.targetStage]}`),
        snippet,
        href: `/projects/${c.project.slug}/${review}#comment-${id}`,
        project: c.project,
        reviewId: c.reviewId,
        targetStage: c.targetStage,
        author: { id: c.authorId, name: c.authorName },
        createdAt: c.createdAt,
      };
    }
    case "person": {
      const u = details.person.get(id);
      if (!u) return null;
      // People's pages are the admins'; anyone else is shown the open debt items they own.
      const href = admin ? `/people/${id}` : `/debt?owner=${id}&status=unpaid`;
      return {
        kind,
        id,
        title,
        snippet,
        href,
        project: null,
        email: u.email,
        discipline: u.discipline,
        active: u.active,
      };
    }
  }
}

const searchCache = new Map<string, { version: string; value: SearchResult }>();

/**
 * Searches everything a signed-in person may read (docs/domain.md, "Search"): ranked by
 * relevance (bm25, the title weighing five times the text), one page of `pageSize`, with the
 * number of matches of each kind. A search with no word returns nothing, not an error. The
 * same search (paging back, several people after the same words) is remembered until the next
 * write, like the registers (data-version.server.ts).
 */
export function search(input: SearchInput): SearchResult {
  const pageSize = input.pageSize ?? SEARCH_PAGE_SIZE;
  const page = input.page ?? 1;
  const problem = pagingError(page, pageSize);
  if (problem) throw new RangeError(problem);
  const admin = input.viewer.role === "admin";
  const expression = searchExpression(input.q);
  const key = JSON.stringify([expression, input.kind, input.stage, page, pageSize, admin, input.rankLimit]);
  return memoUntilWrite(searchCache, key, () => runSearch(input, { expression, page, pageSize, admin }));
}

function runSearch(
  input: SearchInput,
  { expression, page, pageSize, admin }: { expression: string | null; page: number; pageSize: number; admin: boolean },
): SearchResult {
  const empty: SearchResult = {
    searched: false,
    hits: [],
    counts: noCounts(),
    total: 0,
    ranked: true,
    page,
    pages: 1,
    pageSize,
  };
  if (!expression) return empty;

  // The counts read only the index's lists of rowids (the kind is in the rowid), never the rows.
  const counts = noCounts();
  const countRows = db.all<{ code: number; n: number }>(sql`
    select search_index.rowid % 8 as code, count(*) as n
    from search_index
    where search_index match ${matchOf(expression, { stage: input.stage, admin })}
    group by 1`);
  for (const { code, n } of countRows) {
    const kind = KIND_OF_CODE.get(code);
    if (kind) counts[kind] = n;
  }
  const total = input.kind ? counts[input.kind] : SEARCH_KINDS.reduce((n, kind) => n + counts[kind], 0);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const ranked = total <= (input.rankLimit ?? SEARCH_RANK_LIMIT);
  if (total === 0 || page > pages) return { ...empty, searched: true, counts, total, ranked, pages };

  const rows = db.all<{ key: number; title: string | null; snippet: string | null }>(sql`
    select search_index.rowid as key,
      highlight(search_index, 0, ${OPEN}, ${CLOSE}) as title,
      snippet(search_index, 1, ${OPEN}, ${CLOSE}, '…', 16) as snippet
    from search_index
    where search_index match ${matchOf(expression, { ...input, admin })}
    order by ${ranked ? sql`rank` : sql`search_index.rowid desc`}
    limit ${pageSize} offset ${(page - 1) * pageSize}`);

  const keys = rows.map((row) => ({ ...row, kind: KIND_OF_CODE.get(row.key % 8), id: Math.floor(row.key / 8) }));
  const ids = Object.fromEntries(SEARCH_KINDS.map((kind) => [kind, [] as number[]])) as Record<SearchKind, number[]>;
  for (const { kind, id } of keys) if (kind) ids[kind].push(id);
  const details = detailsOf(ids);
  const hits = keys.flatMap(({ kind, id, title, snippet }) => {
    const hit = kind ? hitOf(kind, id, segmentsOf(title), segmentsOf(snippet), details, admin) : null;
    return hit ? [hit] : [];
  });
  return { searched: true, hits, counts, total, ranked, page, pages, pageSize };
}

/** The words a search looked for, for "Nothing matches …" (the cleaned-up input). */
export function searchWords(q: string): string {
  return squeeze(q.replace(MARKERS, " ")).trim().slice(0, SEARCH_MAX_LENGTH);
}
