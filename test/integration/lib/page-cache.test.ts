import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { scriptDb, firstRow } from "~/lib/db.server";
import { threads } from "../../../db/schema";
import { app, client, serveBuiltApp } from "../../fixtures/app-server";

serveBuiltApp();

const nonceOf = (response: Response) =>
  /'nonce-([^']+)'/.exec(response.headers.get("content-security-policy") ?? "")![1];

describe("the visitors' page cache", () => {
  it("serves a repeat visitor from the cache with a fresh nonce that matches its scripts", async () => {
    const first = await client.get("/questions?sort=top");
    expect(first.headers.get("x-hearth-cache")).toBeNull();
    await first.text();
    const second = await client.get("/questions?sort=top");
    expect(second.headers.get("x-hearth-cache")).toBe("hit");
    const nonce = nonceOf(second);
    expect(nonce).not.toBe(nonceOf(first));
    const html = await second.text();
    const nonces = new Set([...html.matchAll(/nonce="([^"]+)"/g)].map((match) => match[1]));
    expect([...nonces]).toEqual([nonce]);
  });

  it("counts a view for every read of a thread page, cached or not, under any of its URLs", async () => {
    const thread = firstRow(await scriptDb().select().from(threads).orderBy(threads.id).limit(1).offset(1))!;
    const views = async () => {
      await app.flushThreadViews();
      return firstRow(await scriptDb().select({ n: threads.viewCount }).from(threads).where(eq(threads.id, thread.id)))!
        .n;
    };
    const before = await views();
    for (const path of [
      `/questions/${thread.id}/${thread.slug}`,
      `/questions/${thread.id}/${thread.slug}`,
      `/questions/${thread.id}/${thread.slug}?ref=feed`,
      `/questions/${thread.id}/${thread.slug}?ref=feed`,
    ]) {
      await (await client.get(path)).text();
    }
    expect((await client.get(`/questions/${thread.id}/${thread.slug}`)).headers.get("x-hearth-cache")).toBe("hit");
    expect(await views()).toBe(before + 5);
  });

  it("never serves signed-in people from it", async () => {
    const { cookie } = await client.signIn("member@example.com", "hearth-demo-2026");
    await (await client.get("/questions")).text();
    const page = await client.get("/questions", { cookie: cookie! });
    expect(page.headers.get("x-hearth-cache")).toBeNull();
    expect(await page.text()).toContain("Sign out");
  });

  it("shows a new answer to the next visitor right after it is posted", async () => {
    const thread = firstRow(await scriptDb().select().from(threads).orderBy(threads.id).limit(1))!;
    const path = `/questions/${thread.id}/${thread.slug}`;
    await (await client.get(path)).text();
    expect((await client.get(path)).headers.get("x-hearth-cache")).toBe("hit");
    const { cookie } = await client.signIn("customer@example.com", "hearth-demo-2026");
    const posted = await client.post(
      path,
      { intent: "answer", body: "A brand-new answer the cache must not hide." },
      { cookie: cookie! },
    );
    expect(posted.status).toBe(303);
    const after = await client.get(path);
    expect(after.headers.get("x-hearth-cache")).toBeNull();
    expect(await after.text()).toContain("A brand-new answer the cache must not hide.");
  });
});
