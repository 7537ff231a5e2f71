import { describe, expect, it } from "vitest";
import { ValidationError } from "~/lib/errors.server";
import { MarkdownTooComplexError, MAX_MARKDOWN_NESTING, plainText, renderArticleMarkdown, renderMarkdown } from "~/lib/markdown.server";
import { MAX_BODY_LENGTH } from "~/models/community-rules";

const hostile: [string, string][] = [
  ["a script tag", "<script>alert(1)</script>"],
  ["a script inside SVG", "<svg><script>alert(1)</script><circle onload=alert(1) /></svg>"],
  ["an event handler on an image", '<img src="https://example.com/a.png" onerror="alert(1)">'],
  ["an event handler on a link", '<a href="https://example.com" onclick="alert(1)">x</a>'],
  ["a javascript: link in Markdown", "[click](javascript:alert(1))"],
  ["a mixed-case javascript: link in HTML", '<a href="JaVaScRiPt:alert(1)">x</a>'],
  ["an entity-encoded javascript: link", '<a href="&#106;avascript:alert(1)">x</a>'],
  ["a data: image", "![x](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)"],
  ["a data: link", "[x](data:text/html,<script>alert(1)</script>)"],
  ["a style attribute", '<p style="background:url(javascript:alert(1))">x</p>'],
  ["a style element", "<style>body{display:none}</style>"],
  ["a form", '<form action="https://evil.example"><input name="password"><button>Go</button></form>'],
  ["an iframe", '<iframe src="https://evil.example"></iframe>'],
  ["an object", '<object data="https://evil.example/x.swf"></object>'],
  ["a meta refresh", '<meta http-equiv="refresh" content="0;url=https://evil.example">'],
  ["a base tag", '<base href="https://evil.example/">'],
];

describe("renderMarkdown", () => {
  for (const [what, input] of hostile) {
    it(`removes the danger from ${what}`, () => {
      const html = renderMarkdown(input).toLowerCase();
      expect(html).not.toMatch(/<script|<svg|<style|<form|<iframe|<object|<meta|<base|<button/);
      expect(html).not.toMatch(/\son[a-z]+=/);
      expect(html).not.toMatch(/javascript:|data:|style=/);
    });
  }

  it("keeps headings, lists, code blocks, tables and emphasis", () => {
    const html = renderMarkdown("## Steps\n\n1. **Hold** reset\n2. Wait\n\n```sh\nnimbus --reset\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |");
    expect(html).toContain("<h2>Steps</h2>");
    expect(html).toContain("<ol>");
    expect(html).toContain("<strong>Hold</strong>");
    expect(html).toContain('<code class="language-sh">nimbus --reset');
    expect(html).toContain("<table>");
    expect(html).toContain("<td>1</td>");
  });

  it("marks user links nofollow ugc noopener", () => {
    expect(renderMarkdown("[docs](https://example.com/docs)")).toContain('<a href="https://example.com/docs" rel="nofollow ugc noopener">docs</a>');
    expect(renderMarkdown('<a href="https://example.com" rel="opener">x</a>')).toContain('rel="nofollow ugc noopener"');
  });

  it("keeps images only when they load over http(s)", () => {
    expect(renderMarkdown("![hub](https://example.com/hub.png)")).toContain('<img src="https://example.com/hub.png" alt="hub" />');
    expect(renderMarkdown("![hub](/local.png)")).not.toContain("<img");
    expect(renderMarkdown("![hub](//evil.example/x.png)")).not.toContain("<img");
    expect(renderMarkdown("![hub](ftp://example.com/x.png)")).not.toContain("<img");
  });

  it("escapes text that only looks like HTML inside code", () => {
    expect(renderMarkdown("`<script>`")).toContain("<code>&lt;script&gt;</code>");
  });
});

// Hostile Markdown within the body limit: each one either renders or is refused with the typed
// error, never a stack overflow (a 500) and never millions of cells or repeated addresses.
const limit = MAX_BODY_LENGTH;
const fill = (unit: string) => unit.repeat(Math.ceil(limit / unit.length)).slice(0, limit);
const indentedList = (indent: string, levels: number) => Array.from({ length: levels }, (_, i) => `${indent.repeat(i)}- level ${i + 1}`).join("\n");
const bombs: [string, string, "renders" | "refused"][] = [
  ['">" x 32,000', fill(">"), "refused"],
  ['"> " x 16,000', fill("> "), "refused"],
  ['"> - " x 8,000', fill("> - "), "refused"],
  ['"* > " x 8,000', fill("* > "), "refused"],
  ['"1. " x 10,666', fill("1. "), "refused"],
  ["a 3,000-level list on one line", `${"- ".repeat(3000)}x`, "refused"],
  ["a list indented two spaces per level, as deep as fits", indentedList("  ", 170).slice(0, limit), "refused"],
  ["a list indented a tab per level", indentedList("\t", 2000).slice(0, limit), "refused"],
  ["emphasis nested 4,000 deep", `${"*a _a ".repeat(2000)}x${" a_ a*".repeat(2000)}`, "refused"],
  ["strikethrough nested 2,000 deep", `${"~~a ".repeat(2000)}x${" a~~".repeat(2000)}`, "refused"],
  ['"[" x 32,000', fill("["), "renders"],
  ['"*" x 32,000', fill("*"), "renders"],
  ['"_" x 32,000', fill("_"), "renders"],
  ['"`" x 32,000', fill("`"), "renders"],
  ['"<a>" x 5,000', "<a>".repeat(5000), "renders"],
  ['"![[" x 10,000', "![[".repeat(10_000), "renders"],
  ['"**a" x 10,666', fill("**a"), "renders"],
  ['"- " x 16,000 (a thematic break)', fill("- "), "renders"],
  ['"a " x 16,000', fill("a "), "renders"],
  ["images nested in images 2,000 deep", `${"![".repeat(2000)}x${"](u)".repeat(2000)}`, "renders"],
  ["quotes 20 deep that close one level a line, then a lazy line (marked re-lexes twice per level)", fill(`${Array.from({ length: 20 }, (_, i) => "> ".repeat(20 - i) + "x").join("\n")}\nlazy\n`), "refused"],
  ["quotes 20 deep on every line", fill(`${"> ".repeat(20)}some text\n`), "renders"],
  ["one quote of 6,400 quoted lines each followed by a lazy line", fill("\n'\n>="), "refused"],
  ["a quote of 50 lines, every other one lazy", `${"> quoted line of a forwarded e-mail\nwrapped without its marker\n".repeat(25)}`, "renders"],
  ['"x* **" x 6,400 (openers that never close)', fill("x* **"), "refused"],
  ['"x*" x 16,000', fill("x*"), "renders"],
  ['"*1." x 10,666 (unclosed openers)', fill("*1."), "refused"],
  ['"!" x 32,000', fill("!"), "renders"],
  ['"_h" x 16,000', fill("_h"), "renders"],
  ["a 4,000-column table over 8,000 one-character rows", `|${"a|".repeat(4000)}\n|${"-|".repeat(4000)}\n${"x\n".repeat(8000)}`.slice(0, limit), "refused"],
  ["one 16,000-character reference address used 5,000 times", `[a]: https://example.com/${"a".repeat(16_000)}\n\n${"[a]".repeat(5000)}`.slice(0, limit), "refused"],
];

describe("renderMarkdown on hostile input", () => {
  for (const [what, input, outcome] of bombs) {
    it(`${outcome === "renders" ? "renders" : "refuses"} ${what}`, () => {
      expect(input.length).toBeLessThanOrEqual(limit);
      for (const render of [renderMarkdown, (markdown: string) => renderArticleMarkdown(markdown).html]) {
        let result: unknown;
        try {
          result = render(input);
        } catch (error) {
          result = error;
        }
        if (outcome === "renders") expect(typeof result).toBe("string");
        else expect(result).toBeInstanceOf(MarkdownTooComplexError);
      }
    });
  }

  it("renders quotes and lists 20 levels deep and refuses the 21st, naming the line", () => {
    expect(renderMarkdown(`${"> ".repeat(MAX_MARKDOWN_NESTING)}deep`).match(/<blockquote>/g)).toHaveLength(MAX_MARKDOWN_NESTING);
    expect(renderMarkdown(`${"- ".repeat(MAX_MARKDOWN_NESTING - 1)}deep`).match(/<ul>/g)).toHaveLength(MAX_MARKDOWN_NESTING - 1);
    const refusal = (() => {
      try {
        renderMarkdown(`# Steps\n\nFirst this.\n\n${"> ".repeat(MAX_MARKDOWN_NESTING + 1)}deep\n\nThe end.`);
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(MarkdownTooComplexError);
    expect(refusal).toBeInstanceOf(ValidationError);
    expect((refusal as MarkdownTooComplexError).line).toBe(5);
    expect((refusal as MarkdownTooComplexError).fieldErrors.body).toBe("Nested more than 20 levels deep: quotes and lists inside one another (line 5).");
  });

  it("renders emphasis 20 levels deep and refuses the 21st, naming the paragraph's line", () => {
    const nested = (levels: number) => `${"*a _a ".repeat(levels / 2)}x${" a_ a*".repeat(levels / 2)}`;
    expect(renderMarkdown(nested(MAX_MARKDOWN_NESTING)).match(/<em>/g)).toHaveLength(MAX_MARKDOWN_NESTING);
    expect(() => renderMarkdown(`Intro\n\n- a list\n\n${nested(MAX_MARKDOWN_NESTING + 2)}`)).toThrow(
      "Nested more than 20 levels deep: links, emphasis or strikethrough inside one another (line 5).",
    );
  });

  it("links e-mail addresses, with local parts up to the standard's 64 characters", () => {
    expect(renderMarkdown("Write to support@example.com today.")).toContain('<a href="mailto:support@example.com"');
    const longest = `${"a".repeat(64)}@example.com`;
    expect(renderMarkdown(`Or ${longest}.`)).toContain(`<a href="mailto:${longest}"`);
  });

  it("renders ordinary tables and reused reference links", () => {
    expect(renderMarkdown(`| a | b |\n|---|---|\n${"| 1 | 2 |\n".repeat(500)}`).match(/<td>/g)).toHaveLength(1000);
    const reused = renderMarkdown(`[docs]: https://example.com/docs/${"x".repeat(100)}\n\n${"See [docs]. ".repeat(50)}`);
    expect(reused.match(/<a /g)).toHaveLength(50);
  });
});

describe("plainText", () => {
  it("drops tags, decodes entities and keeps one space or one line break per run of white space", () => {
    expect(plainText("<p>Hold <strong>reset</strong>\u2003\u2003&amp; wait</p>\n\n<ul><li>one</li>\n<li> two </li></ul>")).toBe("Hold reset & wait\none\ntwo");
    expect(plainText("a &lt;&lt;&lt; b")).toBe("a <<< b");
  });
});
