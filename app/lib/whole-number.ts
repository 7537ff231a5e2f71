/**
 * A whole number typed in a form field, for the server and the browser alike: digits only, with an
 * optional minus. `z.coerce.number` would take "1e3", "0x10" and "" (as 0), which nobody typing a
 * number means.
 */
import { z } from "zod";

export const wholeNumber = (min: number, max: number, rangeMessage: string | { below: string; above: string }) =>
  z.preprocess(
    (value) => (typeof value === "string" && /^\s*-?\d{1,9}\s*$/.test(value) ? Number(value) : value),
    z
      .number({ error: "Enter a whole number." })
      .int("Enter a whole number.")
      .min(min, typeof rangeMessage === "string" ? rangeMessage : rangeMessage.below)
      .max(max, typeof rangeMessage === "string" ? rangeMessage : rangeMessage.above),
  );
