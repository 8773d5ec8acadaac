/** Any other address under /api/v1: a JSON 404 (not the HTML "page not found"). */
import { errorResponse } from "~/api/handler.server";

const notFound = () =>
  errorResponse(404, "not_found", "There is no API endpoint at this address. See /api/v1/openapi.json.");

export const loader = notFound;
export const action = notFound;
