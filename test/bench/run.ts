/**
 * npm run bench: measures the production server on synthetic communities of two sizes, on SQLite and
 * on PostgreSQL side by side, and fails (exit code 1, after printing every table) when a response is
 * not what its scenario claims or a target is missed.
 * Engines (test/bench/engines.ts): the seeded SQLite file is copied into a fresh PostgreSQL database
 * (`npm run db:copy`) on a cluster this run starts (durable: fsync on, synchronous_commit off, as
 * SQLite's WAL with synchronous=NORMAL) and stops. Each engine gets its own fixtures through the
 * models (test/bench/app-task.ts, a child process, since the app picks its engine when it loads)
 * and its own server; every scenario runs on SQLite, then on PostgreSQL, before the next one, so the
 * machine's drift hits both. The search terms are picked on SQLite and searched for on both. Each
 * engine gets its table; then PostgreSQL's req/s as a share of SQLite's, with targets (≥ 0.7x for
 * the thread pages, posting answers and search). Every other target holds on both engines.
 * For each size it seeds a database (cached under test/.tmp/bench/; each run works on a copy of it),
 * starts `node server.mjs` with
 * JOBS=off (background jobs stay out of the measured windows; one run of them is timed on its own,
 * on a copy of the database, at the end), and drives it with autocannon (10 connections, one server
 * process).
 * Thread page (50 answers), interleaved with a baseline so machine noise hits both: baseline,
 * visitor, baseline, signed in, baseline, visitor while 2 answers/s are posted to other threads,
 * baseline, the same at 10 answers/s, baseline. The baseline (test/bench/baseline-server.tsx) reads
 * the same thread from the same SQLite file per request with prepared statements and renders a page
 * of the same shape with bare React `renderToString` behind `node:http`; each thread-page row shows
 * its req/s as a ratio to the mean of the baseline runs on either side of it.
 * Then: the question list, the Markdown preview, posting answers, search (latency, 1 connection, for
 * a very common, a middling (~2 % of threads) and a rare word from the index and a query of three
 * common words, each request with a distinct URL so the visitor page cache never answers), similar
 * questions while a title is typed (real titles, prefix by prefix, as the ask page asks while
 * typing), and the thread page's stored bytes from `node:http` (the ceiling for a page served from
 * a cache). Search and similar questions: p99 ≤ 25 ms (issue 17), each after an unmeasured warm-up.
 * Notifications (issue 13), on copies of the database: beside "POST an answer", the same posting
 * to one thread with 10,000 watchers (and 100 who muted it, inserted as raw rows), on a server with
 * background jobs ON, so each answer's fan-out runs in that server right after its commit, as in
 * production. One answer alone is timed until its fan-out is done (notifications/s), then answers
 * are posted at full speed against the answer-posting target (≥ 300/s). Every fan-out that
 * finished must have told exactly the thread's watchers and its asker, less the author and the
 * muted (counted in SQL apart from the app's code). The mail job, at the end: 2,000 emails queued
 * through `notify` (one per new member, each about an answer) and sent by `sendPendingEmails`,
 * batch after batch (test/bench/send-emails.ts, a child process), to an SMTP server in this
 * process: ≥ 200 emails/s, and every address must get exactly one.
 * Every response is checked: its status, and that a signed-in response carries the signed-in user's
 * name in the header nav while a visitor's carries none; a posted answer must redirect (303) to the
 * new post. Peak RSS is the server's, per scenario (reset before each one).
 * Overload: 200 connections of mixed reads (visitors' and signed-in pages, searches); the server
 * must shed what it cannot serve in time with a fast 503, so no request takes over 5 s and no other
 * 5xx appears. BENCH_COMPARE_ROOT=<folder with another built checkout> runs that scenario, and each
 * search scenario right after this checkout's, against the code there too, on the same database, in
 * the same run (an A/B; its rows carry no target and do not fail the run).
 *
 *   npm run bench                       both sizes (10k/100k and 100k/1M; the large seed takes minutes)
 *   BENCH_SIZES=10000:100000 npm run bench
 *   BENCH_SECONDS=10                    seconds per scenario
 *   BENCH_COMPARE_ROOT=/tmp/hearth-old  also runs the overload scenario (SQLite) and each search scenario
 *                                       (both engines, right after this checkout's) against that checkout
 *   BENCH_EMAILS=2000                   emails the mail job sends
 *   BENCH_ENGINES=sqlite|postgres|sqlite,postgres   engines measured (default both); PostgreSQL needs
 *                                       its server binaries (db/pg-cluster.sh), or the run fails
 *   BENCH_SCENARIOS=compared            only the scenarios with a PostgreSQL/SQLite target (a busy machine)
 *   BENCH_SCENARIOS=posting             of those, only "POST an answer" (work on the write path)
 *   BENCH_SCENARIOS=search              only search and similar questions (minutes, not the whole run)
 *   BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof"   added to the app servers' node flags
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { SMTPServer } from "smtp-server";
import { similarityWords } from "../../app/models/search/query.server";
import { startScriptNodeFlags } from "../fixtures/start-script";
import type { NotifyJob } from "./app-task";
import {
  benchEngines,
  cloneDatabase,
  copyToPostgres,
  createEmptyDatabase,
  dropDatabase,
  engineLabel,
  envFor,
  openBenchDb,
  settlePostgres,
  sqliteDatabase,
  startPostgresCluster,
  type BenchDatabase,
  type BenchDb,
  type EngineName,
} from "./engines";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BENCH_DIR = path.join(ROOT, "test/.tmp/bench");
// Mail, the baseline's page bytes and database copies: per checkout, even when BENCH_DIR is shared.
const RUN_DIR = path.join(ROOT, "test/.tmp/bench-run");
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
const MIN_ANSWERS_PER_SECOND = 300;
const HOT_WATCHERS = 10_000;
const HOT_MUTED = 100;
const MAIL_EMAILS = Number(process.env.BENCH_EMAILS ?? 2000);
const MIN_EMAILS_PER_SECOND = 200;
const COMPARE_ROOT = process.env.BENCH_COMPARE_ROOT ? path.resolve(process.env.BENCH_COMPARE_ROOT) : null;
// PostgreSQL's thread pages, answer posting and search must reach this share of SQLite's req/s.
const PG_MIN_RATIO = 0.7;
// BENCH_SCENARIOS=compared: only the scenarios with a PostgreSQL/SQLite target (and the baseline runs
// between the thread-page rows), for a machine too busy for the whole run; =posting: of those, only
// "POST an answer", for work on the write path.
// =search: only search and similar questions, for work on search speed.
const ONLY_POSTING = process.env.BENCH_SCENARIOS === "posting";
const ONLY_SEARCH = process.env.BENCH_SCENARIOS === "search";
const serverNodeFlags = (process.env.BENCH_NODE_FLAGS ?? "").split(" ").filter(Boolean);
const ONLY_COMPARED = process.env.BENCH_SCENARIOS === "compared" || ONLY_POSTING || ONLY_SEARCH;
if (![undefined, "all", "compared", "posting", "search"].includes(process.env.BENCH_SCENARIOS))
  throw new Error(`BENCH_SCENARIOS takes all, compared, posting or search, not "${process.env.BENCH_SCENARIOS}"`);
// Issue 17: every search scenario, including similar questions while typing, at a million posts.
const SEARCH_MAX_P99_MS = 25;
const SEARCH_WARM_UP_SECONDS = 2;

/** What a scenario's responses must be; `verify` returns what is wrong with one, or null. */
type Expectation = {
  statuses: number[];
  verify?: (
    status: number,
    body: string,
    context: Record<string, unknown>,
    headers: Record<string, unknown>,
  ) => string | null;
};
type Checks = { responses: number; wrongStatus: number; wrongBody: number; examples: string[] };
type Measured = { result: autocannon.Result; peakRssMb: number | null; ratio?: number };
type Target = { label: string; met: (row: Measured) => boolean };
type Scenario = Measured & {
  name: string;
  targets: Target[];
  checks: Checks;
  baseline?: boolean;
  note?: string;
  /** Measured on a server of its own (its peak RSS stays out of the main server's). */
  ownServer?: boolean;
  /** On PostgreSQL, the least share of SQLite's req/s for the same scenario (a target). */
  vsSqlite?: number;
};
type OverloadRun = { code: string; result: autocannon.Result; peakMemoryMb: number; checks: Checks; counts: boolean };

const minRps = (rps: number): Target => ({ label: `≥ ${rps} req/s`, met: (row) => row.result.requests.average >= rps });
const minAnswersPerSecond = (rps: number): Target => ({
  label: `≥ ${rps} answers/s`,
  met: (row) => row.result.requests.average >= rps,
});
const maxP99 = (ms: number): Target => ({ label: `p99 ≤ ${ms} ms`, met: (row) => row.result.latency.p99 <= ms });
const minRatio = (ratio: number, aim: number): Target => ({
  label: `≥ ${ratio}x baseline (aim ${aim}x)`,
  met: (row) => (row.ratio ?? 0) >= ratio,
});
const maxRss = (mb: number): Target => ({
  label: `peak RSS ≤ ${mb} MB`,
  met: (row) => row.peakRssMb !== null && row.peakRssMb <= mb,
});
const VISITOR_PAGE_TARGETS = [minRps(500), maxP99(40)];

async function freePort(): Promise<number> {
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

// Linux's clock ticks per second for /proc/<pid>/stat (USER_HZ: 100 on every mainstream build).
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, ms) process `pid` has used so far (Linux /proc; 0 once it is gone), with
 * `waitedChildren` also that of its children that have exited.
 */
function cpuMs(pid: number, { waitedChildren = false } = {}) {
  try {
    // utime, stime, cutime, cstime: fields 14-17, counted after the command name, which may hold spaces.
    const [utime, stime, cutime, cstime] = fs
      .readFileSync(`/proc/${pid}/stat`, "utf8")
      .split(") ")[1]
      .split(" ")
      .slice(11, 15)
      .map(Number);
    return ((utime + stime + (waitedChildren ? cutime + cstime : 0)) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/**
 * CPU time (ms) the PostgreSQL server of the cluster in `folder` has used so far: the postmaster with
 * the backends and workers that have exited, plus those running (a process that ends moves from the
 * second count to the first).
 */
function postgresCpuMs(folder: string) {
  const postmaster = Number(fs.readFileSync(path.join(folder, "data/postmaster.pid"), "utf8").split("\n")[0]);
  let total = cpuMs(postmaster, { waitedChildren: true });
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const parent = Number(fs.readFileSync(`/proc/${name}/stat`, "utf8").split(") ")[1].split(" ")[1]);
      if (parent === postmaster) total += cpuMs(Number(name));
    } catch {
      // exited
    }
  }
  return total;
}

/** Sets the process's peak RSS back to its current RSS (Linux: 5 > clear_refs); false when not allowed. */
function resetPeakRss(pid: number) {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

function seedDatabase(threads: number, answers: number) {
  fs.mkdirSync(BENCH_DIR, { recursive: true });
  const file = path.join(BENCH_DIR, `hearth-${threads}-${answers}.sqlite`);
  if (fs.existsSync(file)) return file;
  const partial = `${file}.partial`;
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(partial + suffix, { force: true });
  console.log(`Seeding ${threads} threads / ${answers} answers (cached at ${path.relative(ROOT, file)})…`);
  const started = Date.now();
  execFileSync(
    path.join(ROOT, "node_modules/.bin/tsx"),
    ["app/cli/seed.ts", "--threads", String(threads), "--answers", String(answers)],
    {
      cwd: ROOT,
      env: { ...process.env, DATABASE_PATH: partial },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const sqlite = new Database(partial);
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  sqlite.exec("ANALYZE");
  sqlite.close();
  fs.renameSync(partial, file);
  console.log(`  seeded in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return file;
}

/** Bench users with live sessions, and one thread with exactly 50 answers, through the app's models. */
/**
 * `tsx test/bench/app-task.ts …` on `database`: work through the app's models in a process of its
 * own (the app picks its engine once, when its modules load); its last line of output is the result.
 */
function appTask<T = unknown>(database: BenchDatabase, args: string[]): T {
  const output = execFileSync(path.join(ROOT, "node_modules/.bin/tsx"), ["test/bench/app-task.ts", ...args], {
    cwd: ROOT,
    env: envFor(database),
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(output.trim().split("\n").at(-1)!) as T;
}

/** Bench users with live sessions, and one thread with exactly 50 answers (test/bench/app-task.ts). */
type Fixtures = {
  threadPath: string;
  members: { username: string; cookie: string }[];
  answerTargets: string[];
};

/**
 * What the search scenarios look for, picked from SQLite's index: a very common, a middling and a
 * rare indexed term (stems, as the index stores them), the three most common terms a title's
 * similar-question lookup would keep (a three-word query whose matches are many), and titles of
 * solved questions to type on the ask page.
 */
function searchTerms(file: string) {
  const sqlite = new Database(file, { readonly: true });
  try {
    sqlite.exec("CREATE VIRTUAL TABLE temp.thread_terms USING fts5vocab(main, search_threads, row)");
    const threads = (sqlite.prepare("SELECT count(*) AS n FROM search_threads").get() as { n: number }).n;
    const pick = (sql: string, ...params: number[]) => {
      const { term, doc } = sqlite.prepare(sql).get(...params) as { term: string; doc: number };
      return { q: term, doc };
    };
    const word = "length(term) > 3 AND term GLOB '[a-z]*'";
    const common = sqlite
      .prepare(`SELECT term FROM temp.thread_terms WHERE ${word} ORDER BY doc DESC LIMIT 100`)
      .pluck()
      .all() as string[];
    const threeWords = common.filter((term) => similarityWords(term).length > 0).slice(0, 3);
    const threeWordMatches = sqlite
      .prepare("SELECT count(*) FROM search_threads WHERE search_threads MATCH ?")
      .pluck()
      .get(threeWords.map((term) => `"${term}"`).join(" AND ")) as number;
    // Spread over the community's history (every so many ids), newest first.
    const titles = sqlite
      .prepare(
        `SELECT DISTINCT title FROM threads WHERE status = 'solved' AND length(title) BETWEEN 20 AND 100
         AND id % ? = 0 ORDER BY id DESC LIMIT 40`,
      )
      .pluck()
      .all(Math.max(1, Math.floor(threads / 400))) as string[];
    if (titles.length === 0) throw new Error(`${file} has no solved question to type the title of`);
    return {
      words: [
        { label: "very common word", ...pick("SELECT term, doc FROM temp.thread_terms ORDER BY doc DESC LIMIT 1") },
        {
          label: "middling word",
          ...pick(
            `SELECT term, doc FROM temp.thread_terms WHERE ${word} AND doc <= ? ORDER BY doc DESC LIMIT 1`,
            Math.round(threads * 0.02),
          ),
        },
        {
          label: "rare word",
          ...pick(
            `SELECT term, doc FROM temp.thread_terms WHERE ${word} AND doc BETWEEN 3 AND 10 ORDER BY doc DESC LIMIT 1`,
          ),
        },
        { label: "three common words", q: threeWords.join(" "), doc: threeWordMatches },
      ],
      titles,
    };
  } finally {
    sqlite.close();
  }
}

/**
 * Each title typed character by character from its third, one title after another (the ask page
 * asks for similar questions while a title is typed); `whole` on a title's last prefix.
 */
function typedTitles(titles: string[]) {
  let title = 0;
  let length = 2;
  return () => {
    length += 1;
    if (length > titles[title].length) {
      title = (title + 1) % titles.length;
      length = 3;
    }
    return { prefix: titles[title].slice(0, length), whole: length === titles[title].length };
  };
}

/** Similar questions as JSON: a list of hits, never empty for a whole title (it is a solved question's). */
const expectSimilar: Expectation = {
  statuses: [200],
  verify: (_status, body, context) => {
    let similar: unknown;
    try {
      similar = (JSON.parse(body) as { similar?: unknown }).similar;
    } catch {
      return "not JSON";
    }
    if (!Array.isArray(similar)) return "JSON without a similar list";
    if (similar.some((hit) => typeof hit?.url !== "string")) return "a similar hit without a url";
    return context.wholeTitle && similar.length === 0 ? "nothing similar to a whole title" : null;
  },
};

// What tells a signed-in page from a visitor's: the header nav (app/root.tsx) links to the reader's
// own profile and has "Sign out"; a visitor's has "Sign in" instead.
function mainNav(body: string) {
  const start = body.indexOf('<nav aria-label="Main"');
  const end = body.indexOf("</nav>", start);
  return start === -1 || end === -1 ? null : body.slice(start, end);
}

function pageProblem(body: string, username: unknown) {
  const nav = mainNav(body);
  if (nav === null) return "no header nav";
  if (typeof username === "string") {
    return nav.includes(`href="/users/${username}"`) && nav.includes("Sign out")
      ? null
      : `signed-in page without ${username} in the nav`;
  }
  return nav.includes('href="/login"') && !nav.includes("Sign out") ? null : "visitor page with a signed-in nav";
}

/** The 50-answer thread page: the question and 50 answers (Hearth's PostView and the baseline both start a post so). */
function fiftyAnswers(body: string) {
  let posts = 0;
  for (let at = body.indexOf('<article id="post-'); at !== -1; at = body.indexOf('<article id="post-', at + 1))
    posts += 1;
  return posts === 51 ? null : `${posts} posts on the page, not the question and 50 answers`;
}
const expectThreadPage: Expectation = { statuses: [200], verify: (_status, body) => fiftyAnswers(body) };

/** A page for whoever setupRequest put in `context.username` (a member), or for a visitor. */
const expectPage = (extra?: (body: string) => string | null): Expectation => ({
  statuses: [200],
  verify: (_status, body, context) => pageProblem(body, context.username) ?? extra?.(body) ?? null,
});
const expectJson = (key: string): Expectation => ({
  statuses: [200],
  verify: (_status, body) => (body.includes(`"${key}"`) ? null : `JSON without "${key}"`),
});
/** A posted answer redirects (303) to the new post in the thread it was posted to. */
function answerProblem(status: number, location: unknown, threadPath: unknown) {
  if (status !== 303) return `status ${status}`;
  return typeof location === "string" &&
    typeof threadPath === "string" &&
    location.startsWith(threadPath) &&
    /#post-\d+$/.test(location)
    ? null
    : `redirected to ${String(location)}`;
}
const expectAnswerPosted: Expectation = {
  statuses: [303],
  verify: (status, _body, context, headers) => answerProblem(status, headers.location, context.threadPath),
};

function newChecks(): Checks {
  return { responses: 0, wrongStatus: 0, wrongBody: 0, examples: [] };
}

function recordProblem(checks: Checks, problem: string, wrongStatus: boolean) {
  if (wrongStatus) checks.wrongStatus += 1;
  else checks.wrongBody += 1;
  if (checks.examples.length < 3 && !checks.examples.includes(problem)) checks.examples.push(problem);
}

/** autocannon's per-response hook, counting responses that are not what the scenario claims. */
function checking(checks: Checks, expectation: Expectation) {
  return (status: number, body: string, context: object, headers: unknown) => {
    checks.responses += 1;
    if (!expectation.statuses.includes(status)) return recordProblem(checks, `status ${status}`, true);
    const problem =
      expectation.verify?.(
        status,
        body,
        context as Record<string, unknown>,
        (headers ?? {}) as Record<string, unknown>,
      ) ?? null;
    if (problem) recordProblem(checks, problem, false);
  };
}

type Step = {
  path?: string;
  username?: string;
  cookie?: string;
  method?: "GET" | "POST";
  body?: string;
  headers?: Record<string, string>;
  threadPath?: string;
  /** /api/similar: the request sends a whole title. */
  wholeTitle?: boolean;
};

/**
 * autocannon at 10 connections for SECONDS unless `options` says otherwise; `next` (if any) gives
 * each request, and every response is checked against `expectation`.
 */
async function run(options: autocannon.Options, expectation: Expectation, next?: () => Step) {
  const checks = newChecks();
  const request: autocannon.Request = {
    method: "GET",
    onResponse: checking(checks, expectation),
    setupRequest: (base, context) => {
      if (!next) return base;
      const step = next();
      // Read back by the response check: autocannon hands a connection's context to both hooks.
      Object.assign(context, { username: step.username, threadPath: step.threadPath, wholeTitle: step.wholeTitle });
      const headers = { ...step.headers, ...(step.cookie ? { cookie: step.cookie } : {}) };
      return { ...base, method: step.method ?? "GET", path: step.path ?? base.path, headers, body: step.body };
    },
  };
  return new Promise<{ result: autocannon.Result; checks: Checks }>((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options, requests: [request] }, (error, result) =>
      error ? reject(error) : resolve({ result, checks }),
    );
  });
}

/**
 * Runs `work` on `pid` with the process's peak RSS reset before it, and reads that peak after it
 * (where the reset is not allowed, the peak since the process started: an upper bound).
 */
async function measuring<T>(pid: number, work: () => Promise<T>): Promise<T & { peakRssMb: number }> {
  resetPeakRss(pid);
  const outcome = await work();
  return { ...outcome, peakRssMb: peakRssMb(pid) };
}

/**
 * Posts one answer (`step`) outside autocannon and checks it redirected to the new post (a problem
 * counts in `checks`); returns the latency and the new post's id (null when wrong), or null when it failed.
 */
async function postOneAnswer(baseUrl: string, step: Step, checks: Checks) {
  const started = performance.now();
  try {
    const response = await fetch(baseUrl + step.path, {
      method: "POST",
      headers: { ...step.headers, cookie: step.cookie! },
      body: step.body,
      redirect: "manual",
      signal: AbortSignal.timeout(30_000),
    });
    await response.arrayBuffer();
    const ms = performance.now() - started;
    checks.responses += 1;
    const location = response.headers.get("location");
    const problem = answerProblem(response.status, location, step.path);
    if (problem) recordProblem(checks, problem, response.status !== 303);
    return { postId: problem ? null : Number(/#post-(\d+)$/.exec(location!)![1]), ms };
  } catch (error) {
    recordProblem(checks, `request failed: ${String(error)}`, true);
    return null;
  }
}

/**
 * Posts an answer every `intervalMs` for `durationMs`, spread evenly (not in bursts), each by the
 * next member; counts those that did not redirect to the new post.
 */
async function postAnswersSteadily(baseUrl: string, intervalMs: number, durationMs: number, nextAnswer: () => Step) {
  const checks = newChecks();
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const postOne = async () => {
    const posted = await postOneAnswer(baseUrl, nextAnswer(), checks);
    if (posted) latencies.push(posted.ms);
  };
  // One at once and one per interval: rate × duration answers in all.
  pending.push(postOne());
  const timer = setInterval(() => pending.push(postOne()), intervalMs);
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  clearInterval(timer);
  await Promise.all(pending);
  latencies.sort((a, b) => a - b);
  const p99 = latencies.length
    ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))])
    : 0;
  return { checks, posted: latencies.length, p99 };
}

/** The thread page's stored bytes from a plain node:http server: the ceiling for a page served from a cache. */
async function startBytesServer(bytes: Buffer, contentType: string) {
  const port = await freePort();
  const bodyFile = path.join(RUN_DIR, "thread-page.html");
  fs.writeFileSync(bodyFile, bytes);
  const script = `const http=require("node:http");const body=require("node:fs").readFileSync(process.env.BODY_FILE);http.createServer((q,s)=>{s.writeHead(200,{"content-type":process.env.CT,"content-length":body.length});s.end(body)}).listen(${port},"127.0.0.1",()=>console.log("ready"))`;
  const child = spawn(process.execPath, ["-e", script], {
    env: { ...process.env, BODY_FILE: bodyFile, CT: contentType },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()));
  return { url: `http://127.0.0.1:${port}`, child };
}

/** test/bench/baseline-server.tsx on `file`: the same thread page from bare React and node:http. */
async function startBaselineServer(file: string) {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "test/bench/baseline-server.tsx"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_PATH: file, PORT: String(port), NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`baseline server exited with ${code}`)));
    child.stdout!.once("data", () => resolve());
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

/**
 * `node server.mjs` from `root` on `database`, with the same command line as `npm start`, jobs off
 * unless `jobs` (then fan-outs and their emails run in the server, right after each commit).
 */
async function startServer(
  root: string,
  database: BenchDatabase,
  { jobs = false, mailDir = path.join(RUN_DIR, `mail-${database.engine}`) } = {},
) {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, [...startScriptNodeFlags(root), ...serverNodeFlags, "server.mjs"], {
    cwd: root,
    env: envFor(database, { PORT: String(port), MAIL_DIR: mailDir, NODE_ENV: "production", JOBS: jobs ? "on" : "off" }),
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

/** Stops `child` with SIGTERM, and with SIGKILL after `killAfterMs` when given; whether it stopped by itself. */
async function stopProcess(child: ChildProcess, killAfterMs?: number) {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return new Promise<boolean>((resolve) => {
    const timer = killAfterMs === undefined ? null : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.once("exit", (_code, signal) => {
      if (timer) clearTimeout(timer);
      resolve(signal !== "SIGKILL");
    });
    child.kill("SIGTERM");
  });
}

/**
 * 200 connections of mixed reads: the question list and a thread page as a visitor (mostly from
 * the page cache), the same two signed in (rendered each time), and searches with distinct URLs.
 */
async function overloadScenario(baseUrl: string, fixtures: Fixtures) {
  let n = 0;
  const member = () => fixtures.members[n % fixtures.members.length];
  const steps: (() => Step)[] = [
    () => ({ path: "/questions" }),
    () => ({ path: fixtures.threadPath }),
    () => ({ path: fixtures.threadPath, ...member() }),
    () => ({ path: `/questions?sort=top&page=${1 + (n % 20)}`, ...member() }),
    () => ({ path: `/search?q=wifi+reset&n=${n}` }),
  ];
  // Shed requests answer 503 with no page; every page that is served must be the right reader's.
  const expectation: Expectation = {
    statuses: [200, 503],
    verify: (status, body, context) => (status === 200 ? pageProblem(body, context.username) : null),
  };
  return run(
    { url: baseUrl, connections: OVERLOAD_CONNECTIONS, timeout: 30 }, // seconds: slow answers are measured, not dropped as errors
    expectation,
    () => steps[n++ % steps.length](),
  );
}

/** An online copy of `file` (a server may be writing it) under RUN_DIR, named `name`. */
/** One `npm run jobs:run-once` on a copy of the database as the scenarios left it (the server ran with JOBS=off). */
async function timeJobsOnce(database: BenchDatabase) {
  const copy = await cloneDatabase(database, "jobs-copy", RUN_DIR);
  const mailDir = path.join(RUN_DIR, "jobs-mail");
  const started = performance.now();
  try {
    const output = execFileSync(path.join(ROOT, "node_modules/.bin/tsx"), ["app/cli/jobs-run-once.ts"], {
      cwd: ROOT,
      env: envFor(copy, { MAIL_DIR: mailDir, NODE_ENV: "production" }),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    return { seconds: (performance.now() - started) / 1000, output: output.trim().split("\n").join("; ") };
  } finally {
    await dropDatabase(copy);
    fs.rmSync(mailDir, { recursive: true, force: true });
  }
}

/** Marks the background work already waiting in a database copy as done, so a timed run does only what the bench queues. */
async function settleBacklog(db: BenchDb, at: number) {
  await db.run("UPDATE notification_fan_outs SET done_at = ? WHERE done_at IS NULL", at);
  await db.run(
    "UPDATE email_outbox SET sent_at = ?, last_error = 'settled by npm run bench' WHERE sent_at IS NULL",
    at,
  );
}

/** `rows` inserted by `insert` (its VALUES list written for one row), 500 rows a statement; the rows returned. */
async function insertInBatches<T>(db: BenchDb, insert: (values: string) => string, rows: unknown[][]) {
  const returned: T[] = [];
  for (let start = 0; start < rows.length; start += 500) {
    const batch = rows.slice(start, start + 500);
    const values = batch.map((row) => `(${row.map(() => "?").join(", ")})`).join(", ");
    returned.push(...(await db.all<T>(insert(values), ...batch.flat())));
  }
  return returned;
}

/** `count` new members straight into the database (raw SQL, inside the caller's transaction; nobody can sign in as them). */
function insertRawMembers(db: BenchDb, prefix: string, count: number, at: number) {
  const stamp = at.toString(36);
  return insertInBatches<{ id: number; email: string }>(
    db,
    (values) =>
      `INSERT INTO users (email, username, password_hash, role, created_at, email_confirmed_at) VALUES ${values} RETURNING id, email`,
    Array.from({ length: count }, (_, i) => [
      `${prefix}-${stamp}-${i}@example.com`,
      `${prefix}-${stamp}-${i}`,
      "!",
      "member",
      at,
      at,
    ]),
  );
}

/**
 * Gives the first answer target of `copy` HOT_WATCHERS watchers at the thread's own level (the bench
 * members, who post, and new members) and HOT_MUTED who muted it; its category and tags are
 * watched by nobody, so `expectedRecipients` can count from the thread's rows alone. Work queued
 * before is settled, so the server's fan-outs are the ones the scenario makes.
 */
async function prepareHotThread(copy: BenchDatabase, fixtures: Fixtures) {
  const threadPath = fixtures.answerTargets[0];
  const threadId = Number(threadPath.split("/")[2]);
  const db = await openBenchDb(copy);
  try {
    const at = Date.now();
    await db.transaction(async () => {
      await settleBacklog(db, at);
      const members = await db.all<{ id: number }>(
        `SELECT id FROM users WHERE username IN (${fixtures.members.map(() => "?").join(", ")})`,
        ...fixtures.members.map((m) => m.username),
      );
      if (members.length !== fixtures.members.length) throw new Error("the bench members are not in the copy");
      const added = (await insertRawMembers(db, "hot", HOT_WATCHERS - members.length + HOT_MUTED, at)).map((u) => u.id);
      await db.run(
        `DELETE FROM watches WHERE (target = 'category' AND target_id = (SELECT category_id FROM threads WHERE id = ?))
            OR (target = 'tag' AND target_id IN (SELECT tag_id FROM thread_tags WHERE thread_id = ?))`,
        threadId,
        threadId,
      );
      const watchers = [...members.map((m) => m.id), ...added.slice(0, HOT_WATCHERS - members.length)];
      const muted = added.slice(HOT_WATCHERS - members.length);
      await insertInBatches(
        db,
        (values) =>
          `INSERT INTO watches (user_id, target, target_id, level, updated_at) VALUES ${values}
             ON CONFLICT (user_id, target, target_id) DO UPDATE SET level = excluded.level, updated_at = excluded.updated_at`,
        [
          ...watchers.map((id) => [id, "thread", threadId, "watching", at - 1000]),
          ...muted.map((id) => [id, "thread", threadId, "muted", at - 1000]),
        ],
      );
    });
  } finally {
    await db.close();
  }
  return { threadPath, threadId };
}

/**
 * Who must hear of `postId`, counted in SQL apart from the app's code: the thread's watchers and
 * trackers as of the post, and the asker unless muted, less the post's author.
 */
async function expectedRecipients(db: BenchDb, postId: number) {
  const row = await db.get<{ n: number }>(
    `SELECT count(*) AS n FROM (
       SELECT w.user_id AS user_id FROM posts p JOIN watches w
           ON w.target = 'thread' AND w.target_id = p.thread_id AND w.level IN ('watching', 'tracking')
          AND w.updated_at <= p.created_at
        WHERE p.id = ?
       UNION
       SELECT t.author_id FROM posts p JOIN threads t ON t.id = p.thread_id
        WHERE p.id = ? AND NOT EXISTS (SELECT 1 FROM watches w WHERE w.user_id = t.author_id
              AND w.target = 'thread' AND w.target_id = t.id AND w.level = 'muted')
     ) AS recipients WHERE user_id != (SELECT author_id FROM posts WHERE id = ?)`,
    postId,
    postId,
    postId,
  );
  return row!.n;
}

const countOf = async (db: BenchDb, sql: string, ...params: unknown[]) =>
  (await db.get<{ n: number }>(sql, ...params))!.n;
const notificationsFor = (db: BenchDb, postId: number) =>
  countOf(db, "SELECT count(*) AS n FROM notifications WHERE post_id = ?", postId);

/**
 * Posting answers to a thread with HOT_WATCHERS watchers, on `copy` (a copy of the database made
 * for it), with the server's background jobs on (each fan-out runs in the server right after its
 * answer commits, as in production). First one answer alone, timed until its fan-out is done (the
 * fan-out's own rate); then answers at full speed for SECONDS, measured like "POST an answer".
 * Every fan-out finished must have told exactly `expectedRecipients`, and the lone answer's must
 * finish; with the backlog the run leaves, the server must still answer /healthz within 1 s and stop
 * within 10 s of SIGTERM.
 */
async function hotThreadScenario(
  copy: BenchDatabase,
  fixtures: Fixtures,
  answerTo: (origin: string, threadPath: string) => Step,
): Promise<Scenario> {
  const mailDir = path.join(RUN_DIR, `hot-thread-mail-${copy.engine}`);
  const hot = await prepareHotThread(copy, fixtures);
  const { baseUrl, server } = await startServer(ROOT, copy, { jobs: true, mailDir });
  const db = await openBenchDb(copy, { readonly: true });
  const fanOutChecks = newChecks();
  try {
    const pendingFanOuts = () => countOf(db, "SELECT count(*) AS n FROM notification_fan_outs WHERE done_at IS NULL");
    const waitFor = async (done: () => Promise<boolean>, seconds: number) => {
      for (const until = performance.now() + seconds * 1000; performance.now() < until;) {
        if (await done()) return true;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return done();
    };
    // Warm-up, unmeasured: answers to other threads (small fan-outs), until their fan-outs are done.
    let warm = 0;
    await run({ url: baseUrl, duration: 2 }, expectAnswerPosted, () =>
      answerTo(baseUrl, fixtures.answerTargets[1 + (warm++ % (fixtures.answerTargets.length - 1))]),
    );
    await waitFor(async () => (await pendingFanOuts()) === 0, 60);

    // One answer alone: how long its fan-out takes, and that it told the right number of people.
    const lone = await postOneAnswer(baseUrl, answerTo(baseUrl, hot.threadPath), fanOutChecks);
    const loneStarted = performance.now();
    let lonePart = "the lone answer was not posted";
    if (lone?.postId) {
      const finished = await waitFor(async () => {
        const row = await db.get<{ done_at: number | null }>(
          "SELECT done_at FROM notification_fan_outs WHERE post_id = ?",
          lone.postId,
        );
        return row?.done_at != null;
      }, 120);
      const seconds = (performance.now() - loneStarted) / 1000;
      const told = await notificationsFor(db, lone.postId);
      const expected = await expectedRecipients(db, lone.postId);
      if (!finished)
        recordProblem(fanOutChecks, `the lone answer's fan-out not done after 120 s (${told} told)`, false);
      else if (told !== expected)
        recordProblem(fanOutChecks, `the lone answer's fan-out told ${told}, not ${expected}`, false);
      lonePart = `one answer alone: its fan-out told ${told.toLocaleString("en")} of ${expected.toLocaleString("en")} in ${seconds.toFixed(1)} s (${Math.round(told / seconds).toLocaleString("en")} notifications/s)`;
    }

    // Answers at full speed, the fan-outs running beside them in the same process.
    const last = await countOf(db, "SELECT coalesce(max(id), 0) AS n FROM notifications");
    const lastPost = await countOf(db, "SELECT max(id) AS n FROM posts");
    const measured = await measuring(server.pid!, () =>
      run({ url: baseUrl }, expectAnswerPosted, () => answerTo(baseUrl, hot.threadPath)),
    );
    const written = await countOf(db, "SELECT count(*) AS n FROM notifications WHERE id > ?", last);
    const queued = await pendingFanOuts();
    // With that backlog still being fanned out, the server must go on answering, and stop when told.
    const healthStarted = performance.now();
    const healthy = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(5_000) }).then(
      (response) => response.ok,
      () => false,
    );
    const healthMs = Math.round(performance.now() - healthStarted);
    if (!healthy || healthMs > 1_000)
      recordProblem(fanOutChecks, `/healthz ${healthy ? `took ${healthMs} ms` : "failed"} during the fan-outs`, false);
    if (!(await stopProcess(server, 10_000)))
      recordProblem(fanOutChecks, "the server did not stop within 10 s of SIGTERM (killed)", false);
    // Every fan-out of the run that finished told exactly whom it should (one cut short by the stop is left out).
    const finished = await db.all<{ postId: number }>(
      'SELECT post_id AS "postId" FROM notification_fan_outs WHERE post_id > ? AND done_at IS NOT NULL',
      lastPost,
    );
    for (const { postId } of finished) {
      const told = await notificationsFor(db, postId);
      const expected = await expectedRecipients(db, postId);
      if (told !== expected)
        recordProblem(fanOutChecks, `post ${postId}'s fan-out told ${told}, not ${expected}`, false);
    }
    const checks = measured.checks;
    checks.wrongStatus += fanOutChecks.wrongStatus;
    checks.wrongBody += fanOutChecks.wrongBody;
    checks.examples.push(...fanOutChecks.examples.map((problem) => `fan-out: ${problem}`));
    return {
      name: `POST an answer to a thread with ${HOT_WATCHERS.toLocaleString("en")} watchers (and ${HOT_MUTED} who muted it), background jobs on`,
      targets: [minAnswersPerSecond(MIN_ANSWERS_PER_SECOND)],
      ownServer: true,
      ...measured,
      checks,
      note: `${lonePart}; during the run ${written.toLocaleString("en")} notifications written (${Math.round(written / SECONDS).toLocaleString("en")}/s), ${queued.toLocaleString("en")} answers still queued then; /healthz beside them in ${healthMs} ms; fan-outs of the run finished by the stop: ${finished.length}, each checked`,
    };
  } finally {
    await db.close();
    await stopProcess(server);
    await dropDatabase(copy);
    fs.rmSync(mailDir, { recursive: true, force: true });
  }
}

/** An SMTP server in this process that counts what it receives, per recipient. */
async function startCountingSmtpServer() {
  const received = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      stream.on("data", () => {});
      stream.on("end", () => {
        for (const { address } of session.envelope.rcptTo)
          received.set(address.toLowerCase(), (received.get(address.toLowerCase()) ?? 0) + 1);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * MAIL_EMAILS emails in `copy` (a copy of the database made for it): one notification each, through
 * `notify` (in a child process, on the copy's engine), for as many new members, each about a
 * different visible answer (so the mail job composes real emails with post bodies). Earlier waiting
 * emails are settled first. Returns the addresses.
 */
async function queueBenchEmails(copy: BenchDatabase) {
  const db = await openBenchDb(copy);
  let members: { id: number; email: string }[];
  let answers: NotifyJob["answer"][];
  try {
    const at = Date.now();
    members = await db.transaction(async () => {
      await settleBacklog(db, at);
      return insertRawMembers(db, "mail", MAIL_EMAILS, at);
    });
    answers = await db.all<NotifyJob["answer"]>(
      `SELECT p.id, p.thread_id AS "threadId", p.author_id AS "authorId", u.username AS author, t.title, t.slug
         FROM posts p JOIN threads t ON t.id = p.thread_id JOIN users u ON u.id = p.author_id
        WHERE p.kind = 'answer' AND p.moderation_state = 'visible' AND t.visibility = 'visible'
        ORDER BY p.id LIMIT ?`,
      MAIL_EMAILS,
    );
  } finally {
    await db.close();
  }
  if (answers.length < MAIL_EMAILS) throw new Error(`only ${answers.length} visible answers to email about`);
  const jobsFile = path.join(RUN_DIR, `notify-${copy.engine}.json`);
  const jobs: NotifyJob[] = answers.map((answer, i) => ({ memberId: members[i].id, answer }));
  fs.writeFileSync(jobsFile, JSON.stringify(jobs));
  try {
    appTask(copy, ["notify", jobsFile]);
  } finally {
    fs.rmSync(jobsFile, { force: true });
  }
  return members.map((member) => member.email.toLowerCase());
}

/**
 * The mail job's throughput: MAIL_EMAILS queued in `copy` (made for it; dropped after), then sent by
 * test/bench/send-emails.ts (sendPendingEmails, batch after batch) in a child process with SMTP_URL
 * pointing at an SMTP server in this process. Target: MIN_EMAILS_PER_SECOND, every address once.
 */
async function timeMailJob(copy: BenchDatabase) {
  const smtp = await startCountingSmtpServer();
  try {
    const addresses = await queueBenchEmails(copy);
    const started = performance.now();
    // Asynchronous: the SMTP server answers on this process's event loop.
    const child = spawn(process.execPath, ["--import", "tsx", "test/bench/send-emails.ts"], {
      cwd: ROOT,
      env: envFor(copy, { SMTP_URL: smtp.url, NODE_ENV: "production" }),
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    const wallSeconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`test/bench/send-emails.ts exited with ${code}: ${output}`);
    const sent = JSON.parse(output.trim().split("\n").at(-1)!) as {
      sent: number;
      failed: number;
      skipped: number;
      batches: number;
      seconds: number;
    };
    const once = addresses.filter((address) => smtp.received.get(address) === 1).length;
    const received = [...smtp.received.values()].reduce((sum, n) => sum + n, 0);
    const perSecond = sent.sent / sent.seconds;
    const problems = [
      perSecond < MIN_EMAILS_PER_SECOND && `${Math.round(perSecond)} emails/s`,
      sent.sent !== addresses.length && `${sent.sent} of ${addresses.length} sent`,
      once !== addresses.length && `${addresses.length - once} addresses did not get exactly one email`,
      received !== addresses.length && `the SMTP server received ${received}, not ${addresses.length}`,
    ].filter(Boolean);
    return {
      queued: addresses.length,
      ...sent,
      wallSeconds,
      received,
      perSecond,
      passed: problems.length === 0,
      verdict: problems.length === 0 ? "met" : `missed: ${problems.join(", ")}`,
    };
  } finally {
    await smtp.close();
    await dropDatabase(copy);
  }
}

/** One engine's half of a size: its database and the copies made from it, fixtures, server and rows. */
type Side = {
  engine: EngineName;
  database: BenchDatabase;
  /** Copies for the hot-thread and mail scenarios (none with BENCH_SCENARIOS=compared). */
  hotCopy: BenchDatabase | null;
  mailCopy: BenchDatabase | null;
  fixtures: Fixtures;
  scenarios: Scenario[];
  overload: OverloadRun[];
};

/** The seeded community in a fresh PostgreSQL database of `cluster`, through `npm run db:copy`. */
async function postgresCopyOf(file: string, threads: number, answers: number, clusterUrl: string) {
  const database = await createEmptyDatabase(clusterUrl, `bench_${threads}_${answers}`);
  console.log(`Copying ${path.relative(ROOT, file)} into PostgreSQL (npm run db:copy)…`);
  const started = Date.now();
  copyToPostgres(ROOT, file, database);
  console.log(`  copied in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const settling = Date.now();
  await settlePostgres(database);
  console.log(`  vacuumed and checkpointed in ${((Date.now() - settling) / 1000).toFixed(0)} s`);
  return database;
}

async function benchSize(
  threads: number,
  answers: number,
  engines: EngineName[],
  clusterUrl: string | null,
  clusterFolder: string | null,
) {
  const file = seedDatabase(threads, answers);
  fs.mkdirSync(RUN_DIR, { recursive: true });
  // Up to date (migrations, search index) before it is read for search terms or copied.
  appTask(sqliteDatabase(file), ["prepare"]);
  // The run writes (its fixtures, the answers it posts) to a copy: the cached seed stays as seeded,
  // so every run measures the same community.
  const sqlite = await cloneDatabase(sqliteDatabase(file), "run", RUN_DIR);
  // Picked on SQLite, before anything is posted, and searched for on both engines.
  const searchInput = searchTerms(file);
  const sides: Side[] = [];
  for (const engine of engines) {
    const database = engine === "sqlite" ? sqlite : await postgresCopyOf(file, threads, answers, clusterUrl!);
    const fixtures = appTask<Fixtures>(database, ["fixtures", String(BENCH_USERS)]);
    // Made now, while no server is connected (PostgreSQL copies a database only then).
    const hotCopy = ONLY_COMPARED ? null : await cloneDatabase(database, "hot-thread", RUN_DIR);
    const mailCopy = ONLY_COMPARED ? null : await cloneDatabase(database, "mail", RUN_DIR);
    sides.push({ engine, database, hotCopy, mailCopy, fixtures, scenarios: [], overload: [] });
  }
  // The baseline reads SQLite's copy of the 50-answer thread, whichever engines are measured.
  const baselineFixtures =
    sides.find((side) => side.engine === "sqlite")?.fixtures ??
    appTask<Fixtures>(sqlite, ["fixtures", String(BENCH_USERS)]);
  const servers = new Map<Side, { baseUrl: string; server: ChildProcess }>();
  const compareServers = new Map<Side, { baseUrl: string; server: ChildProcess }>();
  const baselineServer = await startBaselineServer(sqlite.location);
  try {
    for (const side of sides) servers.set(side, await startServer(ROOT, side.database));
    // BENCH_COMPARE_ROOT with search scenarios: that checkout's server on each engine's database too,
    // so each search row is measured on both codes back to back (an A/B in one run).
    if (COMPARE_ROOT && !ONLY_POSTING)
      for (const side of sides) compareServers.set(side, await startServer(COMPARE_ROOT, side.database));
    const forSide = (side: Side) => {
      const { baseUrl, server } = servers.get(side)!;
      const { fixtures } = side;
      const form = { origin: baseUrl, "content-type": "application/x-www-form-urlencoded" };
      let nextMember = 0;
      const member = () => fixtures.members[nextMember++ % fixtures.members.length];
      let answerNumber = 0;
      const answerTo = (origin: string, threadPath: string): Step => {
        const body = new URLSearchParams({
          intent: "answer",
          body: `Benchmark answer ${++answerNumber}: check the **cable** and retry.`,
        }).toString();
        const headers = { ...form, origin };
        return { method: "POST", path: threadPath, threadPath, body, headers, ...member() };
      };
      const nextAnswer = () => answerTo(baseUrl, fixtures.answerTargets[answerNumber % fixtures.answerTargets.length]);
      const signedInStep = (): Step => ({ path: fixtures.threadPath, ...member() });
      const hearth = async (
        name: string,
        targets: Target[],
        work: () => Promise<{ result: autocannon.Result; checks: Checks; note?: string }>,
        vsSqlite?: number,
      ) => {
        const row: Scenario = { name, targets, vsSqlite, ...(await measuring(server.pid!, work)) };
        side.scenarios.push(row);
        return row;
      };
      const visitorWhilePosting = (perSecond: number) => async () => {
        const [reads, writes] = await Promise.all([
          run({ url: baseUrl + fixtures.threadPath }, expectPage(fiftyAnswers)),
          postAnswersSteadily(baseUrl, 1000 / perSecond, SECONDS * 1000, nextAnswer),
        ]);
        const checks = reads.checks;
        checks.wrongStatus += writes.checks.wrongStatus;
        checks.wrongBody += writes.checks.wrongBody;
        checks.examples.push(...writes.checks.examples.map((problem) => `posting: ${problem}`));
        return {
          ...reads,
          checks,
          note: `${writes.posted} answers posted (p99 ${writes.p99} ms), ${writes.checks.wrongStatus + writes.checks.wrongBody} not redirected to the new post`,
        };
      };
      return { baseUrl, server, form, member, answerTo, nextAnswer, signedInStep, hearth, visitorWhilePosting };
    };
    const measure = new Map(sides.map((side) => [side, forSide(side)]));
    /** `work` for each engine in turn (SQLite, then PostgreSQL): a pair of rows measured back to back. */
    const eachEngine = async (work: (side: Side, m: ReturnType<typeof forSide>) => Promise<unknown>) => {
      for (const side of sides) await work(side, measure.get(side)!);
    };

    const pages = new Map<Side, Buffer>();
    let contentType = "text/html";
    await eachEngine(async (side, { baseUrl }) => {
      const threadPage = await fetch(baseUrl + side.fixtures.threadPath);
      if (threadPage.status !== 200) throw new Error(`${side.engine}: thread page answered ${threadPage.status}`);
      pages.set(side, Buffer.from(await threadPage.arrayBuffer()));
      contentType = threadPage.headers.get("content-type") ?? contentType;
    });
    const baselinePage = await fetch(baselineServer.url + baselineFixtures.threadPath);
    const baselineKb = Math.round((await baselinePage.arrayBuffer()).byteLength / 1024);
    if (baselinePage.status !== 200) throw new Error(`baseline thread page answered ${baselinePage.status}`);

    // Warm-ups, unmeasured: the visitor's page, the signed-in render, the baseline render.
    await eachEngine(async (side, { baseUrl, signedInStep }) => {
      if (ONLY_SEARCH) return;
      await run({ url: baseUrl + side.fixtures.threadPath, duration: 2 }, expectPage(fiftyAnswers));
      await run({ url: baseUrl, duration: 2 }, expectPage(fiftyAnswers), signedInStep);
      // Posting alone: each member seen once first, as the signed-in scenario does in a full run,
      // so the answers are not also the server's first note of their authors' visits (a write each).
      if (ONLY_POSTING)
        await run({ url: baseUrl, amount: side.fixtures.members.length }, expectPage(fiftyAnswers), signedInStep);
    });
    if (!ONLY_SEARCH)
      await run({ url: baselineServer.url + baselineFixtures.threadPath, duration: 2 }, expectThreadPage);

    // The thread page, interleaved with the baseline so the machine's drift hits both: baseline,
    // then the scenario on each engine, then the baseline again, and so on.
    const pageSequence: Scenario[] = [];
    let baselineRuns = 0;
    const baseline = async () => {
      const measured = await measuring(baselineServer.child.pid!, () =>
        run({ url: baselineServer.url + baselineFixtures.threadPath }, expectThreadPage),
      );
      const row: Scenario = {
        name: `baseline run ${++baselineRuns}: same thread, SQLite file, bare React renderToString + node:http`,
        targets: [],
        baseline: true,
        ...measured,
      };
      for (const side of sides) side.scenarios.push(row);
      pageSequence.push(row);
    };
    const pagePair = async (
      name: string,
      targets: Target[],
      work: (m: ReturnType<typeof forSide>, side: Side) => () => Promise<{ result: autocannon.Result; checks: Checks }>,
    ) => {
      await eachEngine(async (side, m) =>
        pageSequence.push(await m.hearth(name, targets, work(m, side), PG_MIN_RATIO)),
      );
      await baseline();
    };
    const threadPageScenarios = async () => {
      await baseline();
      await pagePair(
        "GET thread page (50 answers), visitor",
        VISITOR_PAGE_TARGETS,
        ({ baseUrl }, side) =>
          () =>
            run({ url: baseUrl + side.fixtures.threadPath }, expectPage(fiftyAnswers)),
      );
      await pagePair(
        "GET thread page (50 answers), signed in: no page cache",
        [minRatio(0.3, 0.4), maxP99(40), maxRss(300)],
        ({ baseUrl, signedInStep }) =>
          () =>
            run({ url: baseUrl }, expectPage(fiftyAnswers), signedInStep),
      );
      await pagePair(
        "GET thread page (50 answers), visitor, while 2 answers/s are posted to other threads",
        VISITOR_PAGE_TARGETS,
        ({ visitorWhilePosting }) => visitorWhilePosting(2),
      );
      await pagePair(
        "GET thread page (50 answers), visitor, while 10 answers/s are posted to other threads",
        VISITOR_PAGE_TARGETS,
        ({ visitorWhilePosting }) => visitorWhilePosting(10),
      );
    };
    if (!ONLY_POSTING && !ONLY_SEARCH) await threadPageScenarios();
    // Each thread-page row against the mean of the baseline runs just before and after its pair.
    pageSequence.forEach((row, i) => {
      if (row.baseline) return;
      const before = pageSequence
        .slice(0, i)
        .reverse()
        .find((other) => other.baseline);
      const after = pageSequence.slice(i + 1).find((other) => other.baseline);
      const around = [before, after].filter((b): b is Scenario => b !== undefined);
      row.ratio =
        row.result.requests.average / (around.reduce((sum, b) => sum + b.result.requests.average, 0) / around.length);
    });
    await stopProcess(baselineServer.child);

    if (!ONLY_COMPARED) {
      await eachEngine((_side, { baseUrl, hearth }) =>
        hearth("GET /questions", [], () => run({ url: `${baseUrl}/questions` }, expectPage())),
      );
      const previewBody = new URLSearchParams({
        body: "## Steps\n\n1. Hold **reset** for 2 s\n2. Reconnect in the app\n\n```sh\nnimbus status\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |",
      }).toString();
      await eachEngine((_side, { baseUrl, hearth, form, member }) =>
        hearth("POST /api/preview", [], () =>
          run({ url: `${baseUrl}/api/preview` }, expectJson("html"), () => ({
            method: "POST",
            body: previewBody,
            headers: form,
            ...member(),
          })),
        ),
      );
    }
    await eachEngine(async (_side, { baseUrl, hearth, nextAnswer }) => {
      if (ONLY_SEARCH) return;
      await hearth(
        "POST an answer",
        [minAnswersPerSecond(MIN_ANSWERS_PER_SECOND)],
        () => run({ url: baseUrl }, expectAnswerPosted, nextAnswer),
        PG_MIN_RATIO,
      );
    });
    // Beside it: the same, to one thread with 10,000 watchers, on a copy, with the fan-out in the server.
    await eachEngine(async (side, { answerTo }) => {
      if (side.hotCopy) side.scenarios.push(await hotThreadScenario(side.hotCopy, side.fixtures, answerTo));
    });
    let searchNumber = 0;
    /** A search scenario on each engine in turn, after a warm-up of its own (unmeasured). */
    const searchScenario = (name: string, expectation: Expectation, next: () => Step, vsSqlite?: number) =>
      eachEngine(async (side, { baseUrl, server, hearth }) => {
        // CPU per request of the server and, on PostgreSQL, of the database's processes: on a busy
        // machine the latencies swing, the work done per request much less.
        const measureOn = (url: string, server: ChildProcess) => async () => {
          const databaseMs = () => (side.engine === "postgres" ? postgresCpuMs(clusterFolder!) : 0);
          const [serverBefore, databaseBefore] = [cpuMs(server.pid!), databaseMs()];
          const measured = await run({ url, connections: 1, duration: SEARCH_SECONDS }, expectation, next);
          const requests = Math.max(1, measured.checks.responses);
          const serverCpu = (cpuMs(server.pid!) - serverBefore) / requests;
          const databaseCpu = (databaseMs() - databaseBefore) / requests;
          const database = side.engine === "postgres" ? `, PostgreSQL ${databaseCpu.toFixed(1)} ms` : "";
          return { ...measured, note: `CPU per request: server ${serverCpu.toFixed(1)} ms${database}` };
        };
        await run({ url: baseUrl, connections: 1, duration: SEARCH_WARM_UP_SECONDS }, expectation, next);
        await hearth(name, [maxP99(SEARCH_MAX_P99_MS)], measureOn(baseUrl, server), vsSqlite);
        const other = compareServers.get(side);
        if (!other) return;
        await run({ url: other.baseUrl, connections: 1, duration: SEARCH_WARM_UP_SECONDS }, expectation, next);
        // Informational: the other code's row carries no target, so it cannot fail the run.
        side.scenarios.push({
          name: `${name} [${COMPARE_ROOT}]`,
          targets: [],
          ...(await measuring(other.server.pid!, measureOn(other.baseUrl, other.server))),
        });
      });
    const expectSearchHits = expectPage((body) => (body.includes('class="search-hit"') ? null : "no search hit"));
    for (const term of ONLY_POSTING ? [] : searchInput.words)
      await searchScenario(
        `GET /search, ${term.label} ("${term.q}", in ${term.doc.toLocaleString("en")} threads on SQLite), 1 connection`,
        expectSearchHits,
        () => ({ path: `/search?q=${encodeURIComponent(term.q)}&n=${++searchNumber}` }),
        PG_MIN_RATIO,
      );
    if (!ONLY_POSTING && (!ONLY_COMPARED || ONLY_SEARCH)) {
      const typing = typedTitles(searchInput.titles);
      await searchScenario(
        `GET /api/similar while titles are typed (prefix by prefix, ${searchInput.titles.length} solved questions' titles), 1 connection`,
        expectSimilar,
        () => {
          const { prefix, whole } = typing();
          return { path: `/api/similar?title=${encodeURIComponent(prefix)}&n=${++searchNumber}`, wholeTitle: whole };
        },
      );
    }
    // Over the measured scenarios so far, so the figure compares with runs that had no overload scenario.
    const peakMemoryMb = new Map(
      sides.map((side) => [
        side,
        Math.max(...side.scenarios.filter((s) => !s.baseline && !s.ownServer).map((s) => s.peakRssMb ?? 0)),
      ]),
    );
    await eachEngine(async (side, { server, baseUrl }) => {
      if (ONLY_COMPARED) return;
      const overloadRun = await measuring(server.pid!, () => overloadScenario(baseUrl, side.fixtures));
      side.overload.push({
        code: "this checkout",
        result: overloadRun.result,
        checks: overloadRun.checks,
        peakMemoryMb: overloadRun.peakRssMb,
        counts: true,
      });
    });

    // Not the database's: one run, shown in each engine's table.
    const pageBytes = pages.get(sides[0])!;
    if (!ONLY_COMPARED) {
      const bytes = await startBytesServer(pageBytes, contentType);
      try {
        const row: Scenario = {
          name: "the thread page's stored bytes from node:http (ceiling for a cached page)",
          targets: [],
          baseline: true,
          peakRssMb: null,
          ...(await run({ url: bytes.url }, expectThreadPage)),
        };
        for (const side of sides) side.scenarios.push(row);
      } finally {
        await stopProcess(bytes.child);
      }
    }
    for (const { server } of [...servers.values(), ...compareServers.values()]) await stopProcess(server);
    const jobs = new Map<Side, Awaited<ReturnType<typeof timeJobsOnce>>>();
    const mail = new Map<Side, Awaited<ReturnType<typeof timeMailJob>>>();
    for (const side of sides) if (!ONLY_COMPARED) jobs.set(side, await timeJobsOnce(side.database));
    for (const side of sides) if (side.mailCopy) mail.set(side, await timeMailJob(side.mailCopy));
    const sqliteSide = sides.find((side) => side.engine === "sqlite");
    if (COMPARE_ROOT && sqliteSide && !ONLY_COMPARED) {
      const other = await startServer(COMPARE_ROOT, sqliteSide.database);
      try {
        await run({ url: other.baseUrl + sqliteSide.fixtures.threadPath, duration: 2 }, { statuses: [200] }); // warm-up
        const compared = await overloadScenario(other.baseUrl, sqliteSide.fixtures);
        sqliteSide.overload.push({
          code: COMPARE_ROOT,
          ...compared,
          peakMemoryMb: peakRssMb(other.server.pid!),
          counts: false,
        });
      } finally {
        await stopProcess(other.server);
      }
    }
    return {
      threads,
      answers,
      pageKb: Math.round(pageBytes.length / 1024),
      baselineKb,
      engines: sides.map((side) => ({
        engine: side.engine,
        database: side.engine === "sqlite" ? path.relative(ROOT, side.database.location) : "PostgreSQL (db:copy of it)",
        peakMemoryMb: peakMemoryMb.get(side)!,
        scenarios: side.scenarios,
        overload: side.overload,
        jobs: jobs.get(side) ?? null,
        mail: mail.get(side) ?? null,
      })),
    };
  } finally {
    await stopProcess(baselineServer.child);
    for (const { server } of [...servers.values(), ...compareServers.values()]) await stopProcess(server);
    for (const side of sides) {
      if (side.hotCopy) await dropDatabase(side.hotCopy);
      if (side.mailCopy) await dropDatabase(side.mailCopy);
      if (side.engine === "postgres") await dropDatabase(side.database);
    }
    await dropDatabase(sqlite);
  }
}

function statusCounts(result: autocannon.Result) {
  const stats = Object.entries(result.statusCodeStats ?? {}).map(
    ([status, { count = 0 }]) => [Number(status), count] as const,
  );
  return stats.sort(([a], [b]) => a - b);
}

const wrongResponses = (checks: Checks) => checks.wrongStatus + checks.wrongBody;
const connectionErrors = (result: autocannon.Result) => result.errors + result.timeouts;

/** "failed checks: …" when a response was wrong or a connection failed, else "met"/"missed: …" by target ("ok" without one). */
function verdict(row: Scenario) {
  const failures = [
    row.checks.wrongStatus > 0 && `${row.checks.wrongStatus} unexpected status`,
    row.checks.wrongBody > 0 && `${row.checks.wrongBody} wrong page`,
    connectionErrors(row.result) > 0 && `${connectionErrors(row.result)} connection errors`,
    row.checks.responses === 0 && "no responses",
  ].filter(Boolean);
  const missed = row.targets.filter((target) => !target.met(row)).map((target) => target.label);
  const parts = [
    failures.length > 0 && `FAILED: ${failures.join(", ")}`,
    missed.length > 0 && `missed: ${missed.join(", ")}`,
  ].filter(Boolean);
  if (parts.length > 0) return { passed: false, text: parts.join("; ") };
  return { passed: true, text: row.targets.length > 0 ? "met" : "ok" };
}

/** Target: no request over 5 s, no 5xx other than the 503s of shedding, no connection errors, every page the right reader's. */
function overloadVerdict(run: Pick<OverloadRun, "result" | "checks">) {
  const { result, checks } = run;
  const slow = result.latency.max > OVERLOAD_MAX_LATENCY_MS;
  const otherServerErrors = statusCounts(result).some(
    ([status, count]) => status >= 500 && status !== 503 && count > 0,
  );
  const failures = [
    slow && `max ${result.latency.max} ms`,
    otherServerErrors && "5xx other than 503",
    connectionErrors(result) > 0 && "errors/timeouts",
    checks.wrongStatus > 0 && `${checks.wrongStatus} unexpected status`,
    checks.wrongBody > 0 && `${checks.wrongBody} wrong page`,
  ];
  const missed = failures.filter(Boolean);
  return { passed: missed.length === 0, text: missed.length === 0 ? "met" : `missed: ${missed.join(", ")}` };
}

const ratioText = (ratio: number | undefined) => (ratio === undefined ? "" : `${ratio.toFixed(2)}x`);

/** Each PostgreSQL row with a ratio target against its SQLite twin (matched by name): PG req/s ÷ SQLite req/s. */
function engineComparison(report: Awaited<ReturnType<typeof benchSize>>) {
  const sqlite = report.engines.find((side) => side.engine === "sqlite");
  const postgres = report.engines.find((side) => side.engine === "postgres");
  if (!sqlite || !postgres) return [];
  return postgres.scenarios
    .filter((row) => !row.baseline)
    .map((row) => {
      const twin = sqlite.scenarios.find((other) => other.name === row.name)!;
      const ratio = row.result.requests.average / twin.result.requests.average;
      const met = row.vsSqlite === undefined ? null : ratio >= row.vsSqlite;
      return { name: row.name, sqlite: twin, postgres: row, ratio, target: row.vsSqlite, met };
    });
}

const engines = benchEngines();
// Started before anything else, so a machine without PostgreSQL fails at once, saying why.
const cluster = engines.includes("postgres") ? startPostgresCluster(ROOT) : null;
if (cluster) {
  process.once("exit", () => cluster.stop());
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));
  console.log(
    `PostgreSQL: a cluster of this run's own (${cluster.folder}), fsync and full-page writes on, synchronous_commit off`,
  );
}
const reports = [];
let failed = false;
for (const size of SIZES) {
  const report = await benchSize(size.threads, size.answers, engines, cluster?.url ?? null, cluster?.folder ?? null);
  reports.push(report);
  const sizeName = `${size.threads.toLocaleString("en")} threads / ${size.answers.toLocaleString("en")} answers`;
  for (const side of report.engines) {
    console.log(
      `\n### ${engineLabel(side.engine)}, ${sizeName} (thread page ${report.pageKb} KB, baseline's ${report.baselineKb} KB, server peak RSS ${side.peakMemoryMb} MB)\n`,
    );
    // Posting an answer answers 303 (redirect to the answer), so failures are 4xx/5xx, not "non-2xx".
    console.log(
      "| scenario | req/s | vs baseline | p50 ms | p99 ms | 2xx/3xx | 4xx/5xx | wrong | errors | peak RSS MB | target | verdict |",
    );
    console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
    for (const row of side.scenarios) {
      const { result, checks } = row;
      const { passed, text } = verdict(row);
      if (!passed) failed = true;
      const name = row.note ? `${row.name} (${row.note})` : row.name;
      console.log(
        `| ${name} | ${Math.round(result.requests.average)} | ${ratioText(row.ratio)} | ${result.latency.p50} | ${result.latency.p99} | ${result["2xx"] + result["3xx"]} | ${result["4xx"] + result["5xx"]} | ${wrongResponses(checks)} | ${connectionErrors(result)} | ${row.peakRssMb ?? ""} | ${row.targets.map((t) => t.label).join(", ")} | ${text} |`,
      );
    }
    const problems = side.scenarios.filter((row) => row.checks.examples.length > 0);
    if (problems.length > 0) {
      console.log("\nWrong responses, first examples:");
      for (const row of problems) console.log(`- ${row.name}: ${row.checks.examples.join("; ")}`);
    }
    if (side.overload.length > 0) {
      console.log(
        `\n${engineLabel(side.engine)}, ${OVERLOAD_CONNECTIONS} connections, mixed reads (target: no request over 5 s, no 5xx other than 503):\n`,
      );
      console.log(
        "| code | req/s | p50 ms | p99 ms | max ms | responses by status | wrong | errors | server peak RSS MB | target |",
      );
      console.log("|---|---:|---:|---:|---:|---|---:|---:|---:|---|");
    }
    for (const run of side.overload) {
      const { code, result, peakMemoryMb, checks } = run;
      const { passed, text } = overloadVerdict(run);
      if (!passed && run.counts) failed = true;
      const statuses = statusCounts(result)
        .map(([status, count]) => `${status}: ${count}`)
        .join(", ");
      console.log(
        `| ${code} | ${Math.round(result.requests.average)} | ${result.latency.p50} | ${result.latency.p99} | ${result.latency.max} | ${statuses} | ${wrongResponses(checks)} | ${connectionErrors(result)} | ${peakMemoryMb} | ${text} |`,
      );
    }
    if (side.jobs)
      console.log(
        `\n${engineLabel(side.engine)}, background jobs (the server ran with JOBS=off): one \`jobs:run-once\` on a copy of the database after the scenarios took ${side.jobs.seconds.toFixed(1)} s (process start included): ${side.jobs.output}`,
      );
    const { mail } = side;
    if (!mail) continue;
    if (!mail.passed) failed = true;
    console.log(
      `\n${engineLabel(side.engine)}, mail job: ${mail.queued.toLocaleString("en")} emails queued through notify (one per member, each about an answer), sent by sendPendingEmails in ${mail.batches} batches to an SMTP server in the bench process: ${mail.sent.toLocaleString("en")} sent (${mail.failed} failed, ${mail.skipped} skipped) in ${mail.seconds.toFixed(1)} s, **${Math.round(mail.perSecond)} emails/s** (${mail.wallSeconds.toFixed(1)} s with process start); the server received ${mail.received.toLocaleString("en")}. Target ≥ ${MIN_EMAILS_PER_SECOND} emails/s, every address once: ${mail.verdict}`,
    );
  }
  const comparison = engineComparison(report);
  if (comparison.length > 0) {
    console.log(`\n### PostgreSQL against SQLite, ${sizeName} (req/s, p99 ms in brackets)\n`);
    console.log("| scenario | SQLite | PostgreSQL | PG/SQLite | target | verdict |");
    console.log("|---|---:|---:|---:|---|---|");
    for (const row of comparison) {
      if (row.met === false) failed = true;
      const figure = (s: Scenario) => `${Math.round(s.result.requests.average)} (${s.result.latency.p99})`;
      console.log(
        `| ${row.name} | ${figure(row.sqlite)} | ${figure(row.postgres)} | ${row.ratio.toFixed(2)}x | ${row.target === undefined ? "" : `≥ ${row.target}x`} | ${row.met === null ? "" : row.met ? "met" : "missed"} |`,
      );
    }
  }
}
fs.mkdirSync(path.join(ROOT, "test/.reports"), { recursive: true });
const scenarioJson = (s: Scenario) => ({
  name: s.name,
  note: s.note,
  baseline: s.baseline ?? false,
  rps: s.result.requests.average,
  ratio: s.ratio ?? null,
  p50: s.result.latency.p50,
  p99: s.result.latency.p99,
  failed: s.result["4xx"] + s.result["5xx"],
  wrong: wrongResponses(s.checks),
  wrongExamples: s.checks.examples,
  errors: connectionErrors(s.result),
  peakRssMb: s.peakRssMb,
  targets: s.targets.map((t) => t.label),
  verdict: verdict(s).text,
});
fs.writeFileSync(
  path.join(ROOT, "test/.reports/bench.json"),
  JSON.stringify(
    reports.map((r) => ({
      threads: r.threads,
      answers: r.answers,
      pageKb: r.pageKb,
      baselineKb: r.baselineKb,
      engines: r.engines.map((side) => ({
        ...side,
        scenarios: side.scenarios.map(scenarioJson),
        overload: side.overload.map((o) => ({
          code: o.code,
          peakMemoryMb: o.peakMemoryMb,
          rps: o.result.requests.average,
          p50: o.result.latency.p50,
          p99: o.result.latency.p99,
          max: o.result.latency.max,
          statuses: Object.fromEntries(statusCounts(o.result)),
          wrong: wrongResponses(o.checks),
          errors: connectionErrors(o.result),
          target: overloadVerdict(o).text,
        })),
      })),
      postgresVsSqlite: engineComparison(r).map((row) => ({
        name: row.name,
        sqliteRps: row.sqlite.result.requests.average,
        postgresRps: row.postgres.result.requests.average,
        sqliteP99: row.sqlite.result.latency.p99,
        postgresP99: row.postgres.result.latency.p99,
        ratio: row.ratio,
        target: row.target ?? null,
        met: row.met,
      })),
    })),
    null,
    2,
  ),
);
if (failed) console.log("\nnpm run bench: FAILED (a check or a target above; see the verdict column)");
process.exit(failed ? 1 : 0);
