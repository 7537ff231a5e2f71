// Issue 17 over real HTTP, on the demo community: staff's synonym form, "Did you mean" and the
// failed-searches report.
import { count } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { synonymWords } from "../../../db/schema";
import { scriptDb } from "~/lib/db.server";
import { refreshVocabulary } from "~/models/search/vocabulary.server";
import { client, cookies, serveBuiltApp } from "../../fixtures/app-server";

serveBuiltApp({ staff: "staff@example.com", member: "member@example.com", customer: "customer@example.com" });
beforeAll(() => refreshVocabulary(new Date(), { force: true }));

const text = async (response: Response) => (await response.text()).replaceAll("&quot;", '"').replaceAll("&#x27;", "'");
const savedWords = async () => (await scriptDb().select({ n: count() }).from(synonymWords))[0].n;
/** The text of the element holding `id`'s error, as the form renders it beside its field. */
const fieldError = (html: string, id: string) => html.match(new RegExp(`id="${id}-error"[^>]*>([^<]*)<`))?.[1];

describe("search synonyms over HTTP", () => {
  it("is a page for staff only", async () => {
    expect((await client.get("/mod/synonyms", { cookie: cookies.staff })).status).toBe(200);
    expect((await client.get("/mod/synonyms", { cookie: cookies.member })).status).toBe(403);
    expect((await client.get("/mod/synonyms")).headers.get("location")).toBe("/login?redirectTo=%2Fmod%2Fsynonyms");
    const post = await client.post(
      "/mod/synonyms",
      { intent: "add", words: "wifi, wireless" },
      { cookie: cookies.member },
    );
    expect(post.status).toBe(403);
    expect(await savedWords()).toBe(0);
  });

  it("refuses a bad group with the reason beside the field, saving nothing", async () => {
    for (const [words, message] of [
      ["wifi", "A group needs at least two different words."],
      ["wifi, WIFI", "A group needs at least two different words."],
      ["wifi, access point", "“access point” is not one word"],
      ["wifi, w", "“w” is too short: a word of a group needs 2 letters or digits at least."],
      ["wifi, -", "“-” is not one word"],
      ["x".repeat(1_001), "Keep the group under 1,000 characters."],
    ]) {
      const response = await client.post("/mod/synonyms", { intent: "add", words }, { cookie: cookies.staff });
      expect(response.status, words).toBe(400);
      const html = await text(response);
      expect(fieldError(html, "new-words"), words).toContain(message);
      expect(html, words).toContain(`value="${words}"`);
    }
    expect(await savedWords()).toBe(0);
  });

  it("saves a group, refuses its words in another one, and search then finds either word", async () => {
    const saved = await client.post(
      "/mod/synonyms",
      { intent: "add", words: "offline, unreachable" },
      { cookie: cookies.staff },
    );
    expect(saved.status).toBe(303);
    expect(await text(await client.get("/mod/synonyms", { cookie: cookies.staff }))).toContain(
      'value="offline, unreachable"',
    );
    // The same word, and the same word written with a hyphen (the same word to search), are refused.
    for (const [words, message] of [
      ["down, offline", "“offline” is already in the group “offline, unreachable”"],
      ["down, off-line", "“off-line” is already in the group “offline, unreachable” (as “offline”)"],
    ]) {
      const clash = await client.post("/mod/synonyms", { intent: "add", words }, { cookie: cookies.staff });
      expect(clash.status, words).toBe(400);
      expect(fieldError(await text(clash), "new-words"), words).toContain(message);
    }
    expect(await savedWords()).toBe(2);
    expect(await text(await client.get("/search?q=unreachable"))).toContain('href="/kb/hub-offline"');
    expect(await text(await client.get("/mod/log", { cookie: cookies.staff }))).toContain(
      "Added a search synonym group",
    );
  });
});

describe("did you mean, over HTTP", () => {
  it("offers the corrected query as a link that keeps the filters", async () => {
    const html = await text(await client.get("/search?q=ofline+hubb&type=articles"));
    expect(html).toContain("Did you mean");
    expect(html).toContain('href="/search?q=offline+hub&amp;type=articles"');
    const corrected = await text(await client.get("/search?q=offline+hub&type=articles"));
    expect(corrected).not.toContain("Did you mean");
  });
});

describe("failed searches on the support reports", () => {
  it("lists searches that found nothing to staff, and to nobody else", async () => {
    expect((await client.get("/search?q=zorblax+teleporter")).status).toBe(200);
    const report = await text(await client.get("/support/reports", { cookie: cookies.staff }));
    expect(report).toContain("Searches that found nothing");
    expect(report).toContain(">zorblax teleporter</a>");
    expect((await client.get("/support/reports", { cookie: cookies.customer })).status).toBe(403);
    expect((await client.get("/support/reports")).status).toBe(302); // a visitor is asked to sign in
  });
});
