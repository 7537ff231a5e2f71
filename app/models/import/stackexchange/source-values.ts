/** How a Stack Exchange dump writes values (https://meta.stackexchange.com/q/2677), read into Hearth's terms. */

/** Dump times are UTC without a zone ("2010-08-25T19:50:51.187"). */
export function sourceDate(value: string | undefined): Date | null {
  if (!value) return null;
  const at = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(at.getTime()) ? null : at;
}

export function sourceInt(value: string | undefined): number | null {
  if (value === undefined || !/^-?\d+$/.test(value)) return null;
  return Number(value);
}

/** Tags as "<a><b>" (older dumps) or "|a|b|" (newer ones). */
export function sourceTags(value: string | undefined): string[] {
  if (!value) return [];
  const names = value.startsWith("<") ? value.slice(1, -1).split("><") : value.split("|");
  return [...new Set(names.map((name) => name.trim().toLowerCase()).filter(Boolean))];
}

/** Line ends as Hearth stores them. */
export const normalisedText = (text: string) => text.replace(/\r\n?/g, "\n");

export const POST_TYPES = { question: 1, answer: 2 } as const;

export const VOTE_TYPES = { acceptedByOriginator: 1, upMod: 2, downMod: 3 } as const;

/** PostHistoryTypeId values the import reads: title, body and tags (initial, edit, rollback), closing and locking. */
export const HISTORY_TYPES = {
  initialTitle: 1,
  initialBody: 2,
  initialTags: 3,
  editTitle: 4,
  editBody: 5,
  editTags: 6,
  rollbackTitle: 7,
  rollbackBody: 8,
  rollbackTags: 9,
  closed: 10,
  reopened: 11,
  locked: 14,
  unlocked: 15,
} as const;

const DUPLICATE_CLOSE_REASONS = new Set([1, 101]);
export const isDuplicateCloseReason = (reasonId: number | null) =>
  reasonId !== null && DUPLICATE_CLOSE_REASONS.has(reasonId);

/** CloseReasonId (the Comment of a "closed" history row) as the reason a closed thread shows. */
const CLOSE_REASONS: Record<number, string> = {
  1: "Duplicate",
  2: "Off-topic",
  3: "Subjective and argumentative",
  4: "Not a real question",
  7: "Too localized",
  10: "General reference",
  20: "Noise or pointless",
  101: "Duplicate",
  102: "Off-topic",
  103: "Unclear what you're asking",
  104: "Too broad",
  105: "Primarily opinion-based",
};

export function closeReasonLabel(reasonId: number | null, site: string) {
  const label = (reasonId !== null && CLOSE_REASONS[reasonId]) || "Closed";
  return `${label} (closed on ${site})`;
}

/** The page a source post has on its site, as its licence asks to link it. */
export function sourcePostUrl(site: string, sourceId: number, kind: "question" | "answer") {
  return `https://${site}/${kind === "question" ? "q" : "a"}/${sourceId}`;
}

/** Badge classes: 1 gold, 2 silver, 3 bronze. */
export function badgeTier(value: string | undefined): "gold" | "silver" | "bronze" {
  return value === "1" ? "gold" : value === "2" ? "silver" : "bronze";
}
