import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import { importX } from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "build/",
      "public/build/",
      ".cache/",
      "node_modules/",
      "test/.tmp/",
      "test/.reports/",
      "test-results/",
      "playwright-report/",
      "data/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    // Promises are awaited or handed on on purpose: a forgotten await in the model layer reads stale
    // data or lets an error escape its transaction. These rules need type information.
    files: ["**/*.{ts,tsx}"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/await-thenable": "error",
    },
  },
  {
    // No import cycles: a cycle means two modules that cannot be read (or loaded) one before the other.
    files: ["**/*.{ts,tsx,js,mjs}"],
    plugins: { "import-x": importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      "import-x/resolver-next": [createTypeScriptImportResolver()],
    },
    rules: { "import-x/no-cycle": ["error", { ignoreExternal: true }] },
  },
  {
    // One data-access module: the engines (SQLite, PostgreSQL) are reached only through
    // app/lib/db.server.ts and its engines in app/lib/db/; SQLite's own helpers only from search
    // (FTS5); the autocommit handle only from scripts. (Routes and components are held to stricter
    // rules below.) The Stack Exchange import's scratch file is a SQLite file of its own, never the
    // app's database, whatever engine that is.
    files: ["app/**/*.{ts,tsx}"],
    ignores: [
      "app/lib/db.server.ts",
      "app/lib/db/**",
      "app/cli/**",
      "app/models/import/stackexchange/scratch.server.ts",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "better-sqlite3", message: "SQLite is reached through app/lib/db.server.ts (read, write)." },
            // PostgreSQL too: its driver and schema twin are for the data-access module alone.
            { name: "pg", message: "PostgreSQL is reached through app/lib/db.server.ts (read, write)." },
            {
              name: "~/lib/db.server",
              importNames: ["scriptDb", "scriptSqlite"],
              message: "The app writes through write(); scriptDb is for scripts and tests.",
            },
          ],
          patterns: [
            {
              group: ["drizzle-orm/better-sqlite3", "drizzle-orm/better-sqlite3/*"],
              message: "SQLite is reached through app/lib/db.server.ts (read, write).",
            },
            {
              group: [
                "drizzle-orm/node-postgres",
                "drizzle-orm/node-postgres/*",
                "**/db/schema-pg",
                "**/db/schema-pg/*",
              ],
              message: "PostgreSQL is reached through app/lib/db.server.ts (read, write).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/lib/db.server.ts", "app/cli/**", "app/models/search/**"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "ImportSpecifier[imported.name=/^(sqliteConnection|preparedStatement)$/]",
          message: "Engine-specific SQL (SQLite) belongs in app/models/search/ (FTS5) or app/lib/db.server.ts.",
        },
      ],
    },
  },
  {
    // Routes stay thin: database access lives in app/models and app/lib, never in a route.
    files: ["app/routes/**", "app/components/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/db.server", "~/lib/db.server", "drizzle-orm", "drizzle-orm/*", "better-sqlite3"],
              message: "Routes and components reach the database through app/models.",
            },
            {
              group: ["**/db/schema", "**/db/schema/*"],
              message: "Routes and components reach the database through app/models.",
            },
          ],
        },
      ],
    },
  },
  {
    // Components run in the browser, where *.server modules are empty.
    files: ["app/components/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/*.server"],
              message: "A component cannot use a *.server module (it is empty in the browser).",
            },
          ],
        },
      ],
    },
  },
);
