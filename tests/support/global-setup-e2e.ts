/**
 * E2E global setup: fail fast, with the fix in words, when the production build or the
 * Chromium binary is missing (rather than 30 identical timeouts).
 */
import fs from "node:fs";
import path from "node:path";
import { CHROMIUM_PATH } from "./browser";

export default function setup() {
  const serverBuild = path.resolve(process.cwd(), "build/server/index.js");
  if (!fs.existsSync(serverBuild)) {
    throw new Error(
      `No production build at ${serverBuild}. Run \`npm run test:e2e\` (it builds first) or \`npx remix vite:build\`.`,
    );
  }
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}. Run \`bash scripts/ensure-chromium.sh\` (as root it runs \`apt-get install -y chromium\`).`,
    );
  }
}
