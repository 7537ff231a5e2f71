/**
 * `text` cut to at most `max` UTF-16 code units, never between the two halves of one character (an
 * emoji, a rare CJK letter): `slice` alone can keep the first half, which is no character at all and
 * becomes invalid UTF-8 (or U+FFFD) once it is stored, sent or shown.
 */
export function cutToLength(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}
