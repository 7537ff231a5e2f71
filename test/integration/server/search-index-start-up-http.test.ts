// A server started on a database whose search index is empty (a migration emptied it to rebuild it,
// or a backup restored without it) builds the index again before it serves, on its own connections,
// threads and articles alike, and filters by a tag whatever its characters.
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { rawRun, scriptDb } from "~/lib/db.server";
import { createTag } from "~/models/community/tags.server";
import { syncKnowledgeBase } from "~/models/kb/sync.server";
import { makeThread, makeUser } from "../../fixtures/factories";
import { httpClient } from "../../fixtures/http-client";
import { startServerProcess } from "../../fixtures/server-process";

let baseUrl: string;
let plusPlus: number;

beforeAll(async () => {
  const asker = await makeUser("member");
  for (const name of ["c", "c++"]) await createTag({ name });
  await makeThread(asker, { title: "Narwhal build fails in plain C", tags: "c" });
  plusPlus = (await makeThread(asker, { title: "Narwhal build fails in C++", tags: "c++" })).threadId;
  await syncKnowledgeBase();
  await rawRun(scriptDb(), sql`DELETE FROM search_threads`);
  await rawRun(scriptDb(), sql`DELETE FROM search_articles`);
  ({ baseUrl } = await startServerProcess({ JOBS: "off" }));
}, 120_000);

describe("start-up with an empty search index", () => {
  it("rebuilds it before serving: threads by tag, and articles", async () => {
    const client = httpClient(baseUrl);
    const threads = await client.get(`/search?q=narwhal&tag=${encodeURIComponent("c++")}`);
    expect(threads.status).toBe(200);
    const page = await threads.text();
    expect(page).toContain(`/questions/${plusPlus}/`);
    expect(page).not.toContain("plain C");
    const articles = await (await client.get("/search?q=factory+reset&type=articles")).text();
    expect(articles).toContain("/kb/factory-reset-the-hub");
  });
});
