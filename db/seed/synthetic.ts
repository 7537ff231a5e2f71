/**
 * A large synthetic community for benchmarks, written through the same model functions as the app.
 * Text is resampled from real, openly licensed documentation (shared/data, beside the checkout), or
 * from the folder --corpus names. Without it the seed stops, naming the folder it looked for: a
 * silent switch to other text would change every figure measured on the database. The demo
 * community's text is used only when asked for (--corpus demo). The clock advances a few seconds per
 * write, so the history spreads over weeks and every write stays inside the per-user rate limits.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { hashPassword } from "~/models/accounts/auth.server";
import { setClock } from "~/lib/clock.server";
import { write } from "~/lib/db.server";
import { VISITOR, type Member } from "~/lib/permissions.server";
import { inArray } from "drizzle-orm";
import { users, type Role } from "../schema";
import { TRUST } from "~/lib/trust-levels";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { asEstablishedCommunity } from "~/models/moderation/settings.server";
import { postAnswer } from "~/models/community/posts.server";
import { markSolution } from "~/models/community/solutions.server";
import { listCategories, listTags } from "~/models/community/tags.server";
import { askQuestion } from "~/models/community/threads.server";
import { insertUsersWithHash } from "~/models/accounts/users.server";
import { castVote } from "~/models/community/votes.server";
import { demoThreads } from "./demo-community";

export const SYNTHETIC_PASSWORD = "hearth-bench-2026";
const BATCH = 2_000;

function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(full);
    return entry.name.endsWith(".md") ? [full] : [];
  });
}

/** Plain sentences from Markdown: frontmatter, shortcodes, code, links and markup stripped. */
export function sentencesFrom(markdown: string) {
  const text = markdown
    .replace(/^---[\s\S]*?\n---\n/, "")
    .replace(/```[\s\S]*?```/g, " ")
    .replace(/\{\{[<%][\s\S]*?[%>]\}\}/g, " ")
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[#>*_`|]/g, " ")
    .replace(/\s+/g, " ");
  return text.split(/(?<=[.!?])\s+/).filter((sentence) => sentence.length >= 30 && sentence.length <= 220);
}

export const DEFAULT_CORPUS_DIR = fileURLToPath(
  new URL("../../../shared/data/kb-mastodon-docs/content-en", import.meta.url),
);
/** Passed as the corpus folder, selects the demo community's own text instead of a folder. */
export const DEMO_CORPUS = "demo";
const MIN_SENTENCES = 100;

/** Sentences to resample: from `corpusDir` (default: the shared documentation), or the demo community's with "demo". */
export function loadCorpus(corpusDir: string = DEFAULT_CORPUS_DIR): string[] {
  if (corpusDir === DEMO_CORPUS) {
    return demoThreads.flatMap((thread) =>
      [thread.body, ...(thread.answers ?? []).map((a) => a.body)].flatMap(sentencesFrom),
    );
  }
  const dir = path.resolve(corpusDir);
  const options = `Put the corpus there, pass --corpus <folder of Markdown files>, or --corpus ${DEMO_CORPUS} for the demo community's text (figures measured on it do not compare with the shared corpus's).`;
  if (!fs.existsSync(dir))
    throw new Error(`No text corpus for the synthetic community: ${dir} does not exist. ${options}`);
  const sentences = markdownFiles(dir).flatMap((file) => sentencesFrom(fs.readFileSync(file, "utf8")));
  if (sentences.length <= MIN_SENTENCES) {
    throw new Error(
      `The text corpus in ${dir} has ${sentences.length} usable sentences; the synthetic community needs more than ${MIN_SENTENCES}. ${options}`,
    );
  }
  return sentences;
}

type SyntheticOptions = {
  threads: number;
  answers: number;
  users?: number;
  seed?: number;
  corpusDir?: string;
  log?: (line: string) => void;
};

/** A synthetic community stands for an established one: none of its posts wait for review. */
export async function seedSyntheticCommunity(options: SyntheticOptions) {
  return asEstablishedCommunity(() => writeSyntheticCommunity(options));
}

async function writeSyntheticCommunity(options: SyntheticOptions) {
  const random = mulberry32(options.seed ?? 2026);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const corpus = loadCorpus(options.corpusDir);
  const categories = await listCategories();
  const tags = await listTags(VISITOR);
  if (categories.length === 0 || tags.length === 0)
    throw new Error("seed the demo community first: synthetic threads need categories and tags");

  const userCount = options.users ?? Math.max(200, Math.ceil(options.threads / 50));
  const passwordHash = await hashPassword(SYNTHETIC_PASSWORD);
  const stamp = Date.now().toString(36);
  const people: Member[] = [];
  for (let offset = 0; offset < userCount; offset += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, userCount - offset) }, (_, i) => {
      const n = offset + i;
      const role = n % 50 === 0 ? "staff" : n % 3 === 0 ? "customer" : "member";
      return { email: `bench-${stamp}-${n}@example.com`, username: `bench-${stamp}-${n}`, role: role as Role };
    });
    const inserted = await insertUsersWithHash(rows, passwordHash);
    // An established community: its people vote posts down, which the member trust level unlocks.
    await write((db) =>
      db
        .update(users)
        .set({ trustLevel: TRUST.member })
        .where(
          inArray(
            users.id,
            inserted.map((user) => user.id),
          ),
        ),
    );
    people.push(...inserted.map((user) => ({ kind: "user" as const, ...user, trustLevel: TRUST.member })));
  }
  const staff = people.filter((person) => person.role === "staff");

  const paragraph = (sentences: number) => Array.from({ length: sentences }, () => pick(corpus)).join(" ");
  const title = () => {
    const sentence = pick(corpus).replace(/[.!?]$/, "");
    return (sentence.length > 140 ? sentence.slice(0, 140) : sentence) + "?";
  };
  const events = options.threads + options.answers;
  let at = Date.now() - events * 3_000;
  const tick = () => setClock(new Date((at += 3_000)));
  const threadIds: number[] = [];
  const answersOf = new Map<number, number[]>();
  let created = 0;
  const step = async (work: () => Promise<void>) => {
    await work();
    created += 1;
  };
  try {
    // Threads first, then answers spread over them (a few threads get many), in batched transactions.
    for (let offset = 0; offset < options.threads; offset += BATCH) {
      await write(async () => {
        for (let i = offset; i < Math.min(options.threads, offset + BATCH); i++) {
          await step(async () => {
            tick();
            const chosenTags = Array.from(
              new Set(Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(tags).name)),
            );
            const { threadId } = await askQuestion(people[i % people.length], {
              title: title(),
              body: paragraph(2 + Math.floor(random() * 4)),
              category: pick(categories).slug,
              tags: chosenTags.join(","),
            });
            threadIds.push(threadId);
          });
        }
      });
      options.log?.(`threads ${Math.min(options.threads, offset + BATCH)}/${options.threads}`);
    }
    for (let offset = 0; offset < options.answers; offset += BATCH) {
      await write(async () => {
        for (let i = offset; i < Math.min(options.answers, offset + BATCH); i++) {
          await step(async () => {
            tick();
            const threadId = threadIds[Math.floor(Math.pow(random(), 1.6) * threadIds.length)];
            const authorIndex = (i * 7 + 3) % people.length;
            const author = people[authorIndex];
            const { postId } = await postAnswer(author, threadId, { body: paragraph(1 + Math.floor(random() * 5)) });
            const list = answersOf.get(threadId);
            if (list) list.push(postId);
            else answersOf.set(threadId, [postId]);
            if (random() < 0.3)
              await castVote(people[(authorIndex + 1 + (i % (people.length - 1))) % people.length], postId, {
                value: random() < 0.85 ? "1" : "-1",
              });
          });
        }
      });
      options.log?.(`answers ${Math.min(options.answers, offset + BATCH)}/${options.answers}`);
    }
    const askerOf = new Map(threadIds.map((id, i) => [id, people[i % people.length]]));
    const solvedThreads = threadIds.filter((id) => answersOf.has(id) && random() < 0.4);
    for (let offset = 0; offset < solvedThreads.length; offset += BATCH) {
      await write(async () => {
        for (const threadId of solvedThreads.slice(offset, offset + BATCH)) {
          tick();
          const answerIds = answersOf.get(threadId)!;
          await markSolution(askerOf.get(threadId)!, pick(answerIds), "accepted");
          if (random() < 0.3) await markSolution(pick(staff), pick(answerIds), "verified");
        }
      });
    }
    await resetAllLimits();
  } finally {
    setClock(null);
  }
  return { users: people.length, threads: threadIds.length, answers: options.answers, events: created };
}
