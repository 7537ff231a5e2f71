/**
 * The Atom document of a list of questions (`latestThreadsForFeed`): one entry per thread, its stable
 * address (`/questions/<id>`) as its id, updated at its last activity, its tags as categories.
 */
import { atomFeed } from "~/lib/xml.server";
import type { latestThreadsForFeed } from "./threads.server";

type FeedThread = Awaited<ReturnType<typeof latestThreadsForFeed>>["threads"][number];

export function threadsAtom(
  origin: string,
  threads: FeedThread[],
  { title, page, self }: { title: string; page: string; self: string },
) {
  return atomFeed({
    id: origin + self,
    title,
    link: origin + page,
    self: origin + self,
    updated: threads.reduce(
      (latest, thread) => (thread.lastActivityAt > latest ? thread.lastActivityAt : latest),
      new Date(0),
    ),
    entries: threads.map((thread) => ({
      id: `${origin}/questions/${thread.id}`,
      title: thread.title,
      link: `${origin}/questions/${thread.id}/${thread.slug}`,
      updated: thread.lastActivityAt,
      author: thread.author,
      categories: [thread.categoryName, ...thread.tags],
      summary: thread.summary,
    })),
  });
}
