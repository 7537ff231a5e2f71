// The server's reused-markup cache (markup-reuse.server.ts): markup comes back only for the same slot
// with every input equal; a slot keeps a few views, the oldest going first; the whole cache is bounded.
import { beforeEach, describe, expect, it } from "vitest";
import { MARKUP_CLOSE, MARKUP_OPEN, type MarkupKey } from "~/components/reused-markup";
import { forgetReusedMarkup, keepRenderedMarkup, startMarkupReuse } from "~/lib/markup-reuse.server";

/** One render that wrote `html` afresh under `key`, as entry.server.tsx hands it to the cache. */
function renderOnce(key: MarkupKey, html: string) {
  const reuse = startMarkupReuse();
  reuse.rendered.push({ key, reused: false });
  keepRenderedMarkup(reuse, `<main>${MARKUP_OPEN}${html}${MARKUP_CLOSE}</main>`);
}

const lookup = (key: MarkupKey) => startMarkupReuse().lookup(key);
const post = (id: number, view: string, body = `<p>Body of ${id}</p>`): MarkupKey => ({
  slot: `post ${id}`,
  inputs: [view, body],
});

describe("reused markup", () => {
  beforeEach(() => {
    forgetReusedMarkup();
  });

  it("hands back what was rendered for the same slot and inputs, and nothing for any other", () => {
    renderOnce(post(1, "member"), "<article>one</article>");
    expect(lookup(post(1, "member"))).toBe("<article>one</article>");
    // Another view of the post, another body (an edit), another post: rendered afresh.
    expect(lookup(post(1, "author"))).toBeUndefined();
    expect(lookup(post(1, "member", "<p>Body of 1, edited</p>"))).toBeUndefined();
    expect(lookup(post(2, "member", "<p>Body of 1</p>"))).toBeUndefined();
    // Inputs are compared one by one: the same characters split otherwise are another key.
    expect(lookup({ slot: "post 1", inputs: ["memb", "er<p>Body of 1</p>"] })).toBeUndefined();
    expect(lookup({ slot: "post 1", inputs: ["member<p>Body of 1</p>"] })).toBeUndefined();
  });

  it("keeps several views of one post, each with its own markup", () => {
    renderOnce(post(1, "member"), "<article>as a member</article>");
    renderOnce(post(1, "author"), "<article>as its author</article>");
    expect(lookup(post(1, "member"))).toBe("<article>as a member</article>");
    expect(lookup(post(1, "author"))).toBe("<article>as its author</article>");
    expect(forgetReusedMarkup()).toBe(2);
  });

  it("keeps at most eight views of a slot, letting the oldest go", () => {
    for (let view = 0; view < 10; view++) renderOnce(post(1, `view ${view}`), `<article>${view}</article>`);
    expect(lookup(post(1, "view 0"))).toBeUndefined();
    expect(lookup(post(1, "view 1"))).toBeUndefined();
    expect(lookup(post(1, "view 2"))).toBe("<article>2</article>");
    expect(lookup(post(1, "view 9"))).toBe("<article>9</article>");
    expect(forgetReusedMarkup()).toBe(8);
  });

  it("lets the least recently used view of a slot go first, not the first kept", () => {
    for (let view = 0; view < 8; view++) renderOnce(post(1, `view ${view}`), `<article>${view}</article>`);
    // The first view is read again: the ninth pushes out the second instead.
    expect(lookup(post(1, "view 0"))).toBe("<article>0</article>");
    renderOnce(post(1, "view 8"), "<article>8</article>");
    expect(lookup(post(1, "view 0"))).toBe("<article>0</article>");
    expect(lookup(post(1, "view 1"))).toBeUndefined();
    expect(forgetReusedMarkup()).toBe(8);
  });

  it("counts a view kept twice (two renders that missed together) once", () => {
    const body = (id: number) => `<p>${String(id).repeat(Math.floor(60_000 / String(id).length))}</p>`;
    // 69 entries of ~60K fill the cache to just under its bound; counted twice, post 0 would go.
    for (let id = 0; id < 69; id++) {
      renderOnce(post(id, "member", body(id)), `<article>${id}</article>`);
      if (id === 0) renderOnce(post(0, "member", body(0)), "<article>0</article>");
    }
    expect(lookup(post(0, "member", body(0)))).toBe("<article>0</article>");
    expect(forgetReusedMarkup()).toBe(69);
  });

  it("stays within its bound, letting the least recently used posts go first", () => {
    // 4M code units in all, 64K at most for one entry: entries of ~60K, so about 70 fit.
    const body = (id: number) => `<p>${String(id).repeat(Math.floor(60_000 / String(id).length))}</p>`;
    renderOnce(post(0, "member", body(0)), "<article>0</article>");
    for (let id = 1; id < 200; id++) {
      renderOnce(post(id, "member", body(id)), `<article>${id}</article>`);
      // Post 0 is read between every two renders: it stays.
      expect(lookup(post(0, "member", body(0)))).toBe("<article>0</article>");
    }
    expect(lookup(post(1, "member", body(1)))).toBeUndefined();
    expect(lookup(post(199, "member", body(199)))).toBe("<article>199</article>");
    const held = forgetReusedMarkup();
    expect(held).toBeGreaterThan(50);
    expect(held).toBeLessThan(80);
  });

  it("counts a slot as used when a view is added to it, so the new view is not the first to go", () => {
    const body = (id: number) => `<p>${String(id).repeat(Math.floor(60_000 / String(id).length))}</p>`;
    renderOnce(post(0, "member", body(0)), "<article>0 as a member</article>");
    for (let id = 1; id < 69; id++) renderOnce(post(id, "member", body(id)), `<article>${id}</article>`);
    // Post 0 is the least recently used until its author's view is added: then post 1 goes first.
    renderOnce(post(0, "author", body(0)), "<article>0 as its author</article>");
    expect(lookup(post(0, "author", body(0)))).toBe("<article>0 as its author</article>");
    expect(lookup(post(1, "member", body(1)))).toBeUndefined();
  });

  it("does not keep an entry larger than its share of the cache", () => {
    renderOnce(post(1, "member", "x".repeat(70_000)), "<article>long</article>");
    expect(lookup(post(1, "member", "x".repeat(70_000)))).toBeUndefined();
    expect(forgetReusedMarkup()).toBe(0);
  });
});
