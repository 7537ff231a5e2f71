// The knowledge base and search over real HTTP, on the demo community and the real content/kb.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { kbArticles, kbFeedback, threads } from "../../../db/schema";
import { scriptDb, firstRow } from "~/lib/db.server";
import { client, cookies, serveBuiltApp } from "../../fixtures/app-server";

// From content/kb: one article per audience, with words only their bodies contain.
const CUSTOMER_ONLY = {
  path: "/kb/pair-a-z-wave-lock",
  bodyText: "DSK PIN",
  title: "Pair a Z-Wave lock with S2 security",
};
const STAFF_ONLY = { path: "/kb/handling-hub-replacement-requests", bodyText: "Do not paste this text into replies" };
const PUBLIC = { path: "/kb/hub-offline", bodyText: "Hold the button for 2 seconds, not 10" };

serveBuiltApp({ member: "member@example.com", customer: "customer@example.com", staff: "staff@example.com" });

const page = async (path: string, role = "visitor") => {
  const response = await client.get(path, { cookie: cookies[role] });
  return { status: response.status, text: await response.text(), response };
};

describe("articles by audience over HTTP", () => {
  it.each(["visitor", "member"])("a %s gets the customer-only teaser, never the body", async (role) => {
    const { status, text } = await page(CUSTOMER_ONLY.path, role);
    expect(status).toBe(200);
    expect(text).toContain(CUSTOMER_ONLY.title);
    expect(text).toContain("This article is for customers");
    expect(text).not.toContain(CUSTOMER_ONLY.bodyText);
  });

  it.each(["customer", "staff"])("a %s reads the customer-only article", async (role) => {
    const { status, text } = await page(CUSTOMER_ONLY.path, role);
    expect(status).toBe(200);
    expect(text).toContain(CUSTOMER_ONLY.bodyText);
  });

  it.each(["visitor", "member", "customer"])("a %s gets a plain 404 for a staff-only article", async (role) => {
    const { status, text } = await page(STAFF_ONLY.path, role);
    expect(status).toBe(404);
    expect(text).not.toContain(STAFF_ONLY.bodyText);
    expect(text).not.toContain("Playbook");
  });

  it("staff read staff-only articles and see readers' feedback", async () => {
    const { status, text } = await page(STAFF_ONLY.path, "staff");
    expect(status).toBe(200);
    expect(text).toContain(STAFF_ONLY.bodyText);
    expect(text).toContain("Readers’ feedback (staff only)");
  });

  it("lists staff-only articles on /kb for staff alone", async () => {
    expect((await page("/kb")).text).not.toContain("hub-replacement");
    expect((await page("/kb", "customer")).text).not.toContain("hub-replacement");
    expect((await page("/kb", "staff")).text).toContain("hub-replacement");
  });

  it("keeps customer-only and staff-only articles out of the feed and the sitemap", async () => {
    const feed = await page("/kb/feed.xml");
    expect(feed.response.headers.get("content-type")).toContain("application/atom+xml");
    expect(feed.text).toContain(PUBLIC.path);
    expect(feed.text).not.toContain(CUSTOMER_ONLY.path);
    expect(feed.text).not.toContain(STAFF_ONLY.path);
    // The sitemap is what search engines see, whoever fetches it.
    const sitemap = await page("/sitemap.xml", "staff");
    expect(sitemap.text).toContain(PUBLIC.path);
    expect(sitemap.text).not.toContain(CUSTOMER_ONLY.path);
    expect(sitemap.text).not.toContain(STAFF_ONLY.path);
    expect(sitemap.text).toMatch(/\/questions\/\d+\//);
  });

  it("404s unknown and malformed slugs", async () => {
    expect((await page("/kb/no-such-article")).status).toBe(404);
    expect((await page("/kb/..%2F..%2Fetc")).status).toBe(404);
  });
});

describe("search over HTTP", () => {
  it("finds a customer-only article's body for customers only", async () => {
    expect((await page("/search?q=DSK+PIN")).text).not.toContain(CUSTOMER_ONLY.path);
    expect((await page("/search?q=DSK+PIN", "member")).text).not.toContain(CUSTOMER_ONLY.path);
    expect((await page("/search?q=DSK+PIN", "customer")).text).toContain(CUSTOMER_ONLY.path);
    // Found by its title, a visitor gets it marked as for customers.
    const teaser = await page("/search?q=secure+inclusion+lock");
    expect(teaser.text).toContain(CUSTOMER_ONLY.path);
    expect(teaser.text).toContain("Sign in as a customer to read it");
  });

  it("never shows staff-only articles to others", async () => {
    for (const role of ["visitor", "member", "customer"])
      expect((await page("/search?q=replacement+warranty", role)).text).not.toContain(STAFF_ONLY.path);
    expect((await page("/search?q=replacement+warranty", "staff")).text).toContain(STAFF_ONLY.path);
  });

  const HOSTILE = [
    '"',
    "((",
    "hub)",
    "NEAR(hub wifi)",
    "hub OR",
    "AND",
    "*",
    "-",
    "-hub",
    "title:hub",
    "^",
    "😀",
    "ŝŭŝ",
    "'; DROP TABLE threads; --",
    "%",
    "\\",
  ];

  it.each(HOSTILE)("answers the query %j with a page, not an error", async (q) => {
    const { status, text } = await page(`/search?q=${encodeURIComponent(q)}`);
    expect(status).toBe(200);
    expect(text).toContain('id="results-heading"');
  });

  it("answers an overlong query with a 400 and the reason next to the box", async () => {
    const { status, text } = await page(`/search?q=${"a".repeat(201)}`);
    expect(status).toBe(400);
    expect(text).toContain("Keep your search under 200 characters.");
  });

  it("shows popular solved content for an empty query", async () => {
    const { status, text } = await page("/search");
    expect(status).toBe(200);
    expect(text).toContain("Popular answers");
  });

  it("has a search box in the header of every page, 404s included", async () => {
    const thread = firstRow(await scriptDb().select().from(threads).limit(1))!;
    for (const path of ["/", "/kb", PUBLIC.path, `/questions/${thread.id}/${thread.slug}`, "/no-such-page"]) {
      expect((await page(path)).text).toMatch(/<form[^>]*action="\/search"[^>]*role="search"/);
    }
  });

  it("suggests similar solved questions as JSON", async () => {
    const response = await client.get(
      `/api/similar?title=${encodeURIComponent("hub offline after the firmware update")}`,
    );
    const body = (await response.json()) as { similar: { url: string; type: string }[] };
    expect(body.similar.length).toBeGreaterThan(0);
    expect(body.similar.length).toBeLessThanOrEqual(5);
    expect(body.similar.map((hit) => hit.url)).toContain("/kb/firmware-update-stuck");
  });
});

describe("feedback over HTTP", () => {
  it("gives an anonymous browser an id, keeps one answer per browser, and shows it to staff", async () => {
    const first = await client.post(PUBLIC.path, {
      helpful: "no",
      comment: "Mine blinks green, which is not in the table.",
    });
    expect(first.status).toBe(200);
    const browserCookie = first.headers.getSetCookie().find((line) => line.startsWith("hearth_browser="));
    expect(browserCookie).toMatch(/HttpOnly/);
    const cookie = browserCookie!.split(";")[0];
    const second = await client.post(PUBLIC.path, { helpful: "yes" }, { cookie });
    expect(second.status).toBe(200);
    expect(second.headers.getSetCookie().some((line) => line.startsWith("hearth_browser="))).toBe(false);

    // Visitors' pages are the same for everyone (they may come from the page cache): no earlier answer on them.
    expect(await (await client.get(PUBLIC.path, { cookie })).text()).not.toContain("Thanks for telling us");

    const article = firstRow(await scriptDb().select().from(kbArticles).where(eq(kbArticles.slug, "hub-offline")))!;
    const rows = await scriptDb()
      .select()
      .from(kbFeedback)
      .where(and(eq(kbFeedback.articleId, article.id), eq(kbFeedback.voterKey, `browser:${cookie.split("=")[1]}`)));
    expect(rows).toEqual([expect.objectContaining({ helpful: true, comment: null })]);
  });

  it("answers bad feedback with a 400 and the message by the field", async () => {
    const response = await client.post(PUBLIC.path, { helpful: "maybe" });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Choose yes or no.");
    // Staff read comments in a list: a visitor's override would reverse what they say and spill into the next.
    const reversed = await client.post(PUBLIC.path, { helpful: "no", comment: "Fine \u202Eesiwrehto" });
    expect(reversed.status).toBe(400);
    expect(await reversed.text()).toContain("Remove the invisible characters that change the direction of the text");
  });

  it("refuses feedback on a customer-only article from a visitor", async () => {
    expect((await client.post(CUSTOMER_ONLY.path, { helpful: "yes" })).status).toBe(403);
  });
});

describe("drafting from a solved thread", () => {
  it("lets staff open and download a draft; others get a 403", async () => {
    const solved = firstRow(await scriptDb().select().from(threads).where(eq(threads.status, "solved")).limit(1))!;
    const threadPage = await page(`/questions/${solved.id}/${solved.slug}`, "staff");
    expect(threadPage.text).toContain(`/kb/drafts/${solved.id}`);
    expect((await page(`/questions/${solved.id}/${solved.slug}`, "customer")).text).not.toContain(
      `/kb/drafts/${solved.id}`,
    );

    expect((await page(`/kb/drafts/${solved.id}`, "staff")).status).toBe(200);
    const download = await page(`/kb/drafts/${solved.id}/download`, "staff");
    expect(download.status).toBe(200);
    expect(download.response.headers.get("content-disposition")).toMatch(/^attachment; filename=".+\.md"$/);
    expect(download.text).toMatch(/^---\ntitle: /);
    expect((await page(`/kb/drafts/${solved.id}`, "customer")).status).toBe(403);
    expect((await page(`/kb/drafts/${solved.id}/download`)).status).toBe(403);
  });
});
