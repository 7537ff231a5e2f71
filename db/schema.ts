export * from "./schema/users";
export * from "./schema/community";
export * from "./schema/rate-limits";
export * from "./schema/knowledge-base";
export * from "./schema/support";
export * from "./schema/notifications";
export * from "./schema/moderation";
