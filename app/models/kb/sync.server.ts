/**
 * Knowledge-base sync: articles are Markdown files in content/kb (docs as code); syncKnowledgeBase
 * mirrors them into the database, rendering each once, and reports files it had to skip.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { eq, isNull } from "drizzle-orm";
import { categories, kbArticles, kbArticleTags, threads } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, oneRow, write, read, type Db } from "~/lib/db.server";
import { kbDirectory } from "~/lib/env.server";
import { parseArticleFile, type ArticleSource } from "./frontmatter.server";
import { MarkdownTooComplexError, renderArticleMarkdown } from "~/lib/markdown.server";
import { indexArticle } from "~/models/search/index.server";
import { slugify } from "~/models/community/post-input";
import { settlePublishedArticles } from "~/models/reputation/sources.server";

/** The thread a `source` link names (`…/questions/<id>…`, as drafts write it), when it exists. */
async function sourceThreadId(db: Db, source: string | undefined) {
  const id = Number(source?.match(/\/questions\/(\d{1,9})(?:[/?#]|$)/)?.[1]);
  if (!id) return null;
  return firstRow(await db.select({ id: threads.id }).from(threads).where(eq(threads.id, id)))?.id ?? null;
}

// Bump when rendering (or what a sync stores of an article) changes, so the next sync redoes every article.
const RENDER_VERSION = "2";

export type SyncProblem = { path: string; line: number; message: string };
type RenderedArticle = ReturnType<typeof renderArticleMarkdown>;

/** How many lines `text` ends, i.e. the number of line breaks in it. */
const lineCount = (text: string) => text.split("\n").length - 1;
export type SyncReport = {
  added: string[];
  updated: string[];
  removed: string[];
  unchanged: number;
  problems: SyncProblem[];
};

function markdownFiles(directory: string): string[] {
  if (!fs.existsSync(directory)) return [];
  return fs
    .readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".md"))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/**
 * Makes the database match the files under `directory`: new and changed files are (re)indexed,
 * articles whose file is gone are marked removed. A file that cannot be read is reported and
 * skipped; an article it held before keeps its last good version. Running it twice changes nothing.
 */
export async function syncKnowledgeBase(directory = kbDirectory()): Promise<SyncReport> {
  const report: SyncReport = { added: [], updated: [], removed: [], unchanged: 0, problems: [] };
  const display = (file: string) => path.relative(process.cwd(), file) || file;
  const parsed: { file: string; sourcePath: string; article: ArticleSource; hash: string; bodyLine: number }[] = [];
  const failedSources = new Set<string>();
  const slugs = new Set<string>();
  for (const file of markdownFiles(directory)) {
    const sourcePath = path.relative(directory, file);
    const text = fs.readFileSync(file, "utf8");
    const result = parseArticleFile(text, path.basename(file, ".md").toLowerCase());
    const problems = result.ok ? [] : result.problems;
    if (result.ok && !/^[a-z0-9][a-z0-9-]{0,79}$/.test(result.article.slug)) {
      problems.push({ line: 1, message: "the file name is not a usable slug: add a slug: line" });
    } else if (result.ok && slugs.has(result.article.slug)) {
      problems.push({ line: 1, message: `slug "${result.article.slug}" is already used by another file` });
    }
    if (!result.ok || problems.length > 0) {
      failedSources.add(sourcePath);
      for (const problem of problems) report.problems.push({ path: display(file), ...problem });
      continue;
    }
    slugs.add(result.article.slug);
    const hash = createHash("sha256").update(RENDER_VERSION).update(sourcePath).update(text).digest("hex");
    parsed.push({
      file,
      sourcePath,
      article: result.article,
      hash,
      bodyLine: lineCount(text.slice(0, text.length - result.article.body.length)),
    });
  }
  // Rendering is the costly part: done before the write transaction, for the files whose text
  // changed since the last sync. Markdown the renderer refuses is a problem of that file.
  return read(async (db) => {
    const upToDate = new Set(
      (await db.select({ hash: kbArticles.contentHash }).from(kbArticles).where(isNull(kbArticles.removedAt))).map(
        (row) => row.hash,
      ),
    );
    const rendered = new Map<string, RenderedArticle>();
    for (const { file, sourcePath, article, hash, bodyLine } of parsed) {
      if (upToDate.has(hash)) continue;
      try {
        rendered.set(article.slug, renderArticleMarkdown(article.body));
      } catch (error) {
        if (!(error instanceof MarkdownTooComplexError)) throw error;
        failedSources.add(sourcePath);
        report.problems.push({ path: display(file), line: bodyLine + error.line, message: error.problem });
      }
    }
    const renderable = parsed.filter(({ sourcePath }) => !failedSources.has(sourcePath));
    await write(async (db) => {
      const knownCategories = await db.select({ slug: categories.slug, name: categories.name }).from(categories);
      // An article's category joins the community category of that name or slug, so one category
      // filter in search covers both; otherwise it is a knowledge-base category of its own.
      const categoryOf = (name: string) =>
        knownCategories.find((c) => c.name.toLowerCase() === name.toLowerCase() || c.slug === name.toLowerCase()) ?? {
          slug: slugify(name),
          name,
        };
      const existing = new Map((await db.select().from(kbArticles)).map((row) => [row.slug, row]));
      const at = now();
      for (const { sourcePath, article, hash } of renderable) {
        const previous = existing.get(article.slug);
        existing.delete(article.slug);
        const category = categoryOf(article.category);
        if (previous && previous.contentHash === hash && previous.removedAt === null) {
          if (previous.categorySlug === category.slug && previous.categoryName === category.name) {
            report.unchanged += 1;
            continue;
          }
          // A community category of its name came after the article (the demo seeds its categories
          // after the first sync): the unchanged article joins it now.
          await db
            .update(kbArticles)
            .set({ categoryName: category.name, categorySlug: category.slug, syncedAt: at })
            .where(eq(kbArticles.id, previous.id));
          await indexArticle(previous.id);
          report.updated.push(article.slug);
          continue;
        }
        // Rendered above, unless another process changed the row since it was read.
        const { html, toc } = rendered.get(article.slug) ?? renderArticleMarkdown(article.body);
        const values = {
          slug: article.slug,
          sourcePath,
          title: article.title,
          summary: article.summary,
          categoryName: category.name,
          categorySlug: category.slug,
          audience: article.audience,
          updatedOn: article.updated,
          position: article.order ?? 1000,
          bodyMarkdown: article.body,
          bodyHtml: html,
          tocJson: JSON.stringify(toc),
          contentHash: hash,
          syncedAt: at,
          removedAt: null,
          sourceThreadId: await sourceThreadId(db, article.source),
        };
        const id = previous
          ? oneRow(
              await db
                .update(kbArticles)
                .set(values)
                .where(eq(kbArticles.id, previous.id))
                .returning({ id: kbArticles.id }),
            ).id
          : oneRow(await db.insert(kbArticles).values(values).returning({ id: kbArticles.id })).id;
        await db.delete(kbArticleTags).where(eq(kbArticleTags.articleId, id));
        if (article.tags.length > 0)
          await db.insert(kbArticleTags).values(article.tags.map((tag) => ({ articleId: id, tag })));
        await indexArticle(id);
        (previous ? report.updated : report.added).push(article.slug);
      }
      for (const stale of existing.values()) {
        if (stale.removedAt !== null || failedSources.has(stale.sourcePath)) continue;
        await db.update(kbArticles).set({ removedAt: at }).where(eq(kbArticles.id, stale.id));
        await indexArticle(stale.id);
        report.removed.push(stale.slug);
      }
      await settlePublishedArticles(at);
    });
    return report;
  });
}
