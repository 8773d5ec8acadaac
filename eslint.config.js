// The layering rules of docs/architecture.md, enforced: what each folder may import, and no
// import cycles anywhere. `npm run lint` runs this and Prettier; both are part of `npm test`.
import js from "@eslint/js";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import importX from "eslint-plugin-import-x";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

/** A layer that may not import the listed folders (paths from the repository root). */
const zone = (target, from, message) => ({ target, from, message });

const UI = ["./app/routes", "./app/components"];
const boundaries = [
  zone(
    "./app/domain",
    ["./db", "./app/models", "./app/utils", "./app/api", "./app/jobs", "./app/lib", "./app/demo", ...UI],
    "app/domain is pure: it imports nothing but itself (docs/architecture.md).",
  ),
  zone(
    "./app/lib",
    ["./db", "./app/models", "./app/utils", "./app/api", "./app/jobs", "./app/demo", ...UI],
    "app/lib is infrastructure without Triad knowledge: it may import app/domain only.",
  ),
  zone(
    "./db",
    ["./app/models", "./app/utils", "./app/api", "./app/jobs", "./app/lib", "./app/demo", ...UI],
    "db/ holds schema, migrations and the connection; it takes its vocabulary from app/domain.",
  ),
  zone(
    "./app/models",
    ["./app/utils", "./app/api", "./app/jobs", "./app/demo", ...UI],
    "Models use db/, app/domain and app/lib only; the web layer calls them, never the reverse.",
  ),
  zone(
    "./app/jobs",
    ["./app/utils", "./app/api", "./app/demo", ...UI],
    "Background jobs run models; they know nothing of requests or pages.",
  ),
  zone("./app/api", ["./app/demo", ...UI], "The JSON API is reached from its routes; it does not import pages."),
  zone("./app/utils", ["./app/api", "./app/demo", ...UI], "app/utils is the web layer's helpers."),
  zone(
    "./app/components",
    ["./db", "./app/models", "./app/api", "./app/jobs", "./app/demo", "./app/routes"],
    "Components render data from loaders; they never reach the database.",
  ),
  zone("./app/demo", ["./app/utils", "./app/api", "./app/jobs", ...UI], "The demo story goes through the models only."),
];

export default tseslint.config(
  {
    ignores: [
      "build/**",
      "node_modules/**",
      "public/**",
      "test-results/**",
      "bench/results/**",
      "bench/data/**",
      "db/migrations/**",
      ".cache/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: { ...globals.node, ...globals.browser },
    },
    plugins: { "import-x": importX, "react-hooks": reactHooks },
    settings: {
      "import-x/extensions": [".ts", ".tsx", ".js", ".mjs"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts", ".tsx"] },
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "./tsconfig.json" })],
    },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // The React Compiler's rules ask for a compiler we do not use.
      "react-hooks/refs": "off",
      "react-hooks/set-state-in-effect": "off",
      "react-hooks/purity": "off",
      "react-hooks/immutability": "off",
      "react-hooks/static-components": "off",
      "react-hooks/preserve-manual-memoization": "off",
      "react-hooks/incompatible-library": "off",
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "import-x/no-self-import": "error",
      "import-x/no-restricted-paths": ["error", { zones: boundaries }],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true },
      ],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-control-regex": "off",
    },
  },
  {
    // Tests read untyped JSON answers and name their fixtures use*; neither is a React hook.
    files: ["tests/**", "bench/**", "scripts/**"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "react-hooks/rules-of-hooks": "off",
      "@typescript-eslint/consistent-type-imports": ["error", { disallowTypeAnnotations: false }],
    },
  },
);
