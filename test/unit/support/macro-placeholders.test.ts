import { describe, expect, it } from "vitest";
import { fillPlaceholders, placeholdersIn, unknownPlaceholdersMessage } from "~/models/support/macro-placeholders";

describe("macro placeholders", () => {
  it("finds the known ones, knowledge-base slugs included, and names the unknown ones", () => {
    const found = placeholdersIn("Hi {{ customer.name }}, see {{kb:Reset-The-Hub}} and {{ticket.id}} {{ticket.id}}");
    expect(found.map((p) => p.kind)).toEqual(["customer.name", "kb", "unknown", "unknown"]);
    expect(found[1]).toMatchObject({ slug: "reset-the-hub" });
    expect(unknownPlaceholdersMessage(found)).toBe(
      "Unknown placeholder {{ticket.id}}: use {{customer.name}}, {{thread.link}} and {{kb:article-slug}}.",
    );
    expect(unknownPlaceholdersMessage(placeholdersIn("No placeholders, {single} braces."))).toBeNull();
  });

  it("fills every placeholder, repeats included", () => {
    expect(
      fillPlaceholders("{{customer.name}}: {{thread.link}} · {{kb:reset}} · {{customer.name}}", {
        customerName: "casey",
        threadLink: "https://x.test/questions/1/a",
        articleLinks: new Map([["reset", "https://x.test/kb/reset"]]),
      }),
    ).toBe("casey: https://x.test/questions/1/a · https://x.test/kb/reset · casey");
  });
});
