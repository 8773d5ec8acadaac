/**
 * The contract check that every API test runs on every answer (tests/integration/api-contract.ts)
 * cannot pass vacuously: it refuses an answer that leaves the document in each way an answer
 * could (a wrong type, an instant in milliseconds, a missing or extra field, an unknown enum
 * value, an undocumented status, a code of another status), and accepts the answers the
 * document describes.
 */
import { describe, expect, it } from "vitest";
import { contractProblems, documentedPath, type Answered } from "../integration/api-contract";

const at = "2027-03-01T09:30:00.000Z";
const owner = { id: 7, name: "Ada Lovelace" };
const project = {
  id: 3,
  slug: "churn-model",
  name: "Churn model",
  summary: "",
  businessCase: "",
  stage: "poc",
  state: "active",
  stopCause: null,
  stopNote: null,
  owner,
  stageEnteredAt: at,
  closedAt: null,
  createdAt: at,
  updatedAt: at,
  version: 1,
};

const reopen = (status: number, body: unknown, contentType = "application/json"): Answered => ({
  method: "POST",
  pathname: "/api/v1/projects/churn-model/reopen",
  status,
  contentType,
  body,
});

describe("the contract check of the API tests", () => {
  it("finds the documented path of a request, fixed segments first", () => {
    expect(documentedPath("/api/v1/projects/churn-model")).toBe("/projects/{slug}");
    expect(documentedPath("/api/v1/notifications/read")).toBe("/notifications/read");
    expect(documentedPath("/api/v1/debt/4/steps/9")).toBe("/debt/{itemId}/steps/{stepId}");
    expect(documentedPath("/api/v1/openapi.json")).toBe("/openapi.json");
    expect(documentedPath("/api/v1/openapiXjson")).toBeNull();
    expect(documentedPath("/api/v1/no/such/thing")).toBeNull();
  });

  it("accepts an answer the document describes", () => {
    expect(contractProblems(reopen(200, { project }))).toEqual([]);
    const refusal = { error: { code: "invalid_request", message: "No.", fields: { reason: "Give a reason." } } };
    expect(contractProblems(reopen(400, refusal))).toEqual([]);
    expect(contractProblems(reopen(409, { error: { code: "conflict", message: "Stale." } }))).toEqual([]);
  });

  it.each([
    ["an instant in epoch milliseconds", { project: { ...project, createdAt: Date.parse(at) } }, /createdAt/],
    ["an instant that is not ISO 8601", { project: { ...project, updatedAt: "01/03/2027" } }, /updatedAt/],
    ["a missing field", { project: { ...project, version: undefined } }, /version/],
    ["a field the document does not name", { project: { ...project, ownerId: 7 } }, /ownerId/],
    ["an extra top-level field", { project, extra: true }, /extra/],
    ["a value outside an enumeration", { project: { ...project, stage: "beta" } }, /stage/],
    ["an id that is not a whole number", { project: { ...project, owner: { id: "7", name: "Ada" } } }, /owner/],
    ["null where the document allows none", { project: { ...project, slug: null } }, /slug/],
  ])("refuses %s", (_, body, field) => {
    const problems = contractProblems(reopen(200, body));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/reopenProject|outside the document/);
    expect(problems[0]).toMatch(field);
  });

  it("refuses a status the operation does not document, and an error code of another status", () => {
    expect(contractProblems(reopen(201, { project }))[0]).toMatch(/reopenProject, which does not document 201/);
    expect(contractProblems(reopen(404, { error: { code: "invalid_request", message: "No." } }))[0]).toMatch(
      /outside the document[\s\S]*code/,
    );
    expect(contractProblems(reopen(400, { message: "No." }))[0]).toMatch(/outside the document/);
    expect(contractProblems(reopen(200, { project }, "text/html"))[0]).toMatch(/not JSON/);
  });

  it("expects the JSON 404 at an undocumented address and the JSON 405 for an undocumented method", () => {
    const notFound = { error: { code: "not_found", message: "There is no API endpoint at this address." } };
    const address = { method: "GET", pathname: "/api/v1/nothing/here", contentType: "application/json" };
    expect(contractProblems({ ...address, status: 404, body: notFound })).toEqual([]);
    expect(contractProblems({ ...address, status: 200, body: {} })[0]).toMatch(/an address the document does not list/);
    const method = { method: "PUT", pathname: "/api/v1/projects", contentType: "application/json" };
    const refused = { error: { code: "method_not_allowed", message: "PUT is not supported here." } };
    expect(contractProblems({ ...method, status: 405, body: refused })).toEqual([]);
    expect(contractProblems({ ...method, status: 200, body: {} })[0]).toMatch(/a method \/projects does not document/);
  });
});
