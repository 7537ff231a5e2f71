// A thread's posts are rendered once and their markup reused for every reader who sees a post the
// same way (DECISIONS.md #92). Whatever other readers' renders left in the cache, each reader's page
// must be exactly the page rendered for them alone: their votes, their own posts, what they may do.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { posts } from "../../../db/schema";
import { write } from "~/lib/db.server";
import { castVote } from "~/models/community/votes.server";
import { editPost } from "~/models/community/posts.server";
import { markSolution } from "~/models/community/solutions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import type { Member } from "~/lib/permissions.server";
import { makeAnswer, makeThread, makeUser, TEST_PASSWORD } from "../../fixtures/factories";
import { app, client, serveBuiltApp } from "../../fixtures/app-server";
import { signInAccounts } from "../../fixtures/http-client";

let path: string;
let answerIds: number[];
let people: Record<string, Member>;
let readers: Record<string, string | undefined>;

serveBuiltApp();
beforeAll(async () => {
  const stamp = Math.random().toString(36).slice(2, 8);
  const email = (name: string) => `${name}-${stamp}@example.test`;
  const member = (name: string) => makeUser("member", { email: email(name), trustLevel: 2 });
  people = {
    asker: await member("asker"),
    answerer: await member("answerer"),
    voter: await member("voter"),
    plain: await member("plain"),
    alsoPlain: await member("also-plain"),
    staff: await makeUser("staff", { email: email("staff") }),
  };
  const thread = await makeThread(people.asker, {
    body: "The hub blinks **blue**.",
    category: "getting-started",
    tags: "wifi",
  });
  answerIds = [];
  // The last one writes the wrapper's own tags as text, which must not be taken for a wrapper.
  for (const body of [
    "Reset it.",
    "Move it closer.",
    "Use the 2.4 GHz band.",
    "Not `</hearth-markup>` nor <hearth-markup>this</hearth-markup>: 中文 😀",
  ])
    answerIds.push((await makeAnswer(people.answerer, thread.threadId, body)).postId);
  await castVote(people.voter, answerIds[0], { value: "1" });
  await castVote(people.voter, answerIds[1], { value: "-1" });
  await markSolution(people.asker, answerIds[2], "accepted");
  path = `/questions/${thread.threadId}/${thread.slug}`;
  await resetAllLimits();
  const signedIn = await signInAccounts(
    client,
    Object.fromEntries(Object.keys(people).map((name) => [name, email(name === "alsoPlain" ? "also-plain" : name)])),
    TEST_PASSWORD,
  );
  readers = { visitor: undefined, ...signedIn };
});

/** The posts' markup of a reader's page (the thread's other parts, such as its view count, move on). */
async function postsMarkup(reader: string) {
  const response = await client.get(path, { cookie: readers[reader] });
  expect(response.status, reader).toBe(200);
  const page = await response.text();
  const start = page.indexOf("<hearth-markup>");
  const end = page.lastIndexOf("</hearth-markup>");
  expect(start, reader).toBeGreaterThan(-1);
  return page.slice(start, end);
}

/** Each reader's posts as rendered with nothing reused: the cache emptied before each. */
async function renderedAlone() {
  const alone: Record<string, string> = {};
  for (const reader of Object.keys(readers)) {
    app.forgetReusedMarkup();
    alone[reader] = await postsMarkup(reader);
  }
  return alone;
}

describe("a thread page's posts, reused between readers", () => {
  it("every reader gets exactly their own page, in any order, from a cache the others filled", async () => {
    const alone = await renderedAlone();
    // What differs between them is there to be mixed up.
    expect(alone.voter).toContain('aria-label="Remove your Upvote"');
    expect(alone.plain).not.toContain('aria-label="Remove your Upvote"');
    expect(alone.answerer).toContain(`href="/posts/${answerIds[0]}/edit">Edit</a>`);
    expect(alone.plain).not.toContain(`href="/posts/${answerIds[0]}/edit">Edit</a>`);
    expect(alone.asker).toContain("Unaccept");
    expect(alone.staff).toContain("Mark staff-verified");
    expect(alone.plain).not.toContain("Mark staff-verified");
    expect(alone.visitor).toContain("Sign in to vote");

    app.forgetReusedMarkup();
    const orders = [Object.keys(readers), Object.keys(readers).reverse()];
    for (const order of orders)
      for (const reader of order) expect(await postsMarkup(reader), `${reader}, order ${order}`).toBe(alone[reader]);
  });

  it("readers who see a post the same way share its markup: a second such reader renders nothing new", async () => {
    app.forgetReusedMarkup();
    await postsMarkup("plain");
    await postsMarkup("alsoPlain");
    // The question and four answers, rendered once for both.
    expect(app.forgetReusedMarkup()).toBe(5);
    await postsMarkup("plain");
    await postsMarkup("voter");
    // The voter sees the two answers they voted on their own way; the other three posts are shared.
    expect(app.forgetReusedMarkup()).toBe(7);
  });

  it("a change shows at once to readers whose markup was reused: a new vote, an edited body", async () => {
    app.forgetReusedMarkup();
    await postsMarkup("plain");
    await postsMarkup("voter");
    await castVote(people.plain, answerIds[2], { value: "1" });
    await editPost(people.answerer, answerIds[2], { body: "Use the 2.4 GHz band, then reboot." });
    const plain = await postsMarkup("plain");
    expect(plain).toContain("Use the 2.4 GHz band, then reboot.");
    expect(plain).toContain(`data-testid="score-${answerIds[2]}">1<`);
    const voter = await postsMarkup("voter");
    expect(voter).toContain("Use the 2.4 GHz band, then reboot.");
    expect(voter).toContain(`data-testid="score-${answerIds[2]}">1<`);
    // And each page is still exactly its reader's alone.
    const alone = await renderedAlone();
    for (const reader of Object.keys(readers)) {
      app.forgetReusedMarkup();
      for (const other of Object.keys(readers)) await postsMarkup(other);
      expect(await postsMarkup(reader), reader).toBe(alone[reader]);
    }
  });

  it("a post's age is never reused once it reads differently: 'just now' becomes '1 minute ago'", async () => {
    // The answer reads one minute old (ages are rounded to the second) half a second from now.
    await write((db) =>
      db
        .update(posts)
        .set({ createdAt: new Date(Date.now() - 59_000) })
        .where(eq(posts.id, answerIds[1])),
    );
    app.forgetReusedMarkup();
    const age = (markup: string) =>
      markup.slice(markup.indexOf(`id="post-${answerIds[1]}"`)).match(/<time [^>]*>([^<]*)<\/time>/)?.[1];
    expect(age(await postsMarkup("plain"))).toBe("just now");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(age(await postsMarkup("plain"))).toBe("1 minute ago");
  });
});
