/**
 * The projects list's query string (`/projects`, `/projects.csv`): the filters, the sort, the
 * page and the date the list is as of. A hand-edited page or search is a 400 saying what is
 * wrong; other malformed filter values are ignored (docs/architecture.md, "Forms"); a wrong
 * `asOf` is said next to its field and the list stays today's.
 */
import { DISCIPLINES, PROJECT_STATES, STAGES } from "~/domain/vocabulary";
import { PROJECT_SORTS } from "~/models/projects.server";
import { parseAsOf, type AsOf } from "~/models/portfolio.server";
import { PAGE_MESSAGE, parsePageParam, searchField } from "~/utils/validation";

const pick = <T extends string>(values: readonly T[], value: string | null) => values.find((v) => v === value);

export function parseProjectListQuery(params: URLSearchParams, now: number) {
  const page = parsePageParam(params.get("page"));
  if (page === null) throw new Response(PAGE_MESSAGE, { status: 400 });
  const q = searchField.safeParse(params.get("q") ?? "");
  if (!q.success) throw new Response(q.error.issues[0].message, { status: 400 });
  const asOfInput = (params.get("asOf") ?? "").slice(0, 40);
  const parsed = parseAsOf(asOfInput, now);
  const asOf: AsOf | null = parsed.ok ? parsed.asOf : null;
  return {
    filters: {
      q: q.data || undefined,
      stage: pick(STAGES, params.get("stage")),
      state: pick(PROJECT_STATES, params.get("state")),
      mine: params.get("mine") === "1",
      discipline: pick(DISCIPLINES, params.get("discipline")),
      sort: pick(PROJECT_SORTS, params.get("sort")) ?? "name",
      page,
    },
    asOf,
    asOfField: { value: asOfInput, error: parsed.ok ? null : parsed.message },
  };
}
