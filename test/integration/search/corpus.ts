// Real text for search tests (see /work/shared/data/README.md): the questions of Bicycles Meta Stack
// Exchange (CC BY-SA, https://bicycles.meta.stackexchange.com/q/<Id>) asked through the app's models,
// and the Mastodon documentation pages (GFDL 1.3) synced as knowledge-base articles. Test data only.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Member } from "~/lib/permissions.server";
import { markSolution } from "~/models/community/solutions.server";
import { createCategory, createTag } from "~/models/community/tags.server";
import { syncKnowledgeBase } from "~/models/kb/sync.server";
import { makeAnswer, makeThread, makeUser } from "../../fixtures/factories";

const DATA = process.env.HEARTH_TEST_DATA ?? "/work/shared/data";
export const corpusAvailable = () => fs.existsSync(path.join(DATA, "se-bicycles-meta/Posts.xml"));

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
const decode = (text: string) =>
  text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (entity, name: string) =>
    name.startsWith("#x")
      ? String.fromCodePoint(parseInt(name.slice(2), 16))
      : name.startsWith("#")
        ? String.fromCodePoint(Number(name.slice(1)))
        : (ENTITIES[name] ?? entity),
  );
const attributes = (row: string) =>
  Object.fromEntries([...row.matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [key, decode(value)]));
/** A Stack Exchange body (HTML) as the plain text someone would type into the ask form. */
const textOf = (html: string) =>
  decode(html.replace(/<[^>]*>/g, " "))
    .replace(/[ \t]+/g, " ")
    .replace(/\s*\n\s*/g, "\n\n")
    .trim();

export type CorpusThread = { threadId: number; seId: number; title: string; tags: string[]; solved: boolean };

/**
 * Asks every question of the dump (title, body, up to 5 of its tags, one of three categories by its
 * first tag) and posts and accepts each accepted answer; every fourth accepted one is verified by staff.
 */
export async function loadQuestions(limit = Infinity): Promise<CorpusThread[]> {
  const xml = fs.readFileSync(path.join(DATA, "se-bicycles-meta/Posts.xml"), "utf8");
  const rows = [...xml.matchAll(/<row [^>]*\/>/g)].map(([row]) => attributes(row));
  const answers = new Map(rows.filter((row) => row.PostTypeId === "2").map((row) => [row.Id, row]));
  const questions = rows.filter((row) => row.PostTypeId === "1" && row.Title && row.Body).slice(0, limit);
  const tagOf = (row: Record<string, string>) => (row.Tags ?? "").split(/[<>|]/).filter(Boolean).slice(0, 5);
  for (const name of new Set(questions.flatMap(tagOf))) await createTag({ name });
  for (const slug of ["discussion", "support", "features"]) await createCategory({ slug, name: slug });
  const askers: Member[] = [await makeUser("customer"), await makeUser("customer"), await makeUser("staff")];
  const staff = await makeUser("staff");
  const loaded: CorpusThread[] = [];
  let accepted = 0;
  for (const [index, row] of questions.entries()) {
    const tags = tagOf(row);
    const asker = askers[index % askers.length];
    const category =
      tags[0] === "support" || tags[0] === "bug"
        ? "support"
        : tags[0] === "feature-request"
          ? "features"
          : "discussion";
    const { threadId } = await makeThread(asker, {
      title: row.Title.slice(0, 150).padEnd(10, "."),
      body: textOf(row.Body).slice(0, 32_000),
      category,
      tags: tags.join(", "),
    });
    const answer = row.AcceptedAnswerId ? answers.get(row.AcceptedAnswerId) : undefined;
    if (answer?.Body) {
      const { postId } = await makeAnswer(staff, threadId, textOf(answer.Body).slice(0, 32_000));
      await markSolution(asker, postId, "accepted");
      accepted += 1;
      if (accepted % 4 === 0) await markSolution(staff, postId, "verified");
    }
    loaded.push({ threadId, seId: Number(row.Id), title: row.Title, tags, solved: Boolean(answer?.Body) });
  }
  return loaded;
}

/**
 * Syncs the Mastodon documentation as articles: its folder is the category, its description the
 * summary; every third page is for customers only and every seventh for staff only.
 */
export async function loadArticles() {
  const source = path.join(DATA, "kb-mastodon-docs/content-en");
  const target = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-kb-corpus-"));
  const files = fs
    .readdirSync(source, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".md") && entry.name !== "_index.md")
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
  for (const [index, file] of files.entries()) {
    const raw = fs.readFileSync(file, "utf8");
    const front = /^---\n([\s\S]*?)\n---\n/.exec(raw);
    const field = (name: string) =>
      new RegExp(`^${name}:\\s*(.*)$`, "m").exec(front?.[1] ?? "")?.[1].replace(/^["']|["']$/g, "") ?? "";
    const title = field("title").slice(0, 150);
    const summary = (field("description") || `About ${title}`).padEnd(10, ".").slice(0, 300);
    const category = path.relative(source, path.dirname(file)).split(path.sep)[0] || "general";
    const audience = index % 7 === 3 ? "staff" : index % 3 === 1 ? "customers" : "public";
    if (title.length < 3) continue;
    // Hugo shortcodes are not Markdown: their markers go, their text stays.
    const body = raw.slice(front?.[0].length ?? 0).replace(/\{\{[<%]\s*\/?[^}]*[>%]\}\}/g, "");
    const frontmatter = [
      "---",
      `title: ${JSON.stringify(title)}`,
      `summary: ${JSON.stringify(summary)}`,
      `category: ${JSON.stringify(category.padEnd(2, "x"))}`,
      `tags: [${category.toLowerCase().replace(/[^a-z0-9-]/g, "")}, mastodon]`,
      `audience: ${audience}`,
      "updated: 2026-11-01",
      "---",
    ].join("\n");
    fs.writeFileSync(path.join(target, `${path.basename(file, ".md")}-${index}.md`), `${frontmatter}\n${body}`);
  }
  const report = await syncKnowledgeBase(target);
  fs.rmSync(target, { recursive: true, force: true });
  return report;
}
