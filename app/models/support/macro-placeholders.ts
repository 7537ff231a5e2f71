/**
 * The placeholders a macro's text may hold, filled per follow-up when staff insert it:
 * `{{customer.name}}` (the customer's username), `{{thread.link}}` (the thread's absolute address)
 * and `{{kb:<slug>}}` (a knowledge-base article's absolute address). Anything else between double
 * braces is an error, when the macro is saved and when it is used, so no reply goes out with braces in it.
 * Pure and browser-safe.
 */

export const PLACEHOLDER_HELP = "{{customer.name}}, {{thread.link}} and {{kb:article-slug}}";

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const KB = /^kb:([a-z0-9][a-z0-9-]*)$/i;

export type Placeholder =
  { text: string; kind: "customer.name" | "thread.link" | "unknown" } | { text: string; kind: "kb"; slug: string };

/** Every placeholder in `body`, in order (repeats included). */
export function placeholdersIn(body: string): Placeholder[] {
  return [...body.matchAll(PLACEHOLDER)].map(([text, name]) => {
    if (name === "customer.name" || name === "thread.link") return { text, kind: name };
    const kb = KB.exec(name);
    return kb ? { text, kind: "kb", slug: kb[1].toLowerCase() } : { text, kind: "unknown" };
  });
}

/** The message for placeholders nobody knows, or null when there are none. */
export function unknownPlaceholdersMessage(placeholders: Placeholder[]): string | null {
  const unknown = [...new Set(placeholders.filter((p) => p.kind === "unknown").map((p) => p.text))];
  if (unknown.length === 0) return null;
  return `Unknown placeholder${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}: use ${PLACEHOLDER_HELP}.`;
}

export type PlaceholderValues = {
  customerName: string;
  threadLink: string;
  /** Absolute links of the articles the text names, by slug. */
  articleLinks: Map<string, string>;
};

/** `body` with its placeholders filled; call it once every placeholder is known to have a value. */
export function fillPlaceholders(body: string, values: PlaceholderValues): string {
  const placeholders = placeholdersIn(body);
  let index = 0;
  return body.replace(PLACEHOLDER, (text) => {
    const placeholder = placeholders[index++];
    if (placeholder.kind === "customer.name") return values.customerName;
    if (placeholder.kind === "thread.link") return values.threadLink;
    if (placeholder.kind === "kb") return values.articleLinks.get(placeholder.slug) ?? text;
    return text;
  });
}
