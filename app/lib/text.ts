// Control characters other than tab and line breaks (C0, DEL and C1): a NUL typed into a form or a
// URL would reach pages and emails byte for byte (browsers show it as a replacement character, mail
// clients stop at it; PostgreSQL refuses it in text). And U+FFFD, which is what bad percent-encoding
// and character references to no character (`&#0;`, `&#xD800;`) decode to.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const NOT_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffd]/g;

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
