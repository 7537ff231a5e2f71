/**
 * Backup and restore of the PostgreSQL database (`DATABASE_URL`) with PostgreSQL's own tools.
 * - Backup: `pg_dump -Fc` (compressed, restorable table by table) reads one snapshot, so servers
 *   keep serving and writing; it writes into a file created owner-only beforehand, which is then
 *   read back with `pg_restore --list` and must hold the data of every table.
 * - Restore: `pg_restore --clean --if-exists --single-transaction --no-owner`: the objects in the
 *   archive are dropped and recreated, all or nothing, owned by the role restoring them. A database
 *   other sessions are connected to is refused unless `force` (their requests would wait on the
 *   restore's locks, then see the database change under them). ANALYZE follows: an archive
 *   carries no planner statistics.
 */
import fs from "node:fs";
import { megabytes, newBackupFile, secondsSince } from "./backup-files";
import { serverName } from "./cli-input";
import { copyPlan } from "./copy-plan";
import { connectionFor, findPgTool, olderThanServer, runTool, type PgTool } from "./pg-tools";
import { connectPostgres, postgresProblem } from "./postgres-target";

type Problem = { problem: string };
type Outcome = Problem | { done: string };

const lastLine = (text: string) => text.trim().split("\n").pop() ?? "";

function tool(name: "pg_dump" | "pg_restore"): PgTool | Problem {
  return (
    findPgTool(name) ?? {
      problem: `${name} was not found (pg_config --bindir, the PATH, /usr/lib/postgresql/*/bin): install PostgreSQL's client tools (on Debian: apt-get install postgresql-client)`,
    }
  );
}

/** The server's version and how many other sessions use the database; or why it cannot be reached. */
async function inspect(url: string): Promise<Problem | { versionNum: number; otherSessions: number }> {
  let client;
  try {
    client = await connectPostgres(url, "backup");
  } catch (error) {
    return { problem: postgresProblem(error, serverName(url)) };
  }
  try {
    const version = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
    const others = await client.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
    );
    return { versionNum: Number(version.rows[0].v), otherSessions: Number(others.rows[0].n) };
  } finally {
    await client.end();
  }
}

async function analyze(url: string): Promise<Problem | null> {
  try {
    const client = await connectPostgres(url, "restore");
    try {
      await client.query("ANALYZE");
    } finally {
      await client.end();
    }
    return null;
  } catch (error) {
    return { problem: postgresProblem(error, serverName(url)) };
  }
}

/** What `pg_restore --list` finds in an archive: its entries, and the tables it holds data for. */
async function archiveContents(
  restore: PgTool,
  file: string,
): Promise<Problem | { entries: number; tables: Set<string> }> {
  const listed = await runTool(restore.file, ["--list", file]);
  if (listed.code !== 0) return { problem: `pg_restore --list cannot read ${file}: ${lastLine(listed.stderr)}` };
  const entries = listed.stdout.split("\n").filter((line) => /^\d+;/.test(line));
  const tables = new Set(entries.flatMap((line) => / TABLE DATA \S+ (\S+) /.exec(line)?.[1] ?? []));
  return { entries: entries.length, tables };
}

export async function backupPostgres(url: string, target: string): Promise<Outcome> {
  const dump = tool("pg_dump");
  if ("problem" in dump) return dump;
  const restore = tool("pg_restore");
  if ("problem" in restore) return restore;
  const server = await inspect(url);
  if ("problem" in server) return server;
  const tooOld = olderThanServer(dump, "pg_dump", server.versionNum);
  if (tooOld) return { problem: tooOld };
  const refused = newBackupFile(target);
  if (refused) return refused;

  const started = Date.now();
  const { dbname, env } = connectionFor(url);
  const fd = fs.openSync(target, "w");
  let dumped;
  try {
    dumped = await runTool(dump.file, ["--format=custom", `--dbname=${dbname}`], {
      env,
      stdio: ["ignore", fd, "pipe"],
    });
  } finally {
    fs.closeSync(fd);
  }
  if (dumped.code !== 0) {
    fs.rmSync(target, { force: true });
    return { problem: `pg_dump failed: ${lastLine(dumped.stderr)}` };
  }
  const contents = await archiveContents(restore, target);
  if ("problem" in contents) return contents;
  const missing = copyPlan()
    .map((table) => table.name)
    .filter((name) => !contents.tables.has(name));
  if (missing.length > 0)
    return { problem: `${target} holds no data for ${missing.join(", ")}: it is not a whole backup` };
  return {
    done:
      `Backed up ${serverName(url)} to ${target} with pg_dump ${dump.version} (${megabytes(target)} MB, ${secondsSince(started)} s); ` +
      `pg_restore --list: ${contents.entries} entries, data of ${contents.tables.size} tables`,
  };
}

export async function restorePostgres(url: string, file: string, force: boolean): Promise<Outcome> {
  const restore = tool("pg_restore");
  if ("problem" in restore) return restore;
  const contents = await archiveContents(restore, file);
  if ("problem" in contents) return contents;
  const server = await inspect(url);
  if ("problem" in server) return server;
  if (server.otherSessions > 0 && !force)
    return {
      problem: `${server.otherSessions} other session(s) are connected to ${serverName(url)} (servers, scripts): stop them first, or restore under them with --force`,
    };
  const started = Date.now();
  const { dbname, env } = connectionFor(url);
  const restored = await runTool(
    restore.file,
    ["--clean", "--if-exists", "--single-transaction", "--no-owner", "--exit-on-error", `--dbname=${dbname}`, file],
    { env },
  );
  if (restored.code !== 0)
    return { problem: `pg_restore failed, and changed nothing (one transaction): ${lastLine(restored.stderr)}` };
  // An archive holds no planner statistics: until autovacuum gathers them, the planner guesses
  // (search ranked every match of a common word, DECISIONS.md #72).
  const analyzed = await analyze(url);
  if (analyzed) return { problem: `Restored ${file}, but gathering its statistics failed: ${analyzed.problem}` };
  return {
    done: `Restored ${file} into ${serverName(url)} with pg_restore ${restore.version} and analyzed it (${contents.tables.size} tables, ${secondsSince(started)} s)`,
  };
}
