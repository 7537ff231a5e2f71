/**
 * Reads a Stack Exchange dump file as a stream of `<row …/>` elements, in batches, never the whole
 * file: saxes parses each chunk as it is read, and the caller's work on one batch (a write) is
 * awaited before the next chunk is read. Elements other than the root and its rows, and attributes a
 * file's kind does not know, are skipped and counted. A malformed or truncated file stops the
 * reading with `<file>:<line>: <reason>` (ImportFileError), after the batches before it were handled.
 */
import fs from "node:fs";
import path from "node:path";
import { SaxesParser } from "saxes";

export type SourceRow = { line: number; attributes: Record<string, string> };

export class ImportFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
  }
}

/** Unknown elements and attributes met, by file: "element <x>" or "attribute Y" → how many times. */
export type UnknownCounts = Map<string, number>;

type ReadOptions = {
  /** The attributes this kind of file has (https://meta.stackexchange.com/q/2677); others are counted. */
  known: ReadonlySet<string>;
  batchSize: number;
  unknown: UnknownCounts;
  /** Bytes read so far and the file's size, after each chunk. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Called with each batch of rows, in file order, with how many rows came before it. */
  onBatch: (rows: SourceRow[], rowsBefore: number) => Promise<void>;
};

const CHUNK_BYTES = 1 << 20;

/** Reads `file` row by row (see the module's comment); returns how many rows it had. */
export async function readRows(file: string, options: ReadOptions): Promise<number> {
  const name = path.basename(file);
  const parser = new SaxesParser({ position: true });
  let failure: ImportFileError | null = null;
  let depth = 0;
  let pending: SourceRow[] = [];
  let rowsBefore = 0;
  const count = (key: string) => options.unknown.set(key, (options.unknown.get(key) ?? 0) + 1);

  parser.on("error", (error) => {
    // saxes prefixes line:column; the report says file:line: reason.
    failure ??= new ImportFileError(name, parser.line, error.message.replace(/^\d+:\d+: /, ""));
  });
  parser.on("opentag", (tag) => {
    depth += 1;
    if (depth === 1) return;
    if (depth !== 2 || tag.name !== "row") {
      count(`element <${tag.name}>`);
      return;
    }
    const attributes: Record<string, string> = {};
    for (const [key, value] of Object.entries(tag.attributes as Record<string, string>)) {
      if (options.known.has(key)) attributes[key] = value;
      else count(`attribute ${key}`);
    }
    pending.push({ line: parser.line, attributes });
  });
  parser.on("closetag", () => {
    depth -= 1;
  });

  const flush = async () => {
    if (pending.length === 0) return;
    const rows = pending;
    pending = [];
    await options.onBatch(rows, rowsBefore);
    rowsBefore += rows.length;
  };

  const totalBytes = fs.statSync(file).size;
  const stream = fs.createReadStream(file, { encoding: "utf8", highWaterMark: CHUNK_BYTES });
  try {
    for await (const chunk of stream) {
      parser.write(chunk as string);
      // Rows parsed before an error are whole rows: they are kept, like the batches before them.
      if (pending.length >= options.batchSize || failure) await flush();
      if (failure) throw failure;
      options.onProgress?.(stream.bytesRead, totalBytes);
    }
    parser.close();
    await flush();
    if (failure) throw failure;
  } finally {
    stream.destroy();
  }
  return rowsBefore;
}
