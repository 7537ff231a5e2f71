/**
 * What every step of a Stack Exchange import shares: the run, its scratch file, its summary, and the
 * step runner that reads one dump file in batches, one write per batch with its checkpoint.
 */
import fs from "node:fs";
import path from "node:path";
import { write, type Db } from "~/lib/db.server";
import type { Checkpoint } from "./records.server";
import { saveCheckpoint } from "./records.server";
import type { Scratch } from "./scratch.server";
import { readRows, type SourceRow, type UnknownCounts } from "./xml-rows.server";

/** "removed": rows the import made before whose source rows are gone (a post's vanished versions). */
export type Outcome = "imported" | "updated" | "unchanged" | "skipped" | "removed";
export type Tally = Record<Outcome, number>;

export type ImportSummary = {
  site: string;
  resumed: boolean;
  /** Per kind of row (users, questions, answers, revisions, comments…). */
  counts: Map<string, Tally>;
  /** Why rows were skipped ("Posts.xml: tag wiki (PostTypeId 4/5)") → how many. */
  skipReasons: Map<string, number>;
  /** What changed at the source but kept what people changed in Hearth ("answers edited in Hearth") → how many. */
  keptFromHearth: Map<string, number>;
  /** Unknown elements and attributes, per file. */
  unknown: Map<string, UnknownCounts>;
  missingFiles: string[];
  notes: string[];
};

export type Progress = (file: string, bytesRead: number, totalBytes: number, rows: number) => void;

export type ImportContext = {
  site: string;
  folder: string;
  at: Date;
  runId: number;
  checkpoints: Map<string, Checkpoint>;
  scratch: Scratch;
  summary: ImportSummary;
  /** The one account that stands for every author the dump no longer has (deleted users). */
  deletedUserId: number;
  categoryId: number;
  /** A hash of a secret nobody kept: no password signs in to an imported account. */
  unusablePasswordHash: string;
  /** Claim addresses from --emails, by source UserId and by AccountId. */
  emails: { byUserId: Map<number, string>; byAccountId: Map<number, string> };
  hasHistory: boolean;
  /** Threads whose search document may have changed in this run. */
  touchedThreads: Set<number>;
  progress?: Progress;
  /** Stops the run after this many batches have committed (tests: an interrupted run). */
  stopAfterBatches?: number;
  batchesDone: number;
};

export class ImportInterrupted extends Error {}

export function tally(ctx: ImportContext, kind: string, outcome: Outcome, n = 1) {
  if (n === 0) return;
  let counts = ctx.summary.counts.get(kind);
  if (!counts) {
    ctx.summary.counts.set(kind, (counts = { imported: 0, updated: 0, unchanged: 0, skipped: 0, removed: 0 }));
  }
  counts[outcome] += n;
}

export function skip(ctx: ImportContext, kind: string, reason: string, n = 1) {
  tally(ctx, kind, "skipped", n);
  ctx.summary.skipReasons.set(reason, (ctx.summary.skipReasons.get(reason) ?? 0) + n);
}

/** Counts `n` rows the source changed whose `what` (e.g. "threads retagged in Hearth") stayed as Hearth has it. */
export function keptFromHearth(ctx: ImportContext, what: string, n = 1) {
  if (n === 0) return;
  ctx.summary.keptFromHearth.set(what, (ctx.summary.keptFromHearth.get(what) ?? 0) + n);
}

export const fileExists = (ctx: ImportContext, fileName: string) => fs.existsSync(path.join(ctx.folder, fileName));

type FileStep = {
  known: ReadonlySet<string>;
  batchSize: number;
  /** Reads what later steps need from every row, committed or not (scratch data is rebuilt each run). */
  collect?: (rows: SourceRow[]) => void;
  /** Writes the rows not yet committed by this run, inside the batch's write. */
  write?: (db: Db, rows: SourceRow[]) => Promise<void>;
};

/**
 * Reads `fileName` (a missing file is noted and skipped). Rows a resumed run already committed are
 * only collected; the others are written one batch per write, with the checkpoint that counts them.
 */
export async function importFile(ctx: ImportContext, fileName: string, step: FileStep) {
  const file = path.join(ctx.folder, fileName);
  if (!fs.existsSync(file)) {
    ctx.summary.missingFiles.push(fileName);
    return false;
  }
  const checkpoint = ctx.checkpoints.get(fileName);
  if (checkpoint?.finished && !step.collect) return true;
  const rowsDone = checkpoint?.finished ? Number.MAX_SAFE_INTEGER : (checkpoint?.rowsDone ?? 0);
  const unknown = new Map<string, number>();
  ctx.summary.unknown.set(fileName, unknown);
  let rowsRead = 0;
  const total = await readRows(file, {
    known: step.known,
    batchSize: step.batchSize,
    unknown,
    // 100 % is said once, after the last batch, with the file's row count.
    onProgress: (bytesRead, totalBytes) =>
      ctx.progress?.(fileName, Math.min(bytesRead, totalBytes - 1), totalBytes, rowsRead),
    onBatch: async (rows, rowsBefore) => {
      rowsRead = rowsBefore + rows.length;
      if (step.collect) ctx.scratch.batch(() => step.collect!(rows));
      const fresh = rows.slice(Math.max(0, Math.min(rows.length, rowsDone - rowsBefore)));
      if (!step.write || fresh.length === 0) return;
      await write(async (db) => {
        await step.write!(db, fresh);
        await saveCheckpoint(db, ctx.runId, fileName, rowsBefore + rows.length, null);
      });
      ctx.batchesDone += 1;
      if (ctx.stopAfterBatches !== undefined && ctx.batchesDone >= ctx.stopAfterBatches) {
        throw new ImportInterrupted(`stopped after ${ctx.batchesDone} batches, as asked`);
      }
    },
  });
  ctx.progress?.(fileName, 1, 1, total);
  await write((db) => saveCheckpoint(db, ctx.runId, fileName, total, ctx.at));
  return true;
}
