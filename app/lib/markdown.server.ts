/**
 * The one function through which user and knowledge-base Markdown becomes HTML.
 * `marked` renders; `sanitize-html` then keeps only an allow-list of tags and attributes, so raw
 * HTML in the source cannot bring script, event handlers, styles, forms, SVG or dangerous URLs.
 * Links written by users get rel="nofollow ugc noopener"; images load only over http(s).
 */
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import http from "highlight.js/lib/languages/http";
import ini from "highlight.js/lib/languages/ini";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import plaintext from "highlight.js/lib/languages/plaintext";
import python from "highlight.js/lib/languages/python";
import shell from "highlight.js/lib/languages/shell";
import yaml from "highlight.js/lib/languages/yaml";
import { Marked, type Tokens } from "marked";
import { markedHighlight } from "marked-highlight";
import sanitizeHtml from "sanitize-html";

const marked = new Marked({ gfm: true, breaks: false, async: false });

// Only the languages a support knowledge base shows; each one registered adds to start-up time.
for (const [name, language] of Object.entries({ bash, http, ini, javascript, json, plaintext, python, shell, yaml })) {
  hljs.registerLanguage(name, language);
}
hljs.registerAliases(["sh", "console"], { languageName: "bash" });
hljs.registerAliases(["js"], { languageName: "javascript" });
hljs.registerAliases(["yml"], { languageName: "yaml" });
hljs.registerAliases(["text", "txt"], { languageName: "plaintext" });

const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: [
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "pre", "code", "kbd",
    "em", "strong", "del", "s", "sup", "sub", "ul", "ol", "li", "dl", "dt", "dd",
    "table", "thead", "tbody", "tr", "th", "td", "a", "img", "input",
  ],
  allowedAttributes: {
    a: ["href", "title", "rel"],
    img: ["src", "alt", "title", "width", "height"],
    code: ["class"],
    th: ["align"],
    td: ["align"],
    ol: ["start"],
    input: ["type", "checked", "disabled"],
  },
  allowedClasses: { code: [/^language-[\w+-]+$/] },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["http", "https"] },
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, rel: "nofollow ugc noopener" },
    }),
    // Task-list checkboxes from GFM are the only inputs we keep, and never interactive.
    input: (tagName, attribs) =>
      attribs.type === "checkbox"
        ? { tagName, attribs: { type: "checkbox", disabled: "", ...(attribs.checked !== undefined ? { checked: "" } : {}) } }
        : { tagName: "span", attribs: {} },
  },
  exclusiveFilter: (frame) => frame.tag === "img" && !/^https?:\/\//i.test(frame.attribs.src ?? ""),
};

export function renderMarkdown(markdown: string): string {
  const html = marked.parse(markdown) as string;
  return sanitizeHtml(html, sanitizeOptions);
}

export type TocEntry = { depth: 2 | 3; id: string; text: string };

// Ids the page itself uses: a heading must not take one (the skip link targets #main).
const RESERVED_IDS = new Set(["main", "search", "site-search", "toc", "feedback"]);

/** A heading's anchor: its words, lower-cased and hyphenated ("Reset the hub" becomes "reset-the-hub"). */
function headingAnchor(text: string) {
  const anchor =
    text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60) || "section";
  return RESERVED_IDS.has(anchor) ? `${anchor}-section` : anchor;
}

// Knowledge-base articles are written by staff and committed, but go through the same sanitizer:
// a compromised or careless commit must not put script on the page. What they add over posts:
// anchored headings for the table of contents, highlighted code, and links without "ugc".
const articleSanitizeOptions: sanitizeHtml.IOptions = {
  ...sanitizeOptions,
  allowedTags: [...(sanitizeOptions.allowedTags as string[]), "span"],
  allowedAttributes: {
    ...sanitizeOptions.allowedAttributes,
    h2: ["id"],
    h3: ["id"],
    h4: ["id"],
    span: ["class"],
  },
  allowedClasses: { code: [/^language-[\w+-]+$/, "hljs"], span: [/^hljs-[\w-]+$/] },
  transformTags: {
    ...sanitizeOptions.transformTags,
    a: (tagName, attribs) => ({
      tagName,
      attribs: /^https?:\/\//i.test(attribs.href ?? "") ? { ...attribs, rel: "noopener" } : attribs,
    }),
  },
};

/** Renders a knowledge-base article: sanitized HTML plus its table of contents (h2 and h3). */
export function renderArticleMarkdown(markdown: string): { html: string; toc: TocEntry[] } {
  const toc: TocEntry[] = [];
  const used = new Map<string, number>();
  const articleMarked = new Marked(
    { gfm: true, breaks: false, async: false },
    markedHighlight({
      emptyLangClass: "hljs",
      langPrefix: "hljs language-",
      highlight(code, lang) {
        const language = hljs.getLanguage(lang) ? lang : "plaintext";
        return hljs.highlight(code, { language }).value;
      },
    }),
    {
      renderer: {
        heading(this: { parser: { parseInline(tokens: Tokens.Generic[]): string } }, token: Tokens.Heading) {
          const inner = this.parser.parseInline(token.tokens);
          if (token.depth < 2 || token.depth > 4) return `<h${token.depth}>${inner}</h${token.depth}>\n`;
          const base = headingAnchor(token.text);
          const seen = used.get(base) ?? 0;
          used.set(base, seen + 1);
          const id = seen === 0 ? base : `${base}-${seen + 1}`;
          const text = plainText(sanitizeHtml(inner, { allowedTags: [], allowedAttributes: {} }));
          if (token.depth <= 3) toc.push({ depth: token.depth as 2 | 3, id, text });
          return `<h${token.depth} id="${id}">${inner}</h${token.depth}>\n`;
        },
      },
    },
  );
  const html = articleMarked.parse(markdown) as string;
  return { html: sanitizeHtml(html, articleSanitizeOptions), toc };
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", nbsp: " " };

/**
 * The text of sanitized HTML, for search indexing and snippets: tags dropped, entities decoded, each
 * run of white space one space, or one line break when it holds one. Runs inside write transactions
 * (search indexing), so every pattern here is linear: none can fail after a long match and retry
 * from the next character (as `<[^>]*>` did on a run of "<", or `\s*\n\s*` on long white space).
 */
export function plainText(html: string) {
  return html
    .replace(/<\/(p|li|h[1-6]|pre|blockquote|tr)>/g, "\n")
    .replace(/<[^<>]*>/g, " ")
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name: string) => ENTITIES[name])
    .replace(/\s+/g, (space) => (space.includes("\n") ? "\n" : " "))
    .trim();
}
