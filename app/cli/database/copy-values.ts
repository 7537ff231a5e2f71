/**
 * One value on its way from SQLite to PostgreSQL (`npm run db:copy`): checked, converted, and
 * reduced to the form both sides' checksums are computed from.
 *
 * SQLite stores whatever it is given; PostgreSQL refuses some of it, and the copy names each such
 * value instead of failing at an INSERT halfway with the server's message:
 * - text with a NUL byte (PostgreSQL's text cannot hold one), or bytes that are not UTF-8 (read as
 *   blobs here, so nothing is silently replaced with U+FFFD on the way);
 * - an integer outside PostgreSQL's `integer` (32 bits), or past 2^53 in a `bigint` column (the
 *   largest a JavaScript number carries exactly), or a non-integer in an integer column;
 * - a boolean other than 0 or 1;
 * - JSON that does not parse, or whose strings hold what `jsonb` refuses (`\u0000`, a lone surrogate).
 */
import { isUtf8 } from "node:buffer";
import type { ColumnKind } from "./copy-plan";

/** A source value PostgreSQL would refuse, and why. */
export class ValueProblem extends Error {}

const INT4_MIN = -(2 ** 31);
const INT4_MAX = 2 ** 31 - 1;

function describe(raw: unknown) {
  if (Buffer.isBuffer(raw)) return "a blob";
  if (typeof raw === "string") return `the text ${JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw)}`;
  return `${typeof raw} ${String(raw)}`;
}

function integer(raw: unknown, kind: "int4" | "int8"): number {
  if (typeof raw !== "number" || !Number.isInteger(raw))
    throw new ValueProblem(`${describe(raw)} in an integer column`);
  if (kind === "int4" && (raw < INT4_MIN || raw > INT4_MAX))
    throw new ValueProblem(`${raw} does not fit PostgreSQL's integer (-2147483648 to 2147483647)`);
  if (!Number.isSafeInteger(raw)) throw new ValueProblem(`${raw} is past 2^53, which the copy cannot carry exactly`);
  return raw;
}

/** Text read as bytes (SQL `CAST(column AS BLOB)`), decoded only when it is valid UTF-8 without NUL. */
function text(raw: unknown): string {
  if (!Buffer.isBuffer(raw)) throw new ValueProblem(`${describe(raw)} where text was expected`);
  if (raw.indexOf(0) !== -1) throw new ValueProblem("a NUL byte (PostgreSQL text cannot hold one)");
  if (!isUtf8(raw)) throw new ValueProblem("bytes that are not valid UTF-8");
  return raw.toString("utf8");
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function refusedByJsonb(value: unknown): boolean {
  if (typeof value === "string") return value.includes("\0") || LONE_SURROGATE.test(value);
  if (Array.isArray(value)) return value.some(refusedByJsonb);
  if (value && typeof value === "object")
    return Object.entries(value).some(([key, inner]) => refusedByJsonb(key) || refusedByJsonb(inner));
  return false;
}

function json(raw: unknown): string {
  const source = text(raw);
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch {
    throw new ValueProblem("text that is not valid JSON");
  }
  // Escapes are the only way to a NUL or a lone surrogate once the bytes are valid UTF-8.
  if (source.includes("\\u") && refusedByJsonb(parsed))
    throw new ValueProblem("JSON with \\u0000 or a lone surrogate, which jsonb refuses");
  return source; // sent as written: jsonb parses it, so no number is rounded through JavaScript on the way
}

/**
 * The value to send to PostgreSQL for a SQLite value (text and JSON read as blobs), or a
 * `ValueProblem`. Times stay the epoch milliseconds they are (DECISIONS #62).
 */
export function fromSqlite(kind: ColumnKind, raw: unknown): unknown {
  if (raw === null) return null;
  switch (kind) {
    case "int4":
    case "int8":
      return integer(raw, kind);
    case "boolean":
      if (raw === 0 || raw === 1) return raw === 1;
      throw new ValueProblem(`${describe(raw)} in a boolean column (0 or 1 expected)`);
    case "jsonb":
      return json(raw);
    case "text":
      return text(raw);
  }
}

/** JSON with object keys sorted at every level: equal values give equal text, whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * A value in the form both checksums use: integers as decimal text, booleans as true/false, JSON
 * as canonical text, text as it is. `side` says where it came from: the copy's converted SQLite
 * value (`fromSqlite`; JSON still text) or a PostgreSQL row (node-postgres: int8 as text, jsonb parsed).
 */
export function comparable(kind: ColumnKind, value: unknown, side: "sqlite" | "postgres"): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case "int4":
    case "int8":
      return String(value);
    case "boolean":
      return value === true;
    case "jsonb":
      return canonicalJson(side === "sqlite" ? JSON.parse(value as string) : value);
    case "text":
      return value;
  }
}
