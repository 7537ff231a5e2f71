const UNITS: [string, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

export function formatAge(date: Date, from = new Date()) {
  const seconds = Math.round((from.getTime() - date.getTime()) / 1000);
  if (seconds < 60) return "just now";
  for (const [unit, size] of UNITS) {
    const count = Math.floor(seconds / size);
    if (count >= 1) return count === 1 ? (unit === "day" ? "yesterday" : `1 ${unit} ago`) : `${count} ${unit}s ago`;
  }
  return "just now";
}

/** "3 hours ago", with the exact UTC time on hover; the text may differ by hydration time, which is fine. */
export function RelativeTime({ date }: { date: Date }) {
  const iso = date.toISOString();
  return (
    <time dateTime={iso} title={`${iso.slice(0, 16).replace("T", " ")} UTC`} suppressHydrationWarning>
      {formatAge(date)}
    </time>
  );
}
