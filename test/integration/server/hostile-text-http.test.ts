// Text one person can make slow, over real HTTP: Markdown bombs on every Markdown field, the
// preview's rate limit, and search indexing of very long words (issue 10, items 6 and 8).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, count, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { followUpNotes, followUps, posts, privateMessages, threads } from "../../../db/schema";
import { scriptDb, firstRow } from "~/lib/db.server";
import { VISITOR } from "~/lib/permissions.server";
import { LIMITS, resetAllLimits } from "~/lib/rate-limit.server";
import { getArticlePage } from "~/models/kb/articles.server";
import { syncKnowledgeBase } from "~/models/kb/sync.server";
import { searchSite } from "~/models/search/search.server";
import { listCategories } from "~/models/community/tags.server";
import { client, cookies, serveBuiltApp } from "../../fixtures/app-server";

serveBuiltApp({ casey: "customer@example.com", staff: "staff@example.com", member: "member@example.com" });
beforeEach(() => resetAllLimits());

const LIMIT = 32_000;
const fill = (unit: string) => unit.repeat(Math.ceil(LIMIT / unit.length)).slice(0, LIMIT);
const NESTED = "Nested more than 20 levels deep";
// From the issue, and ones that marked never failed on but that nest as deep or cost as much.
const refused: [string, string, string][] = [
  ['"> " x 16,000', fill("> "), NESTED],
  ['"* > " x 8,000', fill("* > "), NESTED],
  ['"1. " x 10,666', fill("1. "), NESTED],
  ["emphasis nested 2,000 deep", `${"*a _a ".repeat(1000)}x${" a_ a*".repeat(1000)}`, NESTED],
  ['"x* **" x 6,400: emphasis that never closes', fill("x* **"), "Too many *, _ or ~ that open no emphasis"],
  [
    "a 4,000-column table over 8,000 rows",
    `|${"a|".repeat(4000)}\n|${"-|".repeat(4000)}\n${"x\n".repeat(8000)}`.slice(0, LIMIT),
    "A table has more than 20,000 cells",
  ],
];

const decoded = async (response: Response) =>
  (await response.text()).replaceAll("&quot;", '"').replaceAll("&#x27;", "'");
/** The text of the error element of the field with this id, or null when the page shows none. */
const fieldError = (html: string, id: string) =>
  html.match(new RegExp(`<span class="field-error" id="${id}-error" role="alert">([^<]*)</span>`))?.[1] ?? null;

const questionOf = async (threadId: number) =>
  firstRow(
    await scriptDb()
      .select()
      .from(posts)
      .where(and(eq(posts.threadId, threadId), eq(posts.kind, "question"))),
  )!;
const answerCount = async (threadId: number) =>
  firstRow(await scriptDb().select({ n: count() }).from(posts).where(eq(posts.threadId, threadId)))!.n;

async function ask(cookie: string, title: string, body: string) {
  const response = await client.post(
    "/questions/ask",
    { title, body, category: (await listCategories())[0].slug, tags: "" },
    { cookie },
  );
  const threadId = Number(response.headers.get("location")?.match(/^\/questions\/(\d+)\//)?.[1] ?? NaN);
  return { response, threadId };
}

describe("Markdown bombs over HTTP", () => {
  it("refuses them in a question with a 400 and the message next to the body field, and saves nothing", async () => {
    for (const [what, body, message] of refused) {
      const title = `Bomb question ${what}`;
      const { response } = await ask(cookies.casey, title, body);
      expect(response.status, what).toBe(400);
      const error = fieldError(await decoded(response), "body");
      expect(error?.startsWith(message), `${what}: ${error}`).toBe(true);
      expect(error, what).toMatch(/, in the block that starts on line 1\.$/);
      expect(firstRow(await scriptDb().select().from(threads).where(eq(threads.title, title))), what).toBeUndefined();
    }
  });

  it("names every problem of a question in one answer: a short or reversing title beside a bomb in the body", async () => {
    for (const [title, titleError] of [
      ["Too short", "Use at least 10 characters"],
      ["Hub offline \u202Eetadpu retfa", "Remove the invisible characters that change the direction of the text"],
    ]) {
      const { response } = await ask(cookies.casey, title, refused[0][1]);
      expect(response.status, title).toBe(400);
      const page = await decoded(response);
      expect(fieldError(page, "title"), title).toMatch(new RegExp(`^${titleError}`));
      expect(fieldError(page, "body"), title).toMatch(new RegExp(`^${NESTED}`));
      expect(firstRow(await scriptDb().select().from(threads).where(eq(threads.title, title))), title).toBeUndefined();
    }
  });

  it("refuses them in an answer and in an edit, keeping the post's saved text", async () => {
    const { response, threadId } = await ask(
      cookies.casey,
      "A question that will be answered with bombs",
      "The hub **blinks** blue.",
    );
    expect(response.status).toBe(302);
    const threadPath = response.headers.get("location")!;
    const before = await answerCount(threadId);
    for (const [what, body, message] of refused) {
      const answer = await client.post(threadPath, { intent: "answer", body }, { cookie: cookies.staff });
      expect(answer.status, what).toBe(400);
      expect(fieldError(await decoded(answer), "body"), what).toContain(message);
    }
    expect(await answerCount(threadId)).toBe(before);

    const question = await questionOf(threadId);
    for (const [what, body, message] of refused) {
      const edit = await client.post(
        `/posts/${question.id}/edit`,
        { title: "A question that was edited into a bomb", body },
        { cookie: cookies.casey },
      );
      expect(edit.status, what).toBe(400);
      expect(fieldError(await decoded(edit), "body"), what).toContain(message);
    }
    const after = await questionOf(threadId);
    expect(after).toMatchObject({
      bodyMarkdown: "The hub **blinks** blue.",
      bodyHtml: question.bodyHtml,
      editedAt: null,
    });
    expect(
      firstRow(await scriptDb().select({ title: threads.title }).from(threads).where(eq(threads.id, threadId)))!.title,
    ).toBe("A question that will be answered with bombs");
  });

  it("answers the live preview with a 400 and the message for the body field", async () => {
    for (const [what, body, message] of refused) {
      const preview = await client.post("/api/preview", { body }, { cookie: cookies.member });
      expect(preview.status, what).toBe(400);
      expect((await preview.json()).fieldErrors.body, what).toContain(message);
    }
  });

  it("answers the no-JavaScript preview of the ask, answer and edit forms with the message next to the field, keeping the text", async () => {
    const { response, threadId } = await ask(
      cookies.casey,
      "A question whose answer is previewed without JavaScript",
      "Previews?",
    );
    const threadPath = response.headers.get("location")!;
    const [what, body, message] = refused[0];
    for (const [path, form] of [
      [
        "/questions/ask",
        { intent: "preview", title: "Previewing a bomb", body, category: (await listCategories())[0].slug },
      ],
      [threadPath, { intent: "preview", body }],
      [`/posts/${(await questionOf(threadId)).id}/edit`, { intent: "preview", title: "Previewing a bomb", body }],
    ] as const) {
      const preview = await client.post(path, form, { cookie: cookies.casey });
      expect(preview.status, `${what} on ${path}`).toBe(400);
      const page = await decoded(preview);
      expect(fieldError(page, "body"), `${what} on ${path}`).toContain(message);
      expect(page, `${what} on ${path}`).toContain(`${"&gt; ".repeat(50)}`);
    }
  });

  it("refuses them in a follow-up reply and an internal note, and saves nothing", async () => {
    const { response: asked } = await ask(
      cookies.casey,
      "A question that needs a follow-up from support",
      "Still blinking.",
    );
    const requested = await client.post(
      asked.headers.get("location")!,
      { intent: "follow-up" },
      { cookie: cookies.casey },
    );
    expect(requested.status).toBe(303);
    const followUpId = Number(requested.headers.get("location")!.match(/^\/support\/(\d+)$/)![1]);
    const followUp = firstRow(await scriptDb().select().from(followUps).where(eq(followUps.id, followUpId)))!;
    const notesBefore = firstRow(
      await scriptDb().select({ n: count() }).from(followUpNotes).where(eq(followUpNotes.followUpId, followUp.id)),
    )!.n;
    const messagesBefore = firstRow(
      await scriptDb().select({ n: count() }).from(privateMessages).where(eq(privateMessages.followUpId, followUp.id)),
    )!.n;
    const answersBefore = await answerCount(followUp.threadId);
    for (const [what, body, message] of refused) {
      for (const [cookie, form, field] of [
        [cookies.staff, { intent: "reply", visibility: "thread", then: "waiting", body }, "reply-body"],
        [cookies.staff, { intent: "reply", visibility: "private", then: "waiting", body }, "reply-body"],
        [cookies.casey, { intent: "reply", body }, "reply-body"],
        [cookies.staff, { intent: "note", note: body }, "note-body"],
      ] as const) {
        const response = await client.post(`/support/${followUp.id}`, form, { cookie });
        expect(response.status, `${what} as ${form.intent}`).toBe(400);
        expect(fieldError(await decoded(response), field), `${what} as ${form.intent}`).toContain(message);
      }
    }
    expect(
      firstRow(
        await scriptDb().select({ n: count() }).from(followUpNotes).where(eq(followUpNotes.followUpId, followUp.id)),
      )!.n,
    ).toBe(notesBefore);
    expect(
      firstRow(
        await scriptDb()
          .select({ n: count() })
          .from(privateMessages)
          .where(eq(privateMessages.followUpId, followUp.id)),
      )!.n,
    ).toBe(messagesBefore);
    expect(await answerCount(followUp.threadId)).toBe(answersBefore);
  });

  it("posts the bombs that render: 32,000 brackets, asterisks or backticks become text", async () => {
    const { threadId, response } = await ask(
      cookies.casey,
      "A question answered with plain punctuation",
      "Which characters can I type?",
    );
    const threadPath = response.headers.get("location")!;
    for (const body of [fill("["), fill("*"), fill("`"), "![[".repeat(10_000)]) {
      expect((await client.post(threadPath, { intent: "answer", body }, { cookie: cookies.staff })).status).toBe(303);
    }
    expect(await answerCount(threadId)).toBe(5);
  });
});

describe("ordinary text as large as a post may be, over HTTP", () => {
  // E-mail style inline replies: quoted lines and reply lines alternating without blank lines. The
  // block-lexing budget used to count such a quote as chunks times lines and refused these.
  const replies: [string, string][] = [
    ['12 KB of "> quoted\nreply\n"', "> quoted\nreply\n".repeat(750)],
    ['32 KB of "> q\nr\n"', fill("> q\nr\n")],
    ["32 KB of nested quotes with replies", fill(">> the original question\n> the first answer\nmy reply\n")],
  ];

  it("posts e-mail style replies as answers and previews them", async () => {
    const { response, threadId } = await ask(
      cookies.casey,
      "A question answered inline, e-mail style",
      "The hub blinks blue.",
    );
    const threadPath = response.headers.get("location")!;
    for (const [what, body] of replies) {
      const answer = await client.post(threadPath, { intent: "answer", body }, { cookie: cookies.staff });
      expect(answer.status, `${what}: ${fieldError(await decoded(answer), "body")}`).toBe(303);
      const saved = (await scriptDb().select().from(posts).where(eq(posts.threadId, threadId))).reduce(
        (latest, post) => (post.id > latest.id ? post : latest),
      );
      expect(saved.bodyMarkdown.trim(), what).toBe(body.trim());
      expect(saved.bodyHtml, what).toContain("<blockquote>");
      const preview = await client.post("/api/preview", { body }, { cookie: cookies.member });
      expect(preview.status, what).toBe(200);
    }
    expect(await answerCount(threadId)).toBe(1 + replies.length);
  });
});

describe("control characters in what people type", () => {
  it("leaves them out of posts and internal notes, so no page holds a NUL byte", async () => {
    const typed = "The hub\u0000 blinks\u0007 red\u001b[31m, 設定 🙂\r\nsecond line\tend";
    const { response, threadId } = await ask(cookies.casey, "Control characters in a question\u0000", typed);
    expect(response.headers.get("location")).toMatch(/^\/questions\/\d+\//);
    const question = await questionOf(threadId);
    expect(question.bodyMarkdown).toBe("The hub blinks red[31m, 設定 🙂\r\nsecond line\tend");
    const page = Buffer.from(await (await client.get(response.headers.get("location")!)).arrayBuffer());
    expect(page.includes(0)).toBe(false);
    expect(page.toString("utf8")).toContain("The hub blinks red[31m, 設定 🙂");

    const followUp = firstRow(await scriptDb().select({ id: followUps.id }).from(followUps).limit(1))!;
    const note = await client.post(
      `/support/${followUp.id}`,
      { intent: "note", note: `Checked\u0000 the serial ${Date.now()}` },
      { cookie: cookies.staff },
    );
    expect(note.status).toBe(303);
    const staffPage = Buffer.from(
      await (await client.get(`/support/${followUp.id}`, { cookie: cookies.staff })).arrayBuffer(),
    );
    expect(staffPage.includes(0)).toBe(false);
    expect(staffPage.toString("utf8")).toContain("Checked the serial");
  });

  it("leaves them and bad percent-encoding out of what a URL asks, so no search page holds a NUL or U+FFFD", async () => {
    for (const query of ["q=hub%00blinks", "q=%E0%A4%A&x=%", "q=%ED%A0%80hub%FF", "q=hub%07%1B%5B31m"]) {
      const response = await client.get(`/search?${query}`);
      expect(response.status, query).toBe(200);
      const page = Buffer.from(await response.arrayBuffer());
      expect(page.includes(0), query).toBe(false);
      expect(page.toString("utf8"), query).not.toContain("\ufffd");
    }
    // PostgreSQL refuses a NUL in text: the title being typed on the ask page must not reach it.
    for (const title of ["hub%00blinks", "%00", "%ED%A0%80hub"]) {
      const response = await client.get(`/api/similar?title=${title}`, { cookie: cookies.casey });
      expect(response.status, title).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).includes(0), title).toBe(false);
    }
  });
});

describe("the live preview", () => {
  it("is rate limited like posting: past the limit it answers 429 with Retry-After", async () => {
    for (let i = 0; i < LIMITS.preview.max; i++) {
      const preview = await client.post(
        "/api/preview",
        { body: `Draft ${i} with **bold**` },
        { cookie: cookies.member },
      );
      expect(preview.status).toBe(200);
    }
    const refusedPreview = await client.post("/api/preview", { body: "One too many" }, { cookie: cookies.member });
    expect(refusedPreview.status).toBe(429);
    expect(Number(refusedPreview.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await refusedPreview.json()).formError).toMatch(/^Too many attempts/);
    // Someone else's previews are counted apart.
    expect((await client.post("/api/preview", { body: "Mine" }, { cookie: cookies.casey })).status).toBe(200);
  });
});

describe("search indexing of very long words", () => {
  // Before the fix each of these writes held the write lock for seconds (quadratic patterns over
  // a 32,000-letter word and a 32,000-character run of white space); the thread's document holds
  // the question and both solutions, so every later write re-read all three: over a minute here in
  // all, past the suite's per-test timeout, against well under a second now. No timing is asserted.
  it("indexes a thread whose question and solutions are one huge word each, and still finds hyphenated words", async () => {
    const letters = "a".repeat(LIMIT);
    const { response, threadId } = await ask(cookies.casey, "Z-Wave lock drops off after a firmware update", letters);
    expect(response.status).toBe(302);
    const threadPath = response.headers.get("location")!;
    const solutionIds: number[] = [];
    for (const body of [`${"b".repeat(LIMIT - 1)}c`, `x${"\u00a0".repeat(LIMIT - 2)}y`]) {
      expect((await client.post(threadPath, { intent: "answer", body }, { cookie: cookies.staff })).status).toBe(303);
      solutionIds.push(
        firstRow(
          await scriptDb()
            .select({ id: posts.id })
            .from(posts)
            .where(and(eq(posts.threadId, threadId), eq(posts.bodyMarkdown, body))),
        )!.id,
      );
    }
    expect(
      (await client.post(threadPath, { intent: "accept", postId: String(solutionIds[0]) }, { cookie: cookies.casey }))
        .status,
    ).toBe(303);
    expect(
      (await client.post(threadPath, { intent: "verify", postId: String(solutionIds[1]) }, { cookie: cookies.staff }))
        .status,
    ).toBe(303);
    const question = await questionOf(threadId);
    for (let edit = 1; edit <= 40; edit++) {
      const body = edit % 2 ? letters : `${"d".repeat(LIMIT - 10)} Wi-Fi ${edit}`;
      const response = await client.post(
        `/posts/${question.id}/edit`,
        { title: `Z-Wave lock drops off after firmware update ${edit}`, body },
        { cookie: cookies.casey },
      );
      expect(response.status, `edit ${edit}`).toBe(303);
    }
    expect((await questionOf(threadId)).bodyMarkdown).toContain("Wi-Fi 40");
    const found = async (q: string) => (await searchSite(VISITOR, { q, type: "questions" })).hits.map((hit) => hit.id);
    expect(await found("zwave")).toContain(threadId);
    expect(await found("wifi")).toContain(threadId);
    expect(await found("firmware update 40")).toEqual([threadId]);
  });
});

describe("knowledge-base sync of Markdown the renderer refuses", () => {
  it("skips the file with path:line: problem and keeps the article's last good version", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-kb-bomb-"));
    const article = (body: string) =>
      `---\ntitle: Deep quotes\nsummary: An article that someone nests far too deep.\ncategory: General\naudience: public\nupdated: 2026-11-01\n---\n\nIntro line.\n\n${body}\n`;
    fs.writeFileSync(path.join(dir, "deep-quotes.md"), article("A good first version."));
    expect(await syncKnowledgeBase(dir)).toMatchObject({ added: ["deep-quotes"], problems: [] });

    fs.writeFileSync(path.join(dir, "deep-quotes.md"), article(fill("> ").slice(0, 20_000)));
    const report = await syncKnowledgeBase(dir);
    expect(report.updated).toEqual([]);
    expect(report.removed).toEqual([]);
    // The frontmatter takes 7 lines, then a blank line and the intro: the quotes start on line 11.
    expect(report.problems).toEqual([
      {
        path: path.relative(process.cwd(), path.join(dir, "deep-quotes.md")),
        line: 11,
        message: "Nested more than 20 levels deep: quotes and lists inside one another",
      },
    ]);
    expect(await getArticlePage(VISITOR, "deep-quotes", null)).toMatchObject({ access: "full" });
    expect(JSON.stringify(await getArticlePage(VISITOR, "deep-quotes", null))).toContain("A good first version.");
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
