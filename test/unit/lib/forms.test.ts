import { describe, expect, it } from "vitest";
import { ValidationError } from "~/lib/errors.server";
import { parseIntent } from "~/lib/forms.server";

describe("parseIntent", () => {
  const INTENTS = ["take", "reply"] as const;
  const refusal = (values: Record<string, string>) => {
    try {
      parseIntent(INTENTS, values);
    } catch (error) {
      return error as ValidationError;
    }
    throw new Error("the intent was accepted");
  };

  it("returns the form's intent when the page has a form for it", () => {
    expect(parseIntent(INTENTS, { intent: "reply", body: "Thanks" })).toBe("reply");
  });

  it.each<Record<string, string>>([{ intent: "delete-account" }, { intent: "" }, {}])(
    "refuses %j as an unknown action",
    (values) => {
      const error = refusal(values);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.fieldErrors).toEqual({ intent: "Unknown action." });
    },
  );
});
