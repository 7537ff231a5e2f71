// Atom feeds of questions (latest, per category, per tag) and of a person's activity, over real HTTP
// (issue 13): always what a visitor may read, whoever asks, and always well-formed XML.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { posts, threads } from "../../../db/schema";
import { scriptDb } from "~/lib/db.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { client, cookies, serveBuiltApp } from "../../fixtures/app-server";
import { makeAnswer, makeThread, makeUser, TEST_PASSWORD } from "../../fixtures/factories";
import { testEngine } from "../../fixtures/test-databases";

/**
 * A strict well-formedness check (no XML parser is installed): one root, balanced tags, quoted
 * attributes, only the five predefined entities or character references, no character XML forbids.
 */
function expectWellFormedXml(xml: string) {
  // eslint-disable-next-line no-control-regex -- finding the characters XML forbids is the point
  expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/);
  expect(xml).not.toMatch(/[\ud800-\udfff]/u); // a lone surrogate
  const reference = /&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g;
  const text = (value: string) => {
    expect(value.replace(reference, "")).not.toMatch(/[<&]/);
  };
  const token =
    /<\?xml [^?<>]*\?>|<!--(?:(?!--).)*-->|<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*="[^"<]*")*)\s*(\/?)>|[^<]+/gsy;
  const open: string[] = [];
  let roots = 0;
  let at = 0;
  for (let match = token.exec(xml); match; match = token.exec(xml)) {
    at = token.lastIndex;
    const [whole, closing, name, attributes, selfClosing] = match;
    if (!name) {
      if (!whole.startsWith("<")) {
        if (open.length === 0) expect(whole.trim()).toBe("");
        text(whole);
      }
      continue;
    }
    if (attributes) for (const [, value] of attributes.matchAll(/="([^"]*)"/g)) text(value);
    if (closing) expect(open.pop()).toBe(name);
    else if (!selfClosing) {
      if (open.length === 0) roots += 1;
      open.push(name);
    } else if (open.length === 0) roots += 1;
  }
  expect(at).toBe(xml.length);
  expect(open).toEqual([]);
  expect(roots).toBe(1);
}

/** Entries of a feed, each as its XML. */
const entriesOf = (xml: string) => xml.match(/<entry>[\s\S]*?<\/entry>/g) ?? [];

// A NUL only on SQLite: PostgreSQL's text cannot hold one at all, so no stored title has it there.
const NUL = testEngine() === "postgres" ? "" : "\u0000";
const HOSTILE_TITLE = `<script>alert("x")</script> & Tom's "hub" Ω 💡 ${NUL}\u0007 ‮reversed`;
const ids: Record<string, number> = {};
let asker = "";

serveBuiltApp({ staff: "staff@example.com" });
beforeAll(async () => {
  const author = await makeUser("member");
  asker = author.username;
  const answerer = await makeUser("member");
  const make = async (title: string, overrides = {}) =>
    (await makeThread(author, { title, category: "getting-started", tags: "thermostat", ...overrides })).threadId;
  ids.visible = await make("Feed test: a visible question about heating");
  ids.hostile = await make("Feed test: a question with a hostile title");
  await scriptDb().update(threads).set({ title: HOSTILE_TITLE }).where(eq(threads.id, ids.hostile));
  ids.held = await make("Feed test: a held question nobody else may read");
  ids.hidden = await make("Feed test: a hidden question nobody else may read");
  ids.otherTag = await make("Feed test: a question tagged only wifi", { tags: "wifi" });
  for (const [key, state] of [
    ["held", "held"],
    ["hidden", "hidden"],
  ] as const) {
    await scriptDb().update(threads).set({ visibility: state }).where(eq(threads.id, ids[key]));
    await scriptDb().update(posts).set({ moderationState: state }).where(eq(posts.threadId, ids[key]));
  }
  ids.visibleAnswer = (await makeAnswer(author, ids.otherTag, "Feed test: a visible answer about routers.")).postId;
  ids.hiddenAnswer = (await makeAnswer(author, ids.visible, "Feed test: a hidden answer SECRET-ANSWER.")).postId;
  await scriptDb().update(posts).set({ moderationState: "hidden" }).where(eq(posts.id, ids.hiddenAnswer));
  await makeAnswer(answerer, ids.visible, "Someone else's answer.");
  await resetAllLimits();
  const { cookie } = await client.signIn(`${author.username}@example.test`, TEST_PASSWORD);
  if (!cookie) throw new Error("could not sign in as the author");
  cookies.author = cookie;
});

async function feed(path: string, reader?: string) {
  const response = await client.get(path, { cookie: reader ? cookies[reader] : undefined });
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { response, status: response.status, bytes, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
}

const FEEDS = () => [
  "/questions/feed.xml",
  "/questions/feed.xml?category=getting-started",
  "/tags/thermostat/feed.xml",
  `/users/${asker}/feed.xml`,
];

describe("Atom feeds over HTTP", () => {
  it("serves each feed as well-formed UTF-8 Atom with the feed's and each entry's required elements", async () => {
    for (const path of FEEDS()) {
      const { response, status, bytes, text } = await feed(path);
      expect(status, path).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
      expect(response.headers.get("cache-control")).toBe("public, max-age=300");
      expect(bytes.includes(0)).toBe(false);
      expectWellFormedXml(text);
      expect(text).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
      const head = text.slice(0, text.indexOf("<entry>"));
      expect(head).toMatch(/<id>http[^<]+<\/id>/);
      expect(head).toMatch(/<title>[^<]+<\/title>/);
      expect(head).toMatch(/<updated>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/updated>/);
      expect(head).toContain(`<link rel="self" href="`);
      expect(head).toContain(`${path}"/>`);
      const entries = entriesOf(text);
      expect(entries.length, path).toBeGreaterThan(0);
      expect(entries.length).toBeLessThanOrEqual(50);
      for (const entry of entries) {
        expect(entry).toMatch(/<id>http[^<]*\/questions\/\d+(#post-\d+)?<\/id>/);
        expect(entry).toMatch(/<title>[^<]+<\/title>/);
        expect(entry).toMatch(/<link href="http[^"]*\/questions\/\d+\/[^"]+"\/>/);
        expect(entry).toMatch(/<updated>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/updated>/);
        expect(entry).toMatch(/<author><name>[^<]+<\/name><\/author>/);
      }
    }
  });

  it.each([undefined, "author", "staff"])(
    "lists only what a visitor may read, also when the request carries a %s session",
    async (reader) => {
      for (const path of FEEDS()) {
        const { status, text } = await feed(path, reader);
        expect(status).toBe(200);
        expect(text).not.toContain(`/questions/${ids.held}/`);
        expect(text).not.toContain(`/questions/${ids.hidden}/`);
        expect(text).not.toContain("nobody else may read");
        expect(text).not.toContain(`#post-${ids.hiddenAnswer}`);
        expect(text).not.toContain("SECRET-ANSWER");
      }
      expect((await feed("/questions/feed.xml", reader)).text).toContain(`/questions/${ids.visible}/`);
    },
  );

  it("escapes hostile titles and drops the characters XML cannot hold", async () => {
    for (const path of ["/questions/feed.xml", `/users/${asker}/feed.xml`]) {
      const { text } = await feed(path);
      const entry = entriesOf(text).find((e) => e.includes(`/questions/${ids.hostile}<`))!;
      expect(entry).toContain(
        "<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Tom&apos;s &quot;hub&quot; Ω 💡  ‮reversed</title>",
      );
      expect(text).not.toContain("<script>");
    }
  });

  it("gives a question its category, tags, author, last activity and a plain-text summary", async () => {
    const { text } = await feed("/questions/feed.xml");
    const entry = entriesOf(text).find((e) => e.includes(`<id>`) && e.includes(`/questions/${ids.visible}<`))!;
    expect(entry).toContain(`<author><name>${asker}</name></author>`);
    expect(entry).toContain(`<category term="Getting started"/>`);
    expect(entry).toContain(`<category term="thermostat"/>`);
    expect(entry).toContain("<summary>It blinks blue and never connects.</summary>");
  });

  it("has only the tag's threads in a tag's feed, and only the category's in a category's", async () => {
    const tagged = entriesOf((await feed("/tags/thermostat/feed.xml")).text);
    expect(tagged.some((entry) => entry.includes(`/questions/${ids.visible}<`))).toBe(true);
    for (const entry of tagged) expect(entry).toContain(`<category term="thermostat"/>`);
    expect(tagged.some((entry) => entry.includes(`/questions/${ids.otherTag}<`))).toBe(false);
    const inCategory = entriesOf((await feed("/questions/feed.xml?category=billing")).text);
    for (const entry of inCategory) expect(entry).toContain(`<category term="Billing &amp; plans"/>`);
    expect(inCategory.some((entry) => entry.includes(`/questions/${ids.visible}<`))).toBe(false);
  });

  it("lists a person's public questions and answers, each linking to the post", async () => {
    const { text } = await feed(`/users/${asker}/feed.xml`);
    expect(text).toContain(`/questions/${ids.visible}/`);
    expect(text).toMatch(new RegExp(`<link href="[^"]*/questions/${ids.otherTag}/[^"#]+#post-${ids.visibleAnswer}"/>`));
    expect(text).not.toContain("Someone else's answer");
  });

  it("answers unknown tags, categories and people with a plain 404, and bad queries with a 400", async () => {
    for (const path of [
      "/tags/no-such-tag/feed.xml",
      "/questions/feed.xml?category=no-such-category",
      "/users/nobody-here/feed.xml",
      "/questions/feed.xml?tag=no-such-tag",
    ]) {
      const { status, response, text } = await feed(path);
      expect(status, path).toBe(404);
      expect(response.headers.get("content-type")).not.toContain("html");
      // What is missing, not Remix's "Unexpected Server Error".
      expect(JSON.parse(text).message, path).toMatch(/^There is no (tag|category|member) with that name\.$/);
    }
    for (const path of [
      "/questions/feed.xml?category=Not%20A%20Slug",
      "/questions/feed.xml?category=%00",
      `/questions/feed.xml?tag=${"x".repeat(41)}`,
    ]) {
      const { status, text } = await feed(path);
      expect(status, path).toBe(400);
      expect(JSON.parse(text).message, path).not.toBe("Unexpected Server Error");
    }
  });

  it("links each page to its feed", async () => {
    const alternate = async (path: string) => {
      const html = await (await client.get(path)).text();
      return html.match(/<link rel="alternate" type="application\/atom\+xml" href="([^"]+)"/)?.[1];
    };
    expect(await alternate("/questions")).toBe("/questions/feed.xml");
    expect(await alternate("/questions?category=billing")).toBe("/questions/feed.xml?category=billing");
    expect(await alternate("/tags/thermostat")).toBe("/tags/thermostat/feed.xml");
    expect(await alternate(`/users/${asker}`)).toBe(`/users/${asker}/feed.xml`);
  });
});
