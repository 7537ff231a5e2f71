import http from "node:http";
import { beforeAll, describe, expect, it } from "vitest";
import { prepareDemoDatabase } from "../../fixtures/demo-database";
import { httpClient } from "../../fixtures/http-client";
import { startServerProcess, waitFor } from "../../fixtures/server-process";

beforeAll(async () => {
  await prepareDemoDatabase();
});

/**
 * A POST whose body has not finished arriving: Remix's action waits for it, so the request holds
 * its place among those in flight until `finish()` sends the rest.
 */
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
  return { status, finish: () => request.end(body.slice(10)) };
}

describe("more requests than the server may run at once", () => {
  it("sheds what it cannot start with a fast 503 and Retry-After, never a 500, keeps health checks and static files, and serves everything once the burst is over", async () => {
    // One request may run and none may wait: the slow POST below fills the server.
    const server = await startServerProcess({ JOBS: "off", MAX_CONCURRENT_REQUESTS: "1", MAX_QUEUED_REQUESTS: "0" });
    const client = httpClient(server.baseUrl);
    const page = (i: number) => `/questions?page=1&n=${i}`; // distinct URLs: the visitor page cache never answers

    const holder = slowPost(server.baseUrl, "/api/preview");
    let probes = 0;
    expect(await waitFor(async () => (await client.get(page(probes++))).status === 503)).toBe(true);

    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => client.get(page(1000 + i))));
    expect(burst.map((response) => response.status)).toEqual(Array(20).fill(503));
    expect(burst.every((response) => response.headers.get("retry-after") === "1")).toBe(true);
    expect(await burst[0].text()).toContain("The site is busy");
    expect((await client.get("/healthz")).status).toBe(200);
    expect((await client.get("/favicon.ico")).status).toBe(200);

    holder.finish();
    expect(await holder.status).toBe(403); // what it gets anyway: visitors may not preview
    // One at a time, as the limit allows.
    const after: number[] = [];
    for (let i = 0; i < 5; i++) after.push((await client.get(page(2000 + i))).status);
    expect(after).toEqual(Array(5).fill(200));
    expect(server.log()).toContain("overloaded: shedding requests");
  });
});

/** GETs `paths` at once, each on a connection of its own opened beforehand, so they arrive together. */
async function burstOnOpenConnections(baseUrl: string, paths: string[]) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: paths.length });
  const get = (path: string) =>
    new Promise<number>((resolve, reject) => {
      http
        .get(new URL(path, baseUrl), { agent }, (response) => {
          response.resume();
          response.on("end", () => resolve(response.statusCode!));
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
    const statuses = await burstOnOpenConnections(
      server.baseUrl,
      Array.from({ length: 60 }, (_, i) => `/questions?page=1&n=${i}`),
    );
    expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(statuses.filter((status) => status === 503).length).toBeGreaterThan(0);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(0);
  });
});
