import { describe, expect, it } from "vitest";
import { lineDiff } from "~/models/community/line-diff";

describe("lineDiff", () => {
  it("keeps shared lines and marks what each text has alone, in order", () => {
    expect(lineDiff("a\nb\nc", "a\nB\nc\nd")).toEqual([
      { kind: "same", text: "a" },
      { kind: "removed", text: "b" },
      { kind: "added", text: "B" },
      { kind: "same", text: "c" },
      { kind: "added", text: "d" },
    ]);
  });

  it("handles empty texts and identical ones", () => {
    expect(lineDiff("", "x")).toEqual([
      { kind: "removed", text: "" },
      { kind: "added", text: "x" },
    ]);
    expect(lineDiff("same\ntext", "same\ntext").every((line) => line.kind === "same")).toBe(true);
  });

  it("finds a one-line change among 1,500 lines", () => {
    const long = Array.from({ length: 1500 }, (_, i) => `line ${i}`).join("\n");
    const changed = long.replace("line 700", "line seven hundred");
    const diff = lineDiff(long, changed);
    expect(diff.filter((line) => line.kind !== "same")).toEqual([
      { kind: "removed", text: "line 700" },
      { kind: "added", text: "line seven hundred" },
    ]);
  });
});
