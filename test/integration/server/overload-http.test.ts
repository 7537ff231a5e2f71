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
