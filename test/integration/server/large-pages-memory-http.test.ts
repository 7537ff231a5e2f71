// Long threads (megabytes of HTML) read one after another, by visitors and signed-in readers, on a
// server with `npm start`'s heap flags: the server must keep answering. It used to keep each render
// alive for 5 s after answering (an uncleared abort timer) and the visitor page cache held up to
// 200 pages whatever their size, so about fifty reads of a 1.5 MB thread ran it out of heap.
import { describe, expect, it } from "vitest";
import { makeAnswer, makeThread, makeUser, TEST_PASSWORD } from "../../fixtures/factories";
import { httpClient } from "../../fixtures/http-client";
import { startServerProcess } from "../../fixtures/server-process";
import { startScriptNodeFlags } from "../../fixtures/start-script";

describe("reading long threads", () => {
  it(
    "keeps the server up through many reads of a thread of megabytes, each a fresh render",
    { timeout: 240_000 },
    async () => {
      const [asker, answerer] = [await makeUser("customer"), await makeUser("customer")];
      const { threadId } = await makeThread(asker, { title: "A very long thread of long answers", tags: "" });
      for (let i = 0; i < 10; i++) await makeAnswer(answerer, threadId, `${i} ${"‹".repeat(31_000)}`);
      const heapFlags = startScriptNodeFlags(process.cwd());
      expect(heapFlags.some((flag) => flag.startsWith("--max-old-space-size="))).toBe(true);
      const server = await startServerProcess({ JOBS: "off" }, heapFlags);
      const client = httpClient(server.baseUrl);
      const { cookie } = await client.signIn(`${answerer.username}@example.test`, TEST_PASSWORD);
      const statuses: number[] = [];
      let size = 0;
      for (let i = 0; i < 150; i++) {
        // Distinct query strings: every visitor read is a fresh render and a new page-cache entry.
        const response = await fetch(
          `${server.baseUrl}/questions/${threadId}/a-very-long-thread-of-long-answers?read=${i}`,
          i % 4 === 3 ? { headers: { cookie: cookie! } } : {},
        );
        size = Math.max(size, (await response.arrayBuffer()).byteLength);
        statuses.push(response.status);
      }
      expect(size).toBeGreaterThan(900_000);
      expect(statuses.filter((status) => status !== 200)).toEqual([]);
      expect(server.child.exitCode).toBeNull();
      expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
      expect(server.log()).not.toContain("heap out of memory");
    },
  );
});
