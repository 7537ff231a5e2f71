/** What a question or answer must be to be saved, and the URL slug a title becomes: shared by every domain that writes posts. */
import { z } from "zod";
import { MAX_BODY_LENGTH } from "./rules";
import { plainText } from "~/lib/plain-text";

/** Something a reader can see: a letter, digit, punctuation mark or symbol (emoji included), not only zero-width or blank characters. */
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

export const bodySchema = z
  .string()
  .trim()
  .min(1, "Write something first.")
  .max(MAX_BODY_LENGTH, `Keep it under ${MAX_BODY_LENGTH.toLocaleString("en")} characters.`)
  .refine((text) => VISIBLE.test(text), "Write something first.");

/** Accents stacked on one letter beyond what any script writes ("Zalgo" text): they pile over the lines above and below. */
const STACKED_MARKS = /[\p{Mn}\p{Me}]{7,}/u;

export const titleSchema = plainText()
  .min(10, "Use at least 10 characters, so others can tell what you are asking.")
  .max(150, "Keep the title under 150 characters.")
  .refine((text) => VISIBLE.test(text), "Use at least 10 characters, so others can tell what you are asking.")
  .refine(
    (text) => !STACKED_MARKS.test(text.normalize("NFC")),
    "Use at most 6 accent marks on one letter: more pile up over the lines around the title.",
  );

export function slugify(title: string) {
  const slug = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/, "");
  return slug || "question";
}
