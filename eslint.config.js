// ESLint for the whole repository. Formatting is Prettier's job (`npm run format:check`); this file
// checks types, import circles and the dependency directions of docs/architecture.md:
//
//   functions/, src/cli.ts, src/cli/  →  src/app/  →  src/pipeline/  →  every other folder of src/
//
// plus: src/metrics/ and src/publish/ never import src/github/ (they read the database only), `pg`
// only in src/db/, Octokit only in src/github/, and a folder is imported through its index.ts.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import { createNodeResolver, importX } from "eslint-plugin-import-x";
import globals from "globals";
import tseslint from "typescript-eslint";

const typeScript = ["**/*.ts"];
const plainJavaScript = ["**/*.js", "**/*.mjs"];

/** The folders of src/ below the pipeline: each one job, each imported through its index.ts. */
const lowerFolders = ["archive", "config", "db", "github", "ingest", "metrics", "publish", "runs", "sandbox", "secrets", "telemetry"];

// The heap bound is the one module the entry points import by itself: it must run before anything
// else loads, and src/app/index.ts would load every SDK (so --help would no longer answer at once).
const sideEffectModules = { app: ["bound-heap-growth.js"] };
const throughIndex = (folder) => ({
  group: [`**/${folder}/**`, `!**/${folder}/index.js`, ...(sideEffectModules[folder] ?? []).map((file) => `!**/${folder}/${file}`)],
  message: `Import src/${folder}/ through its index.ts; export what you need from there.`,
});
const forbidden = (patterns, message) => ({ group: patterns, message });

const noPipeline = forbidden(
  ["**/pipeline/**"],
  "Only src/app/ and the command line import src/pipeline/ (dependencies point down: functions/ and cli → app → pipeline → the rest).",
);
const noApp = forbidden(["**/app/**"], "Only functions/ and the command line import src/app/, the composition root.");
const noEntry = forbidden(
  ["**/cli/**", "**/cli.js", "**/functions/**"],
  "functions/ and the command line are entry points; nothing imports them.",
);
const noGitHub = forbidden(
  ["**/github/**"],
  "src/metrics/ and src/publish/ read the database only; GitHub's records reach them through src/ingest/'s tables.",
);
const noPg = forbidden(
  ["pg", "pg-*"],
  "`pg` is used in src/db/ only; import the pool, transactions and COPY helpers from src/db/index.ts.",
);
const noOctokit = forbidden(
  ["@octokit/*", "!@octokit/graphql-schema"],
  "Octokit is used in src/github/ only; import the client from src/github/index.ts.",
);

/** The no-restricted-imports rule of one part of the tree; flat config replaces (does not merge) a rule's options, so each part gets its full list. */
const restrictedImports = (patterns) => ({ "no-restricted-imports": ["error", { patterns }] });
const indexOfEvery = (except) => ["app", "pipeline", ...lowerFolders].filter((folder) => !except.includes(folder)).map(throughIndex);
const libraries = (folder) => [...(folder === "db" ? [] : [noPg]), ...(folder === "github" ? [] : [noOctokit])];

export default defineConfig(
  { ignores: ["dist/", ".bench-build/", "coverage/", ".data/", "out/", "node_modules/", "__blobstorage__/", "__queuestorage__/"] },

  js.configs.recommended,
  {
    files: typeScript,
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Numbers and booleans in messages and paths are the point of a template literal here.
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true }],
      // `async` is how a token source, secret source, sink or fake implements a Promise-returning interface (a throw becomes a rejection).
      "@typescript-eslint/require-await": "off",
      // One-line callbacks (`(line) => log(line)`, `() => server.close()`) are the house style; the rule still checks block bodies.
      "@typescript-eslint/no-confusing-void-expression": ["error", { ignoreArrowShorthand: true }],
      // A leading underscore marks a parameter a signature requires but this implementation does not use;
      // `const { dropped, ...rest } = x` is how a field is left out of a copy.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Tests get the same strict type-checked rules as the code (they parse JSON, spawn processes and
    // fake wire formats, where `any` slips in), with one exception below; so do the benchmarks.
    files: ["tests/**/*.ts", "bench/**/*.ts"],
    rules: {
      // `rows[0]!` in a test or benchmark asserts presence: a wrong index fails the run with a TypeError, which is the check.
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    files: plainJavaScript,
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },

  {
    files: [...typeScript, ...plainJavaScript],
    plugins: { "import-x": importX },
    settings: {
      // Without these import-x treats .ts files as unknown and follows no import through them.
      "import-x/extensions": [".ts", ".js", ".mjs"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
      // Sources import `./x.js` for `./x.ts` (NodeNext); the resolver maps it back.
      "import-x/resolver-next": [
        createNodeResolver({ extensions: [".ts", ".js", ".mjs", ".json"], extensionAlias: { ".js": [".ts", ".js"] } }),
      ],
    },
    rules: { "import-x/no-cycle": ["error", { ignoreExternal: true }] },
  },

  // Dependency directions. Tests, benchmarks and scripts are exempt: they test or drive parts directly.
  { files: ["functions/**/*.ts"], rules: restrictedImports([noEntry, ...indexOfEvery([]), noPg, noOctokit]) },
  {
    files: ["src/cli.ts", "src/cli/**/*.ts"],
    rules: restrictedImports([forbidden(["**/functions/**"], noEntry.message), ...indexOfEvery([]), noPg, noOctokit]),
  },
  { files: ["src/app/**/*.ts"], rules: restrictedImports([noEntry, ...indexOfEvery(["app"]), noPg, noOctokit]) },
  { files: ["src/pipeline/**/*.ts"], rules: restrictedImports([noEntry, noApp, ...indexOfEvery(["app", "pipeline"]), noPg, noOctokit]) },
  ...lowerFolders.map((folder) => ({
    files: [`src/${folder}/**/*.ts`],
    rules: restrictedImports([
      noEntry,
      noApp,
      noPipeline,
      ...(folder === "metrics" || folder === "publish" ? [noGitHub] : []),
      ...indexOfEvery(["app", "pipeline", folder]),
      ...libraries(folder),
    ]),
  })),
  {
    files: ["src/*.ts"],
    ignores: ["src/cli.ts"],
    rules: restrictedImports([noEntry, noApp, noPipeline, ...indexOfEvery(["app", "pipeline"]), noPg, noOctokit]),
  },
);
