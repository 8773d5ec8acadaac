/** GET /api/v1/openapi.json: the OpenAPI 3.1 description of this API, served without a token. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiResource, endpoint } from "~/utils/api.server";
import { apiRoutes } from "~/utils/api-routes.server";
import { openApiDocument } from "~/utils/openapi.server";

const api = apiResource(
  endpoint(apiRoutes.openApi, ({ request }) =>
    Response.json(openApiDocument(new URL(request.url).origin), {
      headers: { "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*" },
    }),
  ),
);

export const loader = (args: LoaderFunctionArgs) => api(args);
export const action = (args: ActionFunctionArgs) => api(args);
