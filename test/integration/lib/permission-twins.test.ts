// Every visibility rule of the permission module and its SQL twin must agree: each predicate and
// its condition run over the same rows, for every kind of reader (visitor, member, unconfirmed
// member, customer, staff, admin, suspended member and staff), on content each of them wrote and
// content they did not, in every moderation state and audience. A twin added to the module without
// a check here fails the last test.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { beforeAll, describe, expect, it } from "vitest";
import { kbArticles, MODERATION_STATES, postComments, posts, ROLES, threads, users } from "../../../db/schema";
import { scriptDb, write } from "~/lib/db.server";
import * as permissions from "~/lib/permissions.server";
import {
  articleTeasersCondition,
  canReadArticle,
  canSeeArticleTeaser,
  canSeeComment,
  canSeeModeratedContent,
  canSeePost,
  canSeePostOnProfile,
  canSeeThread,
  canSeeThreadOnProfile,
  hasReachedOthers,
  isPublic,
  isPublicThread,
  isStaffRole,
  profilePostsCondition,
  profileThreadsCondition,
  publicPostByIdCondition,
  publicPostStatesCondition,
  publicThreadsCondition,
  readableArticlesCondition,
  reachedOthersThreadsCondition,
  readerKind,
  staffRoleCondition,
  VISITOR,
  visiblePostsCondition,
  visiblePostStatesConditionFor,
  visibleCommentsCondition,
  visibleThreadsCondition,
  type Actor,
  type Member,
} from "~/lib/permissions.server";
import { syncKnowledgeBase } from "~/models/kb/sync.server";
import { indexedThreadIds, indexThread } from "~/models/search/index.server";
import { SIMILAR_LIMIT } from "~/models/search/rules";
import { findSimilar, searchSite } from "~/models/search/search.server";
import { makeAnswer, makeThread, makeUser } from "../../fixtures/factories";
import { addComments } from "../../fixtures/imported";

const IN_A_WEEK = new Date(Date.now() + 7 * 86_400_000);
const readers: [string, Actor][] = [];
const authors: Member[] = [];
const threadIds: number[] = [];
const userIds: number[] = [];

beforeAll(async () => {
  const db = scriptDb();
  const account = async (name: string, role: (typeof ROLES)[number]) => {
    const member = await makeUser(role);
    readers.push([name, member]);
    authors.push(member);
    userIds.push(member.id);
    return member;
  };
  readers.push(["a visitor", VISITOR]);
  await account("a member", "member");
  const unconfirmed = await account("an unconfirmed member", "member");
  await account("a customer", "customer");
  await account("staff", "staff");
  await account("an admin", "admin");
  const suspendedMember = await account("a suspended member", "member");
  const suspendedStaff = await account("suspended staff", "staff");
  const other = await makeUser("member");
  authors.push(other);
  userIds.push(other.id);

  // Every author asks a thread in every state, and answers it and every other thread in every
  // state. The states are set directly: this test is about the rules, not how posts get there.
  for (const visibility of MODERATION_STATES) {
    for (const asker of authors) {
      const { threadId, questionPostId } = await makeThread(asker, {
        title: `A ${visibility} thread by ${asker.username}`,
      });
      for (const state of MODERATION_STATES) {
        for (const answerer of authors) {
          const { postId } = await makeAnswer(answerer, threadId, `A ${state} answer`);
          await db.update(posts).set({ moderationState: state }).where(eq(posts.id, postId));
        }
      }
      await db.update(posts).set({ moderationState: visibility }).where(eq(posts.id, questionPostId));
      await db.update(threads).set({ visibility }).where(eq(threads.id, threadId));
      await write(async () => indexThread(threadId));
      threadIds.push(threadId);
    }
  }

  // Unconfirmed after writing too, so that others could answer the threads it asked.
  await db.update(users).set({ emailConfirmedAt: null }).where(eq(users.id, unconfirmed.id));

  // Suspended after writing: a suspension limits writing, never what one may see.
  for (const suspended of [suspendedMember, suspendedStaff]) {
    suspended.suspendedUntil = IN_A_WEEK;
    await db.update(users).set({ suspendedUntil: IN_A_WEEK }).where(eq(users.id, suspended.id));
  }

  // Two articles per audience: every title has "marigold", every body "quillwort" (and no title or
  // summary does), so a search for each word shows what it matched.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-twins-"));
  for (const audience of ["public", "customers", "staff"]) {
    for (const n of [1, 2]) {
      fs.writeFileSync(
        path.join(dir, `${audience}-${n}.md`),
        `---\ntitle: Marigold ${audience} ${n}\nsummary: A summary.\ncategory: General\ntags: [wifi]\naudience: ${audience}\nupdated: 2026-11-01\n---\n\nThe quillwort text of ${audience} ${n}.\n`,
      );
    }
  }
  expect((await syncKnowledgeBase(dir)).problems).toEqual([]);
});

const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);
const tested = new Set<string>();
const twin = (name: keyof typeof permissions) => {
  tested.add(name);
  return name;
};

/** Asserts the rows a rule accepts and the rows its SQL twin selects are the same, for one reader. */
function expectSame(reader: string, byRule: number[], bySql: number[]) {
  expect(sorted(bySql), reader).toEqual(sorted(byRule));
  // A check that passes because nothing was selected proves little.
  expect(byRule.length + bySql.length, reader).toBeGreaterThan(0);
}

async function postRows() {
  return (
    await scriptDb()
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
  ).map((row) => ({ ...row, thread: { authorId: row.threadAuthorId, visibility: row.visibility } }));
}
const threadRows = async () =>
  await scriptDb()
    .select({ id: threads.id, authorId: threads.authorId, visibility: threads.visibility })
    .from(threads)
    .where(inArray(threads.id, threadIds));
const postIdsWhere = async (condition: SQL | undefined) =>
  (
    await scriptDb()
      .select({ id: posts.id })
      .from(posts)
      .where(and(inArray(posts.threadId, threadIds), condition))
  ).map((row) => row.id);
const threadIdsWhere = async (condition: SQL | undefined) =>
  (
    await scriptDb()
      .select({ id: threads.id })
      .from(threads)
      .where(and(inArray(threads.id, threadIds), condition))
  ).map((row) => row.id);

describe("threads and posts", () => {
  it("covers every moderation state, in threads and posts, by each author", async () => {
    const rows = await postRows();
    expect(rows).toHaveLength(
      MODERATION_STATES.length * authors.length * (MODERATION_STATES.length * authors.length + 1),
    );
    expect(new Set(rows.map((row) => `${row.moderationState} ${row.visibility}`)).size).toBe(
      MODERATION_STATES.length ** 2,
    );
  });

  it(`agree: canSeeThread and ${twin("visibleThreadsCondition")}`, async () => {
    const rows = await threadRows();
    for (const [reader, actor] of readers) {
      const byRule = rows.filter((row) => canSeeThread(actor, row)).map((row) => row.id);
      expectSame(reader, byRule, await threadIdsWhere(visibleThreadsCondition(actor)));
    }
  });

  it(`agree: canSeePost and ${twin("visiblePostsCondition")}`, async () => {
    const rows = await postRows();
    for (const [reader, actor] of readers) {
      const byRule = rows.filter((row) => canSeePost(actor, { post: row, thread: row.thread })).map((row) => row.id);
      expectSame(reader, byRule, await postIdsWhere(visiblePostsCondition(actor)));
    }
  });

  it(`agree: canSeeModeratedContent and ${twin("visiblePostStatesConditionFor")}, with the reader's id bound or a placeholder`, async () => {
    const rows = await postRows();
    const readerId = sql.placeholder("readerId");
    for (const [reader, actor] of readers) {
      const byRule = rows.filter((row) => canSeeModeratedContent(actor, row)).map((row) => row.id);
      const id = actor.kind === "user" ? actor.id : 0;
      expectSame(reader, byRule, await postIdsWhere(visiblePostStatesConditionFor(readerKind(actor), id)));
      // As the thread page runs it: prepared once per kind of reader, the reader's id given at run time.
      const prepared = scriptDb()
        .select({ id: posts.id })
        .from(posts)
        .where(and(inArray(posts.threadId, threadIds), visiblePostStatesConditionFor(readerKind(actor), readerId)))
        .prepare();
      expectSame(
        `${reader} (prepared)`,
        byRule,
        (await prepared.execute({ readerId: id })).map((row) => row.id),
      );
    }
  });

  it(`agree: isPublic and ${twin("publicPostStatesCondition")}, isPublicThread and ${twin("publicThreadsCondition")}`, async () => {
    expectSame(
      "posts",
      (await postRows()).filter((row) => isPublic(row)).map((row) => row.id),
      await postIdsWhere(publicPostStatesCondition()),
    );
    expectSame(
      "threads",
      (await threadRows()).filter((row) => isPublicThread(row)).map((row) => row.id),
      await threadIdsWhere(publicThreadsCondition()),
    );
  });

  it(`agree: isPublic of a post and isPublicThread of its thread, and ${twin("publicPostByIdCondition")}`, async () => {
    expectSame(
      "posts",
      (await postRows()).filter((row) => isPublic(row) && isPublicThread(row.thread)).map((row) => row.id),
      await postIdsWhere(publicPostByIdCondition(sql`${posts.id}`)),
    );
  });

  it(`agree: hasReachedOthers and ${twin("reachedOthersThreadsCondition")}`, async () => {
    expectSame(
      "threads",
      (await threadRows()).filter((row) => hasReachedOthers(row)).map((row) => row.id),
      await threadIdsWhere(reachedOthersThreadsCondition()),
    );
  });

  it(`agree on profiles: canSeePostOnProfile and ${twin("profilePostsCondition")}, canSeeThreadOnProfile and ${twin("profileThreadsCondition")}`, async () => {
    const posted = await postRows();
    const asked = await threadRows();
    for (const [reader, actor] of readers) {
      expectSame(
        reader,
        posted.filter((row) => canSeePostOnProfile(actor, { post: row, thread: row.thread })).map((row) => row.id),
        await postIdsWhere(profilePostsCondition(actor)),
      );
      expectSame(
        reader,
        asked.filter((row) => canSeeThreadOnProfile(actor, row)).map((row) => row.id),
        await threadIdsWhere(profileThreadsCondition(actor)),
      );
    }
  });

  it("agree when the query names its tables by an alias, as raw SQL does", async () => {
    const p = alias(posts, "p");
    const t = alias(threads, "t");
    const rows = await postRows();
    const threadList = await threadRows();
    for (const [reader, actor] of readers) {
      const bySql = (
        await scriptDb()
          .select({ id: p.id })
          .from(p)
          .where(and(inArray(p.threadId, threadIds), visiblePostsCondition(actor, p)))
      ).map((row) => row.id);
      expectSame(
        reader,
        rows.filter((row) => canSeePost(actor, { post: row, thread: row.thread })).map((row) => row.id),
        bySql,
      );
      const threadsBySql = (
        await scriptDb()
          .select({ id: t.id })
          .from(t)
          .where(and(inArray(t.id, threadIds), profileThreadsCondition(actor, t)))
      ).map((row) => row.id);
      expectSame(
        reader,
        threadList.filter((row) => canSeeThreadOnProfile(actor, row)).map((row) => row.id),
        threadsBySql,
      );
    }
  });

  it("index for search exactly the public threads (search needs no check per reader)", async () => {
    expectSame(
      "the index",
      (await threadRows()).filter((row) => isPublicThread(row)).map((row) => row.id),
      await indexedThreadIds(threadIds),
    );
  });

  it("hides a visible answer in someone else's hidden thread, even from its author", async () => {
    const [, reader] = readers.find(([name]) => name === "a member")!;
    const row = (await postRows()).find(
      (post) =>
        post.authorId === (reader as Member).id &&
        post.moderationState === "visible" &&
        post.visibility === "hidden" &&
        post.threadAuthorId !== (reader as Member).id,
    )!;
    expect(canSeePost(reader, { post: row, thread: row.thread })).toBe(false);
    expect(await postIdsWhere(visiblePostsCondition(reader))).not.toContain(row.id);
  });
});

describe("roles", () => {
  it(`agree: isStaffRole and ${twin("staffRoleCondition")}`, async () => {
    const rows = await scriptDb()
      .select({ id: users.id, role: users.role })
      .from(users)
      .where(inArray(users.id, userIds));
    expect(new Set(rows.map((row) => row.role))).toEqual(new Set(ROLES));
    const bySql = (
      await scriptDb()
        .select({ id: users.id })
        .from(users)
        .where(and(inArray(users.id, userIds), staffRoleCondition(users.role)))
    ).map((row) => row.id);
    expectSame(
      "users",
      rows.filter((row) => isStaffRole(row.role)).map((row) => row.id),
      bySql,
    );
  });
});

describe("comments under imported posts", () => {
  it(`agree: canSeeComment and ${twin("visibleCommentsCondition")}`, async () => {
    const [author] = authors;
    const { questionPostId } = await makeThread(author, { title: "A thread with comments, some removed" });
    await addComments(
      questionPostId,
      Array.from({ length: 4 }, (_, i) => ({ author, body: `comment ${i}` })),
    );
    const all = await scriptDb()
      .select({ id: postComments.id })
      .from(postComments)
      .where(eq(postComments.postId, questionPostId));
    const removedIds = all.slice(0, 2).map((row) => row.id);
    await scriptDb()
      .update(postComments)
      .set({ removedAt: new Date(), removedById: author.id })
      .where(inArray(postComments.id, removedIds));
    const rows = await scriptDb()
      .select({ id: postComments.id, removedAt: postComments.removedAt })
      .from(postComments)
      .where(eq(postComments.postId, questionPostId));
    for (const [reader, actor] of readers) {
      const bySql = await scriptDb()
        .select({ id: postComments.id })
        .from(postComments)
        .where(and(eq(postComments.postId, questionPostId), visibleCommentsCondition(actor)));
      expectSame(
        reader,
        rows.filter((row) => canSeeComment(actor, row)).map((row) => row.id),
        bySql.map((row) => row.id),
      );
    }
  });
});

describe("knowledge-base articles", () => {
  const articleRows = async () =>
    await scriptDb()
      .select({ id: kbArticles.id, slug: kbArticles.slug, audience: kbArticles.audience })
      .from(kbArticles);
  const articleIdsWhere = async (condition: SQL) =>
    (await scriptDb().select({ id: kbArticles.id }).from(kbArticles).where(condition)).map((row) => row.id);

  it(`agree: canReadArticle and ${twin("readableArticlesCondition")}, canSeeArticleTeaser and ${twin("articleTeasersCondition")}`, async () => {
    const rows = await articleRows();
    expect(rows).toHaveLength(6);
    for (const [reader, actor] of readers) {
      expectSame(
        `${reader} reads`,
        rows.filter((row) => canReadArticle(actor, row)).map((row) => row.id),
        await articleIdsWhere(readableArticlesCondition(actor)),
      );
      expectSame(
        `${reader} sees a teaser`,
        rows.filter((row) => canSeeArticleTeaser(actor, row)).map((row) => row.id),
        await articleIdsWhere(articleTeasersCondition(actor)),
      );
    }
  });

  it("agree with search: bodies for readers, titles for whoever may see the teaser", async () => {
    const rows = await articleRows();
    const urls = (hits: { url: string }[]) => hits.map((hit) => hit.url).sort();
    const urlsWhere = (test: (row: (typeof rows)[number]) => boolean) =>
      rows
        .filter(test)
        .map((row) => `/kb/${row.slug}`)
        .sort();
    for (const [reader, actor] of readers) {
      const readable = urlsWhere((row) => canReadArticle(actor, row));
      expect(urls((await searchSite(actor, { q: "quillwort", type: "articles" })).hits), `${reader}: bodies`).toEqual(
        readable,
      );
      const byTitle = (await searchSite(actor, { q: "marigold", type: "articles" })).hits;
      expect(urls(byTitle), `${reader}: titles`).toEqual(urlsWhere((row) => canSeeArticleTeaser(actor, row)));
      for (const hit of byTitle) {
        expect(hit.type === "article" && hit.teaser, `${reader}: ${hit.url}`).toBe(!readable.includes(hit.url));
      }
      // Suggestions while asking are for reading now: readable articles only (up to the limit).
      const suggested = urls(await findSimilar(actor, "marigold"));
      expect(suggested.length, `${reader}: suggestions`).toBe(Math.min(SIMILAR_LIMIT, readable.length));
      expect(readable, `${reader}: suggestions`).toEqual(expect.arrayContaining(suggested));
    }
  });
});

it("checks every SQL twin the permission module exports", () => {
  const twins = Object.keys(permissions).filter((name) => /Condition(For)?$/.test(name));
  expect(twins.filter((name) => !tested.has(name))).toEqual([]);
});
