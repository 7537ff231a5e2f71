/**
 * Backup files, whichever engine made them: never written over, owner-only from the moment they
 * exist (0600, a folder made for them 0700), since they hold password hashes, sessions and email
 * addresses; removed again when the backup fails.
 */
import fs from "node:fs";
import path from "node:path";

/** Creates `file` empty and owner-only; a reason instead when something is already there. */
export function newBackupFile(file: string): { problem: string } | null {
  if ((fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0) > 0)
    return { problem: `${file} already exists: choose a new file.` };
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.closeSync(fs.openSync(file, "a", 0o600));
  fs.chmodSync(file, 0o600); // an empty file that was already there keeps the mode it had
  return null;
}

export function megabytes(file: string) {
  return (fs.statSync(file).size / 1024 / 1024).toFixed(1);
}

export function secondsSince(started: number) {
  return ((Date.now() - started) / 1000).toFixed(1);
}
