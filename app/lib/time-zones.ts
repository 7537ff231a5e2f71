/** The IANA time zones people and support desks choose from: every zone this runtime knows, UTC first. */
export const TIME_ZONES: readonly string[] = [
  "UTC",
  ...Intl.supportedValuesOf("timeZone").filter((zone) => zone !== "UTC"),
];

const known = new Set(TIME_ZONES);

export const isKnownTimeZone = (zone: string) => known.has(zone);
