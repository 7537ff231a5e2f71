/** Ids that name rows, as forms and URLs carry them (no server code: rules files shared with the browser use it too). */
import { z } from "zod";

/**
 * The largest id a row can have on either engine: PostgreSQL's ids are 32-bit integers (SQLite's are
 * wider, but the two must accept the same input). A larger number names no row.
 */
export const MAX_ROW_ID = 2 ** 31 - 1;

/** A form field naming a row by id: a positive whole number no larger than any id, else `message`. */
export function rowIdField(message: string) {
  return z.coerce.number({ error: message }).int(message).positive(message).max(MAX_ROW_ID, message);
}
