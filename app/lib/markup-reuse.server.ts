/**
 * The server's cache of markup that renders alike for many readers (`ReusedMarkup`; DECISIONS.md
 * #92): a thread's posts render the same for every reader with the same view of each post, so a
 * post's markup is rendered once and written as one string afterwards. Keys hold every input of the
 * markup, so an entry is never stale, only unused; the least recently used go first.
 */
import { MARKUP_CLOSE, MARKUP_OPEN, type MarkupReuse } from "~/components/reused-markup";
import { log } from "./log.server";

// Keys (which hold a post's body) and markup together, in UTF-16 code units (about twice as many bytes).
const MAX_TOTAL_LENGTH = 4 * 1024 * 1024;
const MAX_ENTRY_LENGTH = MAX_TOTAL_LENGTH / 64;

const entries = new Map<string, string>();
let totalLength = 0;

function lookup(key: string) {
  const html = entries.get(key);
  if (html !== undefined) {
    entries.delete(key);
    entries.set(key, html);
  }
  return html;
}

function keep(key: string, html: string) {
  const length = key.length + html.length;
  if (length > MAX_ENTRY_LENGTH || entries.has(key)) return;
  entries.set(key, html);
  totalLength += length;
  for (const [oldKey, oldHtml] of entries) {
    if (totalLength <= MAX_TOTAL_LENGTH) break;
    entries.delete(oldKey);
    totalLength -= oldKey.length + oldHtml.length;
  }
}

/** For one render: hand it to `MarkupReuseContext`, then give the page to `keepRenderedMarkup`. */
export function startMarkupReuse(): MarkupReuse {
  return { lookup, rendered: [] };
}

/**
 * Keeps the markup this render wrote afresh, cut out of the page: the wrappers are written in render
 * order and never nest (their tag is Hearth's own, which sanitized post HTML cannot hold), so the
 * n-th wrapper in the page is the n-th rendered.
 */
export function keepRenderedMarkup(reuse: MarkupReuse, page: string) {
  if (!reuse.rendered.some((entry) => entry.key !== null && !entry.reused)) return;
  let from = 0;
  const found: string[] = [];
  for (;;) {
    const open = page.indexOf(MARKUP_OPEN, from);
    if (open === -1) break;
    const start = open + MARKUP_OPEN.length;
    const close = page.indexOf(MARKUP_CLOSE, start);
    const html = close === -1 ? null : page.slice(start, close);
    if (html === null || html.includes(MARKUP_OPEN)) {
      log.error("reused markup: a wrapper is not closed before the next one opens; nothing kept", { at: open });
      return;
    }
    found.push(html);
    from = close + MARKUP_CLOSE.length;
  }
  if (found.length !== reuse.rendered.length) {
    log.error("reused markup: the page holds another number of wrappers than were rendered; nothing kept", {
      rendered: reuse.rendered.length,
      found: found.length,
    });
    return;
  }
  reuse.rendered.forEach(({ key, reused }, index) => {
    // A copy: a slice would hold on to the whole page.
    if (key !== null && !reused) keep(key, Buffer.from(found[index]).toString());
  });
}

/** For tests: empties the cache and says how many entries it held. */
export function forgetReusedMarkup() {
  const held = entries.size;
  entries.clear();
  totalLength = 0;
  return held;
}
