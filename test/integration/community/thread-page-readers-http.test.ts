// One thread page read by every kind of reader in turn, over real HTTP (issue 11): whatever is
// reused between readers (compiled statements, prepared queries per kind of reader, the visitors'
// page cache), each reader sees their own votes, controls and held posts, and nobody else's.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { posts } from "../../../db/schema";
import { scriptDb } from "~/lib/db.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { client, cookies, serveBuiltApp } from "../../fixtures/app-server";
import { makeAnswer, makeThread, makeUser, TEST_PASSWORD } from "../../fixtures/factories";

let threadPath: string;
const answerOf: Record<string, number> = {};
const usernames: Record<string, string> = {};

serveBuiltApp({ staff: "staff@example.com" });
beforeAll(async () => {
  const asker = await makeUser("customer");
  const amara = await makeUser("customer");
  const bo = await makeUser("customer");
  const newcomer = await makeUser("member");
  Object.assign(usernames, {
    asker: asker.username,
    amara: amara.username,
    bo: bo.username,
    newcomer: newcomer.username,
  });
  const thread = await makeThread(asker, {
    title: "Which readers see which buttons on this thread",
    category: "getting-started",
    tags: "",
  });
  threadPath = `/questions/${thread.threadId}/${thread.slug}`;
  answerOf.amara = (await makeAnswer(amara, thread.threadId, "Amara's answer: restart the hub.")).postId;
  answerOf.bo = (await makeAnswer(bo, thread.threadId, "Bo's answer: check the router.")).postId;
  answerOf.newcomer = (await makeAnswer(newcomer, thread.threadId, "The newcomer's answer, held for review.")).postId;
  await scriptDb().update(posts).set({ moderationState: "held" }).where(eq(posts.id, answerOf.newcomer));
  for (const [name, user] of Object.entries({ asker, amara, bo, newcomer })) {
    await resetAllLimits();
    const { cookie } = await client.signIn(`${user.username}@example.test`, TEST_PASSWORD);
    if (!cookie) throw new Error(`could not sign in as ${user.username}`);
    cookies[name] = cookie;
  }
  await resetAllLimits();
  const voted = await client.post(
    threadPath,
    { intent: "vote", postId: String(answerOf.bo), value: "1" },
    { cookie: cookies.amara },
  );
  expect(voted.status).toBeLessThan(400);
});

/** The page as `reader` sees it (undefined: a visitor), and the HTML of one post's article. */
async function read(reader?: string) {
  const response = await client.get(threadPath, { cookie: reader ? cookies[reader] : undefined });
  expect(response.status).toBe(200);
  const html = await response.text();
  const article = (postId: number) => {
    const start = html.indexOf(`id="post-${postId}"`);
    return start < 0 ? null : html.slice(start, html.indexOf("</article>", start));
  };
  return { html, article, cache: response.headers.get("x-hearth-cache") };
}

const upvote = (article: string) => /<button[^>]*aria-label="(Upvote|Remove your Upvote)"[^>]*>/.exec(article)![0];

describe("a thread page read by each kind of reader in turn", () => {
  it("shows each reader their own vote, their own edit links, and the controls their role gives, and nothing of anyone else's", async () => {
    // Interleaved on purpose: visitor, readers, staff, visitor again (from the cache), readers again.
    for (let round = 0; round < 2; round++) {
      const visitor = await read();
      if (round === 1) expect(visitor.cache).toBe("hit");
      for (const id of Object.values(answerOf).slice(0, 2)) {
        expect(upvote(visitor.article(id)!)).toContain('title="Sign in to vote"');
        expect(upvote(visitor.article(id)!)).toContain('aria-pressed="false"');
      }
      expect(visitor.html).not.toContain('/edit"');
      expect(visitor.html).not.toContain("Accept this answer");
      expect(visitor.article(answerOf.newcomer)).toBeNull();
      expect(visitor.html).not.toContain("Sign out");

      const amara = await read("amara");
      expect(upvote(amara.article(answerOf.bo)!)).toContain('aria-pressed="true"');
      expect(upvote(amara.article(answerOf.amara)!)).toContain('title="You cannot vote on your own post"');
      expect(amara.article(answerOf.amara)).toContain(`href="/posts/${answerOf.amara}/edit">Edit</a>`);
      // Someone else's post: a suggestion for staff to review, never a direct edit.
      expect(amara.article(answerOf.bo)).toContain(`href="/posts/${answerOf.bo}/edit">Suggest an edit</a>`);
      expect(amara.article(answerOf.bo)).not.toContain(">Edit</a>");
      expect(amara.html).not.toContain("Accept this answer");
      expect(amara.article(answerOf.newcomer)).toBeNull();
      expect(amara.html).not.toContain('class="decision-buttons"');

      const bo = await read("bo");
      expect(upvote(bo.article(answerOf.bo)!)).toContain('aria-pressed="false"');
      expect(upvote(bo.article(answerOf.bo)!)).toContain('title="You cannot vote on your own post"');
      expect(upvote(bo.article(answerOf.amara)!)).toContain('aria-pressed="false"');
      expect(upvote(bo.article(answerOf.amara)!)).not.toContain("disabled");
      expect(bo.article(answerOf.bo)).toContain(`href="/posts/${answerOf.bo}/edit">Edit</a>`);
      expect(bo.article(answerOf.amara)).toContain(`href="/posts/${answerOf.amara}/edit">Suggest an edit</a>`);
      expect(bo.article(answerOf.amara)).not.toContain(">Edit</a>");

      const asker = await read("asker");
      expect(asker.article(answerOf.amara)).toContain("Accept this answer");
      expect(asker.article(answerOf.bo)).toContain("Accept this answer");
      expect(asker.article(answerOf.newcomer)).toBeNull();

      const newcomer = await read("newcomer");
      expect(newcomer.article(answerOf.newcomer)).toContain("Waiting for review: a moderator will look at it shortly");
      expect(newcomer.html).not.toContain("Accept this answer");

      const staff = await read("staff");
      expect(staff.article(answerOf.newcomer)).toContain("Waiting for review: held until a moderator approves it.");
      for (const id of Object.values(answerOf)) expect(staff.article(id)).toContain('class="decision-buttons"');
      expect(staff.html).not.toContain("Accept this answer");
      expect(upvote(staff.article(answerOf.bo)!)).toContain('aria-pressed="false"');
    }
    for (const name of ["amara", "bo", "asker", "newcomer"]) {
      const { html } = await read(name);
      expect(html, name).toContain(`href="/users/${usernames[name]}"`);
      for (const other of Object.keys(usernames).filter((someone) => someone !== name))
        expect(html, name).not.toMatch(new RegExp(`<nav[^>]*>(?:(?!</nav>).)*/users/${usernames[other]}"`, "s"));
    }
  });
});

describe("the posts' text on a thread page", () => {
  const texts = ["restart the hub", "check the router"];
  const count = (text: string, needle: string) => text.split(needle).length - 1;

  it("is in a document once, in the HTML: the page's data for hydration leaves it out, for visitors and members alike", async () => {
    for (const reader of [undefined, "amara", "staff"]) {
      const { html } = await read(reader);
      const data = html.slice(html.indexOf("streamController.enqueue"));
      expect(data.length, String(reader)).toBeGreaterThan(1_000); // the page's data is there, with the posts' ids
      expect(data).toContain(`${answerOf.amara}`);
      for (const text of texts) {
        expect(count(html, text), `${reader} ${text}`).toBe(1);
        expect(data, `${reader} ${text}`).not.toContain(text);
      }
    }
  });

  it("is in the data a browser asks for when it navigates or reloads the page in place", async () => {
    for (const reader of [undefined, "amara"]) {
      const response = await client.get(`${threadPath}.data`, { cookie: reader ? cookies[reader] : undefined });
      expect(response.status).toBe(200);
      const data = await response.text();
      for (const text of texts) expect(data, `${reader} ${text}`).toContain(text);
    }
  });
});

describe("a refused action on the thread page without JavaScript", () => {
  it("answers a vote that is neither up, down nor removed with 400 and says why on the page, and saves nothing", async () => {
    const before = (await read("amara")).article(answerOf.bo)!;
    for (const value of ["2", "", "1e309", "😀", "9".repeat(32_000)]) {
      await resetAllLimits();
      const response = await client.post(
        threadPath,
        { intent: "vote", postId: String(answerOf.bo), value },
        { cookie: cookies.amara },
      );
      expect(response.status, value.slice(0, 10)).toBe(400);
      expect(await response.text()).toContain(
        `<p class="form-error" role="alert">A vote is up (1), down (-1) or removed (0).</p>`,
      );
    }
    expect(upvote((await read("amara")).article(answerOf.bo)!)).toBe(upvote(before));
  });

  it("answers a refused answer sent to the thread's old address (its title changed meanwhile) on the page, with the text kept, not with a redirect", async () => {
    const oldPath = threadPath.replace(/\/[^/]+$/, "/which-readers-saw-which-buttons");
    await resetAllLimits();
    const typed = `${"> ".repeat(30)}far too deep`;
    const response = await client.post(oldPath, { intent: "answer", body: typed }, { cookie: cookies.amara });
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain("Nested more than 20 levels deep");
    expect(page).toContain(typed.replaceAll(">", "&gt;"));
    // A plain visit to the old address still goes to the new one.
    const visit = await client.get(oldPath, { cookie: cookies.amara });
    expect([visit.status, visit.headers.get("location")]).toEqual([301, threadPath]);
  });

  it("answers accepting a post that does not exist with a 404 page that says so", async () => {
    await resetAllLimits();
    const response = await client.post(threadPath, { intent: "accept", postId: "99999999" }, { cookie: cookies.asker });
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("That answer does not exist.");
  });
});
