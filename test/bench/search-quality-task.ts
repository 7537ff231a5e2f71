/**
 * For npm run bench:search-quality: in a process of its own (the app picks its engine when it
 * loads), asks every question closed as a duplicate again, by its title, as a visitor would, and
 * prints one JSON line: for the similar-questions list and for the search page, where the question
 * it duplicates ranked among the first 10 questions (the asked question itself left out).
 */
import { and, isNotNull } from "drizzle-orm";
import { threads } from "../../db/schema";
import { closeDatabase, read } from "~/lib/db.server";
import { exitOnInvalidConfiguration } from "~/lib/env.server";
import { VISITOR, publicThreadsCondition } from "~/lib/permissions.server";
import { findSimilar, searchSite } from "~/models/search/search.server";
import type { SearchHit } from "~/models/search/rules";

exitOnInvalidConfiguration();

const DEPTH = 10;

export type DuplicateCase = {
  threadId: number;
  title: string;
  originalId: number;
  /** 1-based rank of the original among the first DEPTH questions, or null when it is not there. */
  similarRank: number | null;
  searchRank: number | null;
};

/** The rank of `originalId` among the first DEPTH questions of `hits`, not counting `askedId`. */
function rankOf(hits: SearchHit[], askedId: number, originalId: number): number | null {
  const questions = hits.filter((hit) => hit.type === "question" && hit.id !== askedId).slice(0, DEPTH);
  const index = questions.findIndex((hit) => hit.id === originalId);
  return index === -1 ? null : index + 1;
}

async function evaluate(): Promise<DuplicateCase[]> {
  // Both questions must be readable by a visitor: a case nobody can see is not a search problem.
  const duplicates = await read((db) =>
    db
      .select({ threadId: threads.id, title: threads.title, originalId: threads.duplicateOfId })
      .from(threads)
      .where(and(isNotNull(threads.duplicateOfId), publicThreadsCondition()))
      .orderBy(threads.id),
  );
  const originals = new Set(
    (await read((db) => db.select({ id: threads.id }).from(threads).where(publicThreadsCondition()))).map(
      (row) => row.id,
    ),
  );
  const cases: DuplicateCase[] = [];
  for (const { threadId, title, originalId } of duplicates) {
    if (originalId === null || !originals.has(originalId)) continue;
    // One more than DEPTH: the asked question itself may take a place.
    const similar = await findSimilar(VISITOR, title, { limit: DEPTH + 1 });
    const search = await searchSite(VISITOR, { q: title, type: "questions" });
    cases.push({
      threadId,
      title,
      originalId,
      similarRank: rankOf(similar, threadId, originalId),
      searchRank: rankOf([...search.hits, ...search.partialHits], threadId, originalId),
    });
  }
  return cases;
}

try {
  process.stdout.write(`${JSON.stringify({ cases: await evaluate() })}\n`);
} finally {
  await closeDatabase();
}
