// The PostgreSQL twin of db/schema-sqlite.ts: the same tables, checked against it by test/unit/db/schema-drift.test.ts.
export * from "./schema-pg/users";
export * from "./schema-pg/community";
export * from "./schema-pg/rate-limits";
export * from "./schema-pg/knowledge-base";
export * from "./schema-pg/support";
export * from "./schema-pg/notifications";
export * from "./schema-pg/moderation";
export * from "./schema-pg/reputation";
export * from "./schema-pg/trust";
export * from "./schema-pg/rewards";
export * from "./schema-pg/badges";
export * from "./schema-pg/search-words";
export * from "./schema-pg/imports";
