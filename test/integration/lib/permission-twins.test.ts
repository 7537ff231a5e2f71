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
import { kbArticles, MODERATION_STATES, posts, ROLES, threads, users } from "../../../db/schema";
import { getDb, getSqlite, writeTransaction } from "~/lib/db.server";
import * as permissions from "~/lib/permissions.server";
import {
  articleTeasersCondition,
  canReadArticle,
  canSeeArticleTeaser,
  canSeeModeratedContent,
  canSeePost,
  canSeePostOnProfile,
  canSeeThread,
  canSeeThreadOnProfile,
  isPublic,
  isPublicThread,
  isStaffRole,
  profilePostsCondition,
  profileThreadsCondition,
  publicPostStatesCondition,
  publicThreadsCondition,
  readableArticlesCondition,
  readerKind,
  staffRoleCondition,
  VISITOR,
  visiblePostsCondition,
  visiblePostStatesConditionFor,
  visibleThreadsCondition,
  type Actor,
  type Member,
} from "~/lib/permissions.server";
import { syncKnowledgeBase } from "~/models/kb/sync.server";
import { indexThread } from "~/models/search/index.server";
import { SIMILAR_LIMIT } from "~/models/search/rules";
import { findSimilar, searchSite } from "~/models/search/search.server";
import { makeAnswer, makeThread, makeUser } from "../../fixtures/factories";

const IN_A_WEEK = new Date(Date.now() + 7 * 86_400_000);
const readers: [string, Actor][] = [];
const authors: Member[] = [];
const threadIds: number[] = [];
const userIds: number[] = [];

beforeAll(async () => {
  const db = getDb();
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
  db.update(users).set({ emailConfirmedAt: null }).where(eq(users.id, unconfirmed.id)).run();

  // Every author asks a thread in every state, and answers it and every other thread in every
  // state. The states are set directly: this test is about the rules, not how posts get there.
  for (const visibility of MODERATION_STATES) {
    for (const asker of authors) {
      const { threadId, questionPostId } = makeThread(asker, { title: `A ${visibility} thread by ${asker.username}` });
      for (const state of MODERATION_STATES) {
        for (const answerer of authors) {
          const { postId } = makeAnswer(answerer, threadId, `A ${state} answer`);
          db.update(posts).set({ moderationState: state }).where(eq(posts.id, postId)).run();
        }
      }
      db.update(posts).set({ moderationState: visibility }).where(eq(posts.id, questionPostId)).run();
      db.update(threads).set({ visibility }).where(eq(threads.id, threadId)).run();
      writeTransaction(() => indexThread(threadId));
      threadIds.push(threadId);
    }
  }

  // Suspended after writing: a suspension limits writing, never what one may see.
  for (const suspended of [suspendedMember, suspendedStaff]) {
    suspended.suspendedUntil = IN_A_WEEK;
    db.update(users).set({ suspendedUntil: IN_A_WEEK }).where(eq(users.id, suspended.id)).run();
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
  expect(syncKnowledgeBase(dir).problems).toEqual([]);
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

function postRows() {
  return getDb()
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
    .all()
    .map((row) => ({ ...row, thread: { authorId: row.threadAuthorId, visibility: row.visibility } }));
}
const threadRows = () =>
  getDb()
    .select({ id: threads.id, authorId: threads.authorId, visibility: threads.visibility })
    .from(threads)
    .where(inArray(threads.id, threadIds))
    .all();
const postIdsWhere = (condition: SQL | undefined) =>
  getDb()
    .select({ id: posts.id })
    .from(posts)
    .where(and(inArray(posts.threadId, threadIds), condition))
    .all()
    .map((row) => row.id);
const threadIdsWhere = (condition: SQL | undefined) =>
  getDb()
    .select({ id: threads.id })
    .from(threads)
    .where(and(inArray(threads.id, threadIds), condition))
    .all()
    .map((row) => row.id);

describe("threads and posts", () => {
  it("covers every moderation state, in threads and posts, by each author", () => {
    const rows = postRows();
    expect(rows).toHaveLength(
      MODERATION_STATES.length * authors.length * (MODERATION_STATES.length * authors.length + 1),
    );
    expect(new Set(rows.map((row) => `${row.moderationState} ${row.visibility}`)).size).toBe(
      MODERATION_STATES.length ** 2,
    );
  });

  it(`agree: canSeeThread and ${twin("visibleThreadsCondition")}`, () => {
    const rows = threadRows();
    for (const [reader, actor] of readers) {
      const byRule = rows.filter((row) => canSeeThread(actor, row)).map((row) => row.id);
      expectSame(reader, byRule, threadIdsWhere(visibleThreadsCondition(actor)));
    }
  });

  it(`agree: canSeePost and ${twin("visiblePostsCondition")}`, () => {
    const rows = postRows();
    for (const [reader, actor] of readers) {
      const byRule = rows.filter((row) => canSeePost(actor, { post: row, thread: row.thread })).map((row) => row.id);
      expectSame(reader, byRule, postIdsWhere(visiblePostsCondition(actor)));
    }
  });

  it(`agree: canSeeModeratedContent and ${twin("visiblePostStatesConditionFor")}, with the reader's id bound or a placeholder`, () => {
    const rows = postRows();
    const readerId = sql.placeholder("readerId");
    for (const [reader, actor] of readers) {
      const byRule = rows.filter((row) => canSeeModeratedContent(actor, row)).map((row) => row.id);
      const id = actor.kind === "user" ? actor.id : 0;
      expectSame(reader, byRule, postIdsWhere(visiblePostStatesConditionFor(readerKind(actor), id)));
      // As the thread page runs it: prepared once per kind of reader, the reader's id given at run time.
      const prepared = getDb()
        .select({ id: posts.id })
        .from(posts)
        .where(and(inArray(posts.threadId, threadIds), visiblePostStatesConditionFor(readerKind(actor), readerId)))
        .prepare();
      expectSame(
        `${reader} (prepared)`,
        byRule,
        prepared.all({ readerId: id }).map((row) => row.id),
      );
    }
  });

  it(`agree: isPublic and ${twin("publicPostStatesCondition")}, isPublicThread and ${twin("publicThreadsCondition")}`, () => {
    expectSame(
      "posts",
      postRows()
        .filter((row) => isPublic(row))
        .map((row) => row.id),
      postIdsWhere(publicPostStatesCondition()),
    );
    expectSame(
      "threads",
      threadRows()
        .filter((row) => isPublicThread(row))
        .map((row) => row.id),
      threadIdsWhere(publicThreadsCondition()),
    );
  });

  it(`agree on profiles: canSeePostOnProfile and ${twin("profilePostsCondition")}, canSeeThreadOnProfile and ${twin("profileThreadsCondition")}`, () => {
    const posted = postRows();
    const asked = threadRows();
    for (const [reader, actor] of readers) {
      expectSame(
        reader,
        posted.filter((row) => canSeePostOnProfile(actor, { post: row, thread: row.thread })).map((row) => row.id),
        postIdsWhere(profilePostsCondition(actor)),
      );
      expectSame(
        reader,
        asked.filter((row) => canSeeThreadOnProfile(actor, row)).map((row) => row.id),
        threadIdsWhere(profileThreadsCondition(actor)),
      );
    }
  });

  it("agree when the query names its tables by an alias, as raw SQL does", () => {
    const p = alias(posts, "p");
    const t = alias(threads, "t");
    const rows = postRows();
    const threadList = threadRows();
    for (const [reader, actor] of readers) {
      const bySql = getDb()
        .select({ id: p.id })
        .from(p)
        .where(and(inArray(p.threadId, threadIds), visiblePostsCondition(actor, p)))
        .all()
        .map((row) => row.id);
      expectSame(
        reader,
        rows.filter((row) => canSeePost(actor, { post: row, thread: row.thread })).map((row) => row.id),
        bySql,
      );
      const threadsBySql = getDb()
        .select({ id: t.id })
        .from(t)
        .where(and(inArray(t.id, threadIds), profileThreadsCondition(actor, t)))
        .all()
        .map((row) => row.id);
      expectSame(
        reader,
        threadList.filter((row) => canSeeThreadOnProfile(actor, row)).map((row) => row.id),
        threadsBySql,
      );
    }
  });

  it("index for search exactly the public threads (search needs no check per reader)", () => {
    const indexed = getSqlite()
      .prepare(`SELECT rowid AS id FROM search_threads WHERE rowid IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(threadIds)) as { id: number }[];
    expectSame(
      "the index",
      threadRows()
        .filter((row) => isPublicThread(row))
        .map((row) => row.id),
      indexed.map((row) => row.id),
    );
  });

  it("hides a visible answer in someone else's hidden thread, even from its author", () => {
    const [, reader] = readers.find(([name]) => name === "a member")!;
    const row = postRows().find(
      (post) =>
        post.authorId === (reader as Member).id &&
        post.moderationState === "visible" &&
        post.visibility === "hidden" &&
        post.threadAuthorId !== (reader as Member).id,
    )!;
    expect(canSeePost(reader, { post: row, thread: row.thread })).toBe(false);
    expect(postIdsWhere(visiblePostsCondition(reader))).not.toContain(row.id);
  });
});

describe("roles", () => {
  it(`agree: isStaffRole and ${twin("staffRoleCondition")}`, () => {
    const rows = getDb().select({ id: users.id, role: users.role }).from(users).where(inArray(users.id, userIds)).all();
    expect(new Set(rows.map((row) => row.role))).toEqual(new Set(ROLES));
    const bySql = getDb()
      .select({ id: users.id })
      .from(users)
      .where(and(inArray(users.id, userIds), staffRoleCondition(users.role)))
      .all()
      .map((row) => row.id);
    expectSame(
      "users",
      rows.filter((row) => isStaffRole(row.role)).map((row) => row.id),
      bySql,
    );
  });
});

describe("knowledge-base articles", () => {
  const articleRows = () =>
    getDb().select({ id: kbArticles.id, slug: kbArticles.slug, audience: kbArticles.audience }).from(kbArticles).all();
  const articleIdsWhere = (condition: SQL) =>
    getDb()
      .select({ id: kbArticles.id })
      .from(kbArticles)
      .where(condition)
      .all()
      .map((row) => row.id);

  it(`agree: canReadArticle and ${twin("readableArticlesCondition")}, canSeeArticleTeaser and ${twin("articleTeasersCondition")}`, () => {
    const rows = articleRows();
    expect(rows).toHaveLength(6);
    for (const [reader, actor] of readers) {
      expectSame(
        `${reader} reads`,
        rows.filter((row) => canReadArticle(actor, row)).map((row) => row.id),
        articleIdsWhere(readableArticlesCondition(actor)),
      );
      expectSame(
        `${reader} sees a teaser`,
        rows.filter((row) => canSeeArticleTeaser(actor, row)).map((row) => row.id),
        articleIdsWhere(articleTeasersCondition(actor)),
      );
    }
  });

  it("agree with search: bodies for readers, titles for whoever may see the teaser", () => {
    const rows = articleRows();
    const urls = (hits: { url: string }[]) => hits.map((hit) => hit.url).sort();
    const urlsWhere = (test: (row: (typeof rows)[number]) => boolean) =>
      rows
        .filter(test)
        .map((row) => `/kb/${row.slug}`)
        .sort();
    for (const [reader, actor] of readers) {
      const readable = urlsWhere((row) => canReadArticle(actor, row));
      expect(urls(searchSite(actor, { q: "quillwort", type: "articles" }).hits), `${reader}: bodies`).toEqual(readable);
      const byTitle = searchSite(actor, { q: "marigold", type: "articles" }).hits;
      expect(urls(byTitle), `${reader}: titles`).toEqual(urlsWhere((row) => canSeeArticleTeaser(actor, row)));
      for (const hit of byTitle) {
        expect(hit.type === "article" && hit.teaser, `${reader}: ${hit.url}`).toBe(!readable.includes(hit.url));
      }
      // Suggestions while asking are for reading now: readable articles only (up to the limit).
      const suggested = urls(findSimilar(actor, "marigold"));
      expect(suggested.length, `${reader}: suggestions`).toBe(Math.min(SIMILAR_LIMIT, readable.length));
      expect(readable, `${reader}: suggestions`).toEqual(expect.arrayContaining(suggested));
    }
  });
});

it("checks every SQL twin the permission module exports", () => {
  const twins = Object.keys(permissions).filter((name) => /Condition(For)?$/.test(name));
  expect(twins.filter((name) => !tested.has(name))).toEqual([]);
});
