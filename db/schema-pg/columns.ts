/**
 * Column types the PostgreSQL twin shares. SQLite keeps times as integer epoch milliseconds
 * (`integer(..., { mode: "timestamp_ms" })`); PostgreSQL keeps the same numbers in a bigint, so raw
 * SQL that compares or adds milliseconds (`${col} >= ${at.getTime()}`) means the same on both engines.
 */
import { customType } from "drizzle-orm/pg-core";

/** A moment as epoch milliseconds in a bigint, read and written as a Date. */
export const timestampMs = customType<{ data: Date; driverData: number | string }>({
  dataType: () => "bigint",
  toDriver: (value) => value.getTime(),
  fromDriver: (value) => new Date(Number(value)),
});
