/**
 * The thread page: the thread, its question, solutions and one page of answers, with what the reader
 * may do to each. It costs a fixed number of queries however many answers the thread has: the thread,
 * then its posts, tags, solutions and the reader's votes and flags, each one query by thread id,
 * prepared once per connection (`threadPageQueries`). Each author's reputation and most notable
 * badge come with their name, in the posts' query (stored: users.reputation, badge_standings).
 * An imported thread (source_site set) costs one query more, for its posts' comments; its posts
 * carry where they came from and under which licence, shown with them (DECISIONS.md #81).
 */
import { and, asc, desc, eq, inArray, notInArray, or, sql } from "drizzle-orm";
import {
  badgeStandings,
  DELETED_USER_SOURCE_ID,
  categories,
  posts,
  solutions,
  tags,
  threadTags,
  threads,
  users,
  votes,
  type CloseVoteReason,
} from "../../../db/schema";
import { preparedPerConnection, firstRow } from "~/lib/db.server";
import { NotFoundError } from "~/lib/errors.server";
import {
  canEditPost,
  canSuggestEditPost,
  canFlagPost,
  canSeeThread,
  canViewThread,
  canVoteOnPost,
  ensure,
  isSignedIn,
  readerKind,
  threadCapabilities,
  visiblePostStatesConditionFor,
  type Actor,
} from "~/lib/permissions.server";
import { ANSWERS_PER_PAGE, type PostComments } from "./rules";
import { commentsOfPosts } from "./imported-comments.server";
import { threadFlagsForReader } from "~/models/moderation/flags.server";
import { CLOSE_VOTES_NEEDED } from "~/models/moderation/rules";

// The thread page's reads, prepared once: the posts in one variant per kind of reader, because
// which posts a reader sees is part of the SQL. The thread's own visibility is checked once, on its
// row, so the posts are filtered by their own state alone (`visiblePostStatesConditionFor`).
const threadPageQueries = preparedPerConnection((db) => {
  const threadId = sql.placeholder("threadId");
  const readerId = sql.placeholder("readerId");
  const postColumns = {
    id: posts.id,
    kind: posts.kind,
    authorId: posts.authorId,
    author: users.username,
    authorRole: users.role,
    authorReputation: users.reputation,
    topBadge: badgeStandings.topKey,
    topBadgeTag: badgeStandings.topTag,
    bodyHtml: posts.bodyHtml,
    score: posts.score,
    createdAt: posts.createdAt,
    editedAt: posts.editedAt,
    moderationState: posts.moderationState,
    reviewRequestedAt: posts.reviewRequestedAt,
    sourceSite: posts.sourceSite,
    sourceUrl: posts.sourceUrl,
    sourceLicence: posts.sourceLicence,
    sourceAuthorName: posts.sourceAuthorName,
  };
  const solutionPostIds = db
    .select({ postId: solutions.postId })
    .from(solutions)
    .where(eq(solutions.threadId, threadId));
  const postsFor = (kind: ReturnType<typeof readerKind>) => {
    const seenPosts = visiblePostStatesConditionFor(kind, readerId);
    const postsWithAuthors = () =>
      db
        .select(postColumns)
        .from(posts)
        .innerJoin(users, eq(users.id, posts.authorId))
        .leftJoin(badgeStandings, eq(badgeStandings.userId, posts.authorId));
    return {
      // The question and the solutions head every page; the other answers follow by score.
      pinned: postsWithAuthors()
        .where(
          and(
            eq(posts.threadId, threadId),
            or(eq(posts.kind, "question"), and(inArray(posts.id, solutionPostIds), seenPosts)),
          ),
        )
        .prepare(),
      answers: postsWithAuthors()
        .where(
          and(eq(posts.threadId, threadId), eq(posts.kind, "answer"), notInArray(posts.id, solutionPostIds), seenPosts),
        )
        .orderBy(desc(posts.score), asc(posts.createdAt), asc(posts.id))
        .limit(sql.placeholder("limit"))
        .offset(sql.placeholder("offset"))
        .prepare(),
    };
  };
  return {
    thread: db
      .select({
        id: threads.id,
        title: threads.title,
        slug: threads.slug,
        status: threads.status,
        authorId: threads.authorId,
        answerCount: threads.answerCount,
        viewCount: threads.viewCount,
        createdAt: threads.createdAt,
        lastActivityAt: threads.lastActivityAt,
        categoryId: threads.categoryId,
        categoryName: categories.name,
        categorySlug: categories.slug,
        visibility: threads.visibility,
        lockedAt: threads.lockedAt,
        pinnedAt: threads.pinnedAt,
        closedReason: threads.closedReason,
        duplicateOfId: threads.duplicateOfId,
        sourceSite: threads.sourceSite,
        // The imported site's "deleted user" account, whose posts are shown under their source names.
        deletedUserId: sql<
          number | null
        >`(SELECT ir.target_id FROM import_records ir WHERE ir.site = ${threads.sourceSite} AND ir.kind = 'user' AND ir.source_id = ${DELETED_USER_SOURCE_ID})`,
        // Close votes, and the reader's own, in the thread's own query (#79).
        closeVoteCount: sql<number>`(SELECT count(*) FROM close_votes cv WHERE cv.thread_id = ${threads.id})`,
        myCloseVote: sql<CloseVoteReason | null>`(SELECT cv.reason FROM close_votes cv WHERE cv.thread_id = ${threads.id} AND cv.user_id = ${readerId})`,
      })
      .from(threads)
      .innerJoin(categories, eq(categories.id, threads.categoryId))
      .where(eq(threads.id, threadId))
      .prepare(),
    duplicateOriginal: db
      .select({
        id: threads.id,
        title: threads.title,
        slug: threads.slug,
        authorId: threads.authorId,
        visibility: threads.visibility,
      })
      .from(threads)
      .where(eq(threads.id, threadId))
      .prepare(),
    solutions: db.select().from(solutions).where(eq(solutions.threadId, threadId)).prepare(),
    tagNames: db
      .select({ name: tags.name })
      .from(threadTags)
      .innerJoin(tags, eq(tags.id, threadTags.tagId))
      .where(eq(threadTags.threadId, threadId))
      .orderBy(asc(tags.name))
      .prepare(),
    postsFor: { staff: postsFor("staff"), member: postsFor("member"), visitor: postsFor("visitor") },
    // The reader's votes on the thread's posts (those not shown cost nothing: the page looks up the shown ones).
    myVotes: db
      .select({ postId: votes.postId, value: votes.value })
      .from(votes)
      .innerJoin(posts, eq(posts.id, votes.postId))
      .where(and(eq(votes.userId, readerId), eq(posts.threadId, threadId)))
      .prepare(),
  };
});

/** The thread page: question, solutions first, answers by score; one query per kind of row. */
export async function getThreadPage(actor: Actor, threadId: number, answersPage = 1) {
  ensure(canViewThread(actor));
  const queries = threadPageQueries();
  const reader = { threadId, readerId: isSignedIn(actor) ? actor.id : 0 };
  const thread = firstRow(await queries.thread.execute(reader));
  // A thread nobody but its author and staff may see does not exist for anyone else.
  if (!thread || !canSeeThread(actor, thread)) throw new NotFoundError("That question does not exist.");
  // The rest depends only on the thread: asked together, so on PostgreSQL the reads share turns of
  // the event loop (and go out on several connections) instead of one round trip after another.
  const { pinned: pinnedQuery, answers: answersQuery } = queries.postsFor[readerKind(actor)];
  const [original, threadSolutions, pinned, answers, tagRows, myVoteRows, flagging] = await Promise.all([
    thread.duplicateOfId
      ? queries.duplicateOriginal.execute({ threadId: thread.duplicateOfId }).then(firstRow)
      : undefined,
    queries.solutions.execute({ threadId }),
    pinnedQuery.execute(reader),
    answersQuery.execute({ ...reader, limit: ANSWERS_PER_PAGE, offset: (answersPage - 1) * ANSWERS_PER_PAGE }),
    queries.tagNames.execute({ threadId }),
    isSignedIn(actor) ? queries.myVotes.execute(reader) : [],
    threadFlagsForReader(actor, threadId),
  ]);
  // The original of a duplicate is named and linked only for readers who may see it.
  const duplicateOf =
    original && canSeeThread(actor, original) ? { id: original.id, title: original.title, slug: original.slug } : null;
  // A duplicate's closing reason names the original's title, so it is not shown for duplicates.
  const closedReason = thread.duplicateOfId ? null : thread.closedReason;
  const question = pinned.find((post) => post.kind === "question");
  if (!question) throw new NotFoundError("That question does not exist.");
  const tagNames = tagRows.map((tag) => tag.name);
  const myVotes = new Map(myVoteRows.map((row) => [row.postId, row.value]));
  const shownPosts = [
    question,
    ...(answersPage === 1 ? pinned.filter((post) => post.kind === "answer") : []),
    ...answers,
  ];
  // Only imported threads have comments; they are asked for the shown posts alone (the reader may see those).
  const comments =
    thread.sourceSite === null
      ? new Map<number, PostComments>()
      : await commentsOfPosts(
          actor,
          shownPosts.map((post) => post.id),
          thread.deletedUserId,
        );

  // Written out rather than spread: this runs for every post of the most-read page.
  const withFlags = (post: typeof question) => ({
    id: post.id,
    kind: post.kind,
    author: post.authorId === thread.deletedUserId ? (post.sourceAuthorName ?? post.author) : post.author,
    authorRole: post.authorRole,
    authorReputation: post.authorReputation,
    // The author's most notable badge (none: no row in badge_standings).
    authorBadge: post.topBadge === null ? null : { key: post.topBadge, tag: post.topBadgeTag ?? "" },
    bodyHtml: post.bodyHtml,
    score: post.score,
    createdAt: post.createdAt,
    editedAt: post.editedAt,
    moderationState: post.moderationState,
    // Only staff-hidden posts carry it, so other posts' page data stays as it was.
    ...(post.moderationState === "hidden" && post.reviewRequestedAt === null ? { hiddenByStaff: true as const } : {}),
    myVote: myVotes.get(post.id) ?? 0,
    accepted: threadSolutions.some((s) => s.kind === "accepted" && s.postId === post.id),
    verified: threadSolutions.some((s) => s.kind === "verified" && s.postId === post.id),
    isMine: isSignedIn(actor) && actor.id === post.authorId,
    flaggedByMe: flagging.mine.has(post.id),
    openFlags: flagging.open.get(post.id) ?? 0,
    canVote: canVoteOnPost(actor, post),
    canEdit: canEditPost(actor, post),
    canSuggestEdit: canSuggestEditPost(actor, post),
    canFlag: canFlagPost(actor, post),
    // Absent from Hearth's own posts (most of them), so their pages' data stays as it was.
    ...(post.sourceSite === null ? {} : importedParts(post, thread.deletedUserId, comments.get(post.id))),
  });
  const solutionOrder = (post: { id: number }) =>
    threadSolutions.find((s) => s.postId === post.id)?.kind === "accepted" ? 0 : 1;
  const solutionPosts = pinned
    .filter((post) => post.kind === "answer")
    .sort((a, b) => solutionOrder(a) - solutionOrder(b));
  const nonSolutionCount = thread.answerCount - solutionPosts.length;

  const { closeVoteCount, myCloseVote, deletedUserId: _deletedUserId, ...threadRow } = thread;
  return {
    thread: {
      ...threadRow,
      closedReason,
      tags: tagNames,
      duplicateOf,
      closedAsDuplicate: thread.duplicateOfId !== null,
    },
    closeVotes: { count: Number(closeVoteCount), needed: CLOSE_VOTES_NEEDED, mine: myCloseVote },
    question: withFlags(question),
    solutions: answersPage === 1 ? solutionPosts.map(withFlags) : [],
    answers: answers.map(withFlags),
    answersPage,
    answerPageCount: Math.max(1, Math.ceil(nonSolutionCount / ANSWERS_PER_PAGE)),
    can: threadCapabilities(actor, thread),
  };
}

type PostRow = {
  authorId: number;
  author: string;
  sourceSite: string | null;
  sourceUrl: string | null;
  sourceLicence: string | null;
  sourceAuthorName: string | null;
};

/**
 * What an imported post shows besides a Hearth post: where it came from, for the line its licence asks
 * for; its comments; and whether its author is the site's deleted user, shown by source name alone.
 */
function importedParts(post: PostRow, deletedUserId: number | null, comments: PostComments | undefined) {
  return {
    importedFrom: {
      site: post.sourceSite!,
      url: post.sourceUrl,
      licence: post.sourceLicence,
      // The licence names the author as the source knew them.
      author: post.sourceAuthorName ?? post.author,
    },
    ...(comments ? { comments } : {}),
    ...(post.authorId === deletedUserId ? { authorIsStandIn: true } : {}),
  };
}
