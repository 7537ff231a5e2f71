/**
 * The server's cache of markup that renders alike for many readers (`ReusedMarkup`; DECISIONS.md
 * #92): a thread's posts render the same for every reader with the same view of each post, so a
 * post's markup is rendered once and written as one string afterwards. Keys hold every input of the
 * markup, so an entry is never stale, only unused; the least recently used go first.
 */
import { MARKUP_CLOSE, MARKUP_OPEN, type MarkupKey, type MarkupReuse } from "~/components/reused-markup";
import { log } from "./log.server";

// Keys (which hold a post's body) and markup together, in UTF-16 code units (about twice as many bytes).
const MAX_TOTAL_LENGTH = 4 * 1024 * 1024;
const MAX_ENTRY_LENGTH = MAX_TOTAL_LENGTH / 64;
// Views of one slot kept: a post has a few (a visitor's, a member's, its author's, a voter's, staff's);
// any more (odd query strings, say) push out the least recently used, so a lookup compares a few at most.
const MAX_VIEWS_PER_SLOT = 8;

// Inputs are kept as given: a post's body is a string of its own from the database driver, never a
// slice of a larger one (which it would keep alive).
type View = { inputs: readonly string[]; html: string; length: number };

// Slots in the order they were last used, the least recently used first.
const slots = new Map<string, View[]>();
let totalLength = 0;

function sameInputs(a: readonly string[], b: readonly string[]) {
  return a.length === b.length && a.every((input, index) => input === b[index]);
}

function lookup(key: MarkupKey) {
  const views = slots.get(key.slot);
  const index = views ? views.findIndex((candidate) => sameInputs(candidate.inputs, key.inputs)) : -1;
  if (index === -1) return undefined;
  // Most recently used: the slot goes to the end of the cache, the view to the end of its slot.
  const [view] = views!.splice(index, 1);
  views!.push(view);
  slots.delete(key.slot);
  slots.set(key.slot, views!);
  return view.html;
}

function keep(key: MarkupKey, html: string) {
  const length = key.slot.length + key.inputs.reduce((sum, input) => sum + input.length, 0) + html.length;
  if (length > MAX_ENTRY_LENGTH) return;
  let views = slots.get(key.slot);
  if (views?.some((view) => sameInputs(view.inputs, key.inputs))) return;
  // Most recently used now: the slot goes to the end, so the bound below lets others go first.
  slots.delete(key.slot);
  slots.set(key.slot, (views ??= []));
  views.push({ inputs: key.inputs, html, length });
  totalLength += length;
  if (views.length > MAX_VIEWS_PER_SLOT) totalLength -= views.shift()!.length;
  for (const [oldSlot, oldViews] of slots) {
    if (totalLength <= MAX_TOTAL_LENGTH) break;
    slots.delete(oldSlot);
    for (const view of oldViews) totalLength -= view.length;
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

/** For tests: empties the cache and says how many views it held. */
export function forgetReusedMarkup() {
  let held = 0;
  for (const views of slots.values()) held += views.length;
  slots.clear();
  totalLength = 0;
  return held;
}
