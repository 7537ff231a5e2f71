/** Reading trust_settings' thresholds, shared by the levels and the settings of app/models/trust/. */
import { eq } from "drizzle-orm";
import { trustSettings } from "../../../db/schema";
import { read } from "~/lib/db.server";
import {
  DEFAULT_TRUST_PRESET,
  EARNED_LEVELS,
  PRESET_THRESHOLDS,
  presetOf,
  THRESHOLD_FIELDS,
  thresholdFieldName,
  type EarnedLevel,
  type LevelThreshold,
  type TrustThresholds,
} from "~/lib/trust-levels";

type Field = keyof LevelThreshold;
const FIELDS = Object.keys(THRESHOLD_FIELDS) as Field[];

type ThresholdColumns = Record<ReturnType<typeof thresholdFieldName>, number>;

/** The thresholds of a trust_settings row, or the default preset's when there is none. */
export function thresholdsOf(row: ThresholdColumns | undefined): TrustThresholds {
  if (!row) return PRESET_THRESHOLDS[DEFAULT_TRUST_PRESET];
  const level = (name: EarnedLevel) =>
    Object.fromEntries(FIELDS.map((field) => [field, Number(row[thresholdFieldName(name, field)])])) as LevelThreshold;
  return { basic: level("basic"), member: level("member"), regular: level("regular"), leader: level("leader") };
}

export const columnsOf = (thresholds: TrustThresholds) =>
  Object.fromEntries(
    EARNED_LEVELS.flatMap((level) =>
      FIELDS.map((field) => [thresholdFieldName(level, field), thresholds[level][field]]),
    ),
  ) as ThresholdColumns;

export async function getTrustThresholds(): Promise<TrustThresholds> {
  const [row] = await read((db) => db.select().from(trustSettings).where(eq(trustSettings.id, 1)));
  return thresholdsOf(row);
}

/** The thresholds and the preset they match (null when tuned by hand). */
export async function getTrustSettings() {
  const thresholds = await getTrustThresholds();
  return { thresholds, preset: presetOf(thresholds) };
}
