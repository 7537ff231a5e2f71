/**
 * The one function through which user and knowledge-base Markdown becomes HTML.
 * `marked` renders; `sanitize-html` then keeps only an allow-list of tags and attributes, so raw
 * HTML in the source cannot bring script, event handlers, styles, forms, SVG or dangerous URLs.
 * Links written by users get rel="nofollow ugc noopener"; images load only over http(s).
 *
 * The work is bounded here, for every caller: Markdown nested deeper than MAX_MARKDOWN_NESTING
 * (marked recurses per level and overflows the stack within the body limit), quotes and lists that
 * make marked re-lex too much, emphasis markers that make it search too far for their closers, a
 * table with more than MAX_TABLE_CELLS cells (every short row is padded to the header's width) and
 * reference links that repeat more than MAX_LINK_EXPANSION characters of addresses are refused with
 * a MarkdownTooComplexError before anything is rendered; e-mail lookaheads are bounded so runs
 * without spaces stay linear. The budgets are measured against marked's worst cases (see each).
 * `plainText` runs on stored HTML inside write transactions (search indexing): keep it linear too.
 * Posts render through `renderPostMarkdown`, which links `@username` (app/lib/mentions.ts) in plain
 * text only: never in code, links, images or raw HTML. Its names are collected from the tokens of
 * the one lexing pass, looked up by the caller in one batch (at most MAX_MENTION_LOOKUPS), and at
 * most MAX_MENTION_LINKS become links, before the sanitizer, which keeps class="mention" only on a
 * link to a profile path.
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
import { Lexer, Marked, Tokenizer, type MarkedOptions, type Token, type Tokens, type TokensList } from "marked";
import { markedHighlight } from "marked-highlight";
import sanitizeHtml from "sanitize-html";
import { ValidationError } from "./errors.server";
import { NOT_TEXT } from "./text";
import { MAX_MENTION_LINKS, MAX_MENTION_LOOKUPS, mentionsInText } from "./mentions";

/** How deep quotes and lists, or links and emphasis, may sit inside one another. */
export const MAX_MARKDOWN_NESTING = 20;
/** Cells in one table, counting the cells marked adds to pad short rows. */
export const MAX_TABLE_CELLS = 20_000;
/** Characters of link addresses and titles that reference links may add beyond the text itself. */
export const MAX_LINK_EXPANSION = 100_000;
// How much marked may lex as blocks, counted in characters lexed: per character of the text, plus a
// floor for short texts. Every level of quote or list lexes its content again, and a quote followed
// by lazy lines lexes its nested quotes once more per level: twice the work per level, 3 s at 20
// levels here. Ordinary text is lexed about once; text nested 20 levels deep on every line ~14
// times. At the limit, ~0.3 s for 32,000 characters here.
const BLOCK_WORK_PER_CHARACTER = 30;
const BLOCK_WORK_FLOOR = 100_000;
// A quote that goes on after lazy lines (without ">") is lexed in chunks, and at some chunks marked
// re-reads what is left of the quote: counted as the characters it re-reads or the lines it copies,
// each weighed so that the budget buys about the same time as above (measured with plain marked on
// 32 KB texts here). A quote that ends and restarts every two lines makes marked match the rest of
// the text as a quote each time (~9 ns a character: 0.5 s for 32 KB); a chunk that ends in a list
// makes it re-read the rest with that list (~3.3 ns: 0.2 s for 32 KB of one-letter quoted items
// and replies); before every chunk it copies the list of lines left (~0.75 ns a line: 30 ms for
// 32 KB of one-letter quoted and reply lines).
const QUOTE_REREAD_COST = 1 / 16;
const LIST_REREAD_COST = 1 / 64;
const LINE_COPY_COST = 1 / 256;
// How many characters marked may read looking for the closers of emphasis and strikethrough. From
// each opening * or _ it scans towards the end of the paragraph, so markers that never close
// (`x* **` repeated) cost their number times the paragraph's length: 2.4 s for 32 KB here. This
// allows ~90 unclosed markers in one 32,000-character paragraph (more in shorter ones), ~0.15 s.
const MAX_CLOSER_SEARCH = 3_000_000;

/**
 * Markdown the renderer refuses to render. A ValidationError on the `body` field (the name of every
 * Markdown field of posts), so forms show it next to the text; `problem` and `line` for other callers.
 */
export class MarkdownTooComplexError extends ValidationError {
  constructor(
    readonly problem: string,
    /** The line (1-based, of the Markdown) where the offending top-level block starts. */
    readonly line: number,
  ) {
    const message = `${problem}, in the block that starts on line ${line}.`;
    super({ body: message }, message);
  }
}

const formatCount = (n: number) => n.toLocaleString("en");

/** A quote marked is lexing: its lines, how many of them it has lexed, its last block's length. */
type QuoteLines = { depth: number; lines: number; consumed: number; lastBlockLength: number };

/**
 * marked's lexer with the bounds above. Each level of quote or list is one nested `blockTokens`
 * call, each level of link, emphasis or strikethrough one nested `inlineTokens` call, so counting
 * those calls counts nesting exactly as marked sees it.
 */
class BoundedLexer extends Lexer {
  private blockDepth = 0;
  private inlineDepth = 0;
  private blockWork = 0;
  private readonly quotes: QuoteLines[] = [];
  private closerSearchWork = 0;
  /** For each run of inline text: the index of the top-level block it belongs to (for line numbers). */
  private readonly inlineOwners = new Map<Token[], number>();
  private currentInlineOwner = 0;

  constructor(
    options: MarkedOptions,
    private readonly source: string,
  ) {
    const tokenizer = new BoundedTokenizer(options);
    super({ ...options, tokenizer });
    // marked's own patterns, shared by every lexer: this one gets copies of the closer searches
    // that count what they read.
    const countScanned = (characters: number) => {
      this.closerSearchWork += characters;
      if (this.closerSearchWork > MAX_CLOSER_SEARCH) {
        this.refuse(
          "Too many *, _ or ~ that open no emphasis to format: remove some, or put code and logs in a code block",
          this.currentInlineOwner,
        );
      }
    };
    const inline = tokenizer.rules.inline;
    tokenizer.rules = {
      ...tokenizer.rules,
      inline: {
        ...inline,
        emStrongRDelimAst: new CountingPattern(inline.emStrongRDelimAst, countScanned),
        emStrongRDelimUnd: new CountingPattern(inline.emStrongRDelimUnd, countScanned),
        delRDelim: new CountingPattern(inline.delRDelim, countScanned),
        text: withBoundedEmailLocalParts(inline.text, "]+@)", "]{1,64}@)"),
        url: withBoundedEmailLocalParts(inline.url, "^[A-Za-z0-9._+-]+(@)", "^[A-Za-z0-9._+-]{1,64}(@)"),
      },
    };
  }

  override blockTokens(src: string, tokens?: Token[], lastParagraphClipped?: boolean): Token[];
  override blockTokens(src: string, tokens?: TokensList, lastParagraphClipped?: boolean): TokensList;
  override blockTokens(src: string, tokens: Token[] = [], lastParagraphClipped?: boolean) {
    // Depth 1 is the document itself.
    if (this.blockDepth > MAX_MARKDOWN_NESTING) {
      this.refuse(
        `Nested more than ${MAX_MARKDOWN_NESTING} levels deep: quotes and lists inside one another`,
        this.tokens.length,
      );
    }
    this.spendBlockWork(src.length);
    // Only a quote lexes its chunks with the last paragraph clipped: before each, marked copies
    // the list of the quote's lines still to come.
    const quote = lastParagraphClipped ? this.quoteBeingContinued() : undefined;
    if (quote) {
      quote.consumed += lineCount(src);
      this.spendBlockWork(Math.max(0, quote.lines - quote.consumed) * LINE_COPY_COST);
    }
    this.blockDepth += 1;
    try {
      return super.blockTokens(src, tokens, lastParagraphClipped);
    } finally {
      this.blockDepth -= 1;
      if (quote) quote.lastBlockLength = tokens.at(-1)?.raw.length ?? 0;
    }
  }

  /** The quote being lexed at this depth (not one of its chunks'), whose lines marked still holds. */
  quoteBeingContinued(): QuoteLines | undefined {
    const quote = this.quotes.at(-1);
    return quote?.depth === this.blockDepth ? quote : undefined;
  }

  enterQuote(lines: number): QuoteLines {
    const quote = { depth: this.blockDepth, lines, consumed: 0, lastBlockLength: 0 };
    this.quotes.push(quote);
    return quote;
  }

  leaveQuote(quote: QuoteLines) {
    if (this.quotes.pop() !== quote) throw new Error("quotes left out of order");
  }

  /** Counts characters lexed as blocks (or what marked re-reads and copies in a quote, weighed as those). */
  spendBlockWork(characters: number) {
    this.blockWork += characters;
    if (this.blockWork > BLOCK_WORK_FLOOR + BLOCK_WORK_PER_CHARACTER * this.source.length) {
      this.refuse(
        "Quotes and lists nested too deeply, or too many lines that continue a quote, to format: simplify them",
        this.tokens.length,
      );
    }
  }

  override inline(src: string, tokens: Token[] = []) {
    this.inlineOwners.set(tokens, this.tokens.length);
    return super.inline(src, tokens);
  }

  override inlineTokens(src: string, tokens: Token[] = []) {
    if (this.inlineDepth === 0) this.currentInlineOwner = this.inlineOwners.get(tokens) ?? this.tokens.length;
    if (this.inlineDepth > MAX_MARKDOWN_NESTING) {
      this.refuse(
        `Nested more than ${MAX_MARKDOWN_NESTING} levels deep: links, emphasis or strikethrough inside one another`,
        this.currentInlineOwner,
      );
    }
    this.inlineDepth += 1;
    try {
      return super.inlineTokens(src, tokens);
    } finally {
      this.inlineDepth -= 1;
    }
  }

  /** Lexes the whole source, then checks what the tokens would expand to. */
  run(): TokensList {
    const tokens = this.lex(this.source);
    let expansion = 0;
    tokens.forEach((token, index) => {
      expansion += linkExpansion(token);
      if (expansion > MAX_LINK_EXPANSION) {
        this.refuse(
          `Reference links repeat more than ${formatCount(MAX_LINK_EXPANSION)} characters of addresses: use long addresses fewer times`,
          index,
        );
      }
    });
    return tokens;
  }

  /** Throws for the top-level block at `index` of `this.tokens` (complete or being lexed). */
  refuse(problem: string, index: number): never {
    let offset = 0;
    for (const token of this.tokens.slice(0, index)) offset += token.raw.length;
    // marked lexes the source with line breaks normalized to "\n"; its offsets count in that text.
    const consumed = this.source.replace(/\r\n|\r/g, "\n").slice(0, offset);
    let line = 1;
    for (let at = consumed.indexOf("\n"); at !== -1; at = consumed.indexOf("\n", at + 1)) line += 1;
    throw new MarkdownTooComplexError(problem, line);
  }
}

const boundedPatterns = new Map<RegExp, RegExp>();

/**
 * `pattern` with the local part of e-mail addresses it looks for bounded to 64 characters (RFC
 * 5321's limit). marked's inline text pattern looks ahead through the whole run of address
 * characters at the start of every text token, and its autolink pattern at every position, so a
 * long run without spaces (`!` or `_h` repeated) cost its length squared: 0.5 s for 32 KB.
 * Throws when marked's pattern no longer has the part to bound (review this after upgrading marked).
 */
function withBoundedEmailLocalParts(pattern: RegExp, unbounded: string, bounded: string) {
  let result = boundedPatterns.get(pattern);
  if (!result) {
    const source = pattern.source.replaceAll(unbounded, bounded);
    if (source === pattern.source)
      throw new Error(`marked's pattern ${pattern.source} has no ${unbounded} to bound any more`);
    result = new RegExp(source, pattern.flags);
    boundedPatterns.set(pattern, result);
  }
  return result;
}

/** A copy of a global pattern that reports how many characters each `exec` read (marked only calls `exec` on these). */
class CountingPattern extends RegExp {
  constructor(
    pattern: RegExp,
    private readonly report: (characters: number) => void,
  ) {
    super(pattern.source, pattern.flags);
  }

  override exec(text: string) {
    const from = this.lastIndex;
    const match = super.exec(text);
    this.report((match ? this.lastIndex : text.length) - from);
    return match;
  }
}

/** How many characters of address and title a token's links add beyond the Markdown they came from. */
function linkExpansion(token: Token): number {
  let total = 0;
  if (token.type === "link" || token.type === "image") {
    const link = token as Tokens.Link | Tokens.Image;
    total += Math.max(0, link.href.length + (link.title?.length ?? 0) - link.raw.length);
  }
  for (const child of childTokens(token)) total += linkExpansion(child);
  return total;
}

function childTokens(token: Token): Token[] {
  if (token.type === "list") return (token as Tokens.List).items;
  if (token.type === "table") {
    const table = token as Tokens.Table;
    return [...table.header, ...table.rows.flat()].flatMap((cell) => cell.tokens);
  }
  return "tokens" in token && Array.isArray(token.tokens) ? token.tokens : [];
}

/** How many lines `text` holds (marked splits on "\n"). */
function lineCount(text: string) {
  let lines = 1;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) lines += 1;
  return lines;
}

class BoundedTokenizer extends Tokenizer {
  override blockquote(src: string) {
    const lexer = this.lexer;
    if (!(lexer instanceof BoundedLexer)) return super.blockquote(src);
    const match = this.rules.block.blockquote.exec(src);
    if (!match) return undefined;
    // marked splits what its pattern matched into lines and re-joins them, on every call: for a
    // quote that goes on after a nested quote, once more with the rest of the text.
    const continued = lexer.quoteBeingContinued();
    lexer.spendBlockWork(match[0].length * QUOTE_REREAD_COST);
    // marked drops the match's trailing line breaks before splitting it.
    let end = match[0].length;
    while (end > 0 && match[0][end - 1] === "\n") end -= 1;
    const quote = lexer.enterQuote(end > 0 ? lineCount(match[0].slice(0, end)) : 0);
    let token: Tokens.Blockquote | undefined;
    try {
      token = super.blockquote(src);
    } finally {
      lexer.leaveQuote(quote);
    }
    if (continued && token) {
      // What marked keeps of its own lines: those after the nested quote's end.
      const rest = src.substring(token.raw.length).replace(/^\n/, "");
      continued.consumed = continued.lines - (rest ? lineCount(rest) : 0);
    }
    return token;
  }

  override list(src: string) {
    const lexer = this.lexer;
    if (!(lexer instanceof BoundedLexer)) return super.list(src);
    // A quote whose chunk ends in a list lexes that list again with the rest of the quote.
    const continued = lexer.quoteBeingContinued();
    if (continued) lexer.spendBlockWork(src.length * LIST_REREAD_COST);
    const token = super.list(src);
    if (continued && token && token.raw.length > continued.lastBlockLength) {
      continued.consumed += lineCount(src.slice(continued.lastBlockLength + 1, token.raw.length));
    }
    return token;
  }

  override table(src: string) {
    // Counted before marked builds the cells: a wide header over many one-character rows would
    // otherwise become millions of padded cells.
    const match = this.rules.block.table.exec(src);
    if (match && this.lexer instanceof BoundedLexer) {
      const columns = (match[2].match(/\|/g)?.length ?? 0) + 1;
      const rows = match[3] ? match[3].split("\n").length : 0;
      if (columns * (rows + 1) > MAX_TABLE_CELLS) {
        this.lexer.refuse(
          `A table has more than ${formatCount(MAX_TABLE_CELLS)} cells: split it up`,
          this.lexer.tokens.length,
        );
      }
    }
    return super.table(src);
  }
}

/** Markdown to (unsanitized) HTML through `instance`'s renderer and token walkers, within the bounds. */
function boundedHtml(instance: Marked, markdown: string): string {
  return htmlOfTokens(instance, new BoundedLexer(instance.defaults, markdown).run());
}

function htmlOfTokens(instance: Marked, tokens: TokensList): string {
  const walk = instance.defaults.walkTokens;
  // The instance is synchronous (async: false); walkTokens' type also allows async extensions.
  if (walk) void instance.walkTokens(tokens, walk);
  return instance.parser(tokens);
}

/** A mention of an existing account, made from a run of text by `linkMentions`. */
type MentionToken = { type: "mention"; raw: string; username: string };

const marked = new Marked(
  { gfm: true, breaks: false, async: false },
  {
    extensions: [
      {
        name: "mention",
        renderer: (token) => {
          const { raw, username } = token as unknown as MentionToken;
          return `<a href="/users/${encodeURIComponent(username)}" class="mention">${raw}</a>`;
        },
      },
    ],
  },
);

/**
 * Calls `visit` with each run of plain text where a mention counts: not in code, links, images or
 * raw HTML (nor between a raw `<a>` and its `</a>`), with the character before the run ("" where a
 * block or emphasis starts). Nesting is bounded by the lexer (20 levels).
 */
function visitMentionText(tokens: Token[], visit: (token: Tokens.Text, before: string) => void, before = "") {
  let inRawLink = false;
  tokens.forEach((token, index) => {
    const previous = index === 0 ? before : (tokens[index - 1].raw.at(-1) ?? "");
    switch (token.type) {
      case "html":
        if (/^<a[\s>]/i.test(token.raw)) inRawLink = true;
        else if (/^<\/a\s*>/i.test(token.raw)) inRawLink = false;
        return;
      case "code":
      case "codespan":
      case "link":
      case "image":
      case "def":
      case "escape":
        return;
      case "list":
        for (const item of (token as Tokens.List).items) visitMentionText(item.tokens, visit);
        return;
      case "table":
        for (const cell of [...(token as Tokens.Table).header, ...(token as Tokens.Table).rows.flat()]) {
          visitMentionText(cell.tokens, visit);
        }
        return;
    }
    if (inRawLink) return;
    const text = token as Tokens.Text;
    if (text.type === "text" && !text.tokens) {
      if (!text.escaped) visit(text, previous);
    } else if ("tokens" in token && Array.isArray(token.tokens)) {
      // Emphasis opens only where its delimiter is not inside a word: a boundary, like a block start.
      visitMentionText(token.tokens, visit, token.type === "text" ? previous : "");
    }
  });
}

/** The names a post's tokens may mention, lower-cased, distinct, in order, at most MAX_MENTION_LOOKUPS. */
function candidatesIn(tokens: Token[]): string[] {
  const names = new Set<string>();
  visitMentionText(tokens, (token, before) => {
    if (names.size >= MAX_MENTION_LOOKUPS) return;
    for (const mention of mentionsInText(token.text, before)) {
      names.add(mention.name);
      if (names.size >= MAX_MENTION_LOOKUPS) return;
    }
  });
  return [...names];
}

/** Makes the first MAX_MENTION_LINKS mentions of `targets` in the tokens mention tokens. */
function linkMentions(tokens: Token[], targets: MentionTargets) {
  let links = 0;
  visitMentionText(tokens, (token, before) => {
    if (links >= MAX_MENTION_LINKS) return;
    const parts: (Tokens.Text | MentionToken)[] = [];
    const textPart = (text: string): Tokens.Text => ({ type: "text", raw: text, text, escaped: false });
    let at = 0;
    for (const mention of mentionsInText(token.text, before)) {
      const username = targets.get(mention.name);
      if (username === undefined) continue;
      if (mention.index > at) parts.push(textPart(token.text.slice(at, mention.index)));
      parts.push({ type: "mention", raw: token.text.slice(mention.index, mention.index + mention.length), username });
      at = mention.index + mention.length;
      links += 1;
      if (links >= MAX_MENTION_LINKS) break;
    }
    if (parts.length === 0) return;
    if (at < token.text.length) parts.push(textPart(token.text.slice(at)));
    token.tokens = parts as Token[];
  });
}

// Only the languages a support knowledge base shows; each one registered adds to start-up time.
for (const [name, language] of Object.entries({ bash, http, ini, javascript, json, plaintext, python, shell, yaml })) {
  hljs.registerLanguage(name, language);
}
hljs.registerAliases(["sh", "console"], { languageName: "bash" });
hljs.registerAliases(["js"], { languageName: "javascript" });
hljs.registerAliases(["yml"], { languageName: "yaml" });
hljs.registerAliases(["text", "txt"], { languageName: "plaintext" });

const PROFILE_PATH = /^\/users\/[a-z0-9][a-z0-9_-]*$/;

const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: [
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "br",
    "hr",
    "blockquote",
    "pre",
    "code",
    "kbd",
    "em",
    "strong",
    "del",
    "s",
    "sup",
    "sub",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "img",
    "input",
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
  allowedClasses: { code: [/^language-[\w+-]+$/], a: ["mention"] },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["http", "https"] },
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  transformTags: {
    // A mention's class is kept only on a link to a profile (raw HTML could put it anywhere).
    a: (tagName, { class: className, ...attribs }) => ({
      tagName,
      attribs: {
        ...attribs,
        ...(className === "mention" && PROFILE_PATH.test(attribs.href ?? "") ? { class: className } : {}),
        rel: "nofollow ugc noopener",
      },
    }),
    // Task-list checkboxes from GFM are the only inputs we keep, and never interactive.
    input: (tagName, attribs) =>
      attribs.type === "checkbox"
        ? {
            tagName,
            attribs: { type: "checkbox", disabled: "", ...(attribs.checked !== undefined ? { checked: "" } : {}) },
          }
        : { tagName: "span", attribs: {} },
  },
  exclusiveFilter: (frame) => frame.tag === "img" && !/^https?:\/\//i.test(frame.attribs.src ?? ""),
};

/**
 * Sanitized HTML for Markdown without mentions (`renderPostMarkdown` links them); throws
 * MarkdownTooComplexError for Markdown outside the bounds.
 */
/**
 * The sanitizer's output without control characters or U+FFFD, in text and attributes alike: it
 * decodes character references, `&#1;` to a control character, `&#0;` and `&#xD800;` to U+FFFD.
 */
const sanitized = (html: string, options: sanitizeHtml.IOptions) => sanitizeHtml(html, options).replace(NOT_TEXT, "");

export function renderMarkdown(markdown: string): string {
  return sanitized(boundedHtml(marked, markdown), sanitizeOptions);
}

/** Accounts `@name` may link to: the name lower-cased → the username as stored. */
export type MentionTargets = ReadonlyMap<string, string>;

/**
 * Sanitized HTML for a post, with each `@name` that `findTargets` knows linked to its profile
 * (class "mention"); other names stay text. `findTargets` gets the candidates once, lower-cased and
 * distinct, at most MAX_MENTION_LOOKUPS (and is not called when there are none); at most
 * MAX_MENTION_LINKS mentions are linked. Lexed once; refused like `renderMarkdown`.
 */
export async function renderPostMarkdown(
  markdown: string,
  findTargets: (names: string[]) => Promise<MentionTargets>,
): Promise<string> {
  const tokens = new BoundedLexer(marked.defaults, markdown).run();
  const names = candidatesIn(tokens);
  if (names.length > 0) linkMentions(tokens, await findTargets(names));
  return sanitized(htmlOfTokens(marked, tokens), sanitizeOptions);
}

/**
 * The names a post's Markdown mentions where `renderPostMarkdown` would link them (not in code,
 * links or raw HTML), lower-cased, distinct, in order of first mention, at most
 * MAX_MENTION_LOOKUPS. Throws MarkdownTooComplexError like `renderMarkdown`.
 */
export function mentionCandidates(markdown: string): string[] {
  return candidatesIn(new BoundedLexer(marked.defaults, markdown).run());
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

/**
 * Renders a knowledge-base article: sanitized HTML plus its table of contents (h2 and h3).
 * Throws MarkdownTooComplexError like `renderMarkdown`.
 */
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
  const html = boundedHtml(articleMarked, markdown);
  return { html: sanitized(html, articleSanitizeOptions), toc };
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

/** The first `maxLength` characters (code points, so no emoji is split) of a body's text, on one line, for a feed's summary. */
export function plainTextSummary(html: string, maxLength = 300) {
  const characters = Array.from(plainText(html).replace(/\s+/g, " "));
  if (characters.length <= maxLength) return characters.join("");
  return `${characters
    .slice(0, maxLength - 1)
    .join("")
    .trimEnd()}…`;
}
