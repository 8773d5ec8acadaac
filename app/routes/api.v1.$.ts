/**
 * The JSON API v1, every operation: app/api/dispatch.server.ts matches the path against the
 * route table and hands the request to that path's endpoints; any other address under /api/v1
 * is a JSON 404 (not the HTML "page not found").
 */
import { dispatchApi } from "~/api/dispatch.server";

export const loader = dispatchApi;
export const action = dispatchApi;
