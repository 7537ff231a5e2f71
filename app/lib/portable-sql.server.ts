/**
 * SQL fragments written once for both engines, where SQLite and PostgreSQL read the obvious text
 * differently. Raw SQL in the models uses these instead of engine-specific spellings.
 */
import { sql, type AnyColumn, type SQL } from "drizzle-orm";

/**
 * A time (or a length of time) in epoch milliseconds as a bigint parameter. PostgreSQL types a
 * parameter from what it is compared with; where nothing says (`$1 - $2`, `CASE … THEN $1`), it
 * refuses the statement, so such parameters are cast.
 */
export function millis(value: Date | number): SQL<number> {
  return sql<number>`CAST(${typeof value === "number" ? value : value.getTime()} AS BIGINT)`;
}

/** True when `condition` holds for any row of the group (PostgreSQL has no max() of booleans). */
export function anyRow(condition: SQL): SQL<boolean> {
  return sql<boolean>`max(CASE WHEN ${condition} THEN 1 ELSE 0 END) = 1`;
}

/** A LIKE pattern matching `text` literally (its wildcards escaped, for `ESCAPE '\'`), lower-cased. */
function literalPattern(text: string) {
  return text.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`);
}

/**
 * `column` contains `text`, ignoring case. SQLite's LIKE ignores the case of ASCII letters only and
 * PostgreSQL's none, so both compare lower-cased text (SQLite's lower() is ASCII-only too, so it
 * matches what it matched before; PostgreSQL also folds other letters).
 */
export function containsIgnoringCase(column: AnyColumn | SQL, text: string): SQL {
  return sql`lower(${column}) LIKE ${`%${literalPattern(text)}%`} ESCAPE '\\'`;
}

/** `column` ends with `text`, ignoring case (see containsIgnoringCase). */
export function endsWithIgnoringCase(column: AnyColumn | SQL, text: string): SQL {
  return sql`lower(${column}) LIKE ${`%${literalPattern(text)}`} ESCAPE '\\'`;
}
