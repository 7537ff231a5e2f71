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

  it("refuses a title that reverses itself or piles accents over its neighbours, and keeps every script's own marks", () => {
    const problem = (title: string) => titleSchema.safeParse(title).error?.issues[0].message;
    for (const control of ["\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069"])
      expect(problem(`Hub offline ${control}etadpu retfa`)).toMatch(/change the direction of the text/);
    expect(problem(`Z${"\u0301\u0316\u0353".repeat(3)}algo title here`)).toMatch(/at most 6 accent marks/);
    for (const title of [
      "Hub offline after the update",
      "המכשיר לא מתחבר אחרי העדכון",
      "الجهاز لا يتصل بعد التحديث",
      "Hub \u200Fשלום\u200E offline again",
      // Hebrew with points and a cantillation mark, Vietnamese, Devanagari, Tibetan stacks, keycap emoji.
      "בְּרֵאשִׁ֖ית the first word",
      "Thiết bị không kết nối được",
      "डिवाइस कनेक्ट नहीं होता है",
      "སྒྲུབ་པ་ device will not pair",
      "Press 1\uFE0F\u20E3 then 2\uFE0F\u20E3 on the hub",
      // Decomposed (NFD) Vietnamese: two marks on one letter.
      "Thiết bị không kết nối được".normalize("NFD"),
    ])
      expect(problem(title)).toBeUndefined();
  });
});
