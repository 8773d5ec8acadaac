/** GET /api/v1/openapi.json: the OpenAPI 3.1 description of this API, served without a token. */
import { apiResource, endpoint } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { openApiDocument } from "~/api/openapi.server";

const api = apiResource(endpoint(apiRoutes.openApi, ({ request }) => openApiDocument(new URL(request.url).origin)));

export const loader = api;
export const action = api;
