/**
 * Synonym groups that staff keep at /mod/synonyms ("wifi, wi-fi, wireless"): a search word that is
 * one of a group's words also matches the others, on /search and in similar questions (DECISIONS.md
 * #80, #85). Invariants: a group has 2+ words that are different words to search (match keys); a
 * word is in one group at most, and so is its match key ("wifi", "wi-fi": checked in the write that
 * saves a group, writes being serialized); every change is audited in the write that makes it.
 */
import { asc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { synonymGroups, synonymWords } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { oneRow, read, write } from "~/lib/db.server";
import { NotFoundError, ValidationError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import { canManageSynonyms, ensure, ensureSignedIn, type Actor } from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { recordAudit } from "~/models/shared/audit.server";
import { cutToLength } from "~/lib/text";

export const MAX_SYNONYM_LENGTH = 40;
/**
 * Letters and digits a word needs (hyphens not counted): search keeps shorter words exact, and a
 * one-letter synonym would add every document holding that letter to each search for its group.
 */
export const MIN_SYNONYM_LETTERS = 2;
export const MAX_GROUP_WORDS = 20;
const SYNONYM = /^[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*$/u;

/**
 * How a search word meets a synonym: hyphens dropped, as the index writes hyphenated words as one
 * and search looks a typed "wi-fi" up as "wifi". So "wifi" and "wi-fi" are one word to a group.
 */
const matchKeyOf = (word: string) => word.replaceAll("-", "");

/** What is wrong with one word of a group, or null. */
function wordProblem(word: string) {
  if (!SYNONYM.test(word) || word.length > MAX_SYNONYM_LENGTH)
    return `“${cutToLength(word, MAX_SYNONYM_LENGTH)}” is not one word: use letters and digits (hyphens inside, up to ${MAX_SYNONYM_LENGTH} characters), and commas between words.`;
  if ([...matchKeyOf(word)].length < MIN_SYNONYM_LETTERS)
    return `“${word}” is too short: a word of a group needs ${MIN_SYNONYM_LETTERS} letters or digits at least.`;
  return null;
}

const groupSchema = z.object({
  words: z
    .string()
    .max(1_000, "Keep the group under 1,000 characters.")
    .transform((text) => [
      ...new Set(
        text
          .normalize("NFKC")
          .toLowerCase()
          .split(/[,\n]/)
          .map((word) => word.trim())
          .filter(Boolean),
      ),
    ])
    .superRefine((words, context) => {
      const problem = words.map(wordProblem).find((message) => message !== null);
      const keys = new Set(words.map(matchKeyOf));
      if (problem) context.addIssue({ code: "custom", message: problem });
      else if (words.length < 2)
        context.addIssue({ code: "custom", message: "A group needs at least two different words." });
      else if (keys.size < 2)
        context.addIssue({
          code: "custom",
          message: `${words
            .map((word) => `“${word}”`)
            .join(", ")
            .replace(/, ([^,]*)$/, " and $1")} are one word to search: a group needs at least two different words.`,
        });
      else if (words.length > MAX_GROUP_WORDS)
        context.addIssue({ code: "custom", message: `A group holds ${MAX_GROUP_WORDS} words at most.` });
    }),
});

export type SynonymGroup = { id: number; words: string[]; updatedAt: Date };

export async function listSynonymGroups(actor: Actor): Promise<SynonymGroup[]> {
  ensure(canManageSynonyms(actor), "Only staff can see search synonyms.");
  const [groups, words] = await read((db) =>
    Promise.all([
      db.select({ id: synonymGroups.id, updatedAt: synonymGroups.updatedAt }).from(synonymGroups),
      db.select().from(synonymWords).orderBy(asc(synonymWords.word)),
    ]),
  );
  const wordsOfGroup = new Map<number, string[]>();
  for (const row of words) wordsOfGroup.set(row.groupId, [...(wordsOfGroup.get(row.groupId) ?? []), row.word]);
  return groups
    .map((group) => ({ ...group, words: wordsOfGroup.get(group.id) ?? [] }))
    .sort((a, b) => a.words[0]?.localeCompare(b.words[0] ?? "") ?? 0);
}

/**
 * Refuses words that already belong to another group, written the same or with other hyphens
 * (the same match key), naming them and the group.
 */
async function ensureWordsFree(words: string[], exceptGroupId?: number) {
  const taken = await read((db) =>
    db
      .select({ word: synonymWords.word, matchKey: synonymWords.matchKey, groupId: synonymWords.groupId })
      .from(synonymWords)
      .where(inArray(synonymWords.matchKey, [...new Set(words.map(matchKeyOf))])),
  );
  const elsewhere = taken.filter((row) => row.groupId !== exceptGroupId);
  const clash = elsewhere.find((row) => words.includes(row.word)) ?? elsewhere[0];
  if (!clash) return;
  const others = await read((db) =>
    db
      .select({ word: synonymWords.word })
      .from(synonymWords)
      .where(eq(synonymWords.groupId, clash.groupId))
      .orderBy(asc(synonymWords.word)),
  );
  const group = others.map((row) => row.word).join(", ");
  const typed = words.find((word) => word === clash.word) ?? words.find((word) => matchKeyOf(word) === clash.matchKey);
  throw new ValidationError({
    words:
      typed === clash.word
        ? `“${typed}” is already in the group “${group}”: a word belongs to one group.`
        : `“${typed}” is already in the group “${group}” (as “${clash.word}”): a word belongs to one group, hyphens or not.`,
  });
}

const groupLabel = (words: string[]) => cutToLength(words.join(", "), 200);

export async function addSynonymGroup(actor: Actor, input: unknown) {
  ensure(canManageSynonyms(actor), "Only staff can change search synonyms.");
  ensureSignedIn(actor);
  const { words } = parseInput(groupSchema, input);
  return write(async (db) => {
    await consume(`moderation:user:${actor.id}`, LIMITS.moderation);
    await ensureWordsFree(words);
    const at = now();
    const group = oneRow(
      await db
        .insert(synonymGroups)
        .values({ updatedById: actor.id, updatedAt: at })
        .returning({ id: synonymGroups.id }),
    );
    await db
      .insert(synonymWords)
      .values(words.map((word) => ({ word, matchKey: matchKeyOf(word), groupId: group.id })));
    await recordAudit(
      actor,
      {
        action: "synonyms.add",
        subject: { type: "synonyms", id: group.id, label: groupLabel(words) },
        after: { words },
      },
      at,
    );
    return group;
  });
}

async function wordsOfGroup(id: number) {
  const rows = await read((db) =>
    db
      .select({ word: synonymWords.word })
      .from(synonymWords)
      .where(eq(synonymWords.groupId, id))
      .orderBy(asc(synonymWords.word)),
  );
  if (rows.length === 0) throw new NotFoundError("That synonym group does not exist.");
  return rows.map((row) => row.word);
}

export async function updateSynonymGroup(actor: Actor, id: number, input: unknown) {
  ensure(canManageSynonyms(actor), "Only staff can change search synonyms.");
  ensureSignedIn(actor);
  const { words } = parseInput(groupSchema, input);
  await write(async (db) => {
    await consume(`moderation:user:${actor.id}`, LIMITS.moderation);
    const before = await wordsOfGroup(id);
    if ([...words].sort().join(",") === before.join(",")) return;
    await ensureWordsFree(words, id);
    const at = now();
    await db.delete(synonymWords).where(eq(synonymWords.groupId, id));
    await db.insert(synonymWords).values(words.map((word) => ({ word, matchKey: matchKeyOf(word), groupId: id })));
    await db.update(synonymGroups).set({ updatedById: actor.id, updatedAt: at }).where(eq(synonymGroups.id, id));
    await recordAudit(
      actor,
      {
        action: "synonyms.update",
        subject: { type: "synonyms", id, label: groupLabel(words) },
        before: { words: before },
        after: { words },
      },
      at,
    );
  });
}

export async function removeSynonymGroup(actor: Actor, id: number) {
  ensure(canManageSynonyms(actor), "Only staff can change search synonyms.");
  ensureSignedIn(actor);
  await write(async (db) => {
    await consume(`moderation:user:${actor.id}`, LIMITS.moderation);
    const before = await wordsOfGroup(id);
    await db.delete(synonymWords).where(eq(synonymWords.groupId, id));
    await db.delete(synonymGroups).where(eq(synonymGroups.id, id));
    await recordAudit(actor, {
      action: "synonyms.remove",
      subject: { type: "synonyms", id, label: groupLabel(before) },
      before: { words: before },
    });
  });
}

/**
 * For each typed word in a group, the other words of its group as search terms: a hyphenated word
 * as its phrase ("wi fi") and as one word ("wifi"), as the index holds both. One indexed query.
 */
export async function synonymsFor(typed: string[]): Promise<Map<string, string[]>> {
  const words = [...new Set(typed)].filter((word) => !word.includes(" "));
  if (words.length === 0) return new Map();
  const rows = await read((db) =>
    db
      .select({ groupId: synonymWords.groupId, word: synonymWords.word, matchKey: synonymWords.matchKey })
      .from(synonymWords)
      .where(
        inArray(
          synonymWords.groupId,
          db.select({ id: synonymWords.groupId }).from(synonymWords).where(inArray(synonymWords.matchKey, words)),
        ),
      ),
  );
  const terms = new Map<string, string[]>();
  for (const word of words) {
    const groups = new Set(rows.filter((row) => row.matchKey === word).map((row) => row.groupId));
    const others = rows.filter((row) => groups.has(row.groupId) && row.matchKey !== word);
    const alternatives = new Set(others.flatMap((row) => [row.word.replaceAll("-", " "), row.matchKey]));
    if (alternatives.size > 0) terms.set(word, [...alternatives]);
  }
  return terms;
}
