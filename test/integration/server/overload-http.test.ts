import http from "node:http";
import { setTimeout } from "node:timers/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { prepareDemoDatabase } from "../../fixtures/demo-database";
import { httpClient } from "../../fixtures/http-client";
import { startServerProcess } from "../../fixtures/server-process";

beforeAll(async () => {
  await prepareDemoDatabase();
});

/** A POST whose body has not finished arriving: the rest is sent by `finish()`, or never; `leave()` closes its connection. */
function slowPost(baseUrl: string, path: string) {
  const body = "body=" + "x".repeat(200);
  const url = new URL(path, baseUrl);
  const request = http.request(url, {
    method: "POST",
    headers: {
      origin: url.origin,
      "content-type": "application/x-www-form-urlencoded",
      "content-length": String(body.length),
    },
  });
  const status = new Promise<number>((resolve, reject) => {
    request.on("response", (response) => {
      response.resume();
      resolve(response.statusCode!);
    });
    request.on("error", reject);
  });
  request.write(body.slice(0, 10));
  return { status, finish: () => request.end(body.slice(10)), leave: () => request.destroy() };
}

describe("requests whose bodies arrive slowly", () => {
  it(
    "take no request slot while their bodies arrive: pages are served beside them, each is answered once its body is in, one whose body stops coming gets a 408, and one whose client leaves is dropped quietly",
    { timeout: 60_000 },
    async () => {
      // One request may run and none may wait: before, one slow POST filled the server (and four
      // the default four slots), so every page got a 503 until Node gave up on the POST, 300 s later.
      const server = await startServerProcess({ JOBS: "off", MAX_CONCURRENT_REQUESTS: "1", MAX_QUEUED_REQUESTS: "0" });
      const client = httpClient(server.baseUrl);
      const finished = slowPost(server.baseUrl, "/api/preview");
      const stalled = slowPost(server.baseUrl, "/api/preview");
      const left = [1, 2, 3].map(() => slowPost(server.baseUrl, "/api/preview"));
      const pages: number[] = [];
      for (let i = 0; i < 5; i++) pages.push((await client.get(`/questions?page=1&n=${i}`)).status);
      expect(pages).toEqual(Array(5).fill(200));
      // Clients that leave halfway (their headers in long since): nothing to answer, and their
      // 10-second wait must end with them.
      for (const post of left) {
        post.leave();
        await expect(post.status).rejects.toThrow();
      }

      finished.finish();
      expect(await finished.status).toBe(403); // what it gets anyway: visitors may not preview
      expect(await stalled.status).toBe(408);
      // The others' waits would have ended within a few milliseconds of the stalled one's.
      await setTimeout(500);
      expect(server.log().match(/request body too slow: refused/g)).toHaveLength(1);
      expect(server.log()).not.toContain('"level":"error"');
      expect((await client.get("/questions?page=1&n=after")).status).toBe(200);
    },
  );
});

type Answer = { status: number; retryAfter: string | undefined; body: string };

/** GETs `paths` at once, each on a connection of its own opened beforehand, so they arrive together. */
async function burstOnOpenConnections(baseUrl: string, paths: string[]) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: paths.length });
  const get = (path: string) =>
    new Promise<Answer>((resolve, reject) => {
      http
        .get(new URL(path, baseUrl), { agent }, (response) => {
          let body = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => (body += chunk));
          response.on("end", () =>
            resolve({ status: response.statusCode!, retryAfter: response.headers["retry-after"], body }),
          );
        })
        .on("error", reject);
    });
  try {
    await Promise.all(paths.map(() => get("/healthz")));
    return await Promise.all(paths.map(get));
  } finally {
    agent.destroy();
  }
}

describe("requests that arrive together", () => {
  it("are all seen by the queue before any of them runs, so those that would wait past the limit are shed even when every render is synchronous", async () => {
    // On SQLite a render never waits on I/O: run as soon as it was read, each request ran to its
    // end before the next one was even read, the queue never held anyone, and the last of a burst
    // waited for all the others (9 s in the 200-connection bench) without ever being shed.
    const server = await startServerProcess({
      JOBS: "off",
      MAX_CONCURRENT_REQUESTS: "1",
      MAX_QUEUED_REQUESTS: "200",
      MAX_QUEUE_WAIT_MS: "30",
    });
    // Distinct URLs, so the visitor page cache never answers; 60 renders take far longer than 30 ms.
    // Health checks and static files among them are never queued.
    const pages = Array.from({ length: 60 }, (_, i) => `/questions?page=1&n=${i}`);
    const answers = await burstOnOpenConnections(server.baseUrl, [...pages, "/healthz", "/favicon.ico"]);
    const statuses = answers.slice(0, pages.length).map((answer) => answer.status);
    expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(statuses.filter((status) => status === 503).length).toBeGreaterThan(0);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(0);
    expect(answers.slice(pages.length).map((answer) => answer.status)).toEqual([200, 200]);
    const shed = answers.filter((answer) => answer.status === 503);
    expect(shed.every((answer) => answer.retryAfter === "1" && answer.body.includes("The site is busy"))).toBe(true);
    expect(server.log()).toContain("overloaded: shedding requests");
    // Once the burst is over, everything is served.
    const client = httpClient(server.baseUrl);
    const after: number[] = [];
    for (let i = 0; i < 5; i++) after.push((await client.get(`/questions?page=1&n=after-${i}`)).status);
    expect(after).toEqual(Array(5).fill(200));
  });
});
