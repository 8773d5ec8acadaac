/** GET /api/v1/openapi.json: the OpenAPI 3.1 description of this API, served without a token. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiResource, endpoint } from "~/api/handler.server";
import { apiRoutes } from "~/api/route-table.server";
import { openApiDocument } from "~/api/openapi.server";

const api = apiResource(
  endpoint(apiRoutes.openApi, ({ request }) =>
    Response.json(openApiDocument(new URL(request.url).origin), {
      headers: { "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*" },
    }),
  ),
);

export const loader = (args: LoaderFunctionArgs) => api(args);
export const action = (args: ActionFunctionArgs) => api(args);
