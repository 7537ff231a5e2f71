// `canSeePost` and its SQL twin `visiblePostsCondition` must agree on every post: each post state
// in each thread visibility, written by the reader or by someone else, for every kind of reader.
import { and, eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { MODERATION_STATES, posts, threads } from "../../../db/schema";
import { getDb } from "~/lib/db.server";
import {
  canSeeModeratedContent,
  canSeePost,
  canSeeThread,
  readerKind,
  VISITOR,
  visiblePostsCondition,
  visiblePostStatesConditionFor,
  visibleThreadsCondition,
  type Actor,
  type Member,
} from "~/lib/permissions.server";
import { makeAnswer, makeThread, makeUser } from "../../fixtures/factories";

let reader: Member;
let other: Member;
let staff: Member;
const threadIds: number[] = [];

beforeAll(async () => {
  [reader, other, staff] = [await makeUser("member"), await makeUser("member"), await makeUser("staff")];
  const db = getDb();
  for (const visibility of MODERATION_STATES) {
    for (const asker of [reader, other]) {
      const { threadId, questionPostId } = makeThread(asker, {
        title: `A ${visibility} thread asked by ${asker.username}`,
      });
      for (const state of MODERATION_STATES) {
        for (const answerer of [reader, other]) {
          const { postId } = makeAnswer(answerer, threadId, `A ${state} answer`);
          db.update(posts).set({ moderationState: state }).where(eq(posts.id, postId)).run();
        }
      }
      // The states are set directly: this test is about the rule, not about how posts get there.
      db.update(posts).set({ moderationState: visibility }).where(eq(posts.id, questionPostId)).run();
      db.update(threads).set({ visibility }).where(eq(threads.id, threadId)).run();
      threadIds.push(threadId);
    }
  }
});

const everyone = (): [string, Actor][] => [
  ["a visitor", VISITOR],
  ["the reader", reader],
  ["someone else", other],
  ["staff", staff],
];

describe("canSeePost and visiblePostsCondition", () => {
  it("agree on every post, for every reader", () => {
    const rows = getDb()
      .select({
        id: posts.id,
        authorId: posts.authorId,
        moderationState: posts.moderationState,
        threadAuthorId: threads.authorId,
        visibility: threads.visibility,
      })
      .from(posts)
      .innerJoin(threads, eq(threads.id, posts.threadId))
      .where(inArray(posts.threadId, threadIds))
      .all();
    expect(rows.length).toBe(MODERATION_STATES.length * 2 * (MODERATION_STATES.length * 2 + 1));
    for (const [name, actor] of everyone()) {
      const byRule = rows
        .filter((row) =>
          canSeePost(actor, { post: row, thread: { authorId: row.threadAuthorId, visibility: row.visibility } }),
        )
        .map((row) => row.id);
      const bySql = getDb()
        .select({ id: posts.id })
        .from(posts)
        .where(and(inArray(posts.threadId, threadIds), visiblePostsCondition(actor)))
        .all()
        .map((row) => row.id);
      expect(
        bySql.sort((a, b) => a - b),
        name,
      ).toEqual(byRule.sort((a, b) => a - b));
    }
  });

  it("agree with canSeeModeratedContent on each post's own state, as the thread page filters them", () => {
    const rows = getDb()
      .select({ id: posts.id, authorId: posts.authorId, moderationState: posts.moderationState })
      .from(posts)
      .where(inArray(posts.threadId, threadIds))
      .all();
    for (const [name, actor] of everyone()) {
      const byRule = rows.filter((row) => canSeeModeratedContent(actor, row)).map((row) => row.id);
      const readerId = actor.kind === "user" ? actor.id : 0;
      const bySql = getDb()
        .select({ id: posts.id })
        .from(posts)
        .where(and(inArray(posts.threadId, threadIds), visiblePostStatesConditionFor(readerKind(actor), readerId)))
        .all()
        .map((row) => row.id);
      expect(
        bySql.sort((a, b) => a - b),
        name,
      ).toEqual(byRule.sort((a, b) => a - b));
    }
  });

  it("agree with canSeeThread on threads", () => {
    const rows = getDb()
      .select({ id: threads.id, authorId: threads.authorId, visibility: threads.visibility })
      .from(threads)
      .where(inArray(threads.id, threadIds))
      .all();
    for (const [name, actor] of everyone()) {
      const byRule = rows.filter((row) => canSeeThread(actor, row)).map((row) => row.id);
      const bySql = getDb()
        .select({ id: threads.id })
        .from(threads)
        .where(and(inArray(threads.id, threadIds), visibleThreadsCondition(actor)))
        .all()
        .map((row) => row.id);
      expect(
        bySql.sort((a, b) => a - b),
        name,
      ).toEqual(byRule.sort((a, b) => a - b));
    }
  });

  it("hides a visible answer in someone else's hidden thread, even from its author", () => {
    const hiddenThread = getDb()
      .select({ id: threads.id })
      .from(threads)
      .where(and(inArray(threads.id, threadIds), eq(threads.visibility, "hidden"), eq(threads.authorId, other.id)))
      .get()!;
    const answer = getDb()
      .select({ authorId: posts.authorId, moderationState: posts.moderationState })
      .from(posts)
      .where(
        and(eq(posts.threadId, hiddenThread.id), eq(posts.authorId, reader.id), eq(posts.moderationState, "visible")),
      )
      .get()!;
    expect(canSeePost(reader, { post: answer, thread: { authorId: other.id, visibility: "hidden" } })).toBe(false);
    expect(canSeePost(staff, { post: answer, thread: { authorId: other.id, visibility: "hidden" } })).toBe(true);
  });
});
