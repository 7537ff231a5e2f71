/**
 * The benchmark's baseline: the same thread page a bare stack would serve, to compare Hearth with.
 * Per request it reads what Hearth's thread loader reads from the same SQLite file (the thread with
 * its category, its solutions, the question, 50 answers with their authors, its tags) through
 * prepared better-sqlite3 statements, renders a tree of the same shape with React 18's
 * `renderToString` (header and nav, the question, each answer's stored HTML, one vote form per
 * post, the answer form, the page data as JSON for hydration) and answers from `node:http`.
 * No framework, no cache, no sessions, no CSP nonce: what is left is the floor a page costs here.
 *
 *   DATABASE_PATH=… PORT=… node --import tsx test/bench/baseline-server.tsx   prints "ready <port>"
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import Database from "better-sqlite3";
import { renderToString } from "react-dom/server";

const ANSWERS_PER_PAGE = 50;

type ThreadRow = {
  id: number;
  title: string;
  slug: string;
  status: string;
  answerCount: number;
  viewCount: number;
  createdAt: number;
  lastActivityAt: number;
  categoryName: string;
  categorySlug: string;
};
type PostRow = {
  id: number;
  kind: string;
  authorId: number;
  author: string;
  authorRole: string;
  bodyHtml: string;
  score: number;
  createdAt: number;
  editedAt: number | null;
};
type Page = { thread: ThreadRow & { tags: string[] }; question: PostRow; solutions: PostRow[]; answers: PostRow[] };

const sqlite = new Database(process.env.DATABASE_PATH!, { fileMustExist: true });
sqlite.pragma("busy_timeout = 5000");
const postColumns = `p.id, p.kind, p.author_id AS authorId, u.username AS author, u.role AS authorRole, p.body_html AS bodyHtml,
  p.score, p.created_at AS createdAt, p.edited_at AS editedAt`;
const statements = {
  thread: sqlite.prepare<
    [number],
    ThreadRow
  >(`SELECT t.id, t.title, t.slug, t.status, t.answer_count AS answerCount, t.view_count AS viewCount,
    t.created_at AS createdAt, t.last_activity_at AS lastActivityAt, c.name AS categoryName, c.slug AS categorySlug
    FROM threads t JOIN categories c ON c.id = t.category_id WHERE t.id = ? AND t.visibility = 'visible'`),
  solutions: sqlite.prepare<[number], { postId: number; kind: string }>(
    "SELECT post_id AS postId, kind FROM solutions WHERE thread_id = ?",
  ),
  pinned: sqlite.prepare<
    [number, number],
    PostRow
  >(`SELECT ${postColumns} FROM posts p JOIN users u ON u.id = p.author_id
    WHERE p.thread_id = ? AND (p.kind = 'question' OR (p.id IN (SELECT post_id FROM solutions WHERE thread_id = ?) AND p.moderation_state = 'visible'))`),
  answers: sqlite.prepare<
    [number, number, number],
    PostRow
  >(`SELECT ${postColumns} FROM posts p JOIN users u ON u.id = p.author_id
    WHERE p.thread_id = ? AND p.kind = 'answer' AND p.moderation_state = 'visible' AND p.id NOT IN (SELECT post_id FROM solutions WHERE thread_id = ?)
    ORDER BY p.score DESC, p.created_at, p.id LIMIT ? OFFSET 0`),
  tags: sqlite.prepare<[number], { name: string }>(
    "SELECT g.name FROM thread_tags tt JOIN tags g ON g.id = tt.tag_id WHERE tt.thread_id = ? ORDER BY g.name",
  ),
};

function loadPage(threadId: number): Page | null {
  const thread = statements.thread.get(threadId);
  if (!thread) return null;
  const solutions = statements.solutions.all(threadId);
  const pinned = statements.pinned.all(threadId, threadId);
  const question = pinned.find((post) => post.kind === "question");
  if (!question) return null;
  return {
    thread: { ...thread, tags: statements.tags.all(threadId).map((tag) => tag.name) },
    question,
    solutions: pinned.filter((post) => post.kind === "answer" && solutions.some((s) => s.postId === post.id)),
    answers: statements.answers.all(threadId, threadId, ANSWERS_PER_PAGE),
  };
}

function Time({ at }: { at: number }) {
  const iso = new Date(at).toISOString();
  return (
    <time dateTime={iso} title={`${iso.slice(0, 16).replace("T", " ")} UTC`}>
      {iso.slice(0, 10)}
    </time>
  );
}

function VoteForm({ postId, score }: { postId: number; score: number }) {
  return (
    <form method="post" className="votes">
      <input type="hidden" name="intent" value="vote" />
      <input type="hidden" name="postId" value={postId} />
      <button
        type="submit"
        name="value"
        value={1}
        className="vote-button"
        aria-pressed={false}
        aria-label="Upvote"
        title="Upvote"
      >
        ▲
      </button>
      <span className="vote-score" aria-live="polite" aria-label={`Score ${score}`}>
        {score}
      </span>
      <button
        type="submit"
        name="value"
        value={-1}
        className="vote-button"
        aria-pressed={false}
        aria-label="Downvote"
        title="Downvote"
      >
        ▼
      </button>
    </form>
  );
}

function Post({ post }: { post: PostRow }) {
  const isAnswer = post.kind === "answer";
  return (
    <article id={`post-${post.id}`} className="post" aria-label={isAnswer ? `Answer by ${post.author}` : "Question"}>
      <VoteForm postId={post.id} score={post.score} />
      <div>
        <div className="prose" dangerouslySetInnerHTML={{ __html: post.bodyHtml }} />
        <div className="post-footer">
          <div className="post-actions">
            <a href={`/posts/${post.id}/flag`} rel="nofollow">
              Flag
            </a>
          </div>
          <span>
            {isAnswer ? "answered" : "asked"} by <a href={`/users/${post.author}`}>{post.author}</a>{" "}
            {post.authorRole === "staff" || post.authorRole === "admin" ? (
              <span className="badge badge-staff">Staff</span>
            ) : null}{" "}
            <Time at={post.createdAt} />
          </span>
        </div>
      </div>
    </article>
  );
}

function ThreadPage({ page }: { page: Page }) {
  const { thread } = page;
  // The page's data goes along for hydration, as any server-rendered React page's does.
  const data = JSON.stringify(page).replace(/</g, "\\u003c");
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{thread.title}</title>
        <link rel="stylesheet" href="/build/app.css" />
      </head>
      <body>
        <header className="site-header">
          <div className="container header-row">
            <a href="/" className="brand">
              Hearth
            </a>
            <form method="get" action="/search" role="search" className="header-search">
              <input
                id="site-search"
                type="search"
                name="q"
                placeholder="Search questions and articles"
                maxLength={200}
              />
              <button type="submit" className="button button-small">
                Search
              </button>
            </form>
            <nav aria-label="Main" className="main-nav">
              <a href="/questions">Questions</a>
              <a href="/kb">Knowledge base</a>
              <a href="/tags">Tags</a>
              <a href="/questions/ask">Ask a question</a>
              <a href="/login">Sign in</a>
              <a href="/signup">Sign up</a>
            </nav>
          </div>
        </header>
        <main id="main" className="container">
          <div className="page-head">
            <h1>{thread.title}</h1>
          </div>
          <div className="thread-meta">
            {thread.status === "solved" ? <span className="badge badge-solved">Solved</span> : null}
            <a href={`/questions?category=${thread.categorySlug}`}>{thread.categoryName}</a>
            <ul className="tag-list" aria-label="Tags">
              {thread.tags.map((tag) => (
                <li key={tag}>
                  <a className="tag" href={`/tags/${tag}`}>
                    {tag}
                  </a>
                </li>
              ))}
            </ul>
            <span>
              asked <Time at={thread.createdAt} />, active <Time at={thread.lastActivityAt} />, viewed{" "}
              {thread.viewCount} times
            </span>
          </div>
          <Post post={page.question} />
          {page.solutions.length > 0 ? (
            <section aria-labelledby="solutions-title">
              <h2 id="solutions-title">Solution</h2>
              {page.solutions.map((post) => (
                <Post key={post.id} post={post} />
              ))}
            </section>
          ) : null}
          <section aria-labelledby="answers-title">
            <h2 id="answers-title">{`${thread.answerCount} answers`}</h2>
            {page.answers.map((post) => (
              <Post key={post.id} post={post} />
            ))}
          </section>
          <section aria-labelledby="your-answer">
            <h2 id="your-answer">Your answer</h2>
            <form method="post">
              <label htmlFor="body">Answer</label>
              <textarea id="body" name="body" rows={8} />
              <button type="submit" name="intent" value="answer" className="button">
                Post your answer
              </button>
            </form>
          </section>
        </main>
        <footer className="site-footer">Be kind.</footer>
        <script dangerouslySetInnerHTML={{ __html: `window.__PAGE__ = ${data};` }} />
      </body>
    </html>
  );
}

const server = http.createServer((request, response) => {
  const match = /^\/questions\/(\d+)(?:\/|$)/.exec(request.url ?? "");
  const page = match ? loadPage(Number(match[1])) : null;
  if (!page) {
    response.writeHead(404, { "content-type": "text/plain" }).end("not found");
    return;
  }
  const html = "<!DOCTYPE html>" + renderToString(<ThreadPage page={page} />);
  response
    .writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(html) })
    .end(html);
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () =>
  console.log(`ready ${(server.address() as AddressInfo).port}`),
);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
