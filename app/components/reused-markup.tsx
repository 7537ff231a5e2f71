import { createContext, useContext, type ReactNode } from "react";

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      /** Wraps markup the server may reuse between renders; laid out as if absent (`display: contents`). */
      "hearth-markup": { children?: ReactNode; dangerouslySetInnerHTML?: { __html: string } };
    }
  }
}

/** The wrapper's tags, as the server writes them: `app/lib/markup-reuse.server.ts` finds them by these. */
export const MARKUP_OPEN = "<hearth-markup>";
export const MARKUP_CLOSE = "</hearth-markup>";

/**
 * One server render's use of the reused-markup cache (entry.server.tsx). `rendered` lists every
 * wrapper in the order the render wrote them, with its key and whether its markup came from the cache,
 * so the markup rendered afresh can be cut out of the page and kept. Absent in the browser.
 */
export type MarkupReuse = {
  lookup(key: MarkupKey): string | undefined;
  rendered: { key: MarkupKey | null; reused: boolean }[];
};

/**
 * What markup depends on: `slot` names the thing rendered (a post's id), `inputs` hold everything
 * else. Markup is reused only when the slot and every input are equal. Long inputs (a post's body)
 * are compared, not hashed: a render looks up every post, and hashing their bodies cost more than
 * comparing them with the few views of each post kept (DECISIONS.md #101).
 */
export type MarkupKey = { slot: string; inputs: readonly string[] };

export const MarkupReuseContext = createContext<MarkupReuse | null>(null);

/**
 * Markup the server renders once and reuses for every render whose key is the same: the key's inputs
 * must hold everything the children's markup depends on (their props, the URL their forms post to, the
 * times they show as ages). A null key renders afresh. In the browser the children render, and
 * hydrate, as usual: the reused markup is byte for byte what they rendered. DECISIONS.md #92.
 */
export function ReusedMarkup({ markupKey, children }: { markupKey: () => MarkupKey | null; children: ReactNode }) {
  const reuse = useContext(MarkupReuseContext);
  if (!reuse) return <hearth-markup>{children}</hearth-markup>;
  const key = markupKey();
  const html = key === null ? undefined : reuse.lookup(key);
  reuse.rendered.push({ key, reused: html !== undefined });
  return html === undefined ? (
    <hearth-markup>{children}</hearth-markup>
  ) : (
    <hearth-markup dangerouslySetInnerHTML={{ __html: html }} />
  );
}
