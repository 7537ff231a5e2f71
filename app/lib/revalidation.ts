import type { ShouldRevalidateFunction } from "@remix-run/react";

/**
 * The live Markdown preview posts to /api/preview (a fetcher) while someone types, and changes no
 * data; after any fetcher's post Remix reloads every loader on the page by default, so a long
 * thread's data was sent again for each pause in typing. Routes with an editor, the root, and
 * the similar-questions route the ask page loads into a fetcher export this as `shouldRevalidate`.
 */
export const keepDataAfterPreview: ShouldRevalidateFunction = ({ formAction, defaultShouldRevalidate }) =>
  formAction === "/api/preview" ? false : defaultShouldRevalidate;
