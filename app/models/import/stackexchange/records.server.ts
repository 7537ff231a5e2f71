/**
 * The import's memory of what it made (db/schema/imports.ts): which Hearth row each source row
 * became, with a hash of what it was made from, and where an unfinished run stands.
 */
import { createHash } from "node:crypto";
import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { importCheckpoints, importRecords, importRuns, type ImportKind } from "../../../../db/schema";
import { firstRow, oneRow, read, write, type Db } from "~/lib/db.server";

export type RecordedRow = { targetId: number; contentHash: string };

/**
 * `rows` in pieces of 256, 128, … 1: bulk statements then come in a few shapes (texts), which each
 * connection compiles once and keeps; pieces of any length would each compile anew and crowd out the
 * app's statements (app/lib/db/sqlite.server.ts keeps 500 texts: large inserts held 550 MB).
 */
export function statementPieces<T>(rows: T[], largest = 256): T[][] {
  const pieces: T[][] = [];
  let start = 0;
  for (let size = largest; size >= 1; size >>= 1) {
    while (rows.length - start >= size) {
      pieces.push(rows.slice(start, start + size));
      start += size;
    }
  }
  return pieces;
}

/** `ids` repeated up to the next power of two (an IN list of a few lengths only; a repeat changes nothing). */
export function paddedIds(ids: number[]) {
  let size = 1;
  while (size < ids.length) size *= 2;
  return ids.concat(Array<number>(size - ids.length).fill(ids[ids.length - 1]));
}

/** A short digest of what a row was made from: equal input, equal hash, on every run. */
export function contentHash(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("base64url").slice(0, 22);
}

/** The recorded rows of `kind` for these source ids, by source id (one query). */
export async function recordedRows(db: Db, site: string, kind: ImportKind, sourceIds: number[]) {
  const found = new Map<number, RecordedRow>();
  const ids = [...new Set(sourceIds)];
  // Pieces keep each IN list under SQLite's parameter limit.
  for (let start = 0; start < ids.length; start += 4_096) {
    const rows = await db
      .select({
        sourceId: importRecords.sourceId,
        targetId: importRecords.targetId,
        contentHash: importRecords.contentHash,
      })
      .from(importRecords)
      .where(
        and(
          eq(importRecords.site, site),
          eq(importRecords.kind, kind),
          inArray(importRecords.sourceId, paddedIds(ids.slice(start, start + 4_096))),
        ),
      );
    for (const row of rows) found.set(row.sourceId, { targetId: row.targetId, contentHash: row.contentHash });
  }
  return found;
}

/** Records (or re-records, after an update) which Hearth row each source row made. */
export async function saveRecords(
  db: Db,
  site: string,
  kind: ImportKind,
  rows: { sourceId: number; targetId: number; contentHash: string }[],
  at: Date,
) {
  for (const piece of statementPieces(rows)) {
    await db
      .insert(importRecords)
      .values(piece.map((row) => ({ ...row, site, kind, importedAt: at, updatedAt: at })))
      .onConflictDoUpdate({
        target: [importRecords.site, importRecords.kind, importRecords.sourceId],
        set: {
          targetId: sql`excluded.target_id`,
          contentHash: sql`excluded.content_hash`,
          updatedAt: sql`excluded.updated_at`,
        },
      });
  }
}

/** Forgets the records of rows the import removes (revisions of versions the source no longer has). */
export async function dropRecords(db: Db, site: string, kind: ImportKind, targetIds: number[]) {
  if (targetIds.length === 0) return;
  await db
    .delete(importRecords)
    .where(and(eq(importRecords.site, site), eq(importRecords.kind, kind), inArray(importRecords.targetId, targetIds)));
}

export type Checkpoint = { rowsDone: number; finished: boolean };

/**
 * The site's unfinished run, resumed (with its checkpoints), or a new one. A finished run is never
 * resumed: the next run reads every file again and updates what changed.
 */
export async function startOrResumeRun(site: string, at: Date) {
  const unfinished = firstRow(
    await read((db) =>
      db
        .select({ id: importRuns.id })
        .from(importRuns)
        .where(and(eq(importRuns.site, site), isNull(importRuns.finishedAt)))
        .orderBy(desc(importRuns.id))
        .limit(1),
    ),
  );
  if (unfinished) {
    const rows = await read((db) =>
      db.select().from(importCheckpoints).where(eq(importCheckpoints.runId, unfinished.id)),
    );
    const checkpoints = new Map<string, Checkpoint>(
      rows.map((row) => [row.step, { rowsDone: row.rowsDone, finished: row.finishedAt !== null }]),
    );
    return { runId: unfinished.id, resumed: true, checkpoints };
  }
  const run = oneRow(
    await write((db) => db.insert(importRuns).values({ site, startedAt: at }).returning({ id: importRuns.id })),
  );
  return { runId: run.id, resumed: false, checkpoints: new Map<string, Checkpoint>() };
}

/** Saves how far a step got, in the write of the rows it counts (so a resumed run skips exactly those). */
export async function saveCheckpoint(db: Db, runId: number, step: string, rowsDone: number, finishedAt: Date | null) {
  await db
    .insert(importCheckpoints)
    .values({ runId, step, rowsDone, finishedAt })
    .onConflictDoUpdate({
      target: [importCheckpoints.runId, importCheckpoints.step],
      set: { rowsDone, finishedAt },
    });
}

export async function finishRun(runId: number, at: Date) {
  await write((db) => db.update(importRuns).set({ finishedAt: at }).where(eq(importRuns.id, runId)));
}

type RecordedWrite<V> = {
  kind: ImportKind;
  /** Changed source rows with the values they make; `known` holds the recorded ones (updated in place). */
  rows: { sourceId: number; hash: string; values: V }[];
  known: Map<number, RecordedRow>;
  update: (targetId: number, values: V) => Promise<unknown>;
  /** Inserts and returns each new row's id with `key` of its values. */
  insert: (values: V[]) => Promise<{ id: number; key: string }[]>;
  /** What tells inserted rows apart: RETURNING promises no order, and rows of equal key are alike. */
  key: (values: V) => string;
};

/** Updates the recorded rows, inserts the others (statementPieces) and records them all; returns the counts. */
export async function writeRecorded<V>(db: Db, site: string, at: Date, write: RecordedWrite<V>) {
  const records: { sourceId: number; targetId: number; contentHash: string }[] = [];
  const fresh: typeof write.rows = [];
  for (const row of write.rows) {
    const before = write.known.get(row.sourceId);
    if (!before) fresh.push(row);
    else {
      await write.update(before.targetId, row.values);
      records.push({ sourceId: row.sourceId, targetId: before.targetId, contentHash: row.hash });
    }
  }
  for (const piece of statementPieces(fresh)) {
    const waiting = new Map<string, (typeof piece)[number][]>();
    for (const row of piece) waiting.set(write.key(row.values), [...(waiting.get(write.key(row.values)) ?? []), row]);
    for (const made of await write.insert(piece.map((row) => row.values))) {
      const row = waiting.get(made.key)!.shift()!;
      records.push({ sourceId: row.sourceId, targetId: made.id, contentHash: row.hash });
    }
  }
  await saveRecords(db, site, write.kind, records, at);
  return { imported: fresh.length, updated: write.rows.length - fresh.length };
}
