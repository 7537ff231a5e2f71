// The SQLite schema, one file per domain: the tables drizzle-kit generates db/migrations from.
export * from "./schema/users";
export * from "./schema/community";
export * from "./schema/rate-limits";
export * from "./schema/knowledge-base";
export * from "./schema/support";
export * from "./schema/notifications";
export * from "./schema/moderation";
export * from "./schema/reputation";
export * from "./schema/trust";
export * from "./schema/rewards";
export * from "./schema/badges";
export * from "./schema/search-words";
export * from "./schema/imports";
