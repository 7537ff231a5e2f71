/**
 * PostgreSQL's own client programs (pg_dump, pg_restore), for db:backup and db:restore: found on
 * this machine, matched to the server's version, and run without putting a password on their
 * command line (where any local user could read it in the process list).
 */
import { execFileSync, spawn, type StdioOptions } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export type PgTool = { file: string; major: number; version: string };

/** "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" → 15.18; null for anything else. */
export function toolVersion(output: string): { major: number; version: string } | null {
  const match = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(output);
  if (!match) return null;
  return { major: Number(match[1]), version: match[2] === undefined ? match[1] : `${match[1]}.${match[2]}` };
}

/**
 * Refuses a pg_dump older than the server: it cannot read a newer server's catalogs (and says so
 * only after connecting). `serverVersionNum` is `SHOW server_version_num` (150004, 160002, …).
 */
export function olderThanServer(tool: PgTool, name: string, serverVersionNum: number): string | null {
  const server = Math.floor(serverVersionNum / 10_000);
  if (tool.major >= server) return null;
  return (
    `${name} ${tool.version} (${tool.file}) is older than the server (PostgreSQL ${server}) and cannot back it up: ` +
    `install PostgreSQL ${server}'s client tools (on Debian: postgresql-client-${server} from apt.postgresql.org)`
  );
}

function candidateFolders(): string[] {
  const folders: string[] = [];
  try {
    folders.push(
      execFileSync("pg_config", ["--bindir"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim(),
    );
  } catch {
    // no pg_config on the PATH
  }
  folders.push(...(process.env.PATH ?? "").split(path.delimiter).filter(Boolean));
  const debian = "/usr/lib/postgresql";
  if (fs.existsSync(debian)) folders.push(...fs.readdirSync(debian).map((major) => path.join(debian, major, "bin")));
  return folders;
}

/** The newest `name` found through pg_config, the PATH and Debian's /usr/lib/postgresql/<major>/bin. */
export function findPgTool(name: "pg_dump" | "pg_restore"): PgTool | null {
  let best: PgTool | null = null;
  for (const folder of new Set(candidateFolders())) {
    const file = path.join(folder, name);
    if (!fs.existsSync(file)) continue;
    let version: ReturnType<typeof toolVersion> = null;
    try {
      version = toolVersion(execFileSync(file, ["--version"], { encoding: "utf8" }));
    } catch {
      continue;
    }
    if (version && (!best || version.major > best.major)) best = { file, ...version };
  }
  return best;
}

/** `--dbname` without the password, which goes in PGPASSWORD (libpq reads it; `ps` does not show it). */
export function connectionFor(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = "";
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (password) env.PGPASSWORD = password;
  return { dbname: parsed.toString(), env };
}

/** Runs a client program; resolves with its exit code and what it wrote on stderr (and stdout, when piped). */
export function runTool(
  file: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; stdio?: StdioOptions } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: options.env ?? process.env,
      stdio: options.stdio ?? ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
