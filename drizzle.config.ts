import { defineConfig } from "drizzle-kit";
import { databasePath } from "./app/lib/env.server";

export default defineConfig({
  dialect: "sqlite",
  schema: "./db/schema-sqlite.ts",
  out: "./db/migrations",
  dbCredentials: { url: databasePath() },
  tablesFilter: ["!search_*"],
});
