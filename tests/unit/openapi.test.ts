/**
 * The OpenAPI document: valid OpenAPI 3.1 in shape, generated from the route table, and in
 * step with the server: every documented operation is served by the API's resource route (a
 * request without a token gets 401, not 405), every path it serves is a documented path, and
 * methods that are not documented answer 405. Every operation's answers are described by
 * schemas, exactly the JSON Schema of the zod schemas the handlers are typed and checked by;
 * every instant in them is an ISO 8601 string and every id a whole number.
 * (Every answer of the API tests is checked against this document: api-contract.ts.)
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { apiRoutes, type ApiRoute } from "~/api/route-table.server";
import { errorStatuses, openApiDocument, responseName } from "~/api/openapi.server";
import { API_COMPONENTS, apiErrorSchemaFor, ERROR_CODES, type ErrorStatus } from "~/api/schemas";
import { api, servedApiPaths } from "../integration/api-support";

const doc = openApiDocument("http://triad.test") as any;
const routes: ApiRoute[] = Object.values(apiRoutes);
const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** Every `$ref` in `value`, with where it was found. */
function refs(value: unknown, at = "#"): Array<{ ref: string; at: string }> {
  if (Array.isArray(value)) return value.flatMap((v, i) => refs(v, `${at}/${i}`));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) =>
      k === "$ref" && typeof v === "string" ? [{ ref: v, at }] : refs(v, `${at}/${k}`),
    );
  }
  return [];
}

function resolve(pointer: string): unknown {
  return pointer
    .replace(/^#\//, "")
    .split("/")
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<any>((node, key) => (node == null ? undefined : node[key]), doc);
}

/** The schema of an operation's answer with `status`, its `$ref` followed. */
function successSchema(operation: any, status: string): any {
  const schema = operation.responses[status].content["application/json"].schema;
  return schema.$ref ? resolve(schema.$ref) : schema;
}

const operations = () =>
  Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
  );

describe("the OpenAPI document is valid 3.1 in shape", () => {
  it("has the required top-level fields", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(typeof doc.info.title).toBe("string");
    expect(typeof doc.info.version).toBe("string");
    expect(doc.servers[0].url).toBe("http://triad.test/api/v1");
    expect(Object.keys(doc.paths).length).toBeGreaterThan(10);
    expect(Object.keys(doc.components.schemas).length).toBeGreaterThan(5);
    expect(doc.components.securitySchemes.bearerToken).toMatchObject({ type: "http", scheme: "bearer" });
    expect(Object.keys(doc.webhooks)).toEqual(
      expect.arrayContaining([
        "gate.review_opened",
        "gate.signoff",
        "project.promoted",
        "debt.created",
        "debt.overdue",
        "debt.repaid",
      ]),
    );
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc); // plain JSON, nothing lost in serialisation
  });

  it("has well-formed operations: unique ids, responses, declared path parameters", () => {
    const ids = new Set<string>();
    for (const { path, method, operation } of operations()) {
      expect(path.startsWith("/")).toBe(true);
      expect(HTTP_METHODS).toContain(method);
      expect(ids.has(operation.operationId)).toBe(false);
      ids.add(operation.operationId);
      expect(Object.keys(operation.responses).length).toBeGreaterThan(0);
      for (const [status, response] of Object.entries<any>(operation.responses)) {
        expect(status).toMatch(/^([1-5]\d\d|default)$/);
        expect(response.$ref ?? response.description).toBeTruthy();
      }
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const declared = operation.parameters.filter((p: any) => p.in === "path");
      expect(declared.map((p: any) => p.name).sort()).toEqual(templated);
      for (const parameter of operation.parameters) {
        expect(["path", "query", "header", "cookie"]).toContain(parameter.in);
        expect(typeof parameter.name).toBe("string");
        expect(parameter.schema).toBeTypeOf("object");
        if (parameter.in === "path") expect(parameter.required).toBe(true);
      }
      if (operation.requestBody) expect(operation.requestBody.content["application/json"].schema).toBeTruthy();
      for (const requirement of operation.security) {
        for (const scheme of Object.keys(requirement)) expect(doc.components.securitySchemes[scheme]).toBeTruthy();
      }
    }
  });

  it("resolves every $ref, and its schemas are JSON Schema objects (no per-schema $schema)", () => {
    for (const { ref, at } of refs(doc)) expect(resolve(ref), `${ref} at ${at}`).toBeTruthy();
    for (const [name, schema] of Object.entries<any>(doc.components.schemas)) {
      expect(typeof schema, name).toBe("object");
      expect(schema.$schema, name).toBeUndefined();
    }
  });

  it("describes request bodies from the same zod schemas that validate them", () => {
    const createProject = doc.components.schemas.CreateProjectBody;
    expect(createProject.required).toEqual(["name"]);
    expect(createProject.properties.name).toMatchObject({ type: "string", minLength: 2, maxLength: 120 });
    expect(doc.components.schemas.SignOffBody.properties.decision.enum).toEqual([
      "approve",
      "approve_with_conditions",
      "changes_requested",
    ]);
    expect(doc.components.schemas.UpdateDebtItemBody.required).toEqual(["version"]);
    expect(doc.components.schemas.Error.properties.error.required).toEqual(["code", "message"]);
  });

  it('describes the accountable sign-off bodies (docs/domain.md, "Sign-off rules")', () => {
    const schemas = doc.components.schemas;
    expect(schemas.OpenGateReviewBody).toMatchObject({
      required: ["statement"],
      properties: { statement: { minLength: 3, maxLength: 1000 } },
    });
    const condition = schemas.SignOffBody.properties.conditions;
    expect(condition.maxItems).toBe(20);
    for (const estimate of ["principalDays", "interestDays"]) {
      expect(condition.items.properties[estimate]).toMatchObject({ type: "number", minimum: 0, maximum: 10000 });
    }
    expect(condition.items.required).toEqual(["title"]);
    expect(schemas.AddMemberBody.required).toEqual(["email"]);
    expect(schemas.AssessRequirementBody.required).toEqual(["feasibility"]);
    expect(Object.keys(schemas.AssessRequirementBody.properties)).toEqual(
      expect.arrayContaining(["version", "discipline"]),
    );
    expect(Object.keys(schemas.AttestBody.properties).sort()).toEqual(["evidenceUrl", "note"]);
    expect(schemas.DismissChangesRequestBody.required).toEqual(["reason"]);
    expect(schemas.AddReviewCommentBody.required).toEqual(["body"]);
    expect(schemas.EditReviewCommentBody.required.sort()).toEqual(["body", "version"]);
    const states = schemas.ChangeProjectStateBody.oneOf.map((v: any) => v.properties.to.const).sort();
    expect(states).toEqual(["active", "on_hold", "retired", "stopped"]);
    expect(schemas.ChangeProjectStateBody.oneOf.find((v: any) => v.properties.to.const === "stopped").required).toEqual(
      expect.arrayContaining(["stopCause", "stopNote"]),
    );
  });

  it("describes stopping with the open-debt choice, reopening, and logging debt with its plan (docs/domain.md)", () => {
    const schemas = doc.components.schemas;
    const stopped = schemas.ChangeProjectStateBody.oneOf.find((v: any) => v.properties.to.const === "stopped");
    expect(stopped.properties.openDebt.enum).toEqual(["write_off", "keep"]);
    expect(Object.keys(stopped.properties)).toContain("writeOffReason");
    expect(stopped.required).not.toContain("openDebt");
    for (const variant of schemas.ChangeProjectStateBody.oneOf) expect(variant.additionalProperties).toBe(false);
    expect(doc.paths["/projects/{slug}/state"].post.description).toMatch(/fields\.openDebt/);

    expect(schemas.ReopenProjectBody).toMatchObject({
      required: ["version", "reason"],
      properties: { reason: { minLength: 3, maxLength: 1000 } },
    });
    expect(doc.paths["/projects/{slug}/reopen"].post.summary).toMatch(/admin/i);

    const plan = schemas.CreateDebtItemBody.properties.plan;
    expect(schemas.CreateDebtItemBody.required).not.toContain("plan");
    expect(Object.keys(plan.properties).sort()).toEqual(["repayBeforeStage", "steps", "strategy", "targetDate"]);
    expect(plan.required ?? []).toEqual([]);
    expect(plan.properties.steps).toMatchObject({ type: "array", maxItems: 20 });
    expect(plan.properties.steps.items).toMatchObject({ required: ["title"], additionalProperties: false });
    expect(Object.keys(plan.properties.steps.items.properties).sort()).toEqual(["dueDate", "ownerId", "title"]);
  });

  it("documents the sign-off operations with a description, what they return and how they fail", () => {
    const expected: Record<string, { path: string; method: string; errors: string[] }> = {
      listGateReviews: { path: "/projects/{slug}/gate-reviews", method: "get", errors: ["404"] },
      withdrawGateReview: {
        path: "/projects/{slug}/gate-reviews/{reviewId}/withdraw",
        method: "post",
        errors: ["403", "404", "409"],
      },
      dismissChangesRequest: {
        path: "/projects/{slug}/gate-reviews/{reviewId}/signoffs/{signOffId}/dismiss",
        method: "post",
        errors: ["403", "404", "409"],
      },
      clearAttestation: {
        path: "/projects/{slug}/gate-reviews/{reviewId}/attestations/{key}",
        method: "delete",
        errors: ["403", "404", "409"],
      },
      listReviewComments: { path: "/projects/{slug}/gate-reviews/{reviewId}/comments", method: "get", errors: ["404"] },
      addReviewComment: {
        path: "/projects/{slug}/gate-reviews/{reviewId}/comments",
        method: "post",
        errors: ["403", "404", "409"],
      },
      editReviewComment: {
        path: "/projects/{slug}/gate-reviews/{reviewId}/comments/{commentId}",
        method: "patch",
        errors: ["403", "404", "409"],
      },
      changeProjectState: { path: "/projects/{slug}/state", method: "post", errors: ["403", "404", "409"] },
      reopenProject: { path: "/projects/{slug}/reopen", method: "post", errors: ["403", "404", "409"] },
      createDebtItem: { path: "/projects/{slug}/debt", method: "post", errors: ["403", "404"] },
    };
    for (const [operationId, { path, method, errors }] of Object.entries(expected)) {
      const operation = doc.paths[path]?.[method];
      expect(operation?.operationId, `${method} ${path}`).toBe(operationId);
      expect(operation.summary.length, operationId).toBeGreaterThan(10);
      expect(operation.description?.length ?? 0, operationId).toBeGreaterThan(10);
      const success = Object.keys(operation.responses).find((s) => s.startsWith("2"))!;
      expect(Object.keys(successSchema(operation, success).properties).length, operationId).toBeGreaterThan(0);
      expect(Object.keys(operation.responses), operationId).toEqual(expect.arrayContaining([...errors, "401", "429"]));
    }
    expect(
      doc.paths["/projects/{slug}/gate-reviews/{reviewId}/signoffs/{signOffId}/dismiss"].post.parameters.find(
        (p: any) => p.name === "signOffId",
      ),
    ).toMatchObject({
      in: "path",
      schema: { type: "integer", minimum: 1 },
    });
  });
});

describe('the notification operations (docs/domain.md, "Notifications")', () => {
  it("documents the list, mark-read and the settings, each with what it returns and how it fails", () => {
    const expected: Record<string, { path: string; method: string; errors: string[]; returns: string[] }> = {
      listNotifications: {
        path: "/notifications",
        method: "get",
        errors: ["400"],
        returns: ["notifications", "unreadCount", "nextCursor"],
      },
      markNotificationsRead: {
        path: "/notifications/read",
        method: "post",
        errors: ["400", "404"],
        returns: ["marked", "unreadCount"],
      },
      getNotificationPreferences: {
        path: "/me/notification-preferences",
        method: "get",
        errors: [],
        returns: ["preferences", "defaults", "timeZone", "digestHour", "emailConfigured"],
      },
      updateNotificationPreferences: {
        path: "/me/notification-preferences",
        method: "patch",
        errors: ["400"],
        returns: ["preferences", "defaults", "timeZone", "digestHour", "emailConfigured"],
      },
    };
    for (const [operationId, { path, method, errors, returns }] of Object.entries(expected)) {
      const operation = doc.paths[path]?.[method];
      expect(operation?.operationId, `${method} ${path}`).toBe(operationId);
      expect(operation.tags).toEqual(["Notifications"]);
      expect(operation.description?.length ?? 0, operationId).toBeGreaterThan(20);
      expect(Object.keys(successSchema(operation, "200").properties)).toEqual(returns);
      expect(Object.keys(operation.responses), operationId).toEqual(expect.arrayContaining([...errors, "401", "429"]));
    }
    expect(doc.paths["/notifications"].get.description).toMatch(/own/);
    const query = doc.paths["/notifications"].get.parameters.map((p: any) => p.name).sort();
    expect(query).toEqual(["cursor", "limit", "unread"]);
    expect(doc.paths["/notifications"].get.parameters.find((p: any) => p.name === "unread").schema.enum).toEqual([
      "true",
      "false",
    ]);

    const schemas = doc.components.schemas;
    expect(schemas.MarkNotificationsReadBody.properties.ids).toMatchObject({
      type: "array",
      minItems: 1,
      maxItems: 100,
    });
    expect(schemas.MarkNotificationsReadBody.properties.all).toMatchObject({ const: true });
    expect(schemas.MarkNotificationsReadBody.required ?? []).toEqual([]);
    const update = schemas.UpdateNotificationPreferencesBody;
    expect(Object.keys(update.properties).sort()).toEqual(["digestHour", "preferences", "timeZone"]);
    expect(update.required ?? []).toEqual([]);
    expect(
      update.properties.preferences.propertyNames?.enum ?? Object.keys(update.properties.preferences.properties ?? {}),
    ).toEqual(expect.arrayContaining(["review_opened", "escalation"]));
    expect(doc.tags.map((t: any) => t.name)).toContain("Notifications");
  });
});

describe("the document lists every route the server serves", () => {
  it("has every route of the route table, and nothing else", () => {
    for (const route of routes) {
      expect(doc.paths[route.path]?.[route.method.toLowerCase()]?.operationId, `${route.method} ${route.path}`).toBe(
        route.operationId,
      );
    }
    expect(operations()).toHaveLength(routes.length);
  });

  it("serves every documented path from the API's resource route, and no other path", () => {
    expect(servedApiPaths().sort()).toEqual(Object.keys(doc.paths).sort());
  });

  it("serves each documented operation from its route file (401 without a token, not 405)", async () => {
    for (const route of routes) {
      const path = `/api/v1${route.path.replace(/\{(\w+)\}/g, (_, name: string) => (/Id$/.test(name) ? "1" : "x"))}`;
      const answer = await api(route.method, path, route.body ? { body: {} } : {});
      expect(answer.status, `${route.method} ${route.path} (${answer.file})`).toBe(route.public ? 200 : 401);
    }
  });

  it("answers 405 for the methods a path does not document", async () => {
    for (const [path, item] of Object.entries<Record<string, unknown>>(doc.paths)) {
      const concrete = `/api/v1${path.replace(/\{(\w+)\}/g, "1")}`;
      for (const method of ["GET", "POST", "PATCH", "DELETE", "PUT"]) {
        if (method.toLowerCase() in item) continue;
        const answer = await api(method, concrete, method === "GET" ? {} : { body: {} });
        expect(answer.status, `${method} ${path}`).toBe(405);
        expect(answer.body.error.code).toBe("method_not_allowed");
      }
    }
  });
});

/** `schema` with every `$ref` replaced by what it points to (sibling keywords kept, as JSON Schema 2020-12 reads them). */
function inlined(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(inlined);
  if (!schema || typeof schema !== "object") return schema;
  const { $ref, ...rest } = schema as Record<string, unknown>;
  const own = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, inlined(v)]));
  return typeof $ref === "string" ? { ...(inlined(resolve($ref)) as object), ...own } : own;
}

/** Every property of a schema, with the path to it, following `$ref`s (documents have no cycles). */
function properties(schema: any, at: string): Array<{ name: string; at: string; schema: any }> {
  if (!schema || typeof schema !== "object") return [];
  if (schema.$ref) return properties(resolve(schema.$ref), at);
  const own = Object.entries<any>(schema.properties ?? {}).flatMap(([name, inner]) => [
    { name, at: `${at}.${name}`, schema: inner },
    ...properties(inner, `${at}.${name}`),
  ]);
  const nested = [
    ...(schema.items ? properties(schema.items, `${at}[]`) : []),
    ...(schema.anyOf ?? []).flatMap((v: any) => properties(v, at)),
    ...(schema.additionalProperties && typeof schema.additionalProperties === "object"
      ? properties(schema.additionalProperties, `${at}{}`)
      : []),
  ];
  return [...own, ...nested];
}

/** The non-null types a property's schema allows, its `$ref`s followed. */
function typesOf(schema: any): Array<{ type?: string; format?: string }> {
  const target = schema.$ref ? resolve(schema.$ref) : schema;
  if ((target as any).anyOf) return (target as any).anyOf.flatMap(typesOf);
  return (target as any).type === "null" ? [] : [target as any];
}

describe("the answers: one schema per operation and status, from the zod schemas the handlers return", () => {
  it("gives every operation a JSON schema for its success status, and only that 2xx", () => {
    for (const route of routes) {
      const operation = doc.paths[route.path][route.method.toLowerCase()];
      const successes = Object.keys(operation.responses).filter((status) => status.startsWith("2"));
      expect(successes, route.operationId).toEqual([String(route.status)]);
      const { $ref } = operation.responses[route.status].content["application/json"].schema;
      expect($ref, route.operationId).toMatch(/^#\/components\/schemas\/\w+$/);
      const name = $ref.replace("#/components/schemas/", "");
      expect([
        responseName(route),
        ...Object.keys(API_COMPONENTS).filter((k) => API_COMPONENTS[k] === route.response),
      ]).toContain(name);
      expect(resolve($ref), route.operationId).toMatchObject({ type: "object" });
    }
  });

  it("describes each answer by exactly the JSON Schema of the route table's zod schema", () => {
    for (const route of routes) {
      const documented = inlined(
        successSchema(doc.paths[route.path][route.method.toLowerCase()], String(route.status)),
      );
      const { $schema: _, ...generated } = z.toJSONSchema(route.response, { io: "output", unrepresentable: "throw" });
      expect(documented, route.operationId).toEqual(generated);
    }
    for (const status of Object.keys(ERROR_CODES).map(Number) as ErrorStatus[]) {
      const { $schema: _, ...generated } = z.toJSONSchema(apiErrorSchemaFor[status], { io: "output" });
      expect(inlined(doc.components.responses[`Error${status}`].content["application/json"].schema)).toEqual(generated);
    }
  });

  it("closes every object of an answer (a field the document does not name is a contract break)", () => {
    for (const route of routes) {
      if (route.public) continue; // the document itself: an OpenAPI object, open by nature
      const schema =
        doc.paths[route.path][route.method.toLowerCase()].responses[route.status].content["application/json"].schema;
      const objects = [schema, ...properties(schema, route.operationId).map((p) => p.schema)]
        .map((s: any) => (s.$ref ? resolve(s.$ref) : s) as any)
        .filter((s) => s.type === "object" && s.properties);
      expect(objects.length, route.operationId).toBeGreaterThan(0);
      for (const object of objects) expect(object.additionalProperties, route.operationId).toBe(false);
    }
  });

  it("lists the error answers of each operation with the codes of their status", () => {
    for (const route of routes) {
      const operation = doc.paths[route.path][route.method.toLowerCase()];
      const errors = Object.keys(operation.responses).filter((s) => !s.startsWith("2"));
      expect(errors.map(Number), route.operationId).toEqual(errorStatuses(route));
      expect(errors, route.operationId).toContain("400"); // the query string is checked everywhere
      for (const status of errors) {
        expect(operation.responses[status]).toEqual({ $ref: `#/components/responses/Error${status}` });
        const body = resolve(`#/components/schemas/Error${status}`) as any;
        expect(body.properties.error.properties.code.enum).toEqual(ERROR_CODES[Number(status) as ErrorStatus]);
      }
    }
  });

  it("sends every instant as an ISO 8601 string, every calendar date as YYYY-MM-DD and every id as a whole number", () => {
    const answers = Object.keys(doc.components.schemas).filter((name) => !name.endsWith("Body"));
    const found = answers.flatMap((name) => properties(doc.components.schemas[name], name));
    const instants = found.filter((p) => /^(at|[a-z]\w*At)$/.test(p.name));
    const dates = found.filter((p) => /^[a-z]\w*Date$/.test(p.name));
    const ids = found.filter((p) => /^(id|[a-z]\w*Id)$/.test(p.name));
    expect(instants.length).toBeGreaterThan(20);
    expect(dates.length).toBeGreaterThan(3);
    expect(ids.length).toBeGreaterThan(20);
    for (const { at, schema } of instants) {
      expect(typesOf(schema), at).toEqual([expect.objectContaining({ type: "string", format: "date-time" })]);
    }
    for (const { at, schema } of dates) {
      expect(typesOf(schema), at).toEqual([expect.objectContaining({ type: "string", format: "date" })]);
    }
    for (const { at, schema } of ids)
      expect(typesOf(schema), at).toEqual([expect.objectContaining({ type: "integer" })]);
    // The names of the epoch-millisecond leftovers are gone.
    expect(found.filter((p) => ["since", "generatedAt"].includes(p.name)).map((p) => p.at)).toEqual([]);
  });

  it("documents the query parameters each operation takes, and says that any other is refused", () => {
    const listDebt = doc.paths["/debt"].get;
    expect(listDebt.parameters.map((p: any) => p.name)).toEqual([
      "register",
      "status",
      "severity",
      "category",
      "project",
      "owner",
      "projectName",
      "ownerName",
      "overdue",
      "sort",
      "dir",
      "cursor",
      "limit",
    ]);
    expect(listDebt.parameters.find((p: any) => p.name === "severity").schema.enum).toEqual([
      "low",
      "medium",
      "high",
      "critical",
    ]);
    expect(listDebt.parameters.find((p: any) => p.name === "limit").schema).toMatchObject({
      type: "integer",
      minimum: 1,
      maximum: 100,
    });
    expect(listDebt.description).toMatch(/refused/);
    expect(doc.info.description).toMatch(/only the query parameters it lists/);
  });
});
