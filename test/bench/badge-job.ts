/**
 * Times the badge job on a copy of a bench database (DECISIONS.md #78):
 *   DATABASE_PATH=<copy>.sqlite tsx test/bench/badge-job.ts        (or DATABASE_URL=postgres://…)
 * 1. the first runs on a community that never had badges (the catch-up, run after run, until the
 *    queue is empty), 2. an idle run, 3. a run after a busy minute (answers, acceptances and visits
 *    by people who exist). Never point it at a cached bench file: it writes.
 */
import { and, eq } from "drizzle-orm";
import { threads, users, visitDays } from "../../db/schema";
import { closeDatabase, migrateDatabase, scriptDb } from "~/lib/db.server";
import { awardDueBadges } from "~/models/badges/awarding.server";
import { utcDay } from "~/models/badges/rules";
import { postAnswer } from "~/models/community/posts.server";
import { markSolution } from "~/models/community/solutions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { subscribeEveryDomain } from "~/models/subscriptions.server";
import { setClock } from "~/lib/clock.server";
import type { Member } from "~/lib/permissions.server";

subscribeEveryDomain();
await migrateDatabase();
const MINUTE = 60_000;
let at = new Date();

async function timed(label: string) {
  const started = performance.now();
  const result = await awardDueBadges(at);
  const ms = performance.now() - started;
  console.log(`${label}: ${ms.toFixed(0)} ms`, JSON.stringify(result));
  return result;
}

let runs = 0;
const catchUpStarted = performance.now();
for (;;) {
  runs += 1;
  const result = await timed(`catch-up run ${runs}`);
  at = new Date(at.getTime() + MINUTE);
  if (result.queued === 0 && result.checked === 0) break;
}
console.log(`catch-up: ${runs} runs, ${((performance.now() - catchUpStarted) / 1000).toFixed(1)} s in all`);
await timed("idle run");

// A busy minute: 100 answers by existing members, 30 of them accepted, 2,000 people visiting.
const db = scriptDb();
const askers = await db
  .select({ threadId: threads.id, askerId: threads.authorId })
  .from(threads)
  .where(and(eq(threads.visibility, "visible"), eq(threads.status, "answered")))
  .limit(100);
const people = await db.select().from(users).where(eq(users.role, "customer")).limit(2_000);
const member = (row: (typeof people)[number]): Member => ({ kind: "user", ...row }) as Member;
setClock(at);
for (const [i, { threadId, askerId }] of askers.entries()) {
  await resetAllLimits();
  const author = member(people[i]);
  const { postId } = await postAnswer(author, threadId, { body: `A busy minute's answer number ${i}.` });
  if (i % 3 === 0) {
    const asker = (await db.select().from(users).where(eq(users.id, askerId)))[0];
    // A thread solved already refuses a second acceptance: that minute had fewer, which is fine.
    if (asker.id !== author.id) await markSolution(member(asker), postId, "accepted").catch(() => undefined);
  }
}
await db
  .insert(visitDays)
  .values(people.map((person) => ({ userId: person.id, day: utcDay(at) })))
  .onConflictDoNothing();
setClock(null);
at = new Date(at.getTime() + MINUTE);
await timed("run after a busy minute");
at = new Date(at.getTime() + MINUTE);
await timed("idle run");
await closeDatabase();
