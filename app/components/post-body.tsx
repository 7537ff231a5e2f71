import { createContext, useContext } from "react";

/**
 * A post's HTML, written into the page once. On a document request the thread page leaves its posts'
 * HTML out of the loader data the page carries for hydration (a second, escaped copy of every body)
 * and hands it to the render through this context instead; in the browser, hydration takes each body
 * from the page it is hydrating. Data requests (client navigation, revalidation) carry the HTML as
 * before. DECISIONS.md #68.
 */
export const PostBodiesInPage = createContext<ReadonlyMap<number, string> | null>(null);

// Each post's body as hydration read it from the page: the browser writes it back in its own words
// (`<br>` for `<br />`, quotes unescaped), so the server's string for the same body differs.
const readFromPage = new Map<number, string>();

function asTheBrowserWritesIt(html: string) {
  const template = document.createElement("template");
  template.innerHTML = html;
  return template.innerHTML;
}

// What each post object (one per loader result) renders: decided once, not on every re-render.
const chosen = new WeakMap<object, string>();

function bodyInBrowser(post: { id: number; bodyHtml?: string }) {
  let html = chosen.get(post);
  if (html === undefined) {
    html = choose(post);
    chosen.set(post, html);
  }
  return html;
}

function choose(post: { id: number; bodyHtml?: string }) {
  const inPage = readFromPage.get(post.id);
  if (post.bodyHtml === undefined) {
    if (inPage !== undefined) return inPage;
    const html = document.querySelector(`#post-${post.id} .prose`)?.innerHTML ?? "";
    readFromPage.set(post.id, html);
    return html;
  }
  // Fresh data after a vote: the same body keeps the string React already set, so React leaves the
  // post's DOM alone rather than parse it again (losing a selection, reloading its images).
  if (inPage === undefined) return post.bodyHtml;
  if (asTheBrowserWritesIt(post.bodyHtml) === inPage) return inPage;
  readFromPage.delete(post.id);
  return post.bodyHtml;
}

export function PostBody({ post }: { post: { id: number; bodyHtml?: string } }) {
  const bodies = useContext(PostBodiesInPage);
  let html: string;
  if (typeof document !== "undefined") html = bodyInBrowser(post);
  else {
    const body = post.bodyHtml ?? bodies?.get(post.id);
    // A page that shows a post must hand its HTML over, in its data or in the page's bodies.
    if (body === undefined) throw new Error(`post ${post.id}'s body is neither in the data nor in the page`);
    html = body;
  }
  return <div className="prose" dangerouslySetInnerHTML={{ __html: html }} />;
}
