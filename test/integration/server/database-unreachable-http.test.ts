// A PostgreSQL server that goes away and comes back (a restart, a failover, a network cut), seen
// through the app as production runs it. The app reaches the database through a TCP relay the test
// can cut: while it is cut every request gets a quick 503 with Retry-After, and once it is back the
// same server process serves again, without a restart. Runs when the suite runs on PostgreSQL.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseEngine } from "~/lib/env.server";
import { prepareDemoDatabase } from "../../fixtures/demo-database";
import { startServerProcess, waitFor } from "../../fixtures/server-process";

const onPostgres = databaseEngine() === "postgres";

/** A relay from a local port to the database server, which the test cuts and restores. */
function databaseRelay(target: URL) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  let port = 0;
  const listen = () => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    async start() {
      await listen();
      port = (server.address() as net.AddressInfo).port;
      const url = new URL(target);
      url.hostname = "127.0.0.1";
      url.port = String(port);
      return url.toString();
    },
    /** Refuses new connections and drops the open ones, as a database that went down does. */
    async cut() {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    restore: listen,
  };
}

describe.skipIf(!onPostgres)("a PostgreSQL server that becomes unreachable and comes back", () => {
  let relay: ReturnType<typeof databaseRelay>;
  let server: Awaited<ReturnType<typeof startServerProcess>>;

  beforeAll(async () => {
    await prepareDemoDatabase();
    relay = databaseRelay(new URL(process.env.DATABASE_URL!));
    const relayedUrl = await relay.start();
    server = await startServerProcess({ DATABASE_URL: relayedUrl, PAGE_CACHE: "off", JOBS: "off" });
  }, 60_000);

  afterAll(async () => {
    await relay?.restore().catch(() => {}); // already listening when the test got that far
  });

  it("answers 503 with Retry-After at once while it is away, and serves again without a restart", async () => {
    expect((await fetch(`${server.baseUrl}/questions`)).status).toBe(200);

    await relay.cut();
    const started = Date.now();
    const page = await fetch(`${server.baseUrl}/questions`);
    const signIn = await fetch(`${server.baseUrl}/login`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.baseUrl },
      body: "email=someone%40example.com&password=whatever-it-is",
    });
    const health = await fetch(`${server.baseUrl}/healthz`);
    const tookMs = Date.now() - started;

    expect(page.status).toBe(503);
    expect(page.headers.get("retry-after")).toBe("5");
    expect(signIn.status).toBe(503);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ ok: false, reason: "database unreachable" });
    expect(tookMs).toBeLessThan(15_000);
    expect(server.log()).toContain("database unavailable");

    await relay.restore();
    expect(await waitFor(async () => (await fetch(`${server.baseUrl}/questions`)).status === 200)).toBe(true);
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
    expect(server.log()).toContain('"message":"database reachable again"');
  }, 60_000);
});
