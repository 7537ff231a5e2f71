import { RelativeTime } from "./relative-time";
import { TagList } from "./tag-list";

export type ThreadRowData = {
  id: number;
  title: string;
  slug: string;
  status: string;
  score: number;
  answerCount: number;
  createdAt: Date;
  author: string;
  categoryName: string;
  categorySlug: string;
  tags: string[];
};

export const threadPath = (thread: { id: number; slug: string }) => `/questions/${thread.id}/${thread.slug}`;

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

export function ThreadRow({ thread, pinned = false }: { thread: ThreadRowData; pinned?: boolean }) {
  const solved = thread.status === "solved";
  return (
    <li className="thread-row">
      <div className="thread-stats">
        <span>{plural(thread.score, "vote")}</span>
        <span className={solved ? "answers-solved" : undefined}>
          {solved ? <span aria-hidden="true">✓ </span> : null}
          {plural(thread.answerCount, "answer")}
          {solved ? <span className="visually-hidden">, solved</span> : null}
        </span>
      </div>
      <div>
        <h3 className="thread-title">
          <a href={threadPath(thread)}>{thread.title}</a>
        </h3>
        <div className="thread-meta">
          {pinned ? <span className="badge badge-pinned">Pinned</span> : null}
          {solved ? <span className="badge badge-solved">Solved</span> : null}
          {thread.status === "closed" ? <span className="badge badge-closed">Closed</span> : null}
          <a href={`/questions?category=${thread.categorySlug}`}>{thread.categoryName}</a>
          <TagList tags={thread.tags} />
          <span>
            asked by <a href={`/users/${thread.author}`}>{thread.author}</a> <RelativeTime date={thread.createdAt} />
          </span>
        </div>
      </div>
    </li>
  );
}

/** A list of threads; pinned ones (staff put them there) come first, marked as such. */
export function ThreadList({
  threads,
  pinned = [],
  empty,
}: {
  threads: ThreadRowData[];
  pinned?: ThreadRowData[];
  empty: string;
}) {
  if (threads.length === 0 && pinned.length === 0) return <p>{empty}</p>;
  return (
    <ul className="thread-list">
      {pinned.map((thread) => (
        <ThreadRow key={thread.id} thread={thread} pinned />
      ))}
      {threads.map((thread) => (
        <ThreadRow key={thread.id} thread={thread} />
      ))}
    </ul>
  );
}
