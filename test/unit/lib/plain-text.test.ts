import { describe, expect, it } from "vitest";
import { DIRECTION_CONTROLS_MESSAGE, plainText } from "~/lib/plain-text";

describe("plain text others read (reasons, names, addresses)", () => {
  const reason = plainText().min(3, "Say why.").max(40, "At most 40 characters.");
  const problems = (text: string) => reason.safeParse(text).error?.issues.map((issue) => issue.message) ?? [];

  it("refuses every direction embedding, override and isolate, wherever it stands", () => {
    for (const control of ["\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069"])
      for (const text of [`${control}kcolb`, `Spam ${control}maps`, `Spam${control}`])
        expect(problems(text), JSON.stringify(text)).toEqual([DIRECTION_CONTROLS_MESSAGE]);
  });

  it("keeps right-to-left scripts and the marks LRM and RLM, trims, and still applies the field's own rules", () => {
    for (const text of ["ספאם בפורום", "رسائل مزعجة", "Hub \u200Fשלום\u200E offline"])
      expect(problems(text)).toEqual([]);
    expect(reason.parse("  spam  ")).toBe("spam");
    expect(problems(" a ")).toEqual(["Say why."]);
    expect(problems(`\u202E${"x".repeat(50)}`)).toEqual([DIRECTION_CONTROLS_MESSAGE, "At most 40 characters."]);
  });
});
