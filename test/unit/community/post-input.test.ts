import { describe, expect, it } from "vitest";
import { bodySchema, titleSchema } from "~/models/community/post-input";

describe("what a post must hold", () => {
  it("refuses a body of zero-width or blank characters as empty", () => {
    for (const invisible of ["\u200B\u200B", "\u200D\uFEFF\u2060", "\u00A0\u3000", "\u200B \u200C"])
      expect(bodySchema.safeParse(invisible).error?.issues[0].message).toBe("Write something first.");
  });

  it("keeps text, digits, punctuation and emoji, also in scripts without spaces", () => {
    for (const visible of ["ok", "42", "?", "🙂", "設定が消えた", "![](https://example.com/a.png)"])
      expect(bodySchema.safeParse(visible).success).toBe(true);
  });

  it("refuses a title made of invisible characters", () => {
    expect(titleSchema.safeParse("\u200B".repeat(20)).success).toBe(false);
    expect(titleSchema.safeParse("Hub offline after update").success).toBe(true);
  });
});
