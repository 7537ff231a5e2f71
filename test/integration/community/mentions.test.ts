// @mentions against the real database: which `@name`s become profile links, who a post mentions
// (for notifications), and the usernames suggested while typing.
import { eq } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { posts, users } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { countQueries, scriptDb, scriptSqlite } from "~/lib/db.server";
import { ForbiddenError, RateLimitError, ValidationError } from "~/lib/errors.server";
import { MarkdownTooComplexError, mentionCandidates } from "~/lib/markdown.server";
import {
  MAX_MENTION_LINKS,
  MAX_MENTION_LOOKUPS,
  MAX_MENTION_NOTIFICATIONS,
  MAX_USERNAME_SUGGESTIONS,
} from "~/lib/mentions";
import { VISITOR, type Member } from "~/lib/permissions.server";
import { LIMITS, resetAllLimits } from "~/lib/rate-limit.server";
import {
  mentionedUsers,
  renderPostBody,
  suggestUsernames,
  usernamesStartingWith,
} from "~/models/community/mentions.server";
import { MAX_BODY_LENGTH } from "~/models/community/rules";
import { editPost, previewMarkdown } from "~/models/community/posts.server";
import { makeAnswer, makeThread, makeUser } from "../../fixtures/factories";
import { testEngine } from "../../fixtures/test-databases";

let writer: Member;
const render = async (markdown: string) => (await renderPostBody(markdown)).trim();
const link = (username: string, written = `@${username}`) =>
  `<a href="/users/${username}" class="mention" rel="nofollow ugc noopener">${written}</a>`;

beforeAll(async () => {
  writer = await makeUser("member");
  for (const username of ["mira", "mira_k", "otto-b", "zed", "quill"]) await makeUser("member", { username });
  const suspended = await makeUser("member", { username: "mira-gone" });
  await scriptDb()
    .update(users)
    .set({ suspendedUntil: new Date(now().getTime() + 86_400_000) })
    .where(eq(users.id, suspended.id));
});

beforeEach(() => resetAllLimits());

describe("renderPostBody", () => {
  it("links @username of an existing account to its profile, whatever the case written", async () => {
    expect(await render("Thanks @mira and @Otto-B!")).toBe(
      `<p>Thanks ${link("mira")} and ${link("otto-b", "@Otto-B")}!</p>`,
    );
  });

  it("leaves a name nobody has as plain text", async () => {
    expect(await render("Ask @nobody-here or @mi.")).toBe("<p>Ask @nobody-here or @mi.</p>");
  });

  it.each([
    ["@mira,", `${link("mira")},`],
    ["(@mira)", `(${link("mira")})`],
    ["@mira.", `${link("mira")}.`],
    ["@mira:", `${link("mira")}:`],
    ["**@mira**", `<strong>${link("mira")}</strong>`],
    ["_@mira_", `<em>${link("mira")}</em>`],
    ["~~@mira~~", `<del>${link("mira")}</del>`],
    ["“@mira”", `“${link("mira")}”`],
    ["@mira's idea", `${link("mira")}'s idea`],
  ])("links the name in %s and keeps the punctuation around it", async (markdown, html) => {
    expect(await render(markdown)).toBe(`<p>${html}</p>`);
  });

  it.each([
    ["a code span", "`@mira`"],
    ["a code block", "```\n@mira\n```"],
    ["an indented code block", "    @mira"],
    ["a link's text", "[@mira](https://example.com)"],
    ["an e-mail address", "mira@example.com"],
    ["an e-mail address in angle brackets", "<mira@example.com>"],
    ["a word", "hello@mira"],
    ["an underscore", "_@mira"],
    ["a raw HTML link", '<a href="https://example.com">@mira</a>'],
    ["a raw HTML block", "<div>\n@mira\n</div>"],
    ["an escaped @", "\\@mira"],
    ["an image's text", "![@mira](https://example.com/a.png)"],
    ["a longer name", "@mira_kx and @mirab"],
    ["a fullwidth ＠", "＠mira"],
    ["a zero-width joiner inside the name", "@mi\u200Dra"],
    ["a letter of another script after the name", "@miraé and @miraд"],
  ])("does not link a mention inside %s", async (_, markdown) => {
    expect(await render(markdown)).not.toContain("mention");
  });

  it("links a name after a right-to-left mark, as RTL text writes it", async () => {
    expect(await render("שלום \u200F@mira")).toBe(`<p>שלום \u200F${link("mira")}</p>`);
  });

  it("links names in headings, lists, quotes and tables", async () => {
    const html = await renderPostBody("# @mira\n\n- @zed\n\n> @quill\n\n| @otto-b |\n|---|\n| @mira |");
    expect(html.match(/class="mention"/g)).toHaveLength(5);
  });

  it("looks every name up in one query, and asks nothing when there is none", async () => {
    const names = Array.from({ length: 80 }, (_, i) => `@someone-${i}`).join(" ");
    expect(await countQueries(() => renderPostBody(`${names} @mira`))).toBe(1);
    expect(await countQueries(() => renderPostBody("No names here, me@example.com, `@mira`"))).toBe(0);
  });

  it(`looks up the first ${MAX_MENTION_LOOKUPS} distinct names only`, async () => {
    const others = Array.from({ length: MAX_MENTION_LOOKUPS }, (_, i) => `@someone-${i}`).join(" ");
    expect(mentionCandidates(`${others} @mira`)).toHaveLength(MAX_MENTION_LOOKUPS);
    expect(await render(`${others} @mira`)).not.toContain("mention");
    expect(await render(`@mira ${others}`)).toContain(link("mira"));
  });

  it(`links at most ${MAX_MENTION_LINKS} mentions in a post of nothing but mentions`, async () => {
    const markdown = "@mira ".repeat(Math.floor(MAX_BODY_LENGTH / 6));
    const html = await renderPostBody(markdown);
    expect(html.match(/class="mention"/g)).toHaveLength(MAX_MENTION_LINKS);
    expect(html.length).toBeLessThan(markdown.length + MAX_MENTION_LINKS * 80);
  });

  it("renders 16,000 short @ tokens, and a wall of @, as text without asking the database", async () => {
    for (const markdown of ["@a ".repeat(10_000), "@".repeat(MAX_BODY_LENGTH), "@a".repeat(16_000)]) {
      let html = "";
      expect(await countQueries(async () => (html = await renderPostBody(markdown)))).toBe(0);
      expect(html).not.toContain("<a");
      expect(html.length).toBeLessThan(markdown.length + 20);
    }
  });

  it("collects at most the lookup limit from 100,000 @ tokens, beyond any post's length", () => {
    expect(mentionCandidates("@a ".repeat(100_000))).toEqual([]);
    expect(mentionCandidates(Array.from({ length: 100_000 }, (_, i) => `@user-${i}`).join(" "))).toHaveLength(
      MAX_MENTION_LOOKUPS,
    );
  });

  it("still refuses Markdown nested deeper than the renderer allows", async () => {
    await expect(renderPostBody(`${"> ".repeat(30)}@mira`)).rejects.toBeInstanceOf(MarkdownTooComplexError);
  });

  it("keeps the sanitizer last: a forged mention class survives only on a profile link", async () => {
    const html = await renderPostBody(
      '<a class="mention" href="https://evil.example/users/mira">x</a> <a class="mention" href="javascript:alert(1)">y</a> <a class="mention other" href="/users/mira">z</a>',
    );
    expect(html).not.toContain('class="mention"');
    expect(html).not.toContain("javascript");
  });
});

describe("saving a post", () => {
  it("stores the mention links with the question, an answer, an edit and in the preview", async () => {
    const bodyOf = async (postId: number) =>
      (await scriptDb().select({ html: posts.bodyHtml }).from(posts).where(eq(posts.id, postId)))[0].html;
    const { threadId } = await makeThread(writer, { body: "Asking @zed about this." });
    const question = (await scriptDb().select().from(posts).where(eq(posts.threadId, threadId)))[0];
    expect(question.bodyHtml).toContain(link("zed"));
    const { postId } = await makeAnswer(writer, threadId, "@quill may know.");
    expect(await bodyOf(postId)).toContain(link("quill"));
    await editPost(writer, postId, { body: "@Mira may know." });
    expect(await bodyOf(postId)).toContain(link("mira", "@Mira"));
    expect((await previewMarkdown(writer, { body: "@otto-b" })).html).toContain(link("otto-b"));
  });
});

describe("mentionedUsers", () => {
  it("returns the existing accounts mentioned, distinct, in order of first mention", async () => {
    const mentioned = await mentionedUsers("Hi @zed, @Mira and @nobody-here; again @ZED and @quill.");
    expect(mentioned.map((user) => user.username)).toEqual(["zed", "mira", "quill"]);
    expect(mentioned[0]).toEqual({ id: expect.any(Number), username: "zed" });
  });

  it("leaves out names in code, links, e-mail addresses and raw HTML", async () => {
    const markdown =
      "`@mira` [@zed](https://x.example) quill@example.com <a href='https://x.example'>@otto-b</a>\n\n    @mira_k";
    expect(await mentionedUsers(markdown)).toEqual([]);
  });

  it(`returns at most the first ${MAX_MENTION_NOTIFICATIONS} existing accounts`, async () => {
    const many = [];
    for (let i = 0; i < MAX_MENTION_NOTIFICATIONS + 2; i += 1) many.push(await makeUser("member"));
    const markdown = `@nobody-1 ${many.map((user) => `@${user.username}`).join(" ")}`;
    const mentioned = await mentionedUsers(markdown);
    expect(mentioned.map((user) => user.username)).toEqual(
      many.slice(0, MAX_MENTION_NOTIFICATIONS).map((user) => user.username),
    );
  });

  it("asks the database once", async () => {
    expect(await countQueries(() => mentionedUsers("@mira @zed @quill @nobody-here"))).toBe(1);
  });
});

describe("suggestUsernames", () => {
  it("suggests the usernames that start with the prefix, in order, then those that contain it", async () => {
    expect(await suggestUsernames(writer, { q: "Mir" })).toEqual({ usernames: ["mira", "mira_k"] });
    expect(await suggestUsernames(writer, { q: "ill" })).toEqual({ usernames: ["quill"] });
    expect(await suggestUsernames(writer, { q: "tto-" })).toEqual({ usernames: ["otto-b"] });
  });

  it("matches '_' as itself and suggests a name once, where it starts with the prefix", async () => {
    expect(await suggestUsernames(writer, { q: "_k" })).toEqual({ usernames: ["mira_k"] });
    expect(await suggestUsernames(writer, { q: "_e" })).toEqual({ usernames: [] });
    const { usernames } = await suggestUsernames(writer, { q: "O" });
    expect(usernames[0]).toBe("otto-b");
    expect(usernames.filter((name) => name === "otto-b")).toHaveLength(1);
  });

  it(`suggests at most ${MAX_USERNAME_SUGGESTIONS}`, async () => {
    for (let i = 0; i < MAX_USERNAME_SUGGESTIONS + 2; i += 1) await makeUser("member", { username: `many-${i}` });
    expect((await suggestUsernames(writer, { q: "many" })).usernames).toHaveLength(MAX_USERNAME_SUGGESTIONS);
  });

  it("leaves out accounts suspended now", async () => {
    expect((await suggestUsernames(writer, { q: "mira" })).usernames).not.toContain("mira-gone");
  });

  it("refuses visitors", async () => {
    await expect(suggestUsernames(VISITOR, { q: "mira" })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it.each([[""], ["a".repeat(31)], ["mi ra"], ["mira%"], ["@mira"], ["mi\u200Dra"], [null], [["mira"]]])(
    "refuses %j as a prefix",
    async (q) => {
      await expect(suggestUsernames(writer, { q })).rejects.toBeInstanceOf(ValidationError);
    },
  );

  it("is rate limited", async () => {
    for (let i = 0; i < LIMITS.usernameSuggestions.max; i += 1) await suggestUsernames(writer, { q: "zed" });
    await expect(suggestUsernames(writer, { q: "zed" })).rejects.toBeInstanceOf(RateLimitError);
  });

  // PostgreSQL's planner rightly scans a table this small instead; the range condition is the same SQL.
  it.skipIf(testEngine() === "postgres")(
    "finds names that start with the prefix by a range search on the username index",
    () => {
      const { sql, params } = usernamesStartingWith(scriptDb(), "mi", now(), MAX_USERNAME_SUGGESTIONS).toSQL();
      const plan = scriptSqlite()
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...params)
        .map((row) => (row as { detail: string }).detail);
      expect(plan.join("\n")).toMatch(/SEARCH users USING INDEX users_username_unique \(username>\? AND username<\?\)/);
      expect(plan.join("\n")).not.toMatch(/TEMP B-TREE/);
    },
  );
});
