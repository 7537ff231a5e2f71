/**
 * What `@username` looks like in text, shared by the server (rendering, notifications) and the
 * editor in the browser (suggestions): no `.server`, no database.
 * A mention is an ASCII `@` followed by a whole username (letters, digits, '-' and '_', starting
 * with a letter or digit, at most USERNAME_MAX_LENGTH). It stands alone: neither the `@` nor the
 * name touches a letter, digit, mark or `_` of any script, nor an invisible joiner (U+200B-U+200D,
 * U+2060, U+FEFF), so `me@example.com`, `@ada's` mid-word and a name with a hidden joiner inside
 * mention nobody. The fullwidth `＠` is not an `@`. Every pattern here is linear.
 */

export const USERNAME_MIN_LENGTH = 3;
export const USERNAME_MAX_LENGTH = 30;
/** Usernames as stored (lower case); `i` where written text is matched. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;

/** Distinct names of one post looked up at most; later names stay plain text. */
export const MAX_MENTION_LOOKUPS = 50;
/** Mentions linked in one post at most (a post of `@ada` repeated would otherwise grow ~15 times). */
export const MAX_MENTION_LINKS = 100;
/** People notified of one post at most: the first ones mentioned. */
export const MAX_MENTION_NOTIFICATIONS = 10;
/** Usernames suggested while typing. */
export const MAX_USERNAME_SUGGESTIONS = 8;

// Next to a mention: anything that would make it part of a word, or hide part of it.
const ADJACENT = /[\p{L}\p{N}\p{M}_\u200B-\u200D\u2060\uFEFF]/u;
const BEFORE = /[\p{L}\p{N}\p{M}_/\u200B-\u200D\u2060\uFEFF]/u;
const CANDIDATE = /@([A-Za-z0-9][A-Za-z0-9_-]*)/g;

export type MentionMatch = { index: number; length: number; name: string };

/**
 * The mentions in a run of text, in order: `index` of the `@`, `length` with the name, and the
 * name lower-cased. `before` is the character that precedes the run ("" at the start of a block).
 */
export function mentionsInText(text: string, before = ""): MentionMatch[] {
  const found: MentionMatch[] = [];
  CANDIDATE.lastIndex = 0;
  for (let match = CANDIDATE.exec(text); match; match = CANDIDATE.exec(text)) {
    const name = match[1];
    const previous = match.index === 0 ? before : text[match.index - 1];
    const next = text.charAt(match.index + match[0].length);
    if (name.length < USERNAME_MIN_LENGTH || name.length > USERNAME_MAX_LENGTH) continue;
    if (previous && BEFORE.test(previous)) continue;
    if (next && (ADJACENT.test(next) || next === "@")) continue;
    found.push({ index: match.index, length: match[0].length, name: name.toLowerCase() });
  }
  return found;
}

/**
 * The `@prefix` being typed just before the caret, for suggestions: `start` is the `@`'s index.
 * Null when the caret is not at the end of a would-be mention.
 */
export function mentionQueryAt(text: string, caret: number): { start: number; query: string } | null {
  const head = text.slice(Math.max(0, caret - USERNAME_MAX_LENGTH - 2), caret);
  const match = /(^|[^A-Za-z0-9_-])@([A-Za-z0-9][A-Za-z0-9_-]*)$/.exec(head);
  if (!match || match[2].length > USERNAME_MAX_LENGTH) return null;
  const start = caret - match[2].length - 1;
  const previous = start > 0 ? text[start - 1] : "";
  if (previous && BEFORE.test(previous)) return null;
  return { start, query: match[2] };
}
