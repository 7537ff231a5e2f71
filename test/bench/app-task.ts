/**
 * For npm run bench: work done through the app's models, in a process of its own, because the app
 * picks its engine once, when its modules load (DATABASE_URL, else DATABASE_PATH). Prints one JSON
 * line with the result.
 *
 *   tsx test/bench/app-task.ts prepare
 *       brings the database up to date: migrations, the knowledge base, the search index
 *   tsx test/bench/app-task.ts fixtures <bench users>
 *       brings the database up to date, then adds bench users with live sessions and one thread with
 *       exactly 50 answers; prints the thread's path, the members' cookies and the threads to post to
 *   tsx test/bench/app-task.ts notify <file of JSON jobs>
 *       one `notify` per job ({ memberId, answer }), as the fan-out would; prints how many
 */
import fs from "node:fs";
import { closeDatabase, writeUnseenByVisitors } from "~/lib/db.server";
import { exitOnInvalidConfiguration } from "~/lib/env.server";

exitOnInvalidConfiguration();

/** A cached database may predate newer migrations (and the search index). */
async function prepare() {
  const { prepareDatabase } = await import("../../app/server/prepare.server");
  await prepareDatabase();
  return { prepared: true };
}

async function prepareFixtures(benchUsers: number) {
  await prepare();
  // The load accounts below are brand new; they stand for established members, whose posts are not held.
  const { setTrustThresholdsForScripts } = await import("~/models/trust/settings.server");
  const { PRESET_THRESHOLDS } = await import("~/lib/trust-levels");
  await setTrustThresholdsForScripts({ ...PRESET_THRESHOLDS.moderate, basic: { reputation: 0, days: 0, posts: 0 } });
  const { startSession, hashPassword } = await import("~/models/accounts/auth.server");
  const { insertUsersWithHash } = await import("~/models/accounts/users.server");
  const { askQuestion, listThreads } = await import("~/models/community/threads.server");
  const { postAnswer } = await import("~/models/community/posts.server");
  const { resetAllLimits } = await import("~/lib/rate-limit.server");
  const { listCategories } = await import("~/models/community/tags.server");
  const { VISITOR } = await import("~/lib/permissions.server");
  const stamp = `${Date.now().toString(36)}`;
  const hash = await hashPassword(`bench-${stamp}`);
  const users = (
    await insertUsersWithHash(
      Array.from({ length: benchUsers }, (_, i) => ({
        email: `load-${stamp}-${i}@example.com`,
        username: `load-${stamp}-${i}`,
        role: "member" as const,
      })),
      hash,
    )
  ).map((user) => ({ kind: "user" as const, ...user }));
  const category = (await listCategories())[0].slug;
  const thread = await askQuestion(users[0], {
    title: `Benchmark thread with fifty answers ${stamp}`,
    body: "How do I read a thread with **fifty** answers quickly?",
    category,
    tags: "",
  });
  for (let i = 1; i <= 50; i++) {
    await postAnswer(users[i], thread.threadId, {
      body: `Answer ${i}: try *this* first, then \`that\`.\n\n- step one\n- step two\n\nMore text so the answer has a realistic length for a support forum reply, about two sentences long.`,
    });
  }
  await resetAllLimits();
  const members = await Promise.all(
    users.map(async (user) => ({
      username: user.username,
      cookie: (await startSession(user.id, { secure: false })).split(";")[0],
    })),
  );
  // Answers are posted across many other threads, so the measured 50-answer page stays at 50.
  const answerTargets = (await listThreads(VISITOR, { filter: "all", sort: "top", page: 1 }, 500)).threads
    .filter((t) => t.id !== thread.threadId)
    .map((t) => `/questions/${t.id}/${t.slug}`);
  return { threadPath: `/questions/${thread.threadId}/${thread.slug}`, members, answerTargets };
}

export type NotifyJob = {
  memberId: number;
  answer: { id: number; threadId: number; authorId: number; author: string; title: string; slug: string };
};

async function notifyAll(jobs: NotifyJob[]) {
  const { notify } = await import("~/models/notifications/notifications.server");
  for (let start = 0; start < jobs.length; start += 500) {
    await writeUnseenByVisitors(async () => {
      for (const { memberId, answer } of jobs.slice(start, start + 500)) {
        await notify({
          userId: memberId,
          kind: "watched",
          title: `${answer.author} answered: ${answer.title}`,
          path: `/questions/${answer.threadId}/${answer.slug}#post-${answer.id}`,
          reason: "You are watching this question.",
          actorId: answer.authorId,
          postId: answer.id,
          threadId: answer.threadId,
          about: { kind: "thread", threadId: answer.threadId },
        });
      }
    });
  }
  return { notified: jobs.length };
}

const [task, argument] = process.argv.slice(2);
let result: unknown;
if (task === "prepare") result = await prepare();
else if (task === "fixtures") result = await prepareFixtures(Number(argument));
else if (task === "notify") result = await notifyAll(JSON.parse(fs.readFileSync(argument, "utf8")) as NotifyJob[]);
else throw new Error(`unknown task "${task}": prepare | fixtures <users> | notify <jobs file>`);
await closeDatabase();
console.log(JSON.stringify(result));
