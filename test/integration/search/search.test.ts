import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VISITOR, type Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { editPost } from "~/models/community/posts.server";
import { RESULTS_PER_PAGE } from "~/models/search/rules";
import { findSimilar, searchSite } from "~/models/search/search.server";
import { ensureSearchIndex } from "~/models/search/index.server";
import { markSolution, unmarkSolution } from "~/models/community/solutions.server";
import { createTag } from "~/models/community/tags.server";
import { syncKnowledgeBase } from "~/models/kb/sync.server";
import { sql } from "drizzle-orm";
import { rawRows, rawRun, scriptDb } from "~/lib/db.server";
import { databaseEngine } from "~/lib/env.server";
import { makeAnswer, makeThread, makeUser } from "../../fixtures/factories";

let asker: Member;
let helper: Member;
let staff: Member;

beforeAll(async () => {
  asker = await makeUser("customer");
  helper = await makeUser("member");
  staff = await makeUser("staff");
});
beforeEach(() => resetAllLimits());

const search = (input: Record<string, unknown>) => searchSite(VISITOR, input);
const titles = async (input: Record<string, unknown>) =>
  (await search(input)).hits.map((hit) => hit.title.map((s) => s.text).join(""));

describe("search", () => {
  it("ranks a match in the title above the same word in a body", async () => {
    await makeThread(asker, {
      title: "Thermostat schedule question here",
      body: "The heating ignores the pelican setting sometimes.",
    });
    await makeThread(asker, { title: "Pelican mode does nothing at all", body: "Nothing else to say." });
    expect(await titles({ q: "pelican" })).toEqual([
      "Pelican mode does nothing at all",
      "Thermostat schedule question here",
    ]);
  });

  it("boosts solved and staff-verified threads above unsolved ones with the same text", async () => {
    const plain = await makeThread(asker, { title: "Gecko sensor drops offline daily", body: "Same words." });
    const verified = await makeThread(asker, { title: "Gecko sensor drops offline daily", body: "Same words." });
    expect(await titles({ q: "gecko" })).toHaveLength(2);
    const { postId } = await makeAnswer(staff, verified.threadId, "Replace the battery.");
    await markSolution(staff, postId, "verified");
    const hits = (await search({ q: "gecko" })).hits;
    expect(hits.map((hit) => hit.id)).toEqual([verified.threadId, plain.threadId]);
    expect(hits[0]).toMatchObject({ type: "question", status: "solved", verified: true });
    // The index follows the solution being taken away again.
    await unmarkSolution(staff, postId, "verified");
    expect((await search({ q: "gecko", solved: "1" })).hits).toEqual([]);
  });

  it("shows each hit's own snippet with the matched words marked", async () => {
    await makeThread(asker, { title: "Kestrel camera first", body: "The kestrel camera records at night only." });
    await makeThread(asker, { title: "Kestrel camera second", body: "Only daytime kestrel recordings are saved." });
    const hits = (await search({ q: "kestrel" })).hits;
    expect(hits).toHaveLength(2);
    for (const hit of hits) {
      const title = hit.title.map((s) => s.text).join("");
      const snippet = hit.snippet.map((s) => s.text).join("");
      expect(snippet).toContain(title.endsWith("first") ? "records at night" : "daytime");
      expect(hit.snippet.filter((s) => s.hit).map((s) => s.text.toLowerCase())).toContain("kestrel");
    }
  });

  it("marks the searched word in snippets after markup-like text, inside a path and after an overlong word", async () => {
    const bodies = [
      "Pasted from the page source: `<style ul {display: none} </style` and then the quokka gateway reboots.",
      "The steps are in docs/quokka/setup.md and in the admin guide.",
      `${"x".repeat(2100)} then the quokka sleeps through the night.`,
    ];
    for (const [n, body] of bodies.entries()) await makeThread(asker, { title: `Gateway report ${n}`, body });
    const hits = (await search({ q: "quokka" })).hits;
    expect(hits).toHaveLength(bodies.length);
    for (const hit of hits) {
      expect(hit.snippet.filter((s) => s.hit).map((s) => s.text.toLowerCase())).toEqual(["quokka"]);
    }
  });

  it("marks the right word where Unicode normalization changes the text before it", async () => {
    await makeThread(asker, { title: "Feeder settings", body: "Set ¼ of the ﬁlter, then the numbat feeder runs." });
    const [hit] = (await search({ q: "numbat" })).hits;
    expect(hit.snippet.filter((s) => s.hit).map((s) => s.text.toLowerCase())).toEqual(["numbat"]);
  });

  it("finds words without their accents, in other forms, and hyphenated words written as one", async () => {
    await makeThread(asker, {
      title: "Café lights flicker with Z-Wave dimmers",
      body: "Routers were replaced already.",
    });
    expect(await titles({ q: "cafe" })).toContain("Café lights flicker with Z-Wave dimmers");
    expect(await titles({ q: "router" })).toContain("Café lights flicker with Z-Wave dimmers");
    expect(await titles({ q: "zwave dimmer" })).toContain("Café lights flicker with Z-Wave dimmers");
  });

  it("filters by type, tag, category and solved", async () => {
    const billing = await makeThread(asker, {
      title: "Ocelot invoice shows twice",
      category: "billing",
      tags: "billing",
    });
    const general = await makeThread(asker, { title: "Ocelot hub blinks", category: "general", tags: "firmware" });
    const { postId } = await makeAnswer(helper, general.threadId, "Update it.");
    await markSolution(asker, postId, "accepted");
    const ids = async (input: Record<string, unknown>) =>
      (await search({ q: "ocelot", ...input })).hits.map((hit) => hit.id);
    expect((await ids({})).sort()).toEqual([billing.threadId, general.threadId].sort());
    expect(await ids({ category: "billing" })).toEqual([billing.threadId]);
    expect(await ids({ tag: "firmware" })).toEqual([general.threadId]);
    expect(await ids({ solved: "1" })).toEqual([general.threadId]);
    expect(await ids({ type: "articles" })).toEqual([]);
    expect(await ids({ tag: "no-such-tag" })).toEqual([]);
  });

  it("filters by each tag alone, whatever its characters", async () => {
    const names = ["c", "c#", "c++", "printer", "printers", "設定", "réseau", "reseau"];
    for (const name of names) await createTag({ name });
    const threadOf = new Map<string, number>();
    for (const [index, name] of names.entries()) {
      threadOf.set(name, (await makeThread(asker, { title: `Quokka question ${index}`, tags: name })).threadId);
    }
    for (const name of names) {
      expect(
        (await search({ q: "quokka", tag: name })).hits.map((hit) => hit.id),
        name,
      ).toEqual([threadOf.get(name)]);
    }
  });

  it("paginates", async () => {
    for (let n = 0; n < RESULTS_PER_PAGE + 3; n += 1) await makeThread(asker, { title: `Wombat question number ${n}` });
    const first = await search({ q: "wombat" });
    const second = await search({ q: "wombat", page: "2" });
    expect(first.total).toBe(RESULTS_PER_PAGE + 3);
    expect(first.hits).toHaveLength(RESULTS_PER_PAGE);
    expect(first.hasNextPage).toBe(true);
    expect(second.hits).toHaveLength(3);
    expect(second.hasNextPage).toBe(false);
    expect(new Set([...first.hits, ...second.hits].map((hit) => hit.id)).size).toBe(RESULTS_PER_PAGE + 3);
  });

  it("follows edits of the question", async () => {
    const { threadId, questionPostId } = await makeThread(asker, {
      title: "Original title about herons",
      body: "Body about herons.",
    });
    await editPost(asker, questionPostId, { title: "Edited title about egrets", body: "Body about egrets." });
    expect((await search({ q: "herons" })).hits.map((hit) => hit.id)).not.toContain(threadId);
    expect((await search({ q: "egrets" })).hits.map((hit) => hit.id)).toEqual([threadId]);
  });

  it("answers hostile input with results or nothing, never an error, and refuses an overlong query", async () => {
    for (const q of [
      '"',
      "(((",
      "NEAR(a b)",
      "hub OR",
      "*",
      "-",
      "title:x",
      "😀",
      "'; DROP TABLE threads; --",
      "\u0000",
    ]) {
      await expect(search({ q })).resolves.not.toThrow();
    }
    expect((await search({ q: "x".repeat(201) })).error).toBe("Keep your search under 200 characters.");
    expect((await search({ q: "", page: "-4", type: "bogus" })).query).toMatchObject({ page: 1, type: "all" });
  });

  it("suggests threads similar to a title being typed, a solved one above an unsolved one that matches as well", async () => {
    // The unsolved thread matches the typed words exactly as well as the solved one (and is newer).
    const solved = await makeThread(asker, { title: "Platypus doorbell chime is silent" });
    const unsolved = await makeThread(asker, { title: "Platypus doorbell chime is silent again" });
    await makeThread(asker, { title: "Wombat kettle whistles" });
    const { postId } = await makeAnswer(helper, solved.threadId, "Turn the chime on in settings.");
    await markSolution(asker, postId, "accepted");
    const similar = await findSimilar(VISITOR, "Why is my platypus doorbell chime silent?");
    expect(similar.map((hit) => hit.id)).toEqual([solved.threadId, unsolved.threadId]);
    expect(similar.map((hit) => hit.type === "question" && hit.status)).toEqual(["solved", "open"]);
    expect(await findSimilar(VISITOR, "how do I")).toEqual([]);
  });

  it("fills a first page short of hits with those holding some of the words, after those holding all", async () => {
    const all = await makeThread(asker, { title: "Ocelot quokka banners for 2031", body: "Ocelot banner sizes." });
    const some = await makeThread(asker, { title: "Ocelot quokka banners for 2032", body: "For the year." });
    await makeThread(asker, { title: "Unrelated marmoset question", body: "Nothing shared." });
    const results = await search({ q: "Ocelot quokka banners 2031" });
    expect(results.hits.map((hit) => hit.id)).toEqual([all.threadId]);
    expect(results.total).toBe(1);
    // The thread missing one word comes first; what else shares a word (or a close one) may follow.
    expect(results.partialHits[0]?.id).toBe(some.threadId);
    expect(results.partialHits.map((hit) => hit.id)).not.toContain(all.threadId);
    // Exact intent is kept: an excluded word, or a single word, adds nothing.
    expect((await search({ q: "Ocelot quokka 2031 -marmoset" })).partialHits).toEqual([]);
    expect((await search({ q: "ocelot" })).partialHits).toEqual([]);
    // Only the first page is filled, and nothing already shown is repeated.
    expect((await search({ q: "Ocelot quokka banners 2031", page: "2" })).partialHits).toEqual([]);
  });

  it("suggests from the words alone while a title is typed, and fills in close titles only when it is sent", async () => {
    const solved = await makeThread(asker, { title: "Narwhal hub firmware rollback" });
    const { postId } = await makeAnswer(helper, solved.threadId, "Hold the pairing button.");
    await markSolution(asker, postId, "accepted");
    // Every word loses its second letter: no word form matches any more.
    const typed = "Nrwhal hb frmware rllback";
    expect(await findSimilar(VISITOR, typed, { whileTyping: true })).toEqual([]);
    // Sent with the ask form, PostgreSQL fills in titles close to the sentence (trigrams); SQLite has none.
    expect((await findSimilar(VISITOR, typed)).map((hit) => hit.id)).toEqual(
      databaseEngine() === "postgres" ? [solved.threadId] : [],
    );
  });

  it("rebuilds a missing index from the threads and the articles", async () => {
    const { threadId } = await makeThread(asker, { title: "Axolotl plug schedule" });
    await syncKnowledgeBase();
    const articleUrls = async () =>
      (await search({ q: "factory reset", type: "articles" })).hits.map((hit) => hit.url).sort();
    const articles = await articleUrls();
    expect(articles).toContain("/kb/factory-reset-the-hub");
    await rawRun(scriptDb(), sql`DELETE FROM search_threads`);
    await rawRun(scriptDb(), sql`DELETE FROM search_articles`);
    expect((await search({ q: "axolotl" })).hits).toEqual([]);
    expect(await articleUrls()).toEqual([]);
    expect(await ensureSearchIndex()).toBeGreaterThan(0);
    expect((await search({ q: "axolotl" })).hits.map((hit) => hit.id)).toEqual([threadId]);
    expect(await articleUrls()).toEqual(articles);
    expect(await ensureSearchIndex()).toBe(0);
  });

  it.runIf(databaseEngine() === "postgres")("keeps a long thread's words in its own row, not in TOAST", async () => {
    const [{ toast }] = await rawRows<{ toast: string }>(
      scriptDb(),
      sql`SELECT reltoastrelid::regclass::text AS toast FROM pg_class WHERE oid = 'search_threads'::regclass`,
    );
    const chunks = async () =>
      Number((await rawRows<{ n: number }>(scriptDb(), sql`SELECT count(*) AS n FROM ${sql.raw(toast)}`))[0].n);
    const before = await chunks();
    // 200 distinct words: a row of about 4 kB, its tsvector about 3 kB (TOAST took any row over 2 kB).
    const words = Array.from({ length: 200 }, (_, index) => `cormorant${index.toString(36)}`).join(" ");
    const { threadId } = await makeThread(asker, { title: "Cormorant logs", body: words });
    const [{ size }] = await rawRows<{ size: number }>(
      scriptDb(),
      sql`SELECT pg_column_size(tsv) AS size FROM search_threads WHERE thread_id = ${threadId}`,
    );
    expect(Number(size)).toBeGreaterThan(2_000);
    expect(await chunks()).toBe(before);
    expect((await search({ q: "cormorant1a" })).hits.map((hit) => hit.id)).toEqual([threadId]);
  });
});
