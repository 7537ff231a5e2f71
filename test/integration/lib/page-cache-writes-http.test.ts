// What a write takes out of the visitors' page cache, over real HTTP against the built app: a write
// to one thread refreshes that thread's pages and every list at once and leaves other threads'
// pages cached; a write that cannot be attributed to one thread empties the cache.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { followUps, postRevisions, posts } from "../../../db/schema";
import { scriptDb, firstRow } from "~/lib/db.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { app, client, cookies, serveBuiltApp } from "../../fixtures/app-server";
import { DEMO_PASSWORD, sessionCookieOf } from "../../fixtures/http-client";

serveBuiltApp({
  customer: "customer@example.com",
  member: "member@example.com",
  staff: "staff@example.com",
  admin: "admin@example.com",
});

type Thread = { id: number; path: string; title: string; questionId: number };
let threadCount = 0;

/** A new question by the demo customer, asked over HTTP. */
async function askThread(): Promise<Thread> {
  threadCount += 1;
  await resetAllLimits();
  const title = `Cache test question number ${threadCount} about the hub`;
  const response = await client.post(
    "/questions/ask",
    { title, body: "The hub blinks and I do not know why.", category: "troubleshooting", tags: "" },
    { cookie: cookies.customer },
  );
  const path = new URL(response.headers.get("location")!, app.baseUrl).pathname;
  const id = Number(/^\/questions\/(\d+)\//.exec(path)![1]);
  const question = firstRow(
    await scriptDb()
      .select({ id: posts.id })
      .from(posts)
      .where(and(eq(posts.threadId, id), eq(posts.kind, "question"))),
  )!;
  return { id, path, title, questionId: question.id };
}

/** An answer posted over HTTP by `who`; returns its post id. */
async function answer(thread: Thread, who: string, body = `An answer by ${who} that tells what to try.`) {
  await resetAllLimits();
  const response = await client.post(thread.path, { intent: "answer", body }, { cookie: cookies[who] });
  expect(response.status).toBe(303);
  return Number(/#post-(\d+)$/.exec(response.headers.get("location")!)![1]);
}

const cacheOf = async (path: string) => {
  const response = await client.get(path);
  await response.text();
  expect(response.status, path).toBe(200);
  return response.headers.get("x-hearth-cache");
};

/** Has each page rendered once, so the next visitor's copy comes from the cache. */
async function warm(paths: string[]) {
  for (const path of paths) await cacheOf(path);
  for (const path of paths) expect(await cacheOf(path), `${path} before the write`).toBe("hit");
}

/**
 * Caches `fresh` and `cached`, runs the write, and checks that the next visitor gets `cached` from
 * the cache and `fresh` rendered anew. The cached pages are warmed last and checked first: the
 * cache keeps a page 3 seconds.
 */
async function expectWrite(write: () => Promise<Response>, { fresh, cached }: { fresh: string[]; cached: string[] }) {
  await warm(fresh);
  await warm(cached);
  await resetAllLimits();
  const response = await write();
  expect(response.status, await response.clone().text()).toBeLessThan(400);
  for (const path of cached) expect(await cacheOf(path), `${path} after the write`).toBe("hit");
  for (const path of fresh) expect(await cacheOf(path), `${path} after the write`).toBeNull();
}

describe("a write to one thread", () => {
  it("shows a new answer at once on every cached page of its thread and in every list, and leaves other threads' pages cached", async () => {
    const a = await askThread();
    const b = await askThread();
    const body = "Hold the button for ten seconds: the cache must not hide this answer.";
    const threadPages = [a.path, `${a.path}?page=2`, `${a.path}?ref=list`];
    const lists = [
      "/",
      "/questions",
      "/questions?sort=active",
      "/tags",
      "/search?q=hub",
      "/users/casey",
      "/kb/add-a-matter-device",
    ];
    await warm([...threadPages, ...lists]);
    await warm([b.path]);
    await resetAllLimits();
    const posted = await client.post(a.path, { intent: "answer", body }, { cookie: cookies.customer });
    expect(posted.status).toBe(303);

    expect(await cacheOf(b.path)).toBe("hit");
    for (const path of [...threadPages, ...lists]) expect(await cacheOf(path), path).toBeNull();
    expect(await (await client.get(a.path)).text()).toContain(body);
    const list = await (await client.get("/questions?sort=active")).text();
    const link = list.indexOf(`href="${a.path}"`);
    expect(list.slice(list.lastIndexOf('<li class="thread-row">', link), link)).toContain(">1 answer<");
  });

  // Each way a visitor-visible write reaches a thread: thread `a` (its page and the lists) is fresh
  // at once, thread `b` stays cached.
  const writes: [string, (a: Thread) => Promise<() => Promise<Response>>][] = [
    [
      "an answer",
      async (a) => () =>
        client.post(
          a.path,
          { intent: "answer", body: "Another answer, posted through the thread page." },
          { cookie: cookies.member },
        ),
    ],
    [
      "a vote",
      async (a) => () =>
        client.post(a.path, { intent: "vote", postId: String(a.questionId), value: "1" }, { cookie: cookies.member }),
    ],
    [
      "accepting an answer",
      async (a) => {
        const postId = await answer(a, "member");
        return () => client.post(a.path, { intent: "accept", postId: String(postId) }, { cookie: cookies.customer });
      },
    ],
    [
      "a staff-verified solution",
      async (a) => {
        const postId = await answer(a, "member");
        return () => client.post(a.path, { intent: "verify", postId: String(postId) }, { cookie: cookies.staff });
      },
    ],
    [
      "a staff decision on the thread page",
      async (a) => {
        const postId = await answer(a, "member");
        return () =>
          client.post(
            a.path,
            { intent: "moderate-post", postId: String(postId), decision: "hide" },
            { cookie: cookies.staff },
          );
      },
    ],
    [
      "a thread action (pin)",
      async (a) => () => client.post(a.path, { intent: "moderate-thread", action: "pin" }, { cookie: cookies.staff }),
    ],
    [
      "a thread action (close)",
      async (a) => () =>
        client.post(
          a.path,
          { intent: "moderate-thread", action: "close", reason: "Answered elsewhere." },
          { cookie: cookies.staff },
        ),
    ],
    [
      "asking for a follow-up",
      async (a) => () => client.post(a.path, { intent: "follow-up" }, { cookie: cookies.customer }),
    ],
    [
      "a staff note on the thread's follow-up",
      async (a) => {
        await client.post(a.path, { intent: "follow-up" }, { cookie: cookies.customer });
        const followUp = firstRow(
          await scriptDb().select({ id: followUps.id }).from(followUps).where(eq(followUps.threadId, a.id)),
        )!;
        return () =>
          client.post(
            `/support/${followUp.id}`,
            { intent: "note", note: "Checked the logs." },
            { cookie: cookies.staff },
          );
      },
    ],
    [
      "a staff reply on the thread's follow-up",
      async (a) => {
        await client.post(a.path, { intent: "follow-up" }, { cookie: cookies.customer });
        const followUp = firstRow(
          await scriptDb().select({ id: followUps.id }).from(followUps).where(eq(followUps.threadId, a.id)),
        )!;
        return () =>
          client.post(
            `/support/${followUp.id}`,
            { intent: "reply", body: "Try a restart.", visibility: "thread", then: "waiting" },
            { cookie: cookies.staff },
          );
      },
    ],
    [
      "editing the question",
      async (a) => () =>
        client.post(
          `/posts/${a.questionId}/edit`,
          { body: "Edited: the hub blinks red.", title: a.title },
          { cookie: cookies.customer },
        ),
    ],
    [
      "a flag",
      async (a) => () =>
        client.post(`/posts/${a.questionId}/flag`, { reason: "off_topic" }, { cookie: cookies.member }),
    ],
    [
      "a decision in the review queue",
      async (a) => {
        const postId = await answer(a, "member");
        return () => client.post("/mod", { postId: String(postId), decision: "delete" }, { cookie: cookies.staff });
      },
    ],
    [
      "removing a past version's text",
      async (a) => {
        await client.post(
          `/posts/${a.questionId}/edit`,
          { body: "My address was in the first version.", title: a.title },
          { cookie: cookies.customer },
        );
        const revision = firstRow(
          await scriptDb()
            .select({ id: postRevisions.id })
            .from(postRevisions)
            .where(eq(postRevisions.postId, a.questionId)),
        )!;
        return () =>
          client.post(
            `/posts/${a.questionId}/history`,
            { intent: "redact", revisionId: String(revision.id), reason: "Personal data." },
            { cookie: cookies.staff },
          );
      },
    ],
  ];

  it.each(writes)(
    "%s refreshes that thread's pages and the lists, not other threads' pages",
    async (_name, prepare) => {
      const a = await askThread();
      const b = await askThread();
      const write = await prepare(a);
      await expectWrite(write, { fresh: [a.path, "/questions", "/"], cached: [b.path] });
    },
  );

  it("hiding an original takes its title off its duplicates' cached pages at once, and editing it changes the title there", async () => {
    const original = await askThread();
    const duplicate = await askThread();
    const other = await askThread();
    await resetAllLimits();
    const closed = await client.post(
      duplicate.path,
      { intent: "moderate-thread", action: "duplicate", original: String(original.id) },
      { cookie: cookies.staff },
    );
    expect(closed.status).toBe(303);
    expect(await (await client.get(duplicate.path)).text()).toContain(original.title);

    const retitled = `${original.title}, now with a better title`;
    await expectWrite(
      () =>
        client.post(
          `/posts/${original.questionId}/edit`,
          { body: "The hub blinks and I do not know why.", title: retitled },
          { cookie: cookies.customer },
        ),
      {
        fresh: [duplicate.path],
        cached: [other.path],
      },
    );
    expect(await (await client.get(duplicate.path)).text()).toContain(retitled);

    await expectWrite(
      () =>
        client.post(
          original.path,
          { intent: "moderate-post", postId: String(original.questionId), decision: "hide" },
          { cookie: cookies.staff },
        ),
      {
        fresh: [duplicate.path],
        cached: [other.path],
      },
    );
    expect(await (await client.get(duplicate.path)).text()).not.toContain(retitled);
  });

  it("a new question refreshes the lists and leaves every thread's page cached", async () => {
    const a = await askThread();
    const b = await askThread();
    await expectWrite(() => askThread().then(() => new Response(null, { status: 204 })), {
      fresh: ["/questions", "/", "/users/casey"],
      cached: [a.path, b.path],
    });
  });
});

describe("a write that is not one thread's", () => {
  it("empties the cache when it concerns no thread (moderation settings)", async () => {
    const a = await askThread();
    const b = await askThread();
    const settings = (flagHideThreshold: string) => () =>
      client.post("/mod/settings", { intent: "settings", flagHideThreshold }, { cookie: cookies.admin });
    await expectWrite(settings("4"), { fresh: [a.path, b.path, "/questions"], cached: [] });
    await expectWrite(settings("3"), { fresh: [a.path, b.path, "/questions"], cached: [] });
  });

  it("empties the cache when it was made outside a declared transaction (a password change)", async () => {
    const a = await askThread();
    const newPassword = "a-new-and-long-password-2026";
    const change = (from: string, to: string) => () =>
      client.post("/settings/password", { currentPassword: from, newPassword: to }, { cookie: cookies.member });
    const changed = await client.post(
      "/settings/password",
      { currentPassword: DEMO_PASSWORD, newPassword },
      { cookie: cookies.member },
    );
    cookies.member = sessionCookieOf(changed)!;
    await expectWrite(
      async () => {
        const response = await change(newPassword, DEMO_PASSWORD)();
        cookies.member = sessionCookieOf(response)!;
        return response;
      },
      { fresh: [a.path, "/questions"], cached: [] },
    );
  });

  it("leaves every page cached when it changes nothing a visitor sees (sign-in, notifications read, a preview)", async () => {
    const a = await askThread();
    const pages = [a.path, "/questions", "/"];
    await expectWrite(() => client.post("/notifications", {}, { cookie: cookies.customer }), {
      fresh: [],
      cached: pages,
    });
    await expectWrite(() => client.post("/api/preview", { body: "**bold**" }, { cookie: cookies.customer }), {
      fresh: [],
      cached: pages,
    });
    await expectWrite(async () => (await client.signIn("member@example.com", DEMO_PASSWORD)).response, {
      fresh: [],
      cached: pages,
    });
  });
});
