// Choosing what one hears about, over real HTTP against the built app: the Notifications menus on
// thread, tag and category pages, the settings page, and hostile input.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { tags, threadTags, threads, users, watches } from "../../../db/schema";
import { firstRow, scriptDb } from "~/lib/db.server";
import { client, cookies, serveBuiltApp } from "../../fixtures/app-server";

serveBuiltApp({ member: "member@example.com", customer: "customer@example.com" });

const userId = async (email: string) =>
  firstRow(await scriptDb().select({ id: users.id }).from(users).where(eq(users.email, email)))!.id;
const levelOf = async (email: string, target: "thread" | "tag" | "category", targetId: number) =>
  firstRow(
    await scriptDb()
      .select({ level: watches.level })
      .from(watches)
      .where(and(eq(watches.userId, await userId(email)), eq(watches.target, target), eq(watches.targetId, targetId))),
  )?.level ?? null;
const selectedLevel = (page: string, id = "watch-level") =>
  new RegExp(`<select id="${id}"[^>]*>(?:(?!</select>).)*<option value="(\\w+)" selected=""`, "s").exec(page)?.[1];
const aThread = async () =>
  firstRow(await scriptDb().select({ id: threads.id, slug: threads.slug }).from(threads).limit(1))!;

describe("the Notifications menus", () => {
  it("shows a thread's level to the signed-in reader, saves a new one and comes back to the page", async () => {
    const thread = await aThread();
    const path = `/questions/${thread.id}/${thread.slug}`;
    expect(selectedLevel(await (await client.get(path, { cookie: cookies.member })).text())).toBeTruthy();
    expect(await (await client.get(path)).text()).not.toContain('action="/watch"');

    const saved = await client.post(
      "/watch",
      { target: "thread", key: String(thread.id), level: "muted", redirectTo: path },
      { cookie: cookies.member },
    );
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe(`${path}?watch=saved#watch`);
    expect(await levelOf("member@example.com", "thread", thread.id)).toBe("muted");
    expect(selectedLevel(await (await client.get(path, { cookie: cookies.member })).text())).toBe("muted");
  });

  it("saves a tag's and a category's level, and normal removes it", async () => {
    const tagPage = await (await client.get("/tags/wifi", { cookie: cookies.customer })).text();
    expect(tagPage).toContain("Notifications for the tag wifi");
    await client.post(
      "/watch",
      { target: "tag", key: "wifi", level: "watching", redirectTo: "/tags/wifi" },
      { cookie: cookies.customer },
    );
    expect(selectedLevel(await (await client.get("/tags/wifi", { cookie: cookies.customer })).text())).toBe("watching");
    const categoryPage = "/questions?category=troubleshooting";
    await client.post(
      "/watch",
      { target: "category", key: "troubleshooting", level: "tracking", redirectTo: categoryPage },
      { cookie: cookies.customer },
    );
    expect(selectedLevel(await (await client.get(categoryPage, { cookie: cookies.customer })).text())).toBe("tracking");
    const settings = await (await client.get("/settings/notifications", { cookie: cookies.customer })).text();
    expect(settings).toContain("Notifications for tag wifi");
    expect(settings).toContain("Notifications for category Troubleshooting");

    await client.post("/watch", { target: "tag", key: "wifi", level: "normal" }, { cookie: cookies.customer });
    const [tag] = await scriptDb().select().from(watches).where(eq(watches.target, "tag"));
    expect(tag).toBeUndefined();
  });

  it("sends a visitor to sign in, and answers bad input with a 4xx, never a 500", async () => {
    const thread = await aThread();
    const visitor = await client.post("/watch", { target: "thread", key: String(thread.id), level: "watching" });
    expect(visitor.status).toBe(302);
    expect(visitor.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
    const cases: Record<string, string>[] = [
      { target: "thread", key: String(thread.id), level: "loud" },
      { target: "forum", key: "1", level: "watching" },
      { target: "thread", key: "", level: "watching" },
      { target: "thread", key: "x".repeat(32_000), level: "watching" },
      { target: "tag", key: "no-such-tag-\u202e\u0000", level: "watching" },
      { target: "thread", key: "99999999999999999999", level: "watching" },
      { target: "category", key: "../../etc", level: "muted" },
    ];
    for (const form of cases) {
      const response = await client.post("/watch", form, { cookie: cookies.member });
      expect([400, 404, 413, 431], JSON.stringify(form).slice(0, 80)).toContain(response.status);
    }
    // A redirect elsewhere stays on this site.
    const away = await client.post(
      "/watch",
      { target: "thread", key: String(thread.id), level: "normal", redirectTo: "https://evil.example/" },
      { cookie: cookies.member },
    );
    expect(away.headers.get("location")).toBe("/?watch=saved#watch");
  });

  it("turns off watching what one asks or answers from the settings", async () => {
    const page = await (await client.get("/settings/notifications", { cookie: cookies.member })).text();
    expect(page).toMatch(/name="watchOnParticipate" checked=""/);
    const saved = await client.post("/settings/notifications", { intent: "participation" }, { cookie: cookies.member });
    expect(saved.status).toBe(303);
    const member = firstRow(await scriptDb().select().from(users).where(eq(users.email, "member@example.com")))!;
    expect(member.watchOnParticipate).toBe(false);
  });
});

describe("a thread's menu says what its tags and category give", () => {
  it("offers the default with what it means now, and going back to it removes the thread's own level", async () => {
    const [wifiThread] = await scriptDb()
      .select({ id: threads.id, slug: threads.slug })
      .from(threads)
      .innerJoin(threadTags, eq(threadTags.threadId, threads.id))
      .innerJoin(tags, and(eq(tags.id, threadTags.tagId), eq(tags.name, "wifi")))
      .limit(1);
    const path = `/questions/${wifiThread.id}/${wifiThread.slug}`;
    await client.post("/watch", { target: "tag", key: "wifi", level: "watching" }, { cookie: cookies.customer });
    await client.post(
      "/watch",
      { target: "thread", key: String(wifiThread.id), level: "default" },
      { cookie: cookies.customer },
    );
    const page = await (await client.get(path, { cookie: cookies.customer })).text();
    expect(selectedLevel(page)).toBe("default");
    expect(page).toContain("As my tags and category say (watching, from the tag wifi)");
    expect(await levelOf("customer@example.com", "thread", wifiThread.id)).toBeNull();

    // With the thread muted, the default still says what it would give, not what the thread's own choice gives.
    await client.post(
      "/watch",
      { target: "thread", key: String(wifiThread.id), level: "muted" },
      { cookie: cookies.customer },
    );
    const muted = await (await client.get(path, { cookie: cookies.customer })).text();
    expect(selectedLevel(muted)).toBe("muted");
    expect(muted).toContain("As my tags and category say (watching, from the tag wifi)");
  });
});

describe("opening a notification that is not there", () => {
  it("answers with the site's 404 page and what is missing, not a bare JSON error", async () => {
    const response = await client.get("/notifications/99999999", { cookie: cookies.member });
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect((await response.text()).replaceAll("<!-- -->", "")).toContain(
      '<h1 id="error-title">Page not found</h1><p>That notification does not exist.</p>',
    );
  });
});
