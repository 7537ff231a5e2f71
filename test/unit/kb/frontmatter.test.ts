import { describe, expect, it } from "vitest";
import { parseArticleFile } from "~/models/kb/frontmatter.server";

const article = (frontmatter: string, body = "\n## Steps\n\nDo this.\n") => `---\n${frontmatter}\n---\n${body}`;
const GOOD = [
  "title: Reset the hub",
  "summary: How to reset the hub without losing devices.",
  "category: Troubleshooting",
  "tags: [offline, firmware]",
  "audience: customers",
  "updated: 2026-11-01",
  "order: 3",
].join("\n");

describe("parseArticleFile", () => {
  it("reads every field, takes the slug from the file name and keeps the body", () => {
    const result = parseArticleFile(article(GOOD), "reset-the-hub");
    expect(result).toEqual({
      ok: true,
      article: {
        slug: "reset-the-hub",
        title: "Reset the hub",
        summary: "How to reset the hub without losing devices.",
        category: "Troubleshooting",
        tags: ["offline", "firmware"],
        audience: "customers",
        updated: "2026-11-01",
        order: 3,
        body: "\n## Steps\n\nDo this.\n",
      },
    });
  });

  it("prefers a slug given in the frontmatter and accepts block-style tag lists", () => {
    const result = parseArticleFile(
      article(`${GOOD.replace("tags: [offline, firmware]", "tags:\n  - offline\n  - wifi")}\nslug: hub-reset`),
      "file-name",
    );
    expect(result.ok && result.article.slug).toBe("hub-reset");
    expect(result.ok && result.article.tags).toEqual(["offline", "wifi"]);
  });

  it("reports a bad value on the line it is on", () => {
    const result = parseArticleFile(article(GOOD.replace("audience: customers", "audience: everyone")), "x");
    // Line 1 is the opening ---, so the fifth frontmatter line is line 6 of the file.
    expect(result).toEqual({
      ok: false,
      problems: [{ line: 6, message: "audience: one of public, customers, staff" }],
    });
  });

  it("reports a missing key at line 1, and an unknown key on its line", () => {
    const result = parseArticleFile(
      article(GOOD.replace("summary: How to reset the hub without losing devices.\n", "") + "\ncolour: red"),
      "x",
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toContainEqual({ line: 1, message: "summary: missing" });
    expect(result.problems).toContainEqual({ line: 8, message: "unknown key: colour" });
  });

  it("reports YAML syntax errors with a line number", () => {
    const result = parseArticleFile(article(GOOD.replace("title: Reset the hub", "title: Reset: the hub")), "x");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0].line).toBe(2);
    expect(result.problems[0].message).toMatch(/^YAML: /);
  });

  it("refuses impossible dates, upper-case tags and files without frontmatter or body", () => {
    const badDate = parseArticleFile(article(GOOD.replace("2026-11-01", "2026-13-45")), "x");
    expect(badDate).toEqual({ ok: false, problems: [{ line: 7, message: "updated: not a real date" }] });
    const badTag = parseArticleFile(article(GOOD.replace("[offline, firmware]", "[offline, 'two words']")), "x");
    expect(badTag.ok).toBe(false);
    expect(parseArticleFile("# Just Markdown\n", "x")).toEqual({
      ok: false,
      problems: [{ line: 1, message: "the file must start with a --- frontmatter block" }],
    });
    expect(parseArticleFile("---\ntitle: x\n", "x")).toEqual({
      ok: false,
      problems: [{ line: 1, message: "the frontmatter block is not closed with ---" }],
    });
    expect(parseArticleFile(article(GOOD, "\n   \n"), "x")).toEqual({
      ok: false,
      problems: [{ line: 1, message: "the article has no body" }],
    });
  });
});
