/**
 * A source post's history (PostHistory rows) read into what Hearth keeps: each version of its title,
 * body and tags with who wrote it and when (Hearth's revisions are the versions an edit replaced),
 * and whether it ends closed (as a duplicate of which questions) and locked.
 */
import type { HistoryRow } from "./scratch.server";
import {
  HISTORY_TYPES as T,
  isDuplicateCloseReason,
  normalisedText,
  sourceDate,
  sourceInt,
  sourceTags,
} from "./source-values";

export type Version = {
  /** The first history row of the edit: the revision's source id. */
  sourceId: number;
  title: string;
  body: string;
  tags: string[];
  userId: number | null;
  userName: string | null;
  at: Date;
};

export type Closing = { at: Date; reasonId: number | null; originalIds: number[] };

export type PostHistoryState = {
  versions: Version[];
  /** Null while open (never closed, or reopened since). */
  closed: Closing | null;
  lockedAt: Date | null;
};

const TITLE_TYPES = new Set<number>([T.initialTitle, T.editTitle, T.rollbackTitle]);
const BODY_TYPES = new Set<number>([T.initialBody, T.editBody, T.rollbackBody]);
const TAG_TYPES = new Set<number>([T.initialTags, T.editTags, T.rollbackTags]);

function originalIdsOf(text: string | null): number[] {
  if (!text) return [];
  try {
    const ids = (JSON.parse(text) as { OriginalQuestionIds?: unknown }).OriginalQuestionIds;
    return Array.isArray(ids) ? ids.filter((id): id is number => Number.isInteger(id)) : [];
  } catch {
    return [];
  }
}

/**
 * Versions from `rows` (one post's, in history order): rows sharing a RevisionGUID are one edit;
 * an edit changes what it names and keeps the rest. `initial` is the post as Posts.xml gives it,
 * for what the history lacks (a dump cut short, or an edit of the title before the body was known).
 */
export function readHistory(rows: HistoryRow[], initial: Omit<Version, "sourceId">): PostHistoryState {
  const versions: Version[] = [];
  let closed: Closing | null = null;
  let lockedAt: Date | null = null;
  let current: Omit<Version, "sourceId"> | null = null;
  let group: { guid: string; rows: HistoryRow[] } | null = null;

  const applyGroup = () => {
    if (!group) return;
    const content = group.rows.filter(
      (row) => TITLE_TYPES.has(row.type) || BODY_TYPES.has(row.type) || TAG_TYPES.has(row.type),
    );
    group = null;
    if (content.length === 0) return;
    const first = content[0];
    const next: Omit<Version, "sourceId"> = {
      ...(current ?? initial),
      userId: first.userId,
      userName: first.userName,
      at: sourceDate(first.at) ?? initial.at,
    };
    for (const row of content) {
      if (TITLE_TYPES.has(row.type)) next.title = normalisedText(row.text ?? "");
      else if (BODY_TYPES.has(row.type)) next.body = normalisedText(row.text ?? "");
      else next.tags = sourceTags(row.text ?? "");
    }
    current = next;
    versions.push({ sourceId: first.id, ...next });
  };

  for (const row of rows) {
    if (group && group.guid !== row.guid) applyGroup();
    const at = sourceDate(row.at) ?? initial.at;
    if (row.type === T.closed) {
      const reasonId = sourceInt(row.comment ?? undefined);
      closed = { at, reasonId, originalIds: isDuplicateCloseReason(reasonId) ? originalIdsOf(row.text) : [] };
    } else if (row.type === T.reopened) closed = null;
    else if (row.type === T.locked) lockedAt = at;
    else if (row.type === T.unlocked) lockedAt = null;
    group ??= { guid: row.guid, rows: [] };
    group.rows.push(row);
  }
  applyGroup();
  return { versions, closed, lockedAt };
}
