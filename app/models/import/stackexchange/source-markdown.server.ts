/** A post's or comment's Markdown from the dump as Hearth shows it: through Hearth's one renderer. */
import { renderMarkdown } from "~/lib/markdown.server";
import type { ImportContext } from "./context.server";

// Every character that can start Markdown syntax; escaped, the text renders as itself.
const MARKDOWN_CHARACTERS = /[\\`*_{}[\]()#+\-.!<>|~]/g;

/**
 * Sanitized HTML for `markdown` read from `file`. Text the renderer refuses (too deeply nested) is
 * kept as plain text, every Markdown character escaped, and counted in the run's summary.
 */
export function renderSourceMarkdown(ctx: ImportContext, file: "Posts.xml" | "Comments.xml", markdown: string) {
  try {
    return renderMarkdown(markdown);
  } catch {
    const reason = `${file}: Markdown the renderer refuses, kept as plain text`;
    ctx.summary.skipReasons.set(reason, (ctx.summary.skipReasons.get(reason) ?? 0) + 1);
    return renderMarkdown(markdown.replace(MARKDOWN_CHARACTERS, "\\$&"));
  }
}
