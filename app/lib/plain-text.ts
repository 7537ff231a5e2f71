/** Plain text one person writes for others to read: a title, a reason, a reward's name, an address. */
import { z } from "zod";

/**
 * Explicit direction embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): text holding
 * one reads differently from what it says ("‮txt.exe" shows as "exe.txt") and spills into the text
 * around it in a list. The browser sets the direction of Arabic or Hebrew on its own; the marks LRM
 * and RLM stay allowed.
 */
const DIRECTION_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/u;

export const DIRECTION_CONTROLS_MESSAGE =
  "Remove the invisible characters that change the direction of the text: they make it read differently from what it says.";

/** A trimmed string without direction controls; chain the field's own length rules after it. */
export const plainText = (params?: Parameters<typeof z.string>[0]) =>
  z
    .string(params)
    .trim()
    .refine((text) => !DIRECTION_CONTROLS.test(text), DIRECTION_CONTROLS_MESSAGE);
