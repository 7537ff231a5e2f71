/**
 * Backup and restore of the SQLite database (`DATABASE_PATH`).
 * - Backup: `VACUUM INTO` writes one consistent snapshot inside a single read transaction: writers
 *   carry on meanwhile, and unlike the page-by-page backup API it is never restarted by their
 *   commits. The copy is compacted and checked with `PRAGMA integrity_check`.
 * - Restore: the backup is checked first (integrity, a Hearth database, not from a newer version),
 *   then written into the database through SQLite's backup API, which locks the destination for
 *   the copy: a process that opens it sees the old database or the restored one, never a mix, and
 *   no stale -wal can be replayed onto the restored pages (a plain file copy risks both). A database
 *   some process has open is refused unless `force`: SQLite cannot leave WAL mode while another
 *   connection is open, which is the test.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { megabytes, newBackupFile, secondsSince } from "./backup-files";
import { errorText } from "./cli-input";
import { migrationLevels } from "./sqlite-source";

type Outcome = { problem: string } | { done: string };

function integrity(file: string): string {
  const copy = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (copy.pragma("integrity_check") as { integrity_check: string }[])
      .map((row) => row.integrity_check)
      .join("\n");
  } finally {
    copy.close();
  }
}

export async function backupSqlite(source: string, target: string): Promise<Outcome> {
  if (!fs.statSync(source, { throwIfNoEntry: false })?.isFile())
    return { problem: `No database file at ${source} (set DATABASE_PATH).` };
  const refused = newBackupFile(target);
  if (refused) return refused;
  const started = Date.now();
  let live: Database.Database | undefined;
  try {
    live = new Database(source, { readonly: true, fileMustExist: true, timeout: 5_000 });
    live.prepare("VACUUM INTO ?").run(target); // fills the empty file and keeps its mode
  } catch (error) {
    fs.rmSync(target, { force: true });
    return { problem: `Backup failed: ${errorText(error)}` };
  } finally {
    live?.close();
  }
  const problems = integrity(target);
  if (problems !== "ok") return { problem: `The copy at ${target} failed integrity_check:\n${problems}` };
  return {
    done: `Backed up ${source} to ${target} (${megabytes(target)} MB, ${secondsSince(started)} s); integrity_check: ok`,
  };
}

/** Why `file` may not be restored, if anything: it must be whole, Hearth's, and not from a newer version. */
function checkBackup(file: string): string | null {
  const problems = integrity(file);
  if (problems !== "ok") return `${file} failed integrity_check, so it is not restored:\n${problems}`;
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const { applied, known } = migrationLevels(sqlite);
    if (applied === null) return `${file} is not a Hearth database (it has no migrations table)`;
    if (applied > known) return `${file} comes from a newer version of Hearth (migrations this one does not know)`;
    return null;
  } finally {
    sqlite.close();
  }
}

/** True when another connection has the database open (it then cannot leave WAL mode); leaves it in rollback mode otherwise. */
function inUse(file: string): boolean {
  const sqlite = new Database(file, { fileMustExist: true, timeout: 0 });
  try {
    sqlite.pragma("journal_mode = DELETE");
    return false;
  } catch (error) {
    if ((error as { code?: string }).code === "SQLITE_BUSY") return true;
    throw error;
  } finally {
    sqlite.close();
  }
}

export async function restoreSqlite(backup: string, live: string, force: boolean): Promise<Outcome> {
  const refused = checkBackup(backup);
  if (refused) return { problem: refused };
  const exists = fs.existsSync(live);
  if (exists && !force && inUse(live))
    return {
      problem: `${live} is open in another process (a server, kb:sync, jobs:run-once): stop it first, or restore under it with --force`,
    };
  if (!exists) {
    const orphans = ["-wal", "-shm"].filter((suffix) => fs.existsSync(live + suffix));
    if (orphans.length > 0)
      return {
        problem: `${live} does not exist but its ${orphans.join(" and ")} file does: move that away first (it would be replayed onto the restored database)`,
      };
    fs.mkdirSync(path.dirname(live), { recursive: true, mode: 0o700 });
    fs.closeSync(fs.openSync(live, "a", 0o600)); // SQLite would create it with the umask's mode
  }
  const started = Date.now();
  const source = new Database(backup, { readonly: true, fileMustExist: true });
  try {
    await source.backup(live);
  } catch (error) {
    return { problem: `Restoring into ${live} failed: ${errorText(error)}` };
  } finally {
    source.close();
  }
  const restored = new Database(live, { fileMustExist: true, timeout: 5_000 });
  let levels: ReturnType<typeof migrationLevels>;
  try {
    restored.pragma("journal_mode = WAL"); // the server's mode (it sets it too)
    levels = migrationLevels(restored);
  } finally {
    restored.close();
  }
  const problems = integrity(live);
  if (problems !== "ok") return { problem: `${live} failed integrity_check after the restore:\n${problems}` };
  const behind = levels.applied! < levels.known ? "; the next start applies this version's newer migrations" : "";
  return {
    done: `Restored ${backup} into ${live} (${megabytes(live)} MB, ${secondsSince(started)} s); integrity_check: ok${behind}`,
  };
}
