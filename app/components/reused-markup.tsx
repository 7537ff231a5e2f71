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
  lookup(key: string): string | undefined;
  rendered: { key: string | null; reused: boolean }[];
};

export const MarkupReuseContext = createContext<MarkupReuse | null>(null);

/**
 * Markup the server renders once and reuses for every render whose key is the same: the key must
 * hold everything the children's markup depends on (their props, the URL their forms post to, the
 * times they show as ages). A null key renders afresh. In the browser the children render, and
 * hydrate, as usual: the reused markup is byte for byte what they rendered. DECISIONS.md #92.
 */
export function ReusedMarkup({ markupKey, children }: { markupKey: () => string | null; children: ReactNode }) {
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
