/**
 * The contract check of the API tests: an answer is checked against the OpenAPI document the
 * server publishes (app/api/openapi.server.ts), as a client reading the document would:
 *
 *   - the address and method name a documented operation (else the answer must be the JSON
 *     404 or 405 of the document's `Error404` / `Error405`);
 *   - the operation lists the answer's status;
 *   - the body validates against the JSON Schema the document gives for that status (the
 *     document's own schema, with its `$ref`s, turned into a validator by zod's
 *     `z.fromJSONSchema`; no second schema written by hand).
 *
 * api-support.ts runs it on every answer of `api()`, so an answer outside the document fails
 * the test that made the request. (Not a test file: no `.test`.)
 */
import { z } from "zod";
import { API_BASE } from "~/api/route-table.server";
import { openApiDocument } from "~/api/openapi.server";

type JsonSchema = Record<string, unknown>;
type ResponseObject = { $ref?: string; content?: Record<string, { schema: JsonSchema }> };
type Operation = { operationId: string; responses: Record<string, ResponseObject> };
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema>; responses: Record<string, ResponseObject> };
};

export const contractDocument = openApiDocument() as unknown as Document;

/** Documented paths as patterns; a path with more fixed segments wins (as in Remix). */
const templates = Object.keys(contractDocument.paths)
  .map((path) => ({
    path,
    pattern: new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\\\{\w+\\\}/g, "[^/]+")}$`),
    fixed: path.split("/").filter((s) => s && !s.startsWith("{")).length,
  }))
  .sort((a, b) => b.fixed - a.fixed);

/** The documented path a request path is served by, or null. */
export function documentedPath(pathname: string): string | null {
  const relative = pathname.startsWith(API_BASE) ? pathname.slice(API_BASE.length) : pathname;
  return templates.find((t) => t.pattern.test(relative))?.path ?? null;
}

const resolveResponse = (response: ResponseObject): ResponseObject =>
  response.$ref
    ? contractDocument.components.responses[response.$ref.replace("#/components/responses/", "")]
    : response;

const validators = new Map<string, z.ZodType>();

/** A validator for a schema of the document, its `$ref`s resolved against `components.schemas`. */
export function validatorOf(schema: JsonSchema): z.ZodType {
  const key = JSON.stringify(schema);
  let validator = validators.get(key);
  if (!validator) {
    const rooted = JSON.parse(
      JSON.stringify({ ...schema, $defs: contractDocument.components.schemas }).replaceAll(
        '"#/components/schemas/',
        '"#/$defs/',
      ),
    ) as JsonSchema;
    validator = z.fromJSONSchema(rooted, { defaultTarget: "draft-2020-12" });
    validators.set(key, validator);
  }
  return validator;
}

export type Answered = { method: string; pathname: string; status: number; contentType: string; body: unknown };

const clip = (value: unknown) => {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
};

/** What is wrong with an answer by the document: nothing is an empty list. */
export function contractProblems({ method, pathname, status, contentType, body }: Answered): string[] {
  const said = `${method} ${pathname} answered ${status}`;
  const path = documentedPath(pathname);
  const item = path ? contractDocument.paths[path] : undefined;
  const operation = item?.[method.toLowerCase() === "head" ? "get" : method.toLowerCase()];
  let response: ResponseObject | undefined;
  let what: string;
  if (!item) {
    response = status === 404 ? contractDocument.components.responses.Error404 : undefined;
    what = "an address the document does not list";
  } else if (!operation) {
    response = status === 405 ? contractDocument.components.responses.Error405 : undefined;
    what = `a method ${path} does not document`;
  } else {
    response = operation.responses[String(status)];
    what = `${operation.operationId}, which does not document ${status}`;
  }
  if (!response) return [`${said}: ${what}.`];
  if (method.toUpperCase() === "HEAD") return [];
  const schema = resolveResponse(response).content?.["application/json"]?.schema;
  if (!schema) return [`${said}: the document gives no JSON body for it.`];
  if (!/^application\/json\b/.test(contentType)) return [`${said} with Content-Type ${contentType}, not JSON.`];
  const result = validatorOf(schema).safeParse(body);
  if (result.success) return [];
  return [`${said} with a body outside the document:\n${z.prettifyError(result.error)}\nbody: ${clip(body)}`];
}
