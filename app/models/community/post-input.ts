/** What a question or answer must be to be saved, and the URL slug a title becomes: shared by every domain that writes posts. */
import { z } from "zod";
import { MAX_BODY_LENGTH } from "./rules";

export const bodySchema = z
  .string()
  .trim()
  .min(1, "Write something first.")
  .max(MAX_BODY_LENGTH, `Keep it under ${MAX_BODY_LENGTH.toLocaleString("en")} characters.`);

export const titleSchema = z
  .string()
  .trim()
  .min(10, "Use at least 10 characters, so others can tell what you are asking.")
  .max(150, "Keep the title under 150 characters.");

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
