// A server started on a database whose migrations asked for the search index to be built again (a
// row in search_index_tasks, as migration 0012/0006 leaves) rebuilds all of it before it serves, on
// its own connections, even when something wrote to the index after the migration (here one thread
// indexed and the articles gone): threads and articles alike, and tag filters whatever the tag.
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { rawRows, rawRun, scriptDb, write } from "~/lib/db.server";
import { createTag } from "~/models/community/tags.server";
import { syncKnowledgeBase } from "~/models/kb/sync.server";
import { indexedThreadIds, indexThread } from "~/models/search/index.server";
import { makeThread, makeUser } from "../../fixtures/factories";
import { httpClient } from "../../fixtures/http-client";
import { startServerProcess } from "../../fixtures/server-process";

let baseUrl: string;
let plain: number;
let plusPlus: number;

beforeAll(async () => {
  const asker = await makeUser("member");
  for (const name of ["c", "c++"]) await createTag({ name });
  plain = (await makeThread(asker, { title: "Narwhal build fails in plain C", tags: "c" })).threadId;
  plusPlus = (await makeThread(asker, { title: "Narwhal build fails in C++", tags: "c++" })).threadId;
  await syncKnowledgeBase();
  await rawRun(scriptDb(), sql`DELETE FROM search_threads`);
  await rawRun(scriptDb(), sql`DELETE FROM search_articles`);
  await write(() => indexThread(plain));
  await rawRun(scriptDb(), sql`INSERT INTO search_index_tasks (task) VALUES ('rebuild') ON CONFLICT DO NOTHING`);
  ({ baseUrl } = await startServerProcess({ JOBS: "off" }));
}, 120_000);

describe("start-up after a migration asked for the search index again", () => {
  it("rebuilds all of it before serving: threads by tag, and articles", async () => {
    expect(await indexedThreadIds([plain, plusPlus])).toEqual(expect.arrayContaining([plain, plusPlus]));
    const client = httpClient(baseUrl);
    const threads = await client.get(`/search?q=narwhal&tag=${encodeURIComponent("c++")}`);
    expect(threads.status).toBe(200);
    const page = await threads.text();
    expect(page).toContain(`/questions/${plusPlus}/`);
    expect(page).not.toContain(`/questions/${plain}/`);
    const articles = await (await client.get("/search?q=factory+reset&type=articles")).text();
    expect(articles).toContain("/kb/factory-reset-the-hub");
    const [{ tasks }] = await rawRows<{ tasks: number }>(
      scriptDb(),
      sql`SELECT count(*) AS tasks FROM search_index_tasks`,
    );
    expect(Number(tasks)).toBe(0);
  });
});
