/**
 * Integration setup, run before each test file: a fresh copy of the migrated template, set
 * before any app module opens the connection (closeDb first: a worker may reuse globalThis),
 * and an empty sign-in rate limiter before every test.
 */
import { afterAll, beforeEach } from "vitest";
import { loginLimiter } from "~/utils/rate-limit.server";
import { removeDatabases, resetDatabase } from "./database";

resetDatabase();

beforeEach(() => {
  loginLimiter.reset();
});

afterAll(() => {
  removeDatabases();
});
