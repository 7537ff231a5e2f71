// An imported thread's page (issue 17): each post's source and licence, its comments from the source,
// with rows written as an import makes them (test/fixtures/imported.ts).
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { posts } from "../../../db/schema";
import { write } from "~/lib/db.server";
import { VISITOR, type Member } from "~/lib/permissions.server";
import { getThreadPage } from "~/models/community/thread-page.server";
import { COMMENTS_SHOWN_PER_POST } from "~/models/community/rules";
import { makeThread, makeUser } from "../../fixtures/factories";
import {
  addComments,
  deletedUserOf,
  importedAnswer,
  importedThread,
  importedUser,
  LICENCE,
} from "../../fixtures/imported";

const SITE = "bicycles.meta.stackexchange.com";
let staff: Member;
let reader: Member;
let asker: Member;
let helper: Member;
let deleted: Member;

beforeAll(async () => {
  staff = await makeUser("staff");
  reader = await makeUser("member");
  asker = await importedUser(SITE, 101);
  helper = await importedUser(SITE, 102);
  deleted = await deletedUserOf(SITE);
});

describe("an imported thread's page", () => {
  it("shows each post's source and licence, and the deleted user's posts under their source names", async () => {
    const { threadId } = await importedThread(asker, SITE, 5001, { sourceAuthorName: "Ann on the source" });
    const answerId = await importedAnswer(deleted, threadId, SITE, 5002, { sourceAuthorName: "Gone Person" });
    const page = await getThreadPage(VISITOR, threadId);
    expect(page.question.importedFrom).toEqual({
      site: SITE,
      url: `https://${SITE}/q/5001`,
      licence: LICENCE,
      author: "Ann on the source",
    });
    expect(page.question.author).toBe(asker.username);
    expect(page.question.authorIsStandIn).toBeUndefined();
    const answer = page.answers.find((post) => post.id === answerId)!;
    expect(answer).toMatchObject({ author: "Gone Person", authorIsStandIn: true });
    expect(answer.importedFrom?.url).toBe(`https://${SITE}/a/5002`);
  });

  it("shows Hearth's own posts with no source line and no comments", async () => {
    const { threadId } = await makeThread(reader);
    const page = await getThreadPage(VISITOR, threadId);
    // Nothing new in a Hearth post's data: its page's data stays as small as it was.
    expect(Object.keys(page.question)).not.toContain("importedFrom");
    expect(Object.keys(page.question)).not.toContain("comments");
    expect(Object.keys(page.question)).not.toContain("authorIsStandIn");
  });

  it("lists each post's comments, oldest first, with the deleted user's under their source name", async () => {
    const { threadId, questionId } = await importedThread(asker, SITE, 5101);
    const answerId = await importedAnswer(helper, threadId, SITE, 5102);
    await addComments(questionId, [
      { author: helper, body: "Which **model** is it?", score: 3 },
      { author: deleted, body: "Mine did that too.", sourceAuthorName: "Old Timer" },
    ]);
    await addComments(answerId, [{ author: asker, body: "That fixed it, thanks." }]);
    const page = await getThreadPage(VISITOR, threadId);
    expect(page.question.comments?.total).toBe(2);
    expect(
      page.question.comments?.shown.map(({ author, authorIsStandIn, score }) => ({ author, authorIsStandIn, score })),
    ).toEqual([
      { author: helper.username, authorIsStandIn: undefined, score: 3 },
      { author: "Old Timer", authorIsStandIn: true, score: 0 },
    ]);
    expect(page.question.comments?.shown[0].bodyHtml).toContain("<strong>model</strong>");
    expect(page.answers[0].comments?.shown.map((comment) => comment.bodyHtml)).toEqual([
      "<p>That fixed it, thanks.</p>\n",
    ]);
  });

  it(`shows the first ${COMMENTS_SHOWN_PER_POST} of a post's 1,200 comments, and how many there are`, async () => {
    const { threadId, questionId } = await importedThread(asker, SITE, 5201);
    await addComments(
      questionId,
      Array.from({ length: 1200 }, (_, i) => ({ author: helper, body: `comment number ${i}` })),
    );
    const page = await getThreadPage(VISITOR, threadId);
    expect(page.question.comments?.total).toBe(1200);
    expect(page.question.comments?.shown).toHaveLength(COMMENTS_SHOWN_PER_POST);
    expect(page.question.comments?.shown[0].bodyHtml).toContain("comment number 0<");
    expect(page.question.comments?.shown.at(-1)?.bodyHtml).toContain(`comment number ${COMMENTS_SHOWN_PER_POST - 1}<`);
  });

  it("leaves out the comments of a post the reader may not see", async () => {
    const { threadId } = await importedThread(asker, SITE, 5301);
    const hiddenId = await importedAnswer(helper, threadId, SITE, 5302);
    await addComments(hiddenId, [{ author: asker, body: "A comment on a hidden answer." }]);
    await write((db) => db.update(posts).set({ moderationState: "hidden" }).where(eq(posts.id, hiddenId)));
    for (const actor of [VISITOR, reader]) {
      const page = await getThreadPage(actor, threadId);
      expect(JSON.stringify(page)).not.toContain("A comment on a hidden answer.");
    }
    const forStaff = await getThreadPage(staff, threadId);
    expect(forStaff.answers.find((post) => post.id === hiddenId)?.comments?.total).toBe(1);
  });
});
