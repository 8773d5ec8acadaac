/**
 * The bare framework floor (bench/floor-app/README in bench/README.md, "The bare floor"): the
 * same Remix and React as Triad, the same future flags, nothing else. `bench/run.ts` builds it
 * with `remix vite:build bench/floor-app` into bench/data/floor-app/build (never build/).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  plugins: [
    remix({
      appDirectory: path.join(here, "app"),
      buildDirectory: path.join(here, "../data/floor-app/build"),
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: false,
      },
    }),
  ],
  build: { target: "es2022", emptyOutDir: true },
  logLevel: "warn",
});
