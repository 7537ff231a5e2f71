// Hostile input at the HTTP edge, over real HTTP against the built app: whatever a client sends,
// the answer is a 4xx (never a 500), redirects stay on this site, absolute URLs use the configured
// address, and signed-in pages are never cacheable.
import http from "node:http";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { followUps, threads } from "../../../db/schema";
import { scriptDb, firstRow } from "~/lib/db.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { openDueFollowUps } from "~/models/support/opening.server";
import { app, client, cookies, serveBuiltApp } from "../../fixtures/app-server";
import { DEMO_PASSWORD, sessionCookieOf } from "../../fixtures/http-client";
import { REDIRECT_BYPASSES } from "../../fixtures/redirect-bypasses";

const PUBLIC_URL = "https://community.example";
let origin: string;

beforeAll(() => {
  process.env.PUBLIC_URL = PUBLIC_URL;
  // As behind a reverse proxy: forwarded headers from this test (loopback) are believed.
  process.env.TRUST_PROXY = "loopback";
});
afterAll(() => {
  delete process.env.PUBLIC_URL;
  delete process.env.TRUST_PROXY;
});
serveBuiltApp({ member: "member@example.com", staff: "staff@example.com" });
beforeAll(async () => {
  origin = new URL(app.baseUrl).origin;
  await openDueFollowUps(new Date());
});

const firstThread = async () => firstRow(await scriptDb().select().from(threads).orderBy(threads.id).limit(1))!;
const threadUrl = (thread: { id: number; slug: string }) => `/questions/${thread.id}/${thread.slug}`;

/** One request exactly as given (any method, Host, path bytes), which fetch would not send. */
async function rawRequest(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const { hostname, port } = new URL(app.baseUrl);
  // Node's client sends a TRACE, DELETE or OPTIONS body with no length unless told one.
  if (body !== undefined) headers = { ...headers, "content-length": String(Buffer.byteLength(body)) };
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
    const request = http.request(
      {
        hostname,
        port,
        method,
        path,
        headers,
        setHost: !Object.keys(headers).some((name) => name.toLowerCase() === "host"),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode!,
            headers: response.headers,
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

async function post(path: string, body: BodyInit, headers: Record<string, string>, cookie?: string) {
  return fetch(app.baseUrl + path, {
    method: "POST",
    redirect: "manual",
    body,
    headers: { origin, "sec-fetch-site": "same-origin", ...(cookie ? { cookie } : {}), ...headers },
  });
}

describe("request bodies that are not forms", () => {
  const BOUNDARY = "----hearth-test";
  const bodies: [string, BodyInit, Record<string, string>][] = [
    [
      "JSON",
      JSON.stringify({ email: "a@b.c", password: "x", intent: "answer", body: "json answer" }),
      { "content-type": "application/json" },
    ],
    ["text/plain", "email=a@b.c&intent=answer&body=plain", { "content-type": "text/plain" }],
    [
      "a truncated multipart body",
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="intent"\r\n\r\nanswer\r\n--${BOUNDARY}\r\nContent-Disposition: form-da`,
      { "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
    ],
    ["no content type", new TextEncoder().encode("intent=answer&body=untyped"), {}],
  ];

  it.each(bodies)("refuses %s on every kind of action with 415, and changes nothing", async (_label, body, headers) => {
    const thread = await firstThread();
    const actions: [string, string | undefined][] = [
      ["/login", undefined],
      ["/signup", undefined],
      ["/logout", cookies.member],
      ["/settings/password", cookies.member],
      [threadUrl(thread), cookies.member],
      [`${threadUrl(thread)}.data`, cookies.member],
      ["/api/preview", cookies.member],
      ["/questions/ask", cookies.member],
      ["/mod?index", cookies.staff],
    ];
    for (const [path, cookie] of actions) {
      const response = await post(path, body, headers, cookie);
      expect(response.status, path).toBe(415);
      expect(await response.text(), path).toContain("application/x-www-form-urlencoded");
    }
    expect(firstRow(await scriptDb().select().from(threads).where(eq(threads.id, thread.id)))!.answerCount).toBe(
      thread.answerCount,
    );
    expect((await client.get("/notifications", { cookie: cookies.member })).status).toBe(200);
  });

  it("still takes a urlencoded form with a charset parameter", async () => {
    await resetAllLimits();
    const response = await post(
      "/login",
      new URLSearchParams({ email: "member@example.com", password: DEMO_PASSWORD }).toString(),
      {
        "content-type": "application/x-www-form-urlencoded; charset=UTF-8",
      },
    );
    expect(response.status).toBe(302);
    expect(sessionCookieOf(response)).not.toBeNull();
  });
});

describe("paths that are not valid percent-encoding", () => {
  it.each(["/kb/%", "/questions/%FF/x", "/users/%E0%A4%A", "/tags/%", "/kb/%.data", "/questions/1/%C0%AF"])(
    "answers GET %s with 400",
    async (path) => {
      const response = await rawRequest("GET", path);
      expect(response.status).toBe(400);
      expect(response.text).toContain("percent-encoding");
    },
  );

  it.each(["http://evil.example/questions", `http://localhost/questions`, "*"])(
    "answers a request target %j that is not a path with 400",
    async (target) => {
      const response = await rawRequest("GET", target);
      expect(response.status).toBe(400);
    },
  );

  it("answers a POST to such a path with 400 too", async () => {
    const response = await post(
      "/questions/%FF/x",
      new URLSearchParams({ intent: "answer", body: "x" }).toString(),
      { "content-type": "application/x-www-form-urlencoded" },
      cookies.member,
    );
    expect(response.status).toBe(400);
  });
});

describe("malformed cookies", () => {
  it("treats a session cookie that is not valid percent-encoding as no session", async () => {
    const response = await client.get("/", { cookie: "hearth_session=%" });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Sign in");
  });

  it("keeps the session when another cookie on this host is malformed", async () => {
    const response = await client.get("/", { cookie: `tracker=%E0%A4%A; ${cookies.member}` });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Sign out");
  });

  it("signs in and out with a malformed cookie beside the session", async () => {
    await resetAllLimits();
    const { response } = await client.signIn("member@example.com", DEMO_PASSWORD, "tracker=%; hearth_session=%");
    expect(response.status).toBe(302);
    const fresh = sessionCookieOf(response)!;
    const out = await client.post("/logout", {}, { cookie: `tracker=%; ${fresh}` });
    expect(out.status).toBe(302);
    expect(await (await client.get("/", { cookie: fresh })).text()).toContain("Sign in");
  });
});

describe("POST /unsubscribe", () => {
  const link = "/unsubscribe?u=1&k=answer&t=not-a-token";
  const form = { "content-type": "application/x-www-form-urlencoded" };

  it("answers a body over 1 KB with 413", async () => {
    const response = await post(link, `List-Unsubscribe=One-Click&padding=${"x".repeat(2_000)}`, form);
    expect(response.status).toBe(413);
  });

  it("answers a body of more than 1,000 fields with 413", async () => {
    const response = await post(link, "&".repeat(1_010), form);
    expect(response.status).toBe(413);
    expect(await response.text()).toContain("too many parameters");
  });

  it("still answers a bad link with 400", async () => {
    const response = await post(link, "List-Unsubscribe=One-Click", form);
    expect(response.status).toBe(400);
  });
});

describe("Host header and methods", () => {
  it.each(["a b", "localhost:99999", "localhost:abc", "1.2.3.999", "evil.example/path", "user@evil.example", "[::1"])(
    "refuses Host %j with 400",
    async (host) => {
      const response = await rawRequest("GET", "/", { host });
      expect(response.status).toBe(400);
      expect(response.text).toContain("Host");
    },
  );

  it("refuses a malformed X-Forwarded-Host with 400", async () => {
    for (const forwarded of ["evil.example:99999", "a b", "ok.example, bad host"]) {
      expect((await rawRequest("GET", "/", { "x-forwarded-host": forwarded })).status, forwarded).toBe(400);
    }
  });

  it("refuses a malformed X-Forwarded-Proto from a trusted proxy with 400", async () => {
    for (const proto of ["a b", "javascript", "ftp"]) {
      expect((await rawRequest("GET", "/", { "x-forwarded-proto": proto })).status, proto).toBe(400);
    }
    expect((await rawRequest("GET", "/questions", { "x-forwarded-proto": "https" })).status).toBe(200);
  });

  it.each(["evil.example", "localhost:3000", "127.0.0.1", "[::1]:8080", "community.example."])(
    "serves a well-formed Host %j",
    async (host) => {
      expect((await rawRequest("GET", "/questions", { host })).status).toBe(200);
    },
  );

  it.each(["TRACE", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND"])(
    "answers %s with 405 and Allow",
    async (method) => {
      const response = await rawRequest(
        method,
        "/login",
        { "content-type": "application/x-www-form-urlencoded" },
        "email=a@b.c",
      );
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe("GET, HEAD, POST");
    },
  );

  it("answers a form sent to a page without one with 405 and a page in our words, not Remix's", async () => {
    const response = await client.post("/search", { q: "hub" });
    expect(response.status).toBe(405);
    const page = await response.text();
    expect(page).toContain("That page takes no form");
    expect(page.slice(0, page.indexOf("</main>"))).not.toContain("did not provide an");
    // Nothing of the server's insides reaches the page's data either.
    expect(page).not.toMatch(/node_modules|at \w+ \(/);
  });

  it("refuses TRACK, which Node does not parse, with a 4xx", async () => {
    const response = await rawRequest("TRACK", "/");
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });
});

describe("legacy ?_data requests", () => {
  it.each(["/login", "/signup", "/settings/password"])(
    "answers %s?_data= with 400, signed in or not, GET or POST",
    async (path) => {
      const routeId = `routes/${path.slice(1).replace("/", ".")}`;
      const form = new URLSearchParams({
        email: "member@example.com",
        password: DEMO_PASSWORD,
        currentPassword: "x",
        newPassword: "y",
      }).toString();
      for (const dataParam of [routeId, "root"]) {
        for (const cookie of [undefined, cookies.member]) {
          const target = `${path}?_data=${encodeURIComponent(dataParam)}`;
          const get = await client.get(target, { cookie });
          expect(get.status, `GET ${target}`).toBe(400);
          const posted = await post(target, form, { "content-type": "application/x-www-form-urlencoded" }, cookie);
          expect(posted.status, `POST ${target}`).toBe(400);
          expect(sessionCookieOf(posted)).toBeNull();
        }
      }
    },
  );
});

/** What a browser would do with this Location: it must stay on our origin. */
function expectSameOriginPath(location: string | null) {
  expect(location).not.toBeNull();
  expect(location!.startsWith("/")).toBe(true);
  expect(location).not.toMatch(/^\/[/\\]/);
  // eslint-disable-next-line no-control-regex -- control characters are what browsers strip
  expect(location).not.toMatch(/[\u0000-\u001f\\]/);
  expect(new URL(location!, origin).origin).toBe(origin);
}

describe("redirects after sign-in stay on this site", () => {
  it.each(REDIRECT_BYPASSES)("signing in with redirectTo=%j", async (redirectTo) => {
    await resetAllLimits();
    const response = await client.post("/login", { email: "member@example.com", password: DEMO_PASSWORD, redirectTo });
    expect(response.status).toBe(302);
    expectSameOriginPath(response.headers.get("location"));
    expect(response.headers.get("location")).toBe("/");
  });

  it.each(REDIRECT_BYPASSES)("opening /login?redirectTo=%j while signed in", async (redirectTo) => {
    const response = await client.get(`/login?redirectTo=${encodeURIComponent(redirectTo)}`, {
      cookie: cookies.member,
    });
    expect(response.status).toBe(302);
    expectSameOriginPath(response.headers.get("location"));
    expect(response.headers.get("location")).toBe("/");
  });

  it("still follows a local path, normalized", async () => {
    const response = await client.get(`/login?redirectTo=${encodeURIComponent("/kb/../questions?filter=solved")}`, {
      cookie: cookies.member,
    });
    expect(response.headers.get("location")).toBe("/questions?filter=solved");
  });
});

describe("pages that need an account send a visitor to sign in and back", () => {
  it.each(["/my/support", "/notifications", "/settings/notifications", "/questions/ask", "/posts/1/flag"])(
    "%s",
    async (path) => {
      const response = await client.get(`${path}?page=2`);
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(path)}`);
    },
  );

  it("/settings/password", async () => {
    const response = await client.get("/settings/password");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/login?redirectTo=/settings/password");
  });
});

describe("absolute URLs come from the configured address, not the Host header", () => {
  it("builds the sitemap on PUBLIC_URL whatever Host the request names", async () => {
    const response = await rawRequest("GET", "/sitemap.xml", { host: "evil.example" });
    expect(response.status).toBe(200);
    expect(response.text).not.toContain("evil.example");
    const locations = [...response.text.matchAll(/<loc>([^<]+)<\/loc>/g)].map((match) => match[1]);
    expect(locations.length).toBeGreaterThan(4);
    for (const location of locations) expect(location.startsWith(`${PUBLIC_URL}/`), location).toBe(true);
    expect(response.headers["cache-control"]).toBe("public, max-age=3600");
  });

  it("builds the knowledge-base feed on PUBLIC_URL whatever Host the request names", async () => {
    const response = await rawRequest("GET", "/kb/feed.xml", {
      host: "evil.example",
      "x-forwarded-host": "evil.example",
    });
    expect(response.status).toBe(200);
    expect(response.text).not.toContain("evil.example");
    const links = [...response.text.matchAll(/(?:<id>|href=")([^<"]+)/g)].map((match) => match[1]);
    expect(links.length).toBeGreaterThan(4);
    for (const link of links) expect(link.startsWith(PUBLIC_URL), link).toBe(true);
  });
});

describe("absolute URLs in staff's article drafts", () => {
  it("link the thread on PUBLIC_URL whatever Host the request names", async () => {
    const solved = firstRow(
      await scriptDb().select().from(threads).where(eq(threads.status, "solved")).orderBy(threads.id).limit(1),
    )!;
    for (const path of [`/kb/drafts/${solved.id}`, `/kb/drafts/${solved.id}/download`]) {
      const response = await rawRequest("GET", path, { host: "evil.example", cookie: cookies.staff });
      expect(response.status, path).toBe(200);
      expect(response.text, path).not.toContain("evil.example");
      expect(response.text, path).toContain(`${PUBLIC_URL}${threadUrl(solved)}`);
    }
  });
});

describe("Cache-Control on signed-in pages", () => {
  const anyFollowUp = async () => firstRow(await scriptDb().select().from(followUps).orderBy(followUps.id).limit(1))!;

  it("marks a follow-up, the notifications and a thread page private, no-store for the signed-in", async () => {
    const thread = await firstThread();
    const pages: [string, string][] = [
      [`/support/${(await anyFollowUp()).id}`, cookies.staff],
      ["/notifications", cookies.member],
      [threadUrl(thread), cookies.member],
      [`${threadUrl(thread)}.data`, cookies.member],
      ["/", cookies.member],
    ];
    for (const [path, cookie] of pages) {
      const response = await client.get(path, { cookie });
      expect(response.status, path).toBe(200);
      expect(response.headers.get("cache-control"), path).toBe("private, no-store");
    }
  });

  it("marks a signed-in action's answer and error pages private, no-store too", async () => {
    const thread = await firstThread();
    const failed = await client.post(threadUrl(thread), { intent: "answer", body: "" }, { cookie: cookies.member });
    expect(failed.status).toBe(400);
    expect(failed.headers.get("cache-control")).toBe("private, no-store");
    const missing = await client.get("/support/999999", { cookie: cookies.staff });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("cache-control")).toBe("private, no-store");
  });

  it("leaves visitors' pages as they were (no Cache-Control; the page cache is tested on its own)", async () => {
    for (const path of [threadUrl(await firstThread()), "/notifications", "/"]) {
      const response = await client.get(path);
      expect(response.headers.get("cache-control"), path).toBeNull();
    }
  });
});
