import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ValidationError } from "~/lib/errors.server";
import {
  MarkdownTooComplexError,
  MAX_MARKDOWN_NESTING,
  plainText,
  renderArticleMarkdown,
  renderMarkdown,
} from "~/lib/markdown.server";
import { MAX_BODY_LENGTH } from "~/models/community/rules";

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
    const html = renderMarkdown(
      "## Steps\n\n1. **Hold** reset\n2. Wait\n\n```sh\nnimbus --reset\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |",
    );
    expect(html).toContain("<h2>Steps</h2>");
    expect(html).toContain("<ol>");
    expect(html).toContain("<strong>Hold</strong>");
    expect(html).toContain('<code class="language-sh">nimbus --reset');
    expect(html).toContain("<table>");
    expect(html).toContain("<td>1</td>");
  });

  it("marks user links nofollow ugc noopener", () => {
    expect(renderMarkdown("[docs](https://example.com/docs)")).toContain(
      '<a href="https://example.com/docs" rel="nofollow ugc noopener">docs</a>',
    );
    expect(renderMarkdown('<a href="https://example.com" rel="opener">x</a>')).toContain('rel="nofollow ugc noopener"');
  });

  it("keeps images only when they load over http(s)", () => {
    expect(renderMarkdown("![hub](https://example.com/hub.png)")).toContain(
      '<img src="https://example.com/hub.png" alt="hub" />',
    );
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
const indentedList = (indent: string, levels: number) =>
  Array.from({ length: levels }, (_, i) => `${indent.repeat(i)}- level ${i + 1}`).join("\n");
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
  [
    "quotes 20 deep that close one level a line, then a lazy line (marked re-lexes twice per level)",
    fill(`${Array.from({ length: 20 }, (_, i) => "> ".repeat(20 - i) + "x").join("\n")}\nlazy\n`),
    "refused",
  ],
  ["quotes 20 deep on every line", fill(`${"> ".repeat(20)}some text\n`), "renders"],
  ["one quote of 6,400 quoted lines each followed by a lazy line", fill("\n'\n>="), "refused"],
  [
    "a quote of 50 lines, every other one lazy",
    `${"> quoted line of a forwarded e-mail\nwrapped without its marker\n".repeat(25)}`,
    "renders",
  ],
  ['"x* **" x 6,400 (openers that never close)', fill("x* **"), "refused"],
  ['"x*" x 16,000', fill("x*"), "renders"],
  ['"*1." x 10,666 (unclosed openers)', fill("*1."), "refused"],
  ['"!" x 32,000', fill("!"), "renders"],
  ['"_h" x 16,000', fill("_h"), "renders"],
  [
    "a 4,000-column table over 8,000 one-character rows",
    `|${"a|".repeat(4000)}\n|${"-|".repeat(4000)}\n${"x\n".repeat(8000)}`.slice(0, limit),
    "refused",
  ],
  [
    "one 16,000-character reference address used 5,000 times",
    `[a]: https://example.com/${"a".repeat(16_000)}\n\n${"[a]".repeat(5000)}`.slice(0, limit),
    "refused",
  ],
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

  it("drops character references to no character or to control characters, and keeps them as text in code", () => {
    const html = renderMarkdown(
      "a &#0; b &#xD800; c &#1; d &#x1b; e &#x7f; f &#x85; g &#x110000; h &#xFFFD; i &#233; `&#1;`",
    );
    expect(html).toBe("<p>a  b  c  d  e  f  g  h  i é <code>&amp;#1;</code></p>\n");
    // eslint-disable-next-line no-control-regex -- what must not be there
    expect(html).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffd]/);
    // In attributes too: an image's text, a link's address and title.
    const attributes = renderMarkdown(
      '![a&#x85;b&#x9b;c](https://x.example/i.png) [l](https://x.example/&#1; "t&#0;u")',
    );
    expect(attributes).toContain('alt="abc"');
    expect(attributes).toContain('title="tu"');
    // eslint-disable-next-line no-control-regex -- what must not be there
    expect(attributes).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffd]/);
  });

  it("renders quotes and lists 20 levels deep and refuses the 21st, naming the line", () => {
    expect(renderMarkdown(`${"> ".repeat(MAX_MARKDOWN_NESTING)}deep`).match(/<blockquote>/g)).toHaveLength(
      MAX_MARKDOWN_NESTING,
    );
    expect(renderMarkdown(`${"- ".repeat(MAX_MARKDOWN_NESTING - 1)}deep`).match(/<ul>/g)).toHaveLength(
      MAX_MARKDOWN_NESTING - 1,
    );
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
    expect((refusal as MarkdownTooComplexError).fieldErrors.body).toBe(
      "Nested more than 20 levels deep: quotes and lists inside one another, in the block that starts on line 5.",
    );
  });

  it("renders emphasis 20 levels deep and refuses the 21st, naming the paragraph's line", () => {
    const nested = (levels: number) => `${"*a _a ".repeat(levels / 2)}x${" a_ a*".repeat(levels / 2)}`;
    expect(renderMarkdown(nested(MAX_MARKDOWN_NESTING)).match(/<em>/g)).toHaveLength(MAX_MARKDOWN_NESTING);
    expect(() => renderMarkdown(`Intro\n\n- a list\n\n${nested(MAX_MARKDOWN_NESTING + 2)}`)).toThrow(
      "Nested more than 20 levels deep: links, emphasis or strikethrough inside one another, in the block that starts on line 5.",
    );
  });

  it("links e-mail addresses, with local parts up to the standard's 64 characters", () => {
    expect(renderMarkdown("Write to support@example.com today.")).toContain('<a href="mailto:support@example.com"');
    const longest = `${"a".repeat(64)}@example.com`;
    expect(renderMarkdown(`Or ${longest}.`)).toContain(`<a href="mailto:${longest}"`);
  });

  it("renders ordinary tables and reused reference links", () => {
    expect(renderMarkdown(`| a | b |\n|---|---|\n${"| 1 | 2 |\n".repeat(500)}`).match(/<td>/g)).toHaveLength(1000);
    const reused = renderMarkdown(
      `[docs]: https://example.com/docs/${"x".repeat(100)}\n\n${"See [docs]. ".repeat(50)}`,
    );
    expect(reused.match(/<a /g)).toHaveLength(50);
  });
});

// Ordinary text as large as a post may be: each must render. Quotes with lazy lines (e-mail style
// replies) were refused by the block-lexing budget when it counted chunks times lines.
const words = "the hub blinks blue after the firmware update and the lock drops off the network every night".split(" ");
const phrase = (length: number, seed: number) =>
  Array.from({ length }, (_, k) => words[(seed * 7 + k * 3) % words.length]).join(" ");
/** Units made by `make(0)`, `make(1)`, … for as long as they fit in the body limit. */
const upToLimit = (make: (i: number) => string) => {
  let text = "";
  for (let i = 0; text.length + make(i).length <= limit; i++) text += make(i);
  return text;
};
/** `head`, then `unit` repeated, then `tail`: the body limit's worth of text. */
const framed = (head: string, unit: string, tail = "") =>
  `${head}${fill(unit).slice(0, limit - head.length - tail.length)}${tail}`;
const tenDeep = (i: number) =>
  `${Array.from({ length: 10 }, (_, depth) => `${"  ".repeat(depth)}- ${phrase(6, i + depth)}`).join("\n")}\n\nSome text between the lists.\n\n`;
const ordinary: [string, string][] = [
  ["quote and reply lines alternating, one letter each", fill("> q\nr\n")],
  ["quote and reply lines alternating, one word each", fill("> quoted\nreply\n")],
  ["quote and reply lines alternating, 25 characters each", fill(`> ${"q".repeat(23)}\n${"r".repeat(25)}\n`)],
  [
    "quote and reply lines alternating, 80 characters each",
    fill(`> ${phrase(14, 1).slice(0, 78)}\n${phrase(14, 2).slice(0, 80)}\n`),
  ],
  [
    "two quoted lines, then a reply, alternating",
    fill("> first quoted line\n> second quoted line\nmy reply to both\n"),
  ],
  ["nested e-mail quotes with replies", fill(">> the original question\n> the first answer\nmy reply\n")],
  ["quoted list items with replies", fill("> - a step from the guide\nmy note on that step\n")],
  ["short quoted list items with short replies", fill("> - step one\nok\n")],
  ["quoted numbered items with replies", fill("> 1. a step from the guide\nmy note on that step\n")],
  ["one quote, every other line lazy", fill("> quoted line of a forwarded e-mail\nwrapped without its marker\n")],
  ["one quote of lazy paragraphs", fill(`> ${phrase(12, 3)}\n${phrase(12, 4)}\n${phrase(12, 5)}\n${phrase(12, 6)}\n`)],
  ["one long quote", fill(`> ${phrase(12, 7)}\n`)],
  ["setext headings in quotes", fill("> Title\n> =====\n> text\n\n")],
  ["a long list of short items", fill("- ok\n")],
  ["a long numbered list", upToLimit((i) => `${i + 1}. item ${i}\n`)],
  ["a long task list", fill("- [x] done\n- [ ] todo\n")],
  ["lists nested 10 deep with text", upToLimit(tenDeep)],
  ["a long table", framed("| a | b | c | d |\n|---|---|---|---|\n", "| 1 | two | three | 4 |\n")],
  ["a table of 50 columns", framed(`|${" col |".repeat(50)}\n|${"---|".repeat(50)}\n`, `|${" x |".repeat(50)}\n`)],
  [
    "a table of one-character cells, as many as fit",
    framed(`|${"a|".repeat(16)}\n|${"-|".repeat(16)}\n`, `|${"1|".repeat(16)}\n`),
  ],
  [
    "a long fenced code block",
    framed("```js\n", "const x = await fetch('/api/items?page=1', { method: 'GET' }); // *not* _emphasis_\n", "\n```"),
  ],
  ["a long indented code block", fill("    $ nimbus --reset *now* [x] > out\n")],
  ["many links", fill('See [the docs](https://example.com/docs/setup#step-2 "Setup") and <https://example.com>. ')],
  [
    "one reference link used many times",
    framed("[docs]: https://example.com/docs/a/long/path/to/the/setup/page\n\n", "See [docs] or [the guide][docs]. "),
  ],
  ["many emphasis spans", fill("Some *emphasis*, **strong**, _under_ and ~~struck~~ text. ")],
  ["stray asterisks and underscores in one long paragraph", fill("Use 2 * 3 = 6 and *really* check a_b_c, ")],
  ["headings and paragraphs", fill(`## A heading\n\n${phrase(30, 1)}\n\n`)],
];

describe("renderMarkdown on ordinary large input", () => {
  for (const [what, input] of ordinary) {
    it(`renders ${what}`, () => {
      expect(input.length).toBeLessThanOrEqual(limit);
      expect(input.length).toBeGreaterThan(limit - 1000);
      expect(typeof renderMarkdown(input)).toBe("string");
      expect(typeof renderArticleMarkdown(input).html).toBe("string");
    });
  }

  it("renders quoted list items with replies as a quote holding the lists", () => {
    const html = renderMarkdown(fill("> - a step from the guide\nmy note on that step\n"));
    expect(html.match(/<blockquote>/g)).toHaveLength(1);
    expect(html.match(/<li>/g)!.length).toBeGreaterThan(600);
  });

  // Real posts (Bicycles Meta Stack Exchange, CC BY-SA; see its README): their Markdown sources are
  // the type-2 rows of PostHistory.xml, packed into bodies as large as a post may be.
  const dump = path.resolve(process.cwd(), "../shared/data/se-bicycles-meta/PostHistory.xml");
  it.skipIf(!fs.existsSync(dump))("renders real posts, as many as fit in each body", () => {
    const xmlText = (text: string) =>
      text
        .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
        .replace(
          /&(quot|lt|gt|apos|amp);/g,
          (_, name: string) => ({ quot: '"', lt: "<", gt: ">", apos: "'", amp: "&" })[name]!,
        );
    const sources = [
      ...fs.readFileSync(dump, "utf8").matchAll(/<row [^>]*PostHistoryTypeId="2"[^>]*Text="([^"]*)"/g),
    ].map((match) => xmlText(match[1]).replace(/\r\n?/g, "\n"));
    const bodies = [""];
    for (const source of sources) {
      if (bodies[bodies.length - 1].length + source.length + 2 > limit) bodies.push("");
      bodies[bodies.length - 1] += `${source}\n\n`;
    }
    expect(sources.length).toBeGreaterThan(1000);
    for (const body of bodies) {
      expect(body.length).toBeLessThanOrEqual(limit);
      expect(typeof renderMarkdown(body)).toBe("string");
    }
  });
});

describe("plainText", () => {
  it("drops tags, decodes entities and keeps one space or one line break per run of white space", () => {
    expect(
      plainText("<p>Hold <strong>reset</strong>\u2003\u2003&amp; wait</p>\n\n<ul><li>one</li>\n<li> two </li></ul>"),
    ).toBe("Hold reset & wait\none\ntwo");
    expect(plainText("a &lt;&lt;&lt; b")).toBe("a <<< b");
  });
});
