import { describe, expect, it } from "vitest";
import { renderMarkdown } from "~/lib/markdown.server";

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
