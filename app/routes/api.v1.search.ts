/**
 * GET /api/v1/search: the /search page as JSON (docs/domain.md, "Search"), cursor paged, with
 * the token user's view (only admins find deactivated people).
 */
import { search } from "~/models/search.server";
import { apiResource, endpoint, nextPageCursor, pageFromCursor } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { searchResultJson } from "~/api/views.server";

const api = apiResource(
  endpoint(apiRoutes.search, ({ actor, query }) => {
    // The cursor carries the page only; the page size is always the validated `limit`.
    const page = pageFromCursor(query.cursor);
    const result = search({
      q: query.q,
      kind: query.kind,
      stage: query.stage,
      page,
      pageSize: query.limit,
      viewer: actor,
    });
    return {
      results: result.hits.map(searchResultJson),
      counts: result.counts,
      total: result.total,
      ranked: result.ranked,
      nextCursor: nextPageCursor(page, result.pages),
    };
  }),
);

export const loader = api;
export const action = api;
