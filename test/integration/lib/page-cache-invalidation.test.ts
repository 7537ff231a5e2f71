// What each write takes out of the visitors' page cache, in process: the transaction's declaration,
// the generations that keep a render older than a write out of the cache, the safety net for
// writes made outside write, and the background jobs.
import { siteSecrets } from "../../../db/schema";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { scriptDb, invalidatePagesAfterUntrackedWrites, writeUnseenByVisitors, write, type Db } from "~/lib/db.server";
import { setClock } from "~/lib/clock.server";
import { cachedPage, invalidatePageCache, pageCacheRenderStart, storePage } from "~/lib/page-cache.server";
import type { Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { runLeasedJobs } from "~/server/jobs.server";
import { castVote } from "~/models/community/votes.server";
import { flushThreadViews, recordThreadView } from "~/models/community/thread-views.server";
import { makeAnswer, makeThread, makeUser } from "../../fixtures/factories";

const headers = new Headers({ "content-type": "text/html" });
const A = 1_000_001;
const B = 1_000_002;

/** Stores a page of `thread` (null: a list) rendered by a request that started at `renderStart`. */
function store(url: string, thread: number | null, renderStart = pageCacheRenderStart()) {
  storePage(url, `<html nonce="n1">${url}</html>`, "n1", headers, renderStart, thread === null ? null : [thread]);
}
const cached = (url: string) => cachedPage(url, "n2") !== null;

/** Caches three pages (thread a's, thread b's and a list), runs `write`, and says which are still there. */
async function afterWrite(a: number, b: number, write: () => unknown) {
  invalidatePageCache();
  store(`/questions/${a}/a?page=2`, a);
  store(`/questions/${b}/b`, b);
  store("/questions", null);
  await write();
  return { a: cached(`/questions/${a}/a?page=2`), b: cached(`/questions/${b}/b`), list: cached("/questions") };
}

const refused = () => {
  throw new Error("refused");
};

/** Writes a row no page shows: in the write whose handle is given, else through the scripts' handle. */
const writeRow = (db: Db = scriptDb()) => db.insert(siteSecrets).values({ name: `test-${Math.random()}`, value: "x" });

afterEach(() => setClock(null));

describe("write and the page cache", () => {
  it("drops the declared thread's pages and every list, and keeps other threads' pages", async () => {
    expect(await afterWrite(A, B, () => write(async (db, changed) => (changed.thread(A), await writeRow(db))))).toEqual(
      {
        a: false,
        b: true,
        list: false,
      },
    );
  });

  it("drops every page for a write that declares nothing", async () => {
    expect(await afterWrite(A, B, () => write((db) => writeRow(db)))).toEqual({
      a: false,
      b: false,
      list: false,
    });
  });

  it("drops every page when a nested write declares nothing, whatever the outer one declared", async () => {
    const nested = () =>
      write(async (_db, changed) => {
        changed.thread(A);
        await write((db) => writeRow(db));
      });
    expect(await afterWrite(A, B, nested)).toEqual({ a: false, b: false, list: false });
  });

  it("adds up the threads of nested writes, and a nested write that changes nothing visitors see adds nothing", async () => {
    const nested = () =>
      writeUnseenByVisitors(async () => {
        await writeUnseenByVisitors((db) => writeRow(db));
        await write(async (db, inner) => (inner.thread(B), await writeRow(db)));
      });
    expect(await afterWrite(A, B, nested)).toEqual({ a: true, b: false, list: false });
  });

  it("drops nothing for a write that changes nothing visitors see, or one that rolled back", async () => {
    expect(await afterWrite(A, B, () => writeUnseenByVisitors((db) => writeRow(db)))).toEqual({
      a: true,
      b: true,
      list: true,
    });
    const failed = () => expect(write(async (db) => (await writeRow(db), refused()))).rejects.toThrow("refused");
    expect(await afterWrite(A, B, failed)).toEqual({ a: true, b: true, list: true });
  });

  it("drops every page, once, when a row was changed outside write since the last look", async () => {
    invalidatePagesAfterUntrackedWrites();
    expect(await afterWrite(A, B, () => invalidatePagesAfterUntrackedWrites())).toEqual({
      a: true,
      b: true,
      list: true,
    });
    expect(await afterWrite(A, B, async () => (await writeRow(), invalidatePagesAfterUntrackedWrites()))).toEqual({
      a: false,
      b: false,
      list: false,
    });
    expect(await afterWrite(A, B, () => invalidatePagesAfterUntrackedWrites())).toEqual({
      a: true,
      b: true,
      list: true,
    });
    // Rows written inside write, even rolled back, are not taken for untracked ones.
    const rolledBack = async () => {
      await expect(write(async (db) => (await writeRow(db), refused()))).rejects.toThrow("refused");
      invalidatePagesAfterUntrackedWrites();
    };
    expect(await afterWrite(A, B, rolledBack)).toEqual({ a: true, b: true, list: true });
  });
});

describe("a page rendered while a write committed", () => {
  let asker: Member;
  let voter: Member;
  beforeAll(async () => {
    asker = await makeUser("customer");
    voter = await makeUser("customer");
  });

  it("is not stored when the write concerned its thread (or it is a list); another thread's page is", async () => {
    const a = await makeThread(asker, { title: "A thread that is written to mid-render" });
    const b = await makeThread(asker, { title: "A thread nobody writes to mid-render" });
    invalidatePageCache();
    const renderStarted = pageCacheRenderStart();
    await resetAllLimits();
    await castVote(voter, a.questionPostId, { value: "1" });
    store(`/questions/${a.threadId}/a`, a.threadId, renderStarted);
    store(`/questions/${b.threadId}/b`, b.threadId, renderStarted);
    store("/questions", null, renderStarted);
    expect(cached(`/questions/${a.threadId}/a`)).toBe(false);
    expect(cached(`/questions/${b.threadId}/b`)).toBe(true);
    expect(cached("/questions")).toBe(false);
    // A render that started after the write is stored.
    store(`/questions/${a.threadId}/a`, a.threadId);
    expect(cached(`/questions/${a.threadId}/a`)).toBe(true);
  });

  it("is not stored after a write whose reach is not known, whatever its page", async () => {
    invalidatePageCache();
    const renderStarted = pageCacheRenderStart();
    await write((db) => writeRow(db));
    store(`/questions/${B}/b`, B, renderStarted);
    expect(cached(`/questions/${B}/b`)).toBe(false);
  });
});

describe("background jobs", () => {
  it("opening a due follow-up drops its thread's pages and the lists; leases, emails and view counts drop nothing", async () => {
    const customer = await makeUser("customer");
    const staff = await makeUser("staff");
    const dayAndAHalfAgo = () => new Date(Date.now() - 36 * 3600_000);
    setClock(dayAndAHalfAgo());
    const due = await makeThread(customer, { title: "A customer question nobody from staff answered" });
    const answered = await makeThread(customer, { title: "Another question, answered by staff in time" });
    await makeAnswer(staff, answered.threadId);
    setClock(null);

    let ran: Awaited<ReturnType<typeof runLeasedJobs>> = {};
    const jobs = async () => (ran = await runLeasedJobs("test-holder"));
    expect(await afterWrite(due.threadId, answered.threadId, jobs)).toEqual({ a: false, b: true, list: false });
    expect(ran["open-due-follow-ups"]).toEqual({ opened: 1 });
    expect(ran["send-emails"].sent).toBeGreaterThan(0);
    // Nothing is due any more: the leases are renewed and nothing a visitor sees changes.
    expect(await afterWrite(due.threadId, answered.threadId, jobs)).toEqual({ a: true, b: true, list: true });
    expect(ran["open-due-follow-ups"]).toEqual({ opened: 0 });

    recordThreadView(answered.threadId);
    expect(
      await afterWrite(due.threadId, answered.threadId, async () => expect(await flushThreadViews()).toBe(true)),
    ).toEqual({
      a: true,
      b: true,
      list: true,
    });
  });
});
