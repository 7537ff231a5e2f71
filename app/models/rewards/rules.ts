/** Rewards' labels and input rules, shared by the server and the browser bundle. */
import { z } from "zod";
import { wholeNumber } from "~/lib/whole-number";
import { REWARD_AUDIENCES, REWARD_KINDS } from "../../../db/schema/rewards";
import { plainText } from "~/lib/plain-text";

export const REWARD_KIND_LABELS = {
  discount_code: "Discount code",
  merchandise: "Merchandise (shipped)",
  donation: "Donation",
  early_access: "Early access to a feature",
} as const;

export const REWARD_AUDIENCE_LABELS = {
  customers: "Customers only",
  everyone: "Everyone signed in",
} as const;

export const REDEMPTION_STATUS_LABELS = {
  requested: "Requested",
  fulfilled: "Fulfilled",
  cancelled: "Cancelled",
} as const;

export const LOYALTY_POINT_KIND_LABELS = {
  earned: "Earned with reputation",
  earning_reversed: "Reputation taken back",
  spent: "Redeemed",
  refunded: "Refunded",
  adjusted: "Adjusted by staff",
} as const;

/** The share of reputation earned as points when no admin has set one. */
export const DEFAULT_SHARE_PERCENT = 10;
export const MAX_CODES_PER_UPLOAD = 5000;
/** A text or CSV file of codes: far more than 5,000 codes of 64 characters would need. */
export const MAX_CODES_FILE_BYTES = 512 * 1024;
export const POINTS_HISTORY_LENGTH = 50;

export const rewardInputSchema = z
  .object({
    name: plainText().min(1, "Give the reward a name.").max(80, "At most 80 characters."),
    description: plainText().min(1, "Say what the person gets.").max(1000, "At most 1,000 characters."),
    kind: z.enum(REWARD_KINDS, { error: "Choose a kind of reward." }),
    audience: z.enum(REWARD_AUDIENCES, { error: "Choose who may redeem it." }),
    cost: wholeNumber(1, 1_000_000, "Between 1 and 1,000,000 points."),
    // Empty (or not sent) means unlimited.
    stock: z.preprocess(
      (value) => (value === undefined || (typeof value === "string" && value.trim() === "") ? null : value),
      wholeNumber(0, 1_000_000, "Between 0 and 1,000,000, or empty for unlimited.").nullable(),
    ),
  })
  .refine((reward) => reward.kind !== "discount_code" || reward.stock === null, {
    path: ["stock"],
    message: "Leave this empty for discount codes: the codes you upload are the stock.",
  });
export type RewardInput = z.infer<typeof rewardInputSchema>;

/** One code: printable characters without spaces (a line of a text or CSV file). */
export const CODE_PATTERN = /^[\x21-\x7e]{1,64}$/;

export const shippingAddressSchema = z.object({
  shipName: plainText().min(1, "Whom should we send it to?").max(100, "At most 100 characters."),
  shipAddress: plainText().min(3, "Enter the street address.").max(300, "At most 300 characters."),
  shipCity: plainText().min(1, "Enter the town or city.").max(100, "At most 100 characters."),
  shipPostcode: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9 -]{1,10}$/, "Enter a postal code (letters, digits, spaces or hyphens)."),
  shipCountry: plainText().min(2, "Enter the country.").max(60, "At most 60 characters."),
});
export type ShippingAddress = z.infer<typeof shippingAddressSchema>;

export const shareSchema = z.object({
  sharePercent: wholeNumber(0, 100, "Between 0 and 100 percent."),
});

export const adjustmentSchema = z.object({
  username: z.string().trim().min(1, "Whose points?").max(40, "No such person."),
  points: wholeNumber(-1_000_000, 1_000_000, "Between -1,000,000 and 1,000,000.").refine((points) => points !== 0, {
    message: "Enter a number of points other than 0.",
  }),
  reason: plainText().min(3, "Say why (it is shown to the person and kept in the audit log).").max(500),
});

export const fulfilSchema = z.object({
  note: plainText().max(500, "At most 500 characters.").default(""),
});

export const cancelSchema = z.object({
  reason: plainText().min(3, "Say why (the person reads it).").max(500, "At most 500 characters."),
});

/** Points earned for a reputation total at a share: whole points, rounded down, never below zero. */
export function pointsForReputation(total: number, sharePercent: number) {
  return Math.floor((Math.max(0, total) * sharePercent) / 100);
}
