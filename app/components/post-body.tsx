import { createContext, useContext } from "react";

/**
 * A post's HTML, written into the page once. On a document request the thread page leaves its posts'
 * HTML out of the loader data the page carries for hydration (a second, escaped copy of every body)
 * and hands it to the render through this context instead; in the browser, hydration takes each body
 * from the page it is hydrating. Data requests (client navigation, revalidation) carry the HTML as
 * before. DECISIONS.md #68.
 */
export const PostBodiesInPage = createContext<ReadonlyMap<number, string> | null>(null);

// Per post object: a re-render without new data reads the page once, not on every render.
const readFromPage = new WeakMap<object, string>();

function bodyInPage(post: { id: number }) {
  let html = readFromPage.get(post);
  if (html === undefined) {
    html = document.querySelector(`#post-${post.id} .prose`)?.innerHTML ?? "";
    readFromPage.set(post, html);
  }
  return html;
}

export function PostBody({ post }: { post: { id: number; bodyHtml?: string } }) {
  const bodies = useContext(PostBodiesInPage);
  const html = post.bodyHtml ?? bodies?.get(post.id) ?? (typeof document === "undefined" ? "" : bodyInPage(post));
  return <div className="prose" dangerouslySetInnerHTML={{ __html: html }} />;
}
