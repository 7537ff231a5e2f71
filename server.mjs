// Serves Hearth: builds the app when the build is missing or older than the source, checks the
// configuration (app/lib/env.server.ts; a bad value stops it here with a line naming the variable),
// prepares the database (migrations, the knowledge base, the search index; `npm start` seeds the demo
// community first, with `npm run db:seed`), starts the background jobs and, when INBOUND_SMTP_PORT
// is set, the SMTP listener for replies by email, then serves on PORT.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.dirname(fileURLToPath(import.meta.url));
const buildFile = path.join(root, "build/index.js");
// NODE_ENV is the one variable read before the build is loaded, which the configuration comes with:
// it decides whether to rebuild, and React picks its production or development code when first
// imported. Its value is checked with the others below.
const isDev = process.env.NODE_ENV === "development";
process.env.NODE_ENV ||= "production";

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

function buildIsStale() {
  if (!fs.existsSync(buildFile)) return true;
  const built = fs.statSync(buildFile).mtimeMs;
  return ["app", "db"].some((dir) => newestMtime(path.join(root, dir)) > built);
}

if (!isDev && buildIsStale()) {
  console.log("Building the app…");
  execFileSync(path.join(root, "node_modules/.bin/remix"), ["build"], { cwd: root, stdio: "inherit" });
}

const build = await import(pathToFileURL(buildFile).href + (isDev ? `?t=${Date.now()}` : ""));
const {
  env,
  exitOnInvalidConfiguration,
  createExpressApp,
  prepareDatabase,
  flushThreadViews,
  startBackgroundJobs,
  startInboundSmtp,
  installProcessErrorHandlers,
} = build.entry.module;

exitOnInvalidConfiguration();
await prepareDatabase();
// Follow-ups that pass their target open by themselves; JOBS=off leaves that to another process.
const stopJobs = env("JOBS") === "off" ? async () => {} : startBackgroundJobs();
// Replies by email over SMTP, when a port is set (else the MTA pipes them to `npm run mail:receive`).
const inboundSmtp = env("INBOUND_SMTP_PORT") === undefined ? null : await startInboundSmtp();
const server = createExpressApp(build, { root }).listen(env("PORT"), () => {
  // PORT=0 takes any free port: the line names the one taken (test harnesses read it).
  console.log(`Hearth is serving on http://localhost:${server.address().port}`);
  if (env("PUBLIC_URL") === undefined && !isDev) {
    console.warn(
      "PUBLIC_URL is not set: links in emails, the feed and the sitemap point at this machine. Set it to the site's public address.",
    );
  }
  if (isDev) import("@remix-run/node").then(({ broadcastDevReady }) => broadcastDevReady(build));
});

let shuttingDown = false;
function shutdown(exitCode = 0) {
  if (shuttingDown) return;
  shuttingDown = true;
  // The SMTP listener lets a message being received finish (it answers 250 only after commit). The
  // jobs end after the email they are sending, give back the rest they claimed, and let go of their
  // leases, so another server takes over at once.
  Promise.all([new Promise((resolve) => server.close(resolve)), inboundSmtp?.close(), stopJobs()]).then(async () => {
    await flushThreadViews(); // logs, and does not throw, when the database is busy
    process.exit(exitCode);
  });
  setTimeout(() => process.exit(exitCode), 5_000).unref();
}
process.on("SIGTERM", () => shutdown(0));
process.on("SIGINT", () => shutdown(0));
installProcessErrorHandlers({ shutdown });
