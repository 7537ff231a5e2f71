/**
 * Reads one knowledge-base file: YAML frontmatter between `---` lines, then the Markdown body.
 * Problems are reported with the line of the file they are on (the value's line for a bad value,
 * line 1 for a missing key), so whoever wrote the article can find them.
 */
import { isMap, isNode, isScalar, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { AUDIENCES, type Audience } from "../../../db/schema/knowledge-base";

export type ArticleSource = {
  slug: string;
  title: string;
  summary: string;
  category: string;
  tags: string[];
  audience: Audience;
  updated: string;
  order: number | undefined;
  /** Where the article came from (a draft names its community thread's address). */
  source: string | undefined;
  body: string;
};

export type FrontmatterProblem = { line: number; message: string };

export type ParsedArticle = { ok: true; article: ArticleSource } | { ok: false; problems: FrontmatterProblem[] };

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const frontmatterSchema = z
  .object({
    title: z.string().trim().min(3, "title: at least 3 characters").max(150, "title: at most 150 characters"),
    summary: z.string().trim().min(10, "summary: at least 10 characters").max(300, "summary: at most 300 characters"),
    category: z.string().trim().min(2, "category: at least 2 characters").max(60, "category: at most 60 characters"),
    tags: z
      .array(
        z
          .string()
          .trim()
          .toLowerCase()
          .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "tags: each tag is lower-case letters, digits and hyphens"),
        { error: "tags: a list, e.g. [wifi, setup]" },
      )
      .max(10, "tags: at most 10")
      .default([]),
    audience: z.enum(AUDIENCES, { error: `audience: one of ${AUDIENCES.join(", ")}` }),
    updated: z
      .string({ error: "updated: a date, YYYY-MM-DD" })
      .regex(ISO_DATE, "updated: a date, YYYY-MM-DD")
      .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), "updated: not a real date"),
    order: z.number({ error: "order: a whole number" }).int("order: a whole number").min(0).max(100_000).optional(),
    /** Where the article came from, e.g. the community thread a draft was made from. */
    source: z.string().max(300, "source: at most 300 characters").optional(),
    slug: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,79}$/, "slug: lower-case letters, digits and hyphens")
      .optional(),
  })
  .strict();

const FENCE = /^---[ \t]*\r?\n/;
const CLOSING_FENCE = /\r?\n---[ \t]*(\r?\n|$)/;

const missing = (key: string) => `${key}: missing`;

/** Parses `text` (the whole file). `fileSlug` is the file name without `.md`, used when no slug is given. */
export function parseArticleFile(text: string, fileSlug: string): ParsedArticle {
  if (!FENCE.test(text))
    return { ok: false, problems: [{ line: 1, message: "the file must start with a --- frontmatter block" }] };
  const start = text.match(FENCE)![0].length;
  const closing = CLOSING_FENCE.exec(text.slice(start - 1));
  if (!closing) return { ok: false, problems: [{ line: 1, message: "the frontmatter block is not closed with ---" }] };
  const yamlText = text.slice(start, start - 1 + closing.index);
  const body = text.slice(start - 1 + closing.index + closing[0].length);
  // Lines inside the YAML are counted from the line after the opening fence.
  const lineCounter = new LineCounter();
  const document = parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number) => lineCounter.linePos(offset).line + 1;

  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) => ({
        line: lineOf(error.pos[0]),
        message: `YAML: ${error.message.split("\n")[0]}`,
      })),
    };
  }
  const contents = document.contents;
  if (!isMap(contents))
    return { ok: false, problems: [{ line: 2, message: "the frontmatter must be key: value lines" }] };

  const keyLine = new Map<string, number>();
  for (const pair of contents.items) {
    if (!isScalar(pair.key) || !pair.key.range) continue;
    const valueRange = isNode(pair.value) ? pair.value.range : undefined;
    keyLine.set(String(pair.key.value), lineOf((valueRange ?? pair.key.range)[0]));
  }
  const data = document.toJS() as Record<string, unknown>;
  const parsed = frontmatterSchema.safeParse(data);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => {
        if (issue.code === "unrecognized_keys") {
          return { line: keyLine.get(issue.keys[0]) ?? 1, message: `unknown key: ${issue.keys.join(", ")}` };
        }
        const key = String(issue.path[0] ?? "");
        const present = keyLine.has(key);
        return { line: keyLine.get(key) ?? 1, message: present ? issue.message : missing(key) };
      }),
    };
  }
  const fields = parsed.data;
  if (body.trim().length === 0) return { ok: false, problems: [{ line: 1, message: "the article has no body" }] };
  return {
    ok: true,
    article: {
      slug: fields.slug ?? fileSlug,
      title: fields.title,
      summary: fields.summary,
      category: fields.category,
      tags: [...new Set(fields.tags)],
      audience: fields.audience,
      updated: fields.updated,
      order: fields.order,
      source: fields.source,
      body,
    },
  };
}
