/**
 * Any `console.error` fails the test that caused it: a React warning, an unexpected error
 * logged by a boundary or a model is a bug, not noise. A test that expects one says so with
 * `allowConsoleError(/pattern/)` from tests/support/console.ts.
 */
import { afterEach, beforeEach } from "vitest";
import { consoleErrorState } from "./console";

const originalError = console.error.bind(console);

beforeEach(() => {
  consoleErrorState.calls = [];
  consoleErrorState.allowed = [];
  console.error = (...args: unknown[]) => {
    originalError(...args);
    consoleErrorState.calls.push(args);
  };
});

afterEach(() => {
  console.error = originalError;
  const unexpected = consoleErrorState.calls.filter(
    (args) => !consoleErrorState.allowed.some((pattern) => pattern.test(args.map(String).join(" "))),
  );
  consoleErrorState.calls = [];
  consoleErrorState.allowed = [];
  if (unexpected.length > 0) {
    const first = unexpected[0].map((a) => (a instanceof Error ? a.stack : String(a))).join(" ");
    throw new Error(`console.error was called ${unexpected.length} time(s) during this test; the first: ${first}`);
  }
});
