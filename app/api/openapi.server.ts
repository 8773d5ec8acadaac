/**
 * The OpenAPI 3.1 description of /api/v1, generated from the route table
 * (app/api/route-table.server.ts): request bodies and query parameters from the very zod
 * schemas that validate them, answers from the response schemas the handlers are typed by
 * (app/api/schemas.ts), all through `z.toJSONSchema` (JSON Schema 2020-12, which OpenAPI 3.1
 * uses as is). Named answers live in `components.schemas` and are referred to by `$ref`.
 */
import { z } from "zod";
import { webhookEventDescription, WEBHOOK_EVENTS } from "~/domain/vocabulary";
import { API_BASE, apiRoutes, PATH_PARAMETERS, type ApiRoute } from "~/api/route-table.server";
import { API_COMPONENTS, ERROR_STATUSES, type ErrorStatus } from "~/api/schemas";

type JsonSchema = Record<string, unknown>;

/** A request schema as JSON Schema, as a client sends it (defaults make fields optional). */
function requestSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  return json;
}

export const componentRef = (name: string) => `#/components/schemas/${name}`;

/** `listProjects` -> `ListProjects` */
const pascal = (operationId: string) => `${operationId[0].toUpperCase()}${operationId.slice(1)}`;
/** The component name of an operation's success body. */
export const responseName = (route: ApiRoute) => `${pascal(route.operationId)}Response`;
const bodyName = (route: ApiRoute) => `${pascal(route.operationId)}Body`;

/**
 * Every answer schema, named: API_COMPONENTS and one `<OperationId>Response` per operation,
 * as JSON Schema of what the server sends (`io: "output"`). Anything JSON Schema cannot say
 * (a transform, a refinement) makes this throw, so the document never describes an answer
 * more loosely than the schema the server checks it with.
 */
function answerSchemas(routes: ApiRoute[]): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [name, schema] of Object.entries(API_COMPONENTS)) registry.add(schema, { id: name });
  for (const route of routes)
    if (!registry.has(route.response)) registry.add(route.response, { id: responseName(route) });
  const { schemas } = z.toJSONSchema(registry, { io: "output", uri: componentRef, unrepresentable: "throw" });
  return Object.fromEntries(
    Object.entries(schemas).map(([name, schema]) => {
      const { $schema: _schema, $id: _id, ...json } = schema as JsonSchema;
      return [name, json];
    }),
  );
}

/** The component an operation's success body refers to. */
function answerName(route: ApiRoute): string {
  const named = Object.entries(API_COMPONENTS).find(([, schema]) => schema === route.response);
  return named ? named[0] : responseName(route);
}

const ERROR_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: "Invalid input: `fields` has a message per invalid field or query parameter (`invalid_request`: an unknown parameter, one given twice, or a value it does not take), or the body is not JSON (`invalid_json`).",
  401: "No token, or the token is unknown, revoked, expired, or its user is deactivated.",
  403: "The token's user may not do this here (permissions are the user's own).",
  404: "No such project, gate review, sign-off, comment, criterion, requirement, debt item, step or notification.",
  405: "The method is not supported at this address.",
  409: "A conflict: a stale `version`, a state that forbids the change, `promotion_blocked` (with `blockers`), or `confirmation_required`.",
  413: "The body is larger than the limit.",
  415: "The body is not JSON (send Content-Type: application/json).",
  429: "Too many requests with this token; wait `Retry-After` seconds.",
  500: "An unexpected error; nothing was changed.",
};

/** The name of an error status's answer, in `components.responses` and `components.schemas`. */
export const errorName = (status: ErrorStatus) => `Error${status}`;

function pathParameters(path: string) {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => {
    const known = PATH_PARAMETERS[name];
    return {
      name,
      in: "path",
      required: true,
      description: known?.description,
      schema: known?.integer ? { type: "integer", minimum: 1 } : { type: "string" },
    };
  });
}

function queryParameters(route: ApiRoute) {
  if (!route.query) return [];
  const json = requestSchema(route.query) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, { description, ...schema }]) => ({
    name,
    in: "query",
    required: json.required?.includes(name) ?? false,
    ...(description ? { description } : {}),
    schema: queryValue(schema),
  }));
}

/**
 * A whole number is taken as JSON's integer or as digits (app/utils/validation.ts
 * `wholeNumber`); in a query string both are the same digits, so the document says integer.
 */
function queryValue(schema: JsonSchema): JsonSchema {
  const variants = schema.anyOf as JsonSchema[] | undefined;
  const integer = variants?.find((v) => v.type === "integer");
  return integer && variants!.every((v) => v === integer || v.type === "string") ? integer : schema;
}

/** The error statuses an operation can answer: its own, and those of every operation of its kind. */
export function errorStatuses(route: ApiRoute): ErrorStatus[] {
  const statuses = new Set<ErrorStatus>([...route.errors, 400]);
  if (!route.public) [401, 429].forEach((s) => statuses.add(s as ErrorStatus));
  if (route.body) [413, 415].forEach((s) => statuses.add(s as ErrorStatus));
  return [...statuses].sort((a, b) => a - b);
}

function operation(route: ApiRoute) {
  const responses: Record<string, unknown> = {
    [route.status]: {
      description: route.summary,
      ...(route.headers?.["Cache-Control"]
        ? { headers: { "Cache-Control": { schema: { type: "string", const: route.headers["Cache-Control"] } } } }
        : {}),
      content: { "application/json": { schema: { $ref: componentRef(answerName(route)) } } },
    },
  };
  for (const status of errorStatuses(route))
    responses[status] = { $ref: `#/components/responses/${errorName(status)}` };
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    security: route.public ? [] : [{ bearerToken: [] }],
    parameters: [...pathParameters(route.path), ...queryParameters(route)],
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: `#/components/schemas/${bodyName(route)}` } } },
          },
        }
      : {}),
    responses,
  };
}

export function openApiDocument(origin?: string) {
  const routes: ApiRoute[] = Object.values(apiRoutes);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    paths[route.path][route.method.toLowerCase()] = operation(route);
  }
  const schemas: Record<string, JsonSchema> = answerSchemas(routes);
  for (const route of routes) if (route.body) schemas[bodyName(route)] = requestSchema(route.body);
  const responses = Object.fromEntries(
    ERROR_STATUSES.map((status) => [
      errorName(status),
      {
        description: ERROR_DESCRIPTIONS[status],
        ...(status === 429
          ? { headers: { "Retry-After": { schema: { type: "integer" }, description: "Seconds to wait." } } }
          : {}),
        content: { "application/json": { schema: { $ref: componentRef(errorName(status)) } } },
      },
    ]),
  );
  const webhooks = Object.fromEntries(
    WEBHOOK_EVENTS.map((event) => [
      event,
      {
        post: {
          summary: webhookEventDescription[event],
          description:
            "Sent to each active webhook subscribed to the event. Headers: X-Triad-Event, X-Triad-Delivery (the delivery id, stable across retries) and X-Triad-Signature: sha256=<hex HMAC-SHA256 of the raw body with the hook's secret>. Answer 2xx within 5 s; otherwise Triad retries after 10 s, 30 s, 2 min, 10 min and 1 h.",
          requestBody: {
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["event", "occurredAt", "data"],
                  properties: {
                    event: { const: event },
                    occurredAt: { type: "string", format: "date-time" },
                    data: { type: "object" },
                  },
                },
              },
            },
          },
          responses: { "200": { description: "Received." } },
        },
      },
    ]),
  );
  return {
    openapi: "3.1.0" as const,
    info: {
      title: "Triad API",
      version: "1.0.0",
      description:
        'Projects, requirements, gate reviews and debt of Triad, as JSON. Authenticate with a personal access token (create one at /settings/tokens): `Authorization: Bearer <token>`. A token acts with exactly its user\'s permissions, and every write is in the activity log with via "api". Instants are ISO 8601 UTC strings; calendar dates are YYYY-MM-DD. Each operation takes only the query parameters it lists: any other, or a value it does not take, is refused with 400. Errors are always `{"error": {"code", "message", "fields"?}}`, and a refused request changes nothing.',
    },
    servers: [{ url: origin ? `${origin}${API_BASE}` : API_BASE }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    webhooks,
    components: {
      securitySchemes: {
        bearerToken: { type: "http", scheme: "bearer", description: "A personal access token, triad_…" },
      },
      schemas,
      responses,
    },
  };
}
