// Typo tolerance, "Did you mean", staff synonyms and failed searches (issue 17), on either engine.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { kbArticles } from "../../../db/schema";
import { setClock } from "~/lib/clock.server";
import { oneRow, rawRows, scriptDb, write } from "~/lib/db.server";
import { sql } from "drizzle-orm";
import { ForbiddenError, ValidationError } from "~/lib/errors.server";
import { VISITOR, type Member } from "~/lib/permissions.server";
import { LIMITS, resetAllLimits } from "~/lib/rate-limit.server";
import { flagPost } from "~/models/moderation/flags.server";
import { listFailedSearches } from "~/models/search/failed-searches.server";
import { indexArticle } from "~/models/search/index.server";
import { findSimilar, searchSite } from "~/models/search/search.server";
import {
  addSynonymGroup,
  listSynonymGroups,
  removeSynonymGroup,
  updateSynonymGroup,
} from "~/models/search/synonyms.server";
import { refreshVocabulary } from "~/models/search/vocabulary.server";
import { makeAnswer, makeThread, makeUser } from "../../fixtures/factories";
import { markSolution } from "~/models/community/solutions.server";

let asker: Member;
let staff: Member;
let customer: Member;

async function makeArticle(slug: string, title: string, body: string, audience: "public" | "customers" | "staff") {
  const article = oneRow(
    await scriptDb()
      .insert(kbArticles)
      .values({
        slug,
        title,
        audience,
        sourcePath: `${slug}.md`,
        summary: "A short summary.",
        categoryName: "Setup",
        categorySlug: "setup",
        updatedOn: "2026-01-01",
        bodyMarkdown: body,
        bodyHtml: `<p>${body}</p>`,
        contentHash: slug,
        syncedAt: new Date("2026-11-01T00:00:00Z"),
      })
      .returning({ id: kbArticles.id }),
  );
  await write(() => indexArticle(article.id));
}

const titlesOf = (hits: { title: { text: string }[] }[]) => hits.map((hit) => hit.title.map((s) => s.text).join(""));

beforeAll(async () => {
  asker = await makeUser("member");
  staff = await makeUser("staff");
  customer = await makeUser("customer");
  await makeThread(asker, {
    title: "Hub shows offline after a power cut",
    body: "The ring turns red and stays offline.",
  });
  await makeThread(asker, {
    title: "Router firmware resets the mesh",
    body: "After updating the router nothing pairs.",
  });
  await makeThread(asker, { title: "Doorbell chime volume", body: "The doorbell is quiet; version 24 of the app." });
  await makeThread(asker, {
    title: "Wireless range of the door sensor",
    body: "Sensors drop off the wireless network.",
  });
  await makeThread(asker, { title: "Thermostat reads 24 degrees", body: "It should read 21." });
  await makeArticle("typo-offline-hub", "Bring an offline hub back", "Unplug the hub and plug it in.", "public");
  await makeArticle("typo-staff-escalation", "Escalation playbook", "Mention the quarkonium procedure.", "staff");
  await makeArticle("typo-customer-warranty", "Warranty claims", "Send the zeptolith receipt.", "customers");
  const hidden = await makeThread(asker, { title: "Something private", body: "The flumadiddle is broken." });
  await flagPost(staff, hidden.questionPostId, { reason: "spam" });
  await refreshVocabulary(new Date(), { force: true });
});
beforeEach(() => resetAllLimits());

describe("typo tolerance", () => {
  it("finds what a misspelt word means, and offers the corrected query", async () => {
    const results = await searchSite(VISITOR, { q: "ofline" });
    expect(titlesOf(results.hits).sort()).toEqual(["Bring an offline hub back", "Hub shows offline after a power cut"]);
    expect(results.didYouMean).toBe("offline");
    const router = await searchSite(VISITOR, { q: "routr firmware" });
    expect(titlesOf(router.hits)).toEqual(["Router firmware resets the mesh"]);
    expect(router.didYouMean).toBe("router firmware");
  });

  it("marks the corrected word in titles and snippets", async () => {
    const [hit] = (await searchSite(VISITOR, { q: "routr" })).hits;
    expect(hit.title.filter((segment) => segment.hit).map((segment) => segment.text)).toEqual(["Router"]);
  });

  it("allows two edits from six letters, one below, and keeps short words and numbers exact", async () => {
    expect(titlesOf((await searchSite(VISITOR, { q: "doorbeel" })).hits)).toEqual(["Doorbell chime volume"]);
    expect(titlesOf((await searchSite(VISITOR, { q: "dorbel" })).hits)).toEqual(["Doorbell chime volume"]);
    // "rng" is one edit from "ring" (3 letters: one edit allowed); "hb" (2 letters) stays exact.
    expect((await searchSite(VISITOR, { q: "rng" })).hits).toHaveLength(1);
    expect((await searchSite(VISITOR, { q: "hb" })).hits).toEqual([]);
    // Numbers stay exact: 25 finds nothing though 24 and 21 are one edit away.
    const number = await searchSite(VISITOR, { q: "25" });
    expect(number.hits).toEqual([]);
    expect(number.didYouMean).toBeNull();
    // Four letters two edits away ("rutr", "router") are too far.
    expect((await searchSite(VISITOR, { q: "rutr" })).hits).toEqual([]);
  });

  it("searches a word the vocabulary holds exactly, with no suggestion", async () => {
    const results = await searchSite(VISITOR, { q: "router" });
    expect(titlesOf(results.hits)).toEqual(["Router firmware resets the mesh"]);
    expect(results.didYouMean).toBeNull();
  });

  it("corrects the question typed for similar questions", async () => {
    const { threadId } = await makeThread(asker, { title: "Kitchen lamp stays ofline", body: "Nothing helps." });
    const { postId } = await makeAnswer(staff, threadId, "Reset it.");
    await markSolution(staff, postId, "verified");
    await refreshVocabulary(new Date(), { force: true });
    const similar = titlesOf(await findSimilar(VISITOR, "my lamp is offlne"));
    expect(similar).toContain("Kitchen lamp stays ofline");
    expect(similar).toContain("Bring an offline hub back");
  });

  it("keeps out of the vocabulary a word too long to be a correction, however long a post's compound is", async () => {
    // A 300-letter hyphenated compound (its deletions: ~45,000 strings; a 30,000-letter one's would
    // take minutes and the heap).
    const compound = Array.from({ length: 150 }, () => "ab").join("-");
    await makeThread(asker, { title: "Hyphen storm in a post", body: `Look: ${compound} and platypusish words.` });
    const started = Date.now();
    await refreshVocabulary(new Date(), { force: true });
    expect(Date.now() - started).toBeLessThan(10_000);
    const long = await rawRows<{ n: number }>(
      scriptDb(),
      sql`SELECT count(*) AS n FROM search_vocabulary WHERE length(word) > 26`,
    );
    expect(Number(long[0].n)).toBe(0);
    const kept = await rawRows<{ n: number }>(
      scriptDb(),
      sql`SELECT count(*) AS n FROM search_vocabulary WHERE word = 'platypusish'`,
    );
    expect(Number(kept[0].n)).toBeGreaterThan(0);
  });

  it("never suggests a word found only where the reader may not look", async () => {
    const staffOnly = await searchSite(VISITOR, { q: "quarkonim" });
    expect(staffOnly.hits).toEqual([]);
    expect(staffOnly.didYouMean).toBeNull();
    expect((await searchSite(staff, { q: "quarkonim" })).didYouMean).toBe("quarkonium");
    // A customer-only article's body is the customers'; its title is everyone's.
    expect((await searchSite(VISITOR, { q: "zeptolit" })).didYouMean).toBeNull();
    expect((await searchSite(customer, { q: "zeptolit" })).didYouMean).toBe("zeptolith");
    expect((await searchSite(VISITOR, { q: "waranty" })).didYouMean).toBe("warranty");
    // A hidden post is out of the index, so out of the vocabulary.
    const hidden = await searchSite(staff, { q: "flumadidle" });
    expect(hidden.hits).toEqual([]);
    expect(hidden.didYouMean).toBeNull();
  });

  it("checks a suggestion against the index, not only the vocabulary that may be minutes behind", async () => {
    const { questionPostId } = await makeThread(asker, { title: "Grobulator noise", body: "It hums." });
    await refreshVocabulary(new Date(), { force: true });
    expect((await searchSite(VISITOR, { q: "grobulatr" })).didYouMean).toBe("grobulator");
    await flagPost(staff, questionPostId, { reason: "spam" });
    const results = await searchSite(VISITOR, { q: "grobulatr" });
    expect(results.hits).toEqual([]);
    expect(results.didYouMean).toBeNull();
  });
});

describe("synonyms", () => {
  it("lets staff keep groups whose words match each other on search and similar questions", async () => {
    const group = await addSynonymGroup(staff, { words: "wifi, Wi-Fi, wireless" });
    expect((await listSynonymGroups(staff)).find((g) => g.id === group.id)?.words).toEqual([
      "wi-fi",
      "wifi",
      "wireless",
    ]);
    expect(titlesOf((await searchSite(VISITOR, { q: "wifi sensor" })).hits)).toEqual([
      "Wireless range of the door sensor",
    ]);
    const { threadId } = await makeThread(asker, { title: "Wi-Fi password changed", body: "The hub lost it." });
    const { postId } = await makeAnswer(staff, threadId, "Pair again.");
    await markSolution(staff, postId, "verified");
    const { threadId: other } = await makeThread(asker, { title: "Wireless chime pairing", body: "Pairs once." });
    const { postId: answer } = await makeAnswer(staff, other, "Hold the button.");
    await markSolution(staff, answer, "verified");
    expect(titlesOf(await findSimilar(VISITOR, "wireless password"))).toContain("Wi-Fi password changed");
    await updateSynonymGroup(staff, group.id, { words: "wifi, wi-fi, wlan" });
    expect((await searchSite(VISITOR, { q: "wifi sensor" })).hits).toEqual([]);
    await removeSynonymGroup(staff, group.id);
    expect(await listSynonymGroups(staff)).toEqual([]);
  });

  it("reaches a group from a hyphenated word typed with its hyphen, as from the word written as one", async () => {
    const group = await addSynonymGroup(staff, { words: "wifi, wi-fi, wireless" });
    await makeThread(asker, { title: "Hub forgets the wifi name", body: "After each restart." });
    const everyForm = [
      "Hub forgets the wifi name",
      "Wi-Fi password changed",
      "Wireless chime pairing",
      "Wireless range of the door sensor",
    ];
    expect(titlesOf((await searchSite(VISITOR, { q: "wifi" })).hits).sort()).toEqual(everyForm);
    const hyphenated = (await searchSite(VISITOR, { q: "wi-fi" })).hits;
    expect(titlesOf(hyphenated).sort()).toEqual(everyForm);
    // The word as written in a title is marked (one mark on SQLite, one per part on PostgreSQL).
    const marked = hyphenated
      .find((hit) => titlesOf([hit])[0] === "Wi-Fi password changed")
      ?.title.filter((segment) => segment.hit)
      .map((segment) => segment.text);
    expect(marked?.join("").replaceAll("-", "")).toBe("WiFi");
    expect(titlesOf((await searchSite(VISITOR, { q: "Wi-Fi sensor" })).hits)).toEqual([
      "Wireless range of the door sensor",
    ]);
    const similar = titlesOf(await findSimilar(VISITOR, "Wi-Fi"));
    expect(similar).toContain("Wireless range of the door sensor");
    expect(similar).toContain("Hub forgets the wifi name");
    await removeSynonymGroup(staff, group.id);
    // Without a group, a hyphenated word typed still finds it written as one, and nothing else.
    expect(titlesOf((await searchSite(VISITOR, { q: "wi-fi" })).hits).sort()).toEqual([
      "Hub forgets the wifi name",
      "Wi-Fi password changed",
    ]);
  });

  it("refuses groups of one word, odd words and a word already in another group, saving nothing", async () => {
    await expect(addSynonymGroup(staff, { words: "router, Router" })).rejects.toMatchObject({
      fieldErrors: { words: "A group needs at least two different words." },
    });
    await expect(addSynonymGroup(staff, { words: "router, access point" })).rejects.toThrow(ValidationError);
    await expect(addSynonymGroup(staff, { words: `router, ${"x".repeat(41)}` })).rejects.toThrow(ValidationError);
    await addSynonymGroup(staff, { words: "router, gateway" });
    await expect(addSynonymGroup(staff, { words: "modem, gateway" })).rejects.toMatchObject({
      fieldErrors: { words: "“gateway” is already in the group “gateway, router”: a word belongs to one group." },
    });
    expect((await listSynonymGroups(staff)).map((group) => group.words)).toEqual([["gateway", "router"]]);
    await expect(addSynonymGroup(asker, { words: "a1, b1" })).rejects.toThrow(ForbiddenError);
    await expect(listSynonymGroups(VISITOR)).rejects.toThrow(ForbiddenError);
  });

  it("treats a word with and without its hyphens as one word: in one group at most, and never a group alone", async () => {
    const wifi = await addSynonymGroup(staff, { words: "wifi, wireless" });
    await expect(addSynonymGroup(staff, { words: "wi-fi, hotspot" })).rejects.toMatchObject({
      fieldErrors: {
        words:
          "“wi-fi” is already in the group “wifi, wireless” (as “wifi”): a word belongs to one group, hyphens or not.",
      },
    });
    const modem = await addSynonymGroup(staff, { words: "modem, dsl-box" });
    await expect(updateSynonymGroup(staff, modem.id, { words: "modem, dslbox, w-i-f-i" })).rejects.toMatchObject({
      fieldErrors: {
        words:
          "“w-i-f-i” is already in the group “wifi, wireless” (as “wifi”): a word belongs to one group, hyphens or not.",
      },
    });
    // Both forms in one group are fine; the same word twice is kept once.
    await updateSynonymGroup(staff, wifi.id, { words: "wifi, wi-fi, wireless, wifi" });
    await updateSynonymGroup(staff, modem.id, { words: "modem, dslbox, dsl-box" });
    await expect(addSynonymGroup(staff, { words: "e-mail, email" })).rejects.toMatchObject({
      fieldErrors: {
        words: "“e-mail” and “email” are one word to search: a group needs at least two different words.",
      },
    });
    expect((await listSynonymGroups(staff)).map((group) => group.words)).toEqual([
      ["dsl-box", "dslbox", "modem"],
      ["gateway", "router"],
      ["wi-fi", "wifi", "wireless"],
    ]);
    await removeSynonymGroup(staff, wifi.id);
    await removeSynonymGroup(staff, modem.id);
  });

  it("refuses a word too short to stand for others, or with no letters at all", async () => {
    for (const [words, message] of [
      ["x, ten", "“x” is too short: a word of a group needs 2 letters or digits at least."],
      ["wifi, w-", "“w-” is not one word"],
      ["wifi, --", "“--” is not one word"],
    ]) {
      const refused = await addSynonymGroup(staff, { words }).catch((error: unknown) => error);
      expect(refused, words).toBeInstanceOf(ValidationError);
      expect((refused as ValidationError).fieldErrors.words, words).toContain(message);
    }
    // Two letters are enough.
    const tv = await addSynonymGroup(staff, { words: "tv, television" });
    expect((await listSynonymGroups(staff)).find((group) => group.id === tv.id)?.words).toEqual(["television", "tv"]);
    await removeSynonymGroup(staff, tv.id);
  });
});

describe("failed searches", () => {
  it("counts at most LIMITS.failedSearchPerClient a client network an hour, apart from other clients", async () => {
    setClock(new Date("2026-11-22T10:00:00Z"));
    try {
      await resetAllLimits();
      const { max } = LIMITS.failedSearchPerClient;
      // Past its limit, and past the process's 120 a minute: the client's refused ones take none of those.
      for (let n = 0; n <= max + 100; n++) await searchSite(VISITOR, { q: `xyzzy${n}` }, "198.51.100.7");
      await searchSite(VISITOR, { q: "qwxvbnk" }, "203.0.113.9");
      const queries = (await listFailedSearches(staff)).map((failed) => failed.query);
      expect(queries.filter((query) => query.startsWith("xyzzy"))).toHaveLength(max);
      expect(queries).not.toContain(`xyzzy${max}`);
      expect(queries).toContain("qwxvbnk");
      // The next hour, the first client is counted again.
      setClock(new Date("2026-11-22T11:01:00Z"));
      await searchSite(VISITOR, { q: "jjkvzqp" }, "198.51.100.7");
      expect((await listFailedSearches(staff)).map((failed) => failed.query)).toContain("jjkvzqp");
    } finally {
      setClock(null);
    }
  });

  it("counts searches that found nothing per query, newest first, for staff only", async () => {
    setClock(new Date("2026-11-20T10:00:00Z"));
    try {
      await searchSite(VISITOR, { q: "Zigbee  bridge" });
      await searchSite(asker, { q: "zigbee bridge" });
      await searchSite(VISITOR, { q: "ofline" }); // corrected and found: not a failure
      await searchSite(VISITOR, { q: "router" });
      setClock(new Date("2026-11-20T11:00:00Z"));
      await searchSite(VISITOR, { q: "matter protocol" });
      setClock(new Date("2026-11-21T09:00:00Z"));
      await searchSite(VISITOR, { q: "zigbee bridge", page: "2" }); // a later page is not a new search
      expect(await listFailedSearches(staff)).toEqual([
        { query: "matter protocol", searches: 1, lastSearchedAt: new Date("2026-11-20T11:00:00Z") },
        { query: "zigbee bridge", searches: 2, lastSearchedAt: new Date("2026-11-20T10:00:00Z") },
      ]);
      setClock(new Date("2027-02-01T09:00:00Z"));
      expect(await listFailedSearches(staff)).toEqual([]);
      await expect(listFailedSearches(customer)).rejects.toThrow(ForbiddenError);
      await expect(listFailedSearches(VISITOR)).rejects.toThrow(ForbiddenError);
    } finally {
      setClock(null);
    }
  });
});
