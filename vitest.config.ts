/**
 * Three test projects (CONVENTIONS.md, "Tests"):
 * - unit: pure rules and helpers, no database, no server.
 * - integration: models and route loaders/actions against a fresh temporary SQLite file per
 *   test file, copied from one migrated template made once by the global setup.
 * - e2e: the production build (`remix vite:build` first) served on a free port and driven by
 *   headless Debian Chromium through playwright-core; one server and database per test file.
 *
 * `npm run test:unit` = `--project unit --project integration`; `npm run test:e2e` builds and
 * runs `--project e2e`. The Remix Vite plugin is left out on purpose: it is for builds.
 */
import tsconfigPaths from "vite-tsconfig-paths";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    // A test that silently passes because nothing ran is worse than a failure.
    passWithNoTests: false,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          environment: "node",
          pool: "threads",
          setupFiles: ["tests/support/setup-console.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          // Worker threads start faster than forks; each has its own globalThis (so its own
          // connection) and its own copy of process.env (so its own DATABASE_URL).
          pool: "threads",
          globalSetup: ["tests/support/global-setup-database.ts"],
          setupFiles: ["tests/support/setup-console.ts", "tests/support/setup-database.ts"],
          // argon2 hashing makes a few tests take a second on a slow machine.
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/support/global-setup-e2e.ts"],
          setupFiles: ["tests/support/setup-console.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
