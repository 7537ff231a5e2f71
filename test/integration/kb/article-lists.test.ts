// Knowledge-base lists filter by audience in SQL, before their limit: a visitor's feed holds a full
// page of public articles even when the newest articles are for customers or staff.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { VISITOR, type Member } from "~/lib/permissions.server";
import { listKnowledgeBase, listReadableArticles } from "~/models/kb/articles.server";
import { syncKnowledgeBase } from "~/models/kb/sync.server";
import { loader as feedLoader } from "~/routes/kb.feed[.]xml";
import { ensureVocabulary, makeUser } from "../../fixtures/factories";

const PUBLIC_ARTICLES = 60;
const CUSTOMER_ARTICLES = 30;
const STAFF_ARTICLES = 10;
const FEED_SIZE = 50;

let customer: Member;

beforeAll(async () => {
  await ensureVocabulary();
  customer = await makeUser("customer");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-kb-lists-"));
  const write = (slug: string, audience: string, updated: string) =>
    fs.writeFileSync(
      path.join(dir, `${slug}.md`),
      `---\ntitle: ${slug}\nsummary: About ${slug}.\ncategory: General\ntags: [wifi]\naudience: ${audience}\nupdated: ${updated}\n---\n\nText of ${slug}.\n`,
    );
  // The public articles are the oldest: a list cut at its limit before filtering would hold none.
  for (let i = 0; i < PUBLIC_ARTICLES; i += 1) write(`public-${i}`, "public", "2026-09-01");
  for (let i = 0; i < CUSTOMER_ARTICLES; i += 1) write(`customers-${i}`, "customers", "2026-11-01");
  for (let i = 0; i < STAFF_ARTICLES; i += 1) write(`staff-${i}`, "staff", "2026-11-02");
  expect((await syncKnowledgeBase(dir)).problems).toEqual([]);
});

const audiencesOf = (slugs: string[]) => [...new Set(slugs.map((slug) => slug.split("-")[0]))].sort();

describe("listReadableArticles", () => {
  it("gives a visitor a full page of public articles when newer ones are for customers and staff", async () => {
    const slugs = (await listReadableArticles(VISITOR, FEED_SIZE)).map((article) => article.slug);
    expect(slugs).toHaveLength(FEED_SIZE);
    expect(audiencesOf(slugs)).toEqual(["public"]);
  });

  it("gives a customer the newest they may read, customer-only first", async () => {
    const slugs = (await listReadableArticles(customer, FEED_SIZE)).map((article) => article.slug);
    expect(slugs).toHaveLength(FEED_SIZE);
    expect(slugs.slice(0, CUSTOMER_ARTICLES).every((slug) => slug.startsWith("customers-"))).toBe(true);
    expect(audiencesOf(slugs)).toEqual(["customers", "public"]);
  });
});

describe("the knowledge-base feed", () => {
  it("holds a full page of entries for a visitor", async () => {
    const response = await feedLoader({
      request: new Request("http://localhost/kb/feed.xml"),
      params: {},
      context: { actor: VISITOR },
    } as unknown as LoaderFunctionArgs);
    const feed = await response.text();
    expect(feed.match(/<entry>/g)).toHaveLength(FEED_SIZE);
    expect(feed).not.toContain("/kb/customers-");
    expect(feed).not.toContain("/kb/staff-");
  });
});

describe("listKnowledgeBase", () => {
  it("lists public articles and customer-only teasers to a visitor, never staff-only ones", async () => {
    const articles = (await listKnowledgeBase(VISITOR)).flatMap((group) => group.articles);
    expect(articles).toHaveLength(PUBLIC_ARTICLES + CUSTOMER_ARTICLES);
    expect(articles.filter((article) => article.teaser).map((article) => article.audience)).toEqual(
      Array(CUSTOMER_ARTICLES).fill("customers"),
    );
  });
});
