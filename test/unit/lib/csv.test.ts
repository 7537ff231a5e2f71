import { describe, expect, it } from "vitest";
import { toCsv } from "~/lib/csv";

describe("toCsv", () => {
  it("quotes commas, quotes and line breaks, and starts with a byte order mark", () => {
    expect(
      toCsv(
        ["name", "n"],
        [
          ['Müller, "Ana"', 3],
          ["two\nlines", null],
        ],
      ),
    ).toBe('\uFEFFname,n\r\n"Müller, ""Ana""",3\r\n"two\nlines",\r\n');
  });

  it("defuses text a spreadsheet would run as a formula, and leaves numbers alone", () => {
    const line = toCsv(["a", "b", "c", "d", "e"], [['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", -3]]).split("\r\n")[1];
    expect(line).toBe(`"'=HYPERLINK(""x"")",'+1,'-2,'@SUM(A1),-3`);
  });
});
