import { describe, expect, it } from "vitest";
import { idParam } from "~/lib/http.server";
import { MAX_ROW_ID, rowIdField } from "~/lib/row-ids";

// Ids are 32-bit on PostgreSQL: a larger number in a form or a URL names no row, on either engine,
// and must get the field's message or a 404, never reach the database.
describe("row ids", () => {
  it("takes every id a row can have, and refuses larger ones, zero, fractions and words with the field's message", () => {
    const field = rowIdField("Choose a post.");
    expect(field.parse("1")).toBe(1);
    expect(field.parse(String(MAX_ROW_ID))).toBe(2_147_483_647);
    for (const value of [String(MAX_ROW_ID + 1), "99999999999", "0", "-3", "1.5", "1e3x", "post", ""]) {
      const result = field.safeParse(value);
      expect(result.success, value).toBe(false);
      expect(result.error?.issues[0].message, value).toBe("Choose a post.");
    }
  });

  it("answers a route id larger than any row's with a 404", () => {
    expect(idParam(String(MAX_ROW_ID))).toBe(MAX_ROW_ID);
    for (const value of [String(MAX_ROW_ID + 1), "99999999999", "0", "01", "1e3"]) {
      let thrown: unknown;
      try {
        idParam(value);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, value).toMatchObject({ init: { status: 404 } });
    }
  });
});
