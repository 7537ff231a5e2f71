/**
 * `npm run import:stackexchange`: a Stack Exchange site's dump (its folder of XML files) into the
 * current database, on either engine, through `write` in batches. Order: users and tags; the history
 * and votes into the scratch file; posts (threads, answers, revisions, scores); duplicate links;
 * then acceptances, duplicates and counters; comments; badges; the search index. Idempotent (a
 * second run updates what changed and inserts nothing, keeping what people changed in Hearth),
 * resumable (an interrupted run continues from its checkpoints), and a malformed file stops the run
 * at its line, keeping what committed.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { categories, threads } from "../../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, oneRow, read, write } from "~/lib/db.server";
import { hashPassword } from "~/models/accounts/auth.server";
import { slugify } from "~/models/community/post-input";
import { indexThreads } from "~/models/search/index.server";
import { importBadges } from "./badges.server";
import { importComments } from "./comments.server";
import { type ImportContext, type ImportSummary, type Progress } from "./context.server";
import { settleAcceptedAnswers, settleCounters, settleDuplicates, settleTrustLevels } from "./finishing.server";
import { importPosts } from "./posts.server";
import { finishRun, startOrResumeRun } from "./records.server";
import { Scratch } from "./scratch.server";
import { stageHistory, stageLinks, stageVotes } from "./staging.server";
import { importTags } from "./tags.server";
import { ensureDeletedUser, importUsers } from "./users.server";

export { ImportFileError } from "./xml-rows.server";
export { ImportInterrupted, type ImportSummary } from "./context.server";

export const importOptionsSchema = z.object({
  folder: z.string().min(1),
  /** The site's host; by default the folder's name when it is one ("bicycles.stackexchange.com"). */
  site: z
    .string()
    .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, "--site takes the site's host, e.g. bicycles.stackexchange.com")
    .optional(),
  /** A CSV of `UserId,email` or `AccountId,email` lines (a header names which; without one, UserId). */
  emails: z.string().optional(),
  /** A category's slug for the threads; by default one named after the site, made when missing. */
  category: z.string().optional(),
});
export type ImportOptions = z.infer<typeof importOptionsSchema> & { progress?: Progress; stopAfterBatches?: number };

const emailSchema = z.email().transform((email) => email.toLowerCase());

/** The --emails file: a map by UserId or by AccountId. Stops at the first bad line, naming it. */
export function readClaimAddresses(file: string | undefined) {
  const byUserId = new Map<number, string>();
  const byAccountId = new Map<number, string>();
  if (!file) return { byUserId, byAccountId };
  const lines = fs
    .readFileSync(file, "utf8")
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/);
  let target = byUserId;
  lines.forEach((line, i) => {
    const [id, email, ...rest] = line.split(",").map((field) => field.trim());
    if (!line.trim()) return;
    if (i === 0 && /^(userid|accountid)$/i.test(id)) {
      target = /^accountid$/i.test(id) ? byAccountId : byUserId;
      return;
    }
    const address = emailSchema.safeParse(email);
    if (!/^-?\d+$/.test(id) || !address.success || rest.length > 0) {
      throw new Error(`${path.basename(file)}:${i + 1}: expected "<id>,<email>"`);
    }
    target.set(Number(id), address.data);
  });
  return { byUserId, byAccountId };
}

function siteOf(options: ImportOptions) {
  if (options.site) return options.site.toLowerCase();
  const name = path.basename(path.resolve(options.folder)).toLowerCase();
  if (/^[a-z0-9.-]+\.[a-z]{2,}$/.test(name)) return name;
  throw new Error(`Which site is ${options.folder}? Pass --site <host>, e.g. --site bicycles.stackexchange.com`);
}

async function categoryFor(site: string, slug: string | undefined) {
  const wanted = slug ?? slugify(site);
  const found = firstRow(
    await read((db) => db.select({ id: categories.id }).from(categories).where(eq(categories.slug, wanted))),
  );
  if (found) return found.id;
  if (slug) throw new Error(`There is no category "${slug}".`);
  return oneRow(
    await write((db) =>
      db
        .insert(categories)
        .values({ slug: wanted, name: site, description: `Imported from ${site}.` })
        .returning({ id: categories.id }),
    ),
  ).id;
}

/** Threads indexed per write: one write each for the statements of the whole piece. */
const INDEX_PIECE = 2_000;

/** Re-reads the threads this run changed into the search index, in pieces. */
async function reindexImportedThreads(ctx: ImportContext, resumed: boolean) {
  let ids = [...ctx.touchedThreads];
  // A resumed run does not know what the interrupted one changed: every thread of the site is read again.
  if (resumed) {
    ids = (await read((db) => db.select({ id: threads.id }).from(threads).where(eq(threads.sourceSite, ctx.site)))).map(
      (row) => row.id,
    );
  }
  ids.sort((a, b) => a - b);
  for (let start = 0; start < ids.length; start += INDEX_PIECE) {
    const piece = ids.slice(start, start + INDEX_PIECE);
    // A thread removed meanwhile has no document made, and loses the one it had.
    await write(() => indexThreads(piece));
    ctx.progress?.("search index", start + piece.length, ids.length, start + piece.length);
  }
  return ids.length;
}

export async function importStackExchange(options: ImportOptions): Promise<ImportSummary & { seconds: number }> {
  const values = importOptionsSchema.parse(options);
  const started = Date.now();
  const site = siteOf(options);
  if (!fs.existsSync(path.join(values.folder, "Posts.xml"))) throw new Error(`${values.folder} has no Posts.xml.`);
  const emails = readClaimAddresses(values.emails);
  const at = now();
  const run = await startOrResumeRun(site, at);
  const unusablePasswordHash = await hashPassword(randomBytes(32).toString("base64"));
  const deletedUserId = await ensureDeletedUser({ site, at, unusablePasswordHash, runId: run.runId });
  const summary: ImportSummary = {
    site,
    resumed: run.resumed,
    counts: new Map(),
    skipReasons: new Map(),
    keptFromHearth: new Map(),
    unknown: new Map(),
    missingFiles: [],
    notes: [],
  };
  const ctx: ImportContext = {
    site,
    folder: values.folder,
    at,
    runId: run.runId,
    checkpoints: run.checkpoints,
    scratch: Scratch.inTemporaryFolder(site),
    summary,
    deletedUserId,
    categoryId: await categoryFor(site, values.category),
    unusablePasswordHash,
    emails,
    hasHistory: false,
    touchedThreads: new Set(),
    progress: options.progress,
    stopAfterBatches: options.stopAfterBatches,
    batchesDone: 0,
  };
  try {
    await importUsers(ctx);
    await importTags(ctx);
    ctx.hasHistory = await stageHistory(ctx);
    if (!ctx.hasHistory) {
      summary.notes.push(
        "No PostHistory.xml: bodies were converted from the HTML in Posts.xml to Markdown (turndown), and posts have no earlier versions.",
      );
    }
    await stageVotes(ctx);
    await importPosts(ctx);
    await stageLinks(ctx);
    await settleAcceptedAnswers(ctx);
    await settleDuplicates(ctx);
    await settleCounters(ctx);
    await settleTrustLevels(ctx);
    await importComments(ctx);
    await importBadges(ctx);
    const indexed = await reindexImportedThreads(ctx, run.resumed);
    if (indexed > 0) summary.notes.push(`Search index: ${indexed} threads read again.`);
    await finishRun(run.runId, now());
  } finally {
    ctx.scratch.close();
  }
  return { ...summary, seconds: (Date.now() - started) / 1000 };
}

/** The summary as the command prints it: one line per kind, then skips, unknowns and notes. */
export function summaryLines(summary: ImportSummary & { seconds: number }) {
  const lines = [
    `Imported ${summary.site}${summary.resumed ? " (resumed an interrupted run)" : ""} in ${summary.seconds.toFixed(1)} s`,
  ];
  for (const [kind, tally] of summary.counts) {
    lines.push(
      `  ${kind}: ${tally.imported} imported, ${tally.updated} updated, ${tally.unchanged} unchanged, ${tally.skipped} skipped` +
        (tally.removed > 0 ? `, ${tally.removed} removed (gone from the source)` : ""),
    );
  }
  if (summary.keptFromHearth.size > 0) lines.push("Changed at the source, kept as changed in Hearth:");
  for (const [what, n] of summary.keptFromHearth) lines.push(`  ${n} × ${what}`);
  if (summary.skipReasons.size > 0) lines.push("Skipped:");
  for (const [reason, n] of summary.skipReasons) lines.push(`  ${n} × ${reason}`);
  const unknown = [...summary.unknown].flatMap(([file, counts]) =>
    [...counts].map(([what, n]) => `  ${file}: ${n} × unknown ${what}`),
  );
  if (unknown.length > 0) lines.push("Unknown elements and attributes (skipped):", ...unknown);
  if (summary.missingFiles.length > 0) lines.push(`Files not in the dump: ${summary.missingFiles.join(", ")}`);
  lines.push(...summary.notes);
  return lines;
}
