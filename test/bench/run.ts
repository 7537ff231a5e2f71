/**
 * npm run bench: measures the production server on synthetic communities of two sizes.
 * For each size it seeds a database (cached under test/.tmp/bench/), starts `node server.mjs`, and
 * drives it with autocannon (10 connections, one server process) on: the question list, a 50-answer
 * thread page, the Markdown preview and posting answers. The baseline is the same thread page's
 * bytes served by a plain node:http server, measured in the same run.
 * Search is measured for latency, one request at a time (1 connection), for a very common, a
 * middling (~2 % of threads) and a rare word picked from the index itself, each request with a
 * distinct URL so the visitor page cache never answers it.
 * Overload: 200 connections of mixed reads (visitors' and signed-in pages, searches); the server
 * must shed what it cannot serve in time with a fast 503, so no request takes over 5 s and no other
 * 5xx appears. BENCH_COMPARE_ROOT=<folder with another built checkout> runs that scenario against
 * the code there too, on the same database, in the same run (an A/B).
 *
 *   npm run bench                       both sizes (10k/100k and 100k/1M; the large seed takes minutes)
 *   BENCH_SIZES=10000:100000 npm run bench
 *   BENCH_SECONDS=10                    seconds per scenario
 *   BENCH_COMPARE_ROOT=/tmp/hearth-old  also runs the overload scenario against that checkout
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import autocannon from "autocannon";
import Database from "better-sqlite3";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BENCH_DIR = path.join(ROOT, "test/.tmp/bench");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 10;
const SIZES = (process.env.BENCH_SIZES ?? "10000:100000,100000:1000000").split(",").map((pair) => {
  const [threads, answers] = pair.split(":").map(Number);
  return { threads, answers };
});
const BENCH_USERS = 1000;
const SEARCH_SECONDS = Math.max(3, Math.round(SECONDS / 2));
const OVERLOAD_CONNECTIONS = 200;
const OVERLOAD_MAX_LATENCY_MS = 5_000;
const COMPARE_ROOT = process.env.BENCH_COMPARE_ROOT ? path.resolve(process.env.BENCH_COMPARE_ROOT) : null;

type Scenario = { name: string; target: string; result: autocannon.Result; peakMemoryMb?: number };
type OverloadRun = { code: string; result: autocannon.Result; peakMemoryMb: number };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = http.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(baseUrl: string, child: ChildProcess) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error("server exited during start-up");
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("server did not become healthy");
}

function peakRssMb(pid: number) {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

function seedDatabase(threads: number, answers: number) {
  fs.mkdirSync(BENCH_DIR, { recursive: true });
  const file = path.join(BENCH_DIR, `hearth-${threads}-${answers}.sqlite`);
  if (fs.existsSync(file)) return file;
  const partial = `${file}.partial`;
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(partial + suffix, { force: true });
  console.log(`Seeding ${threads} threads / ${answers} answers (cached at ${path.relative(ROOT, file)})…`);
  const started = Date.now();
  execFileSync(path.join(ROOT, "node_modules/.bin/tsx"), ["db/seed.ts", "--threads", String(threads), "--answers", String(answers)], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_PATH: partial },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const sqlite = new Database(partial);
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  sqlite.exec("ANALYZE");
  sqlite.close();
  fs.renameSync(partial, file);
  console.log(`  seeded in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return file;
}

/** Bench users with live sessions, and one thread with exactly 50 answers, through the app's models. */
async function prepareFixtures(file: string) {
  process.env.DATABASE_PATH = file;
  const { closeDatabase } = await import("~/lib/db.server");
  closeDatabase();
  // A cached database may predate newer migrations (and the search index): bring it up to date first.
  const { prepareDatabase } = await import("../../db/prepare");
  await prepareDatabase({ seedWhenEmpty: false });
  // The load accounts below are brand new; they stand for established members, whose posts are not held.
  const { setHeldPostCount } = await import("~/models/moderation.server");
  setHeldPostCount(0);
  const { startSession, hashPassword } = await import("~/lib/auth.server");
  const { insertUsersWithHash } = await import("~/models/user.server");
  const { askQuestion } = await import("~/models/thread.server");
  const { postAnswer } = await import("~/models/post.server");
  const { resetAllLimits } = await import("~/lib/rate-limit.server");
  const { listCategories } = await import("~/models/tag.server");
  const stamp = `${Date.now().toString(36)}`;
  const hash = await hashPassword(`bench-${stamp}`);
  const users = insertUsersWithHash(
    Array.from({ length: BENCH_USERS }, (_, i) => ({ email: `load-${stamp}-${i}@example.com`, username: `load-${stamp}-${i}`, role: "member" as const })),
    hash,
  ).map((user) => ({ kind: "user" as const, ...user }));
  const category = listCategories()[0].slug;
  const thread = askQuestion(users[0], { title: `Benchmark thread with fifty answers ${stamp}`, body: "How do I read a thread with **fifty** answers quickly?", category, tags: "" });
  for (let i = 1; i <= 50; i++) {
    postAnswer(users[i], thread.threadId, { body: `Answer ${i}: try *this* first, then \`that\`.\n\n- step one\n- step two\n\nMore text so the answer has a realistic length for a support forum reply, about two sentences long.` });
  }
  resetAllLimits();
  const cookies = await Promise.all(users.map(async (user) => (await startSession(user.id, { secure: false })).split(";")[0]));
  const { listThreads } = await import("~/models/thread.server");
  const { VISITOR } = await import("~/lib/permissions.server");
  // Answers are posted across many other threads, so the measured 50-answer page stays at 50.
  const answerTargets = listThreads(VISITOR, { filter: "all", sort: "top", page: 1 }, 500).threads.map((t) => `/questions/${t.id}/${t.slug}`);
  closeDatabase();
  return { threadPath: `/questions/${thread.threadId}/${thread.slug}`, cookies, answerTargets };
}

/** A very common, a middling and a rare indexed term (stems, as the index stores them). */
function searchTerms(file: string) {
  const sqlite = new Database(file, { readonly: true });
  try {
    sqlite.exec("CREATE VIRTUAL TABLE temp.thread_terms USING fts5vocab(main, search_threads, row)");
    const threads = (sqlite.prepare("SELECT count(*) AS n FROM search_threads").get() as { n: number }).n;
    const pick = (sql: string, ...params: number[]) => sqlite.prepare(sql).get(...params) as { term: string; doc: number };
    const word = "length(term) > 3 AND term GLOB '[a-z]*'";
    return [
      { label: "very common", ...pick("SELECT term, doc FROM temp.thread_terms ORDER BY doc DESC LIMIT 1") },
      { label: "middling", ...pick(`SELECT term, doc FROM temp.thread_terms WHERE ${word} AND doc <= ? ORDER BY doc DESC LIMIT 1`, Math.round(threads * 0.02)) },
      { label: "rare", ...pick(`SELECT term, doc FROM temp.thread_terms WHERE ${word} AND doc BETWEEN 3 AND 10 ORDER BY doc DESC LIMIT 1`) },
    ];
  } finally {
    sqlite.close();
  }
}

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function startBaseline(bytes: Buffer, contentType: string) {
  const port = await freePort();
  const bodyFile = path.join(BENCH_DIR, "baseline-page.html");
  fs.writeFileSync(bodyFile, bytes);
  const script = `const http=require("node:http");const body=require("node:fs").readFileSync(process.env.BODY_FILE);http.createServer((q,s)=>{s.writeHead(200,{"content-type":process.env.CT,"content-length":body.length});s.end(body)}).listen(${port},"127.0.0.1",()=>console.log("ready"))`;
  const child = spawn(process.execPath, ["-e", script], { env: { ...process.env, BODY_FILE: bodyFile, CT: contentType }, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()));
  return { url: `http://127.0.0.1:${port}`, child };
}

/** `node server.mjs` from `root` on `file`, with the same command line as `npm start`. */
async function startServer(root: string, file: string) {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // The heap cap keeps V8 from growing past what it needs.
  const server = spawn(process.execPath, ["--max-old-space-size=256", "server.mjs"], {
    cwd: root,
    env: { ...process.env, PORT: String(port), DATABASE_PATH: file, MAIL_DIR: path.join(BENCH_DIR, "mail"), NODE_ENV: "production" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    await waitForHealth(baseUrl, server);
  } catch (error) {
    server.kill("SIGTERM");
    throw error;
  }
  return { baseUrl, server };
}

/**
 * 200 connections of mixed reads: the question list and a thread page as a visitor (mostly from
 * the page cache), the same two signed in (rendered each time), and searches with distinct URLs.
 */
function overloadScenario(baseUrl: string, fixtures: Awaited<ReturnType<typeof prepareFixtures>>) {
  let n = 0;
  const paths: (() => { path: string; cookie?: string })[] = [
    () => ({ path: "/questions" }),
    () => ({ path: fixtures.threadPath }),
    () => ({ path: fixtures.threadPath, cookie: fixtures.cookies[n % fixtures.cookies.length] }),
    () => ({ path: `/questions?sort=top&page=${1 + (n % 20)}`, cookie: fixtures.cookies[n % fixtures.cookies.length] }),
    () => ({ path: `/search?q=wifi+reset&n=${n}` }),
  ];
  return run({
    url: baseUrl,
    connections: OVERLOAD_CONNECTIONS,
    timeout: 30, // seconds: slow answers are measured, not dropped as errors
    requests: [
      {
        method: "GET",
        setupRequest: (request) => {
          const { path: target, cookie } = paths[n++ % paths.length]();
          return { ...request, path: target, headers: cookie ? { cookie } : {} };
        },
      },
    ],
  });
}

async function benchSize(threads: number, answers: number) {
  const file = seedDatabase(threads, answers);
  const fixtures = await prepareFixtures(file);
  const { baseUrl, server } = await startServer(ROOT, file);
  const scenarios: Scenario[] = [];
  const overload: OverloadRun[] = [];
  try {
    const origin = { origin: baseUrl, "content-type": "application/x-www-form-urlencoded" };
    let nextUser = 0;
    const cookie = () => fixtures.cookies[nextUser++ % fixtures.cookies.length];
    const threadPage = await fetch(baseUrl + fixtures.threadPath);
    const pageBytes = Buffer.from(await threadPage.arrayBuffer());
    if (threadPage.status !== 200) throw new Error(`thread page answered ${threadPage.status}`);

    await run({ url: baseUrl + fixtures.threadPath, duration: 2 }); // warm-up
    scenarios.push({ name: "GET /questions", target: "", result: await run({ url: `${baseUrl}/questions` }) });
    scenarios.push({ name: "GET thread page (50 answers), visitor", target: "≥ 500 req/s, p99 ≤ 40 ms", result: await run({ url: baseUrl + fixtures.threadPath }) });
    scenarios.push({
      name: "GET thread page (50 answers), signed in: no page cache",
      target: "",
      result: await run({ url: baseUrl + fixtures.threadPath, requests: [{ method: "GET", setupRequest: (request) => ({ ...request, headers: { cookie: cookie() } }) }] }),
    });
    const previewBody = new URLSearchParams({ body: "## Steps\n\n1. Hold **reset** for 2 s\n2. Reconnect in the app\n\n```sh\nnimbus status\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |" }).toString();
    scenarios.push({
      name: "POST /api/preview",
      target: "",
      result: await run({
        url: `${baseUrl}/api/preview`,
        requests: [{ method: "POST", body: previewBody, setupRequest: (request) => ({ ...request, headers: { ...origin, cookie: cookie() } }) }],
      }),
    });
    let answerNumber = 0;
    scenarios.push({
      name: "POST an answer",
      target: "≥ 300 answers/s",
      result: await run({
        url: baseUrl + fixtures.threadPath,
        requests: [
          {
            method: "POST",
            setupRequest: (request) => ({
              ...request,
              path: fixtures.answerTargets[answerNumber % fixtures.answerTargets.length],
              headers: { ...origin, cookie: cookie() },
              body: new URLSearchParams({ intent: "answer", body: `Benchmark answer ${++answerNumber}: check the **cable** and retry.` }).toString(),
            }),
          },
        ],
      }),
    });
    let searchNumber = 0;
    for (const term of searchTerms(file)) {
      const probe = await fetch(`${baseUrl}/search?q=${term.term}`);
      if (probe.status !== 200 || !(await probe.text()).includes('class="search-hit"')) throw new Error(`search for ${term.term} found nothing`);
      scenarios.push({
        name: `GET /search, ${term.label} word ("${term.term}", in ${term.doc.toLocaleString("en")} threads), 1 connection`,
        target: "p99 ≤ 50 ms",
        result: await run({
          url: baseUrl,
          connections: 1,
          duration: SEARCH_SECONDS,
          requests: [{ method: "GET", setupRequest: (request) => ({ ...request, path: `/search?q=${term.term}&n=${++searchNumber}` }) }],
        }),
      });
    }
    scenarios.push({
      name: "GET /api/similar (ask page, typing a title), 1 connection",
      target: "",
      result: await run({
        url: baseUrl,
        connections: 1,
        duration: SEARCH_SECONDS,
        requests: [{ method: "GET", setupRequest: (request) => ({ ...request, path: `/api/similar?title=${encodeURIComponent(`How do I configure the server for a new domain ${++searchNumber}`)}` }) }],
      }),
    });
    // Measured before the overload scenario, so the figure compares with runs that had none.
    const peakMemoryMb = peakRssMb(server.pid!);
    overload.push({ code: "this checkout", result: await overloadScenario(baseUrl, fixtures), peakMemoryMb: peakRssMb(server.pid!) });
    scenarios.forEach((scenario) => (scenario.peakMemoryMb = peakMemoryMb));

    const baseline = await startBaseline(pageBytes, threadPage.headers.get("content-type") ?? "text/html");
    try {
      scenarios.push({ name: "baseline: same thread bytes from node:http", target: "", result: await run({ url: baseline.url }) });
    } finally {
      baseline.child.kill();
    }
    server.kill("SIGTERM");
    if (COMPARE_ROOT) {
      const other = await startServer(COMPARE_ROOT, file);
      try {
        await run({ url: other.baseUrl + fixtures.threadPath, duration: 2 }); // warm-up
        overload.push({ code: COMPARE_ROOT, result: await overloadScenario(other.baseUrl, fixtures), peakMemoryMb: peakRssMb(other.server.pid!) });
      } finally {
        other.server.kill("SIGTERM");
      }
    }
    return { threads, answers, pageKb: Math.round(pageBytes.length / 1024), peakMemoryMb, scenarios, overload };
  } finally {
    server.kill("SIGTERM");
  }
}

function statusCounts(result: autocannon.Result) {
  const stats = Object.entries(result.statusCodeStats ?? {}).map(([status, { count = 0 }]) => [Number(status), count] as const);
  return stats.sort(([a], [b]) => a - b);
}

/** Target: no request over 5 s, no 5xx other than the 503s of shedding, no connection errors. */
function overloadVerdict(result: autocannon.Result) {
  const slow = result.latency.max > OVERLOAD_MAX_LATENCY_MS;
  const otherServerErrors = statusCounts(result).some(([status, count]) => status >= 500 && status !== 503 && count > 0);
  const failures = [slow && `max ${result.latency.max} ms`, otherServerErrors && "5xx other than 503", result.errors + result.timeouts > 0 && "errors/timeouts"];
  const missed = failures.filter(Boolean);
  return missed.length === 0 ? "met" : `missed: ${missed.join(", ")}`;
}

const reports = [];
for (const size of SIZES) {
  const report = await benchSize(size.threads, size.answers);
  reports.push(report);
  console.log(`\n### ${size.threads.toLocaleString("en")} threads / ${size.answers.toLocaleString("en")} answers (thread page ${report.pageKb} KB, server peak RSS ${report.peakMemoryMb} MB)\n`);
  // Posting an answer answers 303 (redirect to the answer), so failures are 4xx/5xx, not "non-2xx".
  console.log("| scenario | req/s | p50 ms | p99 ms | 2xx/3xx | 4xx/5xx | errors | target |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---|");
  for (const { name, target, result } of report.scenarios) {
    const ok = result["2xx"] + result["3xx"];
    const failed = result["4xx"] + result["5xx"];
    console.log(`| ${name} | ${Math.round(result.requests.average)} | ${result.latency.p50} | ${result.latency.p99} | ${ok} | ${failed} | ${result.errors + result.timeouts} | ${target} |`);
  }
  console.log(`\n${OVERLOAD_CONNECTIONS} connections, mixed reads (target: no request over 5 s, no 5xx other than 503):\n`);
  console.log("| code | req/s | p50 ms | p99 ms | max ms | responses by status | errors | server peak RSS MB | target |");
  console.log("|---|---:|---:|---:|---:|---|---:|---:|---|");
  for (const { code, result, peakMemoryMb } of report.overload) {
    const statuses = statusCounts(result).map(([status, count]) => `${status}: ${count}`).join(", ");
    console.log(`| ${code} | ${Math.round(result.requests.average)} | ${result.latency.p50} | ${result.latency.p99} | ${result.latency.max} | ${statuses} | ${result.errors + result.timeouts} | ${peakMemoryMb} | ${overloadVerdict(result)} |`);
  }
}
fs.mkdirSync(path.join(ROOT, "test/.reports"), { recursive: true });
fs.writeFileSync(
  path.join(ROOT, "test/.reports/bench.json"),
  JSON.stringify(
    reports.map((r) => ({
      ...r,
      scenarios: r.scenarios.map((s) => ({ name: s.name, rps: s.result.requests.average, p50: s.result.latency.p50, p99: s.result.latency.p99, failed: s.result["4xx"] + s.result["5xx"], errors: s.result.errors })),
      overload: r.overload.map((o) => ({ code: o.code, peakMemoryMb: o.peakMemoryMb, rps: o.result.requests.average, p50: o.result.latency.p50, p99: o.result.latency.p99, max: o.result.latency.max, statuses: Object.fromEntries(statusCounts(o.result)), errors: o.result.errors + o.result.timeouts, target: overloadVerdict(o.result) })),
    })),
    null,
    2,
  ),
);
process.exit(0);
