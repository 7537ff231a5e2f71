// Several app servers on one PostgreSQL (issue 15): two processes of the built app share one
// database, both running the background jobs and sending mail to a real SMTP server, while people
// sign in and post through both at once. What they see must be what one server would give them:
// nothing lost or counted twice, limits and sessions shared, each email sent once, visitors' pages
// at most the cache's TTL behind, and no 5xx anywhere.
import type { ChildProcess } from "node:child_process";
import { and, eq, gte, isNull, lte, lt, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { categories, emailOutbox, jobLeases, posts, tags, threads } from "../../../db/schema";
import { rawRows, read } from "~/lib/db.server";
import { PAGE_CACHE_TTL_MS } from "~/lib/page-cache.server";
import { LIMITS } from "~/lib/rate-limit.server";
import { prepareDemoDatabase } from "../../fixtures/demo-database";
import { makeUser } from "../../fixtures/factories";
import { httpClient, signInAccounts, type Client } from "../../fixtures/http-client";
import { startServerProcess, waitFor } from "../../fixtures/server-process";
import { startSmtpSink } from "../../fixtures/smtp-sink";
import { testEngine } from "../../fixtures/test-databases";

const MEMBERS = 12;
const ANSWERS_EACH = 3;
const VOTES_EACH = 6;
const PASSWORD = "correct-horse-battery";

type Server = { name: "A" | "B"; client: Client; child: ChildProcess; log: () => string };
type Seen = { server: string; method: string; path: string; status: number; at: number };

/** Every response either server gave in this file: none may be a 5xx, and thread pages count views. */
const seen: Seen[] = [];
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let A: Server;
let B: Server;
let members: { username: string; email: string; cookie: string }[];
let category: string;
let tagNames: string[];
const leaseSamples: { name: string; holder: string }[] = [];
let sampling: Promise<void>;
let stopSampling = false;
let viewsAtStart: Map<number, number>;
let serversStartedAt: Date;

/** A client whose every response is recorded in `seen`. */
function recorded(name: "A" | "B", baseUrl: string): Client {
  const client = httpClient(baseUrl);
  const note = (method: string, path: string) => (response: Response) => {
    seen.push({ server: name, method, path, status: response.status, at: Date.now() });
    return response;
  };
  return {
    ...client,
    get: (path, options) => client.get(path, options).then(note("GET", path)),
    post: (path, form, options) => client.post(path, form, options).then(note("POST", path)),
  };
}

async function startServer(name: "A" | "B"): Promise<Server> {
  const { baseUrl, child, log } = await startServerProcess({
    SMTP_URL: sink.url,
    PUBLIC_URL: "http://hearth.test",
    // Both processes run the jobs, often, so they compete for every lease many times in the run.
    JOBS: "on",
    JOBS_INTERVAL_MS: "200",
    // Every request must reach the app: the overload guard sheds with 503s when requests wait over
    // 2 s, which a loaded machine running test files side by side can reach; it has its own test
    // (overload-http.test.ts). A busy or unreachable database still answers 503 and fails this file.
    MAX_QUEUE_WAIT_MS: "30000",
  });
  return { name, client: recorded(name, baseUrl), child, log };
}

const servers = () => [A, B];
/** Alternates A and B by `i`: the work of one person is spread across both servers. */
const serverFor = (i: number) => servers()[i % 2];

const threadIdOf = (location: string | null) => Number(/^\/questions\/(\d+)\//.exec(location ?? "")?.[1]);
const postIdOf = (location: string | null) => Number(/#post-(\d+)$/.exec(location ?? "")?.[1]);

async function viewCounts() {
  const rows = await read((db) => db.select({ id: threads.id, views: threads.viewCount }).from(threads));
  return new Map(rows.map((row) => [row.id, row.views]));
}

/**
 * Thread page views the servers served: every thread page they answered with, cached or not. A
 * form posted without JavaScript is answered with the page too (a vote's 200, a refusal's 4xx),
 * unless it redirects.
 */
function viewsServed() {
  const views = new Map<number, number>();
  for (const response of seen) {
    const thread = /^\/questions\/(\d+)\/[^/?#]+$/.exec(response.path)?.[1];
    const page =
      response.status === 200 ||
      (response.method === "POST" && response.status >= 400 && response.status < 500 && response.status !== 404);
    if (thread && page) views.set(Number(thread), (views.get(Number(thread)) ?? 0) + 1);
  }
  return views;
}

/** Runs `work` for each item with at most `width` running at once (people act one step at a time). */
async function inParallel<T, R>(items: T[], width: number, work: (item: T, index: number) => Promise<R>) {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index], index);
      }
    }),
  );
  return results;
}

describe.skipIf(testEngine() !== "postgres")("two app servers on one PostgreSQL database", () => {
  beforeAll(async () => {
    sink = await startSmtpSink();
    await prepareDemoDatabase();
    // At the member trust level, which votes down (the votes below flip up and down at once).
    const made = await Promise.all(Array.from({ length: MEMBERS }, () => makeUser("member", { trustLevel: 2 })));
    category = (await read((db) => db.select({ slug: categories.slug }).from(categories).limit(1)))[0].slug;
    tagNames = (await read((db) => db.select({ name: tags.name }).from(tags).orderBy(tags.name).limit(3))).map(
      (tag) => tag.name,
    );
    serversStartedAt = new Date();
    [A, B] = await Promise.all([startServer("A"), startServer("B")]);
    viewsAtStart = await viewCounts();
    // Each member signs in on one server or the other, as a load balancer would send them.
    members = await Promise.all(
      made.map(async (member, i) => {
        const email = `${member.username}@example.test`;
        const cookies = await signInAccounts(serverFor(i).client, { [member.username]: email }, PASSWORD);
        return { username: member.username, email, cookie: cookies[member.username] };
      }),
    );
    sampling = (async () => {
      while (!stopSampling) {
        const rows = await read((db) => db.select({ name: jobLeases.name, holder: jobLeases.holder }).from(jobLeases));
        leaseSamples.push(...rows);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
  }, 60_000);

  afterAll(async () => {
    stopSampling = true;
    await sampling;
    await sink?.close();
  });

  it("keeps a session across servers: signed in on A, known on B; signed out on B, gone on A", async () => {
    const [member] = members;
    const { cookie } = await A.client.signIn(member.email, PASSWORD);
    expect(cookie).not.toBeNull();
    const onB = await B.client.get("/", { cookie: cookie! });
    expect(onB.status).toBe(200);
    const pageOnB = await onB.text();
    expect(pageOnB).toContain(member.username);
    expect(pageOnB).toContain("Sign out");

    const signOut = await B.client.post("/logout", {}, { cookie: cookie! });
    expect([302, 303]).toContain(signOut.status);
    const onA = await A.client.get("/", { cookie: cookie! });
    expect(onA.status).toBe(200);
    const pageOnA = await onA.text();
    expect(pageOnA).not.toContain(member.username);
    expect(pageOnA).toContain("Sign in");
    // Another session of the same person (signed in before, elsewhere) is untouched.
    expect(await (await A.client.get("/", { cookie: member.cookie })).text()).toContain("Sign out");
  });

  it("keeps every post and vote made at once through both servers, and every counter equal to its rows", async () => {
    // Every member asks a question, half through A and half through B, all at once.
    const asked = await Promise.all(
      members.map((member, i) =>
        serverFor(i).client.post(
          "/questions/ask",
          {
            title: `Several servers question ${i}: the hub drops off at night`,
            body: `Question ${i} from ${member.username}.`,
            category,
            tags: tagNames.slice(0, 1 + (i % tagNames.length)).join(", "),
          },
          { cookie: member.cookie },
        ),
      ),
    );
    expect(asked.map((response) => response.status)).toEqual(Array(MEMBERS).fill(302));
    const threadPaths = asked.map((response) => response.headers.get("location")!);
    const threadIds = threadPaths.map(threadIdOf);
    const questionIds = await read((db) =>
      db
        .select({ threadId: posts.threadId, id: posts.id })
        .from(posts)
        .where(and(eq(posts.kind, "question"), sql`${posts.threadId} IN (${sql.join(threadIds, sql`, `)})`)),
    );
    const questionOf = new Map(questionIds.map((row) => [row.threadId, row.id]));

    // Then each answers the next few members' questions and votes on their questions, one step at a
    // time like a person, through alternating servers; everyone at once. A vote is cast on A and
    // changed on B at the same moment, so both servers change the same vote row together.
    const acknowledged: { postId: number; threadId: number; body: string }[] = [];
    const statuses: number[] = [];
    await Promise.all(
      members.map(async (member, m) => {
        for (let k = 1; k <= ANSWERS_EACH; k++) {
          const t = (m + k) % MEMBERS;
          const body = `Answer ${k} by ${member.username} to question ${t}.`;
          const response = await serverFor(m + k).client.post(
            threadPaths[t],
            { intent: "answer", body },
            { cookie: member.cookie },
          );
          statuses.push(response.status);
          if (response.status === 303)
            acknowledged.push({ postId: postIdOf(response.headers.get("location")), threadId: threadIds[t], body });
        }
        for (let k = 1; k <= VOTES_EACH; k++) {
          const t = (m + k) % MEMBERS;
          const postId = String(questionOf.get(threadIds[t]));
          const [up, down] = await Promise.all([
            A.client.post(threadPaths[t], { intent: "vote", postId, value: "1" }, { cookie: member.cookie }),
            B.client.post(
              threadPaths[t],
              { intent: "vote", postId, value: k % 2 ? "-1" : "0" },
              { cookie: member.cookie },
            ),
          ]);
          statuses.push(up.status, down.status);
        }
      }),
    );
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(acknowledged).toHaveLength(MEMBERS * ANSWERS_EACH);

    // Every acknowledged answer is there, with its text, in its thread.
    const stored = await read((db) =>
      db
        .select({ id: posts.id, threadId: posts.threadId, body: posts.bodyMarkdown })
        .from(posts)
        .where(
          sql`${posts.id} IN (${sql.join(
            acknowledged.map((post) => post.postId),
            sql`, `,
          )})`,
        ),
    );
    expect(new Map(stored.map((row) => [row.id, { threadId: row.threadId, body: row.body }]))).toEqual(
      new Map(acknowledged.map((post) => [post.postId, { threadId: post.threadId, body: post.body }])),
    );

    // Every counter in the database equals the rows it counts (demo threads included).
    const wrong = await read((db) =>
      rawRows<{ what: string; id: number; counter: number; rows: number }>(
        db,
        sql`
        SELECT 'answer_count' AS what, t.id, t.answer_count AS counter,
               (SELECT count(*) FROM posts p WHERE p.thread_id = t.id AND p.kind = 'answer' AND p.moderation_state = 'visible') AS rows
          FROM threads t
        UNION ALL
        SELECT 'post score', p.id, p.score, (SELECT coalesce(sum(v.value), 0) FROM votes v WHERE v.post_id = p.id) FROM posts p
        UNION ALL
        SELECT 'thread score', t.id, t.score, (SELECT p.score FROM posts p WHERE p.thread_id = t.id AND p.kind = 'question') FROM threads t
        UNION ALL
        SELECT 'tag thread_count', g.id, g.thread_count,
               (SELECT count(*) FROM thread_tags tt JOIN threads t ON t.id = tt.thread_id WHERE tt.tag_id = g.id AND t.visibility = 'visible')
          FROM tags g`,
      ),
    );
    expect(wrong.filter((row) => Number(row.counter) !== Number(row.rows))).toEqual([]);
  });

  it("holds one member to the answer limit in total across both servers", async () => {
    const member = members[1];
    const target = (await read((db) => db.select({ id: threads.id, slug: threads.slug }).from(threads).limit(1)))[0];
    const path = `/questions/${target.id}/${target.slug}`;
    const before = await answersBy(member.username);
    const over = 8;
    // Counted from this member's earlier answers in this window.
    const allowed = LIMITS.answer.max - before;
    const responses = await inParallel(Array.from({ length: allowed + over }), 6, (_, i) =>
      serverFor(i).client.post(path, { intent: "answer", body: `Limit probe ${i}.` }, { cookie: member.cookie }),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 303)).toHaveLength(allowed);
    expect(statuses.filter((status) => status === 429)).toHaveLength(over);
    expect(await answersBy(member.username)).toBe(LIMITS.answer.max);
  });

  it("sends each email exactly once although both servers run the sender", async () => {
    // Everything due is sent (emails gathered for later wait their turn, minutes away).
    const dueLeft = async () =>
      (
        await read((db) =>
          db
            .select({ id: emailOutbox.id })
            .from(emailOutbox)
            .where(
              and(isNull(emailOutbox.sentAt), lte(emailOutbox.sendAfter, new Date()), lt(emailOutbox.attempts, 5)),
            ),
        )
      ).length;
    expect(await waitFor(async () => (await dueLeft()) === 0, 150)).toBe(true);
    const sent = await read((db) =>
      db
        .select({ to: emailOutbox.toAddress })
        .from(emailOutbox)
        // What the servers sent (the demo's seeding, in this process, wrote its emails as files).
        .where(and(gte(emailOutbox.sentAt, serversStartedAt), isNull(emailOutbox.lastError))),
    );
    // Every asker was emailed about the first answer to their question at once.
    expect(sent.length).toBeGreaterThanOrEqual(MEMBERS);
    const expected = new Map<string, number>();
    for (const { to } of sent) expected.set(to, (expected.get(to) ?? 0) + 1);
    // Give a second sender a moment to (wrongly) send again, then compare per address.
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const [address, count] of expected) expect([address, sink.pending(address).length]).toEqual([address, count]);
    const notificationsTwice = await read((db) =>
      rawRows<{ user_id: number; post_id: number; kind: string; n: number }>(
        db,
        sql`SELECT user_id, post_id, kind, count(*) AS n FROM notifications WHERE post_id IS NOT NULL
              AND created_at >= ${serversStartedAt.getTime()}
            GROUP BY user_id, post_id, kind HAVING count(*) > 1`,
      ),
    );
    expect(notificationsTwice).toEqual([]);
  });

  it("runs each job in one process at a time: one lease holder per job, and only it runs the job", async () => {
    expect(leaseSamples.length).toBeGreaterThan(0);
    const holders = new Map<string, Set<string>>();
    for (const { name, holder } of leaseSamples) holders.set(name, (holders.get(name) ?? new Set()).add(holder));
    const pids = servers().map((server) => String(server.child.pid));
    for (const [name, holderSet] of holders) {
      expect([name, holderSet.size]).toEqual([name, 1]);
      const [holder] = holderSet;
      const pid = holder.split(":")[1];
      expect(pids).toContain(pid);
      // Only the holder's log says the job ran.
      const other = servers().find((server) => String(server.child.pid) !== pid)!;
      expect(other.log()).not.toContain(`"job":"${name}"`);
    }
  });

  it("shows a write on A to visitors of B within the page cache's TTL", async () => {
    const { id, slug } = (
      await read((db) =>
        db
          .select({ id: threads.id, slug: threads.slug })
          .from(threads)
          .where(eq(threads.visibility, "visible"))
          .orderBy(threads.id)
          .limit(1),
      )
    )[0];
    const path = `/questions/${id}/${slug}`;
    const writer = members[2];
    const POLL_GAP_MS = 20;
    const delays: { lastStale: number; firstFresh: number }[] = [];
    // Signed-in readers keep B rendering pages (never cached for them) throughout.
    let busy = true;
    const reader = members[4];
    const keepBusy = Promise.all(
      [0, 1].map(async () => {
        while (busy) await (await B.client.get("/questions", { cookie: reader.cookie })).text();
      }),
    );
    for (let round = 0; round < 3; round++) {
      // B holds a cached copy, and other visitors keep B busy meanwhile.
      expect(await waitFor(async () => (await B.client.get(path)).headers.get("x-hearth-cache") === "hit", 50)).toBe(
        true,
      );
      const text = `Fresh news ${round} for B's visitors.`;
      const posted = await A.client.post(path, { intent: "answer", body: text }, { cookie: writer.cookie });
      const acknowledgedAt = Date.now();
      expect(posted.status).toBe(303);
      let lastStale = 0;
      let firstFresh = -1;
      while (firstFresh < 0 && Date.now() - acknowledgedAt < PAGE_CACHE_TTL_MS + 2_000) {
        const startedAt = Date.now();
        const body = await (await B.client.get(path)).text();
        if (body.includes(text)) firstFresh = startedAt - acknowledgedAt;
        else lastStale = startedAt - acknowledgedAt;
        await new Promise((resolve) => setTimeout(resolve, POLL_GAP_MS));
      }
      delays.push({ lastStale, firstFresh });
    }
    busy = false;
    await keepBusy;
    console.info(`B showed A's write after (ms from A's acknowledgement): ${JSON.stringify(delays)}`);
    for (const { lastStale, firstFresh } of delays) {
      expect(firstFresh).toBeGreaterThanOrEqual(0);
      // A stale copy is served only while younger than the TTL, and it is no older than the request
      // that read its data, which came before the write: no stale page starts after the TTL (5 ms
      // for both clocks' millisecond rounding).
      expect(lastStale).toBeLessThanOrEqual(PAGE_CACHE_TTL_MS + 5);
      // The first fresh one follows within one poll gap and one cached response (a few ms on loopback;
      // 100 ms leaves room for a busy 2-core machine).
      expect(firstFresh).toBeLessThanOrEqual(PAGE_CACHE_TTL_MS + POLL_GAP_MS + 100);
    }
  });

  it("hands the stopping server's leases and unsent emails to the other at once (a rolling restart)", async () => {
    const leaseHolders = async () =>
      new Map(
        (await read((db) => db.select({ name: jobLeases.name, holder: jobLeases.holder }).from(jobLeases))).map(
          (row) => [row.name, row.holder.split(":")[1]],
        ),
      );
    // The server holding the mail job's lease (each job's lease goes to whichever server asked first).
    const pid = (await leaseHolders()).get("send-emails");
    const stopping = servers().find((server) => String(server.child.pid) === pid)!;
    const staying = servers().find((server) => server !== stopping)!;
    // Fresh questions, each answered through that server: every asker is emailed at once, by it.
    const askers = members.slice(0, MEMBERS - 1);
    const asked = await inParallel(askers, 4, (asker, i) =>
      staying.client.post(
        "/questions/ask",
        { title: `Handover question ${i}: the lights flicker`, body: `Handover ${i}.`, category, tags: tagNames[0] },
        { cookie: asker.cookie },
      ),
    );
    expect(asked.map((response) => response.status)).toEqual(Array(askers.length).fill(302));
    const marker = (i: number) => `Handover answer ${i}: swap the dimmer.`;
    // A slow mail server keeps that server sending while it is asked to stop.
    const SMTP_DELAY_MS = 1_000;
    sink.setDelay(SMTP_DELAY_MS);
    const answerer = members[askers.length];
    for (const [i, response] of asked.entries()) {
      const answered = await stopping.client.post(
        response.headers.get("location")!,
        { intent: "answer", body: marker(i) },
        { cookie: answerer.cookie },
      );
      expect(answered.status).toBe(303);
    }
    const delivered = (i: number) =>
      sink
        .received()
        .filter((message) => message.mail.text?.includes(marker(i)) && message.to.includes(askers[i].email));
    expect(await waitFor(() => delivered(0).length > 0, 50)).toBe(true);

    const deliveredCount = () => askers.filter((_, i) => delivered(i).length > 0).length;
    const exited = new Promise<number | null>((resolve) => stopping.child.once("exit", resolve));
    const askedToStop = new Date();
    stopping.child.kill("SIGTERM");
    // It finishes the emails in hand and gives back the rest it claimed: a backlog must not hold a
    // deploy (past the 5 s shutdown limit the process is cut off, and what it claimed would wait out
    // the claim, 5 minutes). With a mail server taking a second an email, the emails left would take
    // it ten: it must exit by itself well before the cut-off, after the one in hand. Timed, with a
    // wide margin both ways: counting the emails delivered meanwhile cannot tell which server sent
    // them (the other takes over the given-back ones at once, and under load holds some of its own).
    const exitCode = await exited;
    const exitMs = Date.now() - askedToStop.getTime();
    console.info(`the holder exited ${exitMs} ms after it was asked to stop`);
    expect(exitCode).toBe(0);
    expect(exitMs).toBeLessThan(4_500);
    expect(deliveredCount()).toBeLessThan(askers.length);
    sink.setDelay(0);
    const stoppedAt = Date.now();
    const stayingPid = String(staying.child.pid);
    // The other server holds every lease at its next run, not when the leases expire (minutes).
    const allHeldByStaying = async () => [...(await leaseHolders()).values()].every((holder) => holder === stayingPid);
    expect(await waitFor(allHeldByStaying, 30)).toBe(true);
    // And sends what the stopped one had claimed but not sent: each email once.
    const allDelivered = () => askers.every((_, i) => delivered(i).length >= 1);
    expect(await waitFor(allDelivered, 100)).toBe(true);
    console.info(`every handover email delivered ${Date.now() - stoppedAt} ms after the holder stopped`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(askers.map((_, i) => delivered(i).length)).toEqual(askers.map(() => 1));

    // The stopped server comes back, as after a deploy.
    const restarted = await startServer(stopping.name);
    if (stopping === A) A = restarted;
    else B = restarted;
  });

  it("adds up the views counted on A and B, after a flush and after both shut down", async () => {
    const pages = (
      await read((db) =>
        db
          .select({ id: threads.id, slug: threads.slug })
          .from(threads)
          .where(eq(threads.visibility, "visible"))
          .limit(4),
      )
    ).map(({ id, slug }) => `/questions/${id}/${slug}`);
    const reader = members[3];
    const visit = (round: number) =>
      inParallel(Array.from({ length: 40 }), 6, (_, i) =>
        serverFor(i + round).client.get(pages[i % pages.length], i % 3 === 0 ? { cookie: reader.cookie } : {}),
      );
    const expectViewsToAddUp = async () => {
      const now = await viewCounts();
      const served = viewsServed();
      const difference = [...now]
        .filter(([id, views]) => views - (viewsAtStart.get(id) ?? 0) !== (served.get(id) ?? 0))
        .map(([id, views]) => ({ id, counted: views - (viewsAtStart.get(id) ?? 0), served: served.get(id) ?? 0 }));
      return difference;
    };
    await visit(0);
    // Each server writes what it counted every few seconds.
    await waitFor(async () => (await expectViewsToAddUp()).length === 0, 150);
    expect(await expectViewsToAddUp()).toEqual([]);

    // Views counted just before both servers stop are written as they shut down.
    await visit(1);
    await Promise.all(
      servers().map(async ({ child }) => {
        const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        expect(await exited).toBe(0);
      }),
    );
    expect(await expectViewsToAddUp()).toEqual([]);
  });

  it("answered no request with a 5xx", () => {
    expect(seen.length).toBeGreaterThan(300);
    expect(seen.filter((response) => response.status >= 500)).toEqual([]);
  });
});

async function answersBy(username: string) {
  const rows = await read((db) =>
    rawRows<{ n: number }>(
      db,
      sql`SELECT count(*) AS n FROM posts p JOIN users u ON u.id = p.author_id WHERE u.username = ${username} AND p.kind = 'answer'`,
    ),
  );
  return Number(rows[0].n);
}
