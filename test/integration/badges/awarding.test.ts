// The badge rules over real data, the awarding job (idempotent, catching up from the data after
// downtime) and what it tells people, on whichever engine the run uses.
import { and, eq, inArray } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  badgeAwards,
  badgeJobState,
  badgeStandings,
  kbArticles,
  kbFeedback,
  notifications,
  posts,
  threads,
  visitDays,
} from "../../../db/schema";
import { setClock } from "~/lib/clock.server";
import { scriptDb } from "~/lib/db.server";
import type { Member } from "~/lib/permissions.server";
import { awardDueBadges } from "~/models/badges/awarding.server";
import { badgeHolders, badgesOf, listBadges } from "~/models/badges/badges.server";
import { utcDay } from "~/models/badges/rules";
import { createTag } from "~/models/community/tags.server";
import { markSolution } from "~/models/community/solutions.server";
import { decideOnPost } from "~/models/moderation/review.server";
import { VISITOR } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { makeAnswer, makeThread, makeUser } from "../../fixtures/factories";

const HOUR = 3_600_000;
let staff: Member;
let asker: Member;
const ODD_TAG = "ŝtraße-🛜-ﬁ";

beforeAll(async () => {
  staff = await makeUser("staff");
  asker = await makeUser("customer");
  await makeThread(asker); // the vocabulary
  await createTag({ name: ODD_TAG });
});
afterEach(() => setClock(null));

const runJob = (at = new Date()) => awardDueBadges(at);

async function badgeKeysOf(user: Member) {
  const rows = await scriptDb()
    .select({ key: badgeAwards.badgeKey, tag: badgeAwards.tag })
    .from(badgeAwards)
    .where(eq(badgeAwards.userId, user.id));
  return rows.map((row) => (row.tag ? `${row.key}:${row.tag}` : row.key)).sort();
}

/**
 * A thread by the asker answered by `helper` two hours later (or within the hour: `quick`) and
 * accepted (or verified by staff): returns the answer's id.
 */
async function acceptedAnswer(
  helper: Member,
  options: { tags?: string; kind?: "accepted" | "verified"; quick?: boolean } = {},
) {
  setClock(new Date(Date.now() - 3 * HOUR));
  const { threadId } = await makeThread(asker, { tags: options.tags ?? "wifi" });
  setClock(new Date(Date.now() - (options.quick ? 2.5 : 1) * HOUR));
  const { postId } = await makeAnswer(helper, threadId);
  setClock(null);
  await resetAllLimits();
  await markSolution(options.kind === "verified" ? staff : asker, postId, options.kind ?? "accepted");
  return { threadId, postId };
}

const hide = (postId: number) =>
  scriptDb().update(posts).set({ moderationState: "hidden" }).where(eq(posts.id, postId));

describe("badge rules", () => {
  it("awards a first answer, not for a hidden answer nor one in a hidden thread", async () => {
    const [helper, hiddenHelper, inHiddenThread] = await Promise.all([
      makeUser("customer"),
      makeUser("customer"),
      makeUser("customer"),
    ]);
    const { threadId } = await makeThread(asker);
    const answer = await makeAnswer(helper, threadId);
    const hidden = await makeAnswer(hiddenHelper, threadId);
    await hide(hidden.postId);
    const other = await makeThread(asker);
    await makeAnswer(inHiddenThread, other.threadId);
    await scriptDb().update(threads).set({ visibility: "hidden" }).where(eq(threads.id, other.threadId));
    await runJob();
    expect(await badgeKeysOf(helper)).toEqual(["first-answer"]);
    expect(await badgeKeysOf(hiddenHelper)).toEqual([]);
    expect(await badgeKeysOf(inHiddenThread)).toEqual([]);
    const award = await scriptDb().select().from(badgeAwards).where(eq(badgeAwards.userId, helper.id));
    expect(award[0].postId).toBe(answer.postId);
  });

  it("awards the first accepted answer and 10 accepted, for the tenth accepted, not one's own acceptance", async () => {
    const helper = await makeUser("customer");
    const ids: number[] = [];
    for (let i = 0; i < 9; i++) ids.push((await acceptedAnswer(helper)).postId);
    // Accepting one's own answer to one's own question earns nothing.
    const own = await makeThread(helper);
    const ownAnswer = await makeAnswer(helper, own.threadId);
    await markSolution(helper, ownAnswer.postId, "accepted");
    await runJob();
    expect(await badgeKeysOf(helper)).toEqual(["first-accepted", "first-answer", "tag-bronze:wifi"]);
    expect(ownAnswer.postId).toBeGreaterThan(ids[8]);

    const tenth = await acceptedAnswer(helper);
    await runJob();
    expect(await badgeKeysOf(helper)).toContain("accepted-10");
    const [award] = await scriptDb()
      .select()
      .from(badgeAwards)
      .where(and(eq(badgeAwards.userId, helper.id), eq(badgeAwards.badgeKey, "accepted-10")));
    expect(award.postId).toBe(tenth.postId);
  });

  it("awards a staff-verified solution, and a quick answer only within the hour", async () => {
    const [quick, slow] = [await makeUser("customer"), await makeUser("customer")];
    const asked = new Date("2026-11-20T10:00:00Z");
    setClock(asked);
    const first = await makeThread(asker);
    const second = await makeThread(asker);
    setClock(new Date(asked.getTime() + HOUR - 60_000));
    const fast = await makeAnswer(quick, first.threadId);
    setClock(new Date(asked.getTime() + 2 * HOUR));
    const late = await makeAnswer(slow, second.threadId);
    await resetAllLimits();
    await markSolution(staff, fast.postId, "verified");
    await markSolution(asker, late.postId, "accepted");
    setClock(null);
    await runJob();
    expect(await badgeKeysOf(quick)).toEqual(["first-answer", "quick-answer", "verified"]);
    expect(await badgeKeysOf(slow)).toEqual(["first-accepted", "first-answer"]);
  });

  it("awards a good question at a score of 10, not a hidden one", async () => {
    const [good, hiddenGood, nine] = [
      await makeUser("customer"),
      await makeUser("customer"),
      await makeUser("customer"),
    ];
    const scored = async (author: Member, score: number) => {
      const { threadId } = await makeThread(author);
      await scriptDb().update(threads).set({ score }).where(eq(threads.id, threadId));
      await scriptDb()
        .update(posts)
        .set({ score })
        .where(and(eq(posts.threadId, threadId), eq(posts.kind, "question")));
      return threadId;
    };
    await scored(good, 10);
    const hiddenThread = await scored(hiddenGood, 12);
    await scriptDb()
      .update(posts)
      .set({ moderationState: "hidden" })
      .where(and(eq(posts.threadId, hiddenThread), eq(posts.kind, "question")));
    await scriptDb().update(threads).set({ visibility: "hidden" }).where(eq(threads.id, hiddenThread));
    await scored(nine, 9);
    await runJob();
    expect(await badgeKeysOf(good)).toEqual(["good-question"]);
    expect(await badgeKeysOf(hiddenGood)).toEqual([]);
    expect(await badgeKeysOf(nine)).toEqual([]);
  });

  it("awards tag badges per tag from the bronze threshold, with odd Unicode in the tag's name", async () => {
    const helper = await makeUser("customer");
    for (let i = 0; i < 5; i++) await acceptedAnswer(helper, { tags: ODD_TAG });
    const hiddenOne = await acceptedAnswer(helper, { tags: "locks" });
    for (let i = 0; i < 4; i++) await acceptedAnswer(helper, { tags: "locks" });
    await hide(hiddenOne.postId);
    await runJob();
    const keys = await badgeKeysOf(helper);
    expect(keys).toContain(`tag-bronze:${ODD_TAG}`);
    expect(keys).not.toContain("tag-bronze:locks"); // 4 public accepted answers in it
    const holders = await badgeHolders(VISITOR, "tag-bronze", ODD_TAG, {});
    expect(holders.holders.map((holder) => holder.username)).toEqual([helper.username]);
  });

  it("awards a 30-day visit streak, not 29 days nor 30 with a gap", async () => {
    const [steady, short, gap] = [await makeUser("member"), await makeUser("member"), await makeUser("member")];
    const today = utcDay(new Date());
    const days = (userId: number, list: number[]) =>
      scriptDb()
        .insert(visitDays)
        .values(list.map((day) => ({ userId, day: today - day })));
    const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);
    await days(steady.id, range(30));
    await days(short.id, range(29));
    await days(gap.id, [...range(15), ...range(15, 16)]);
    await runJob();
    expect(await badgeKeysOf(steady)).toEqual(["visits-30"]);
    expect(await badgeKeysOf(short)).toEqual([]);
    expect(await badgeKeysOf(gap)).toEqual([]);
  });

  it("awards feedback that got a public article revised after it, not before, not on a customers' article", async () => {
    const [improver, early, customerOnly] = [
      await makeUser("customer"),
      await makeUser("customer"),
      await makeUser("customer"),
    ];
    // The articles are synced now, as kb:sync would; feedback before (and, for `early`, after) it.
    const synced = new Date();
    const t = (hours: number) => new Date(synced.getTime() + (hours - 10) * HOUR);
    const article = async (slug: string, audience: "public" | "customers", syncedAt: Date) =>
      (
        await scriptDb()
          .insert(kbArticles)
          .values({
            slug,
            sourcePath: `${slug}.md`,
            title: slug,
            summary: "",
            categoryName: "General",
            categorySlug: "general",
            audience,
            updatedOn: "2026-11-01",
            bodyMarkdown: "",
            bodyHtml: "",
            contentHash: slug,
            syncedAt,
          })
          .returning({ id: kbArticles.id })
      )[0].id;
    const revised = await article("revised-after", "public", t(10));
    const customers = await article("customers-only", "customers", t(10));
    const feedback = (userId: number, articleId: number, at: Date, comment: string | null) =>
      scriptDb()
        .insert(kbFeedback)
        .values({
          articleId,
          voterKey: `user:${userId}`,
          userId,
          helpful: false,
          comment,
          createdAt: at,
          updatedAt: at,
        });
    await feedback(improver.id, revised, t(5), "Step 3 names a menu that does not exist.");
    await feedback(early.id, revised, t(11), "Still confusing.");
    await feedback(customerOnly.id, customers, t(5), "Wrong screenshot.");
    await runJob(t(12));
    expect(await badgeKeysOf(improver)).toEqual(["article-improver"]);
    expect(await badgeKeysOf(early)).toEqual([]);
    expect(await badgeKeysOf(customerOnly)).toEqual([]);
  });
});

describe("the awarding job", () => {
  it("awards once when run twice, or twice at once, and tells the person once, in the app", async () => {
    const helper = await makeUser("customer");
    await acceptedAnswer(helper);
    await Promise.all([runJob(), runJob()]);
    await runJob();
    expect(await badgeKeysOf(helper)).toEqual(["first-accepted", "first-answer"]);
    const told = await scriptDb().select().from(notifications).where(eq(notifications.userId, helper.id));
    expect(
      told
        .filter((row) => row.kind === "badge")
        .map((row) => row.title)
        .sort(),
    ).toEqual(["You earned the badge “First answer”", "You earned the badge “Problem solver”"]);
    expect(told.every((row) => row.kind !== "badge" || row.emailId === null)).toBe(true);
  });

  it("keeps a badge when its cause is undone", async () => {
    const helper = await makeUser("customer");
    const { postId } = await acceptedAnswer(helper);
    await runJob();
    await hide(postId);
    await runJob();
    expect(await badgeKeysOf(helper)).toEqual(["first-accepted", "first-answer"]);
  });

  it("keeps each holder's most notable badge in badge_standings, and lists their badges most notable first", async () => {
    const helper = await makeUser("customer");
    await acceptedAnswer(helper, { kind: "verified", quick: true });
    await runJob();
    const [standing] = await scriptDb().select().from(badgeStandings).where(eq(badgeStandings.userId, helper.id));
    expect(standing).toMatchObject({ topKey: "verified", topTag: "" });
    expect((await badgesOf(VISITOR, helper.id)).map((badge) => badge.key)).toEqual([
      "verified",
      "quick-answer",
      "first-answer",
    ]);
  });

  it("counts holders on /badges per badge and per tag", async () => {
    const before = await listBadges(VISITOR);
    const [a, b] = [await makeUser("customer"), await makeUser("customer")];
    await acceptedAnswer(a);
    await acceptedAnswer(b);
    await runJob();
    const after = await listBadges(VISITOR);
    const holders = (list: typeof before, key: string) => list.find((badge) => badge.key === key)!.holders;
    expect(holders(after, "first-accepted") - holders(before, "first-accepted")).toBe(2);
    expect(holders(after, "accepted-100")).toBe(0);
    const awarded = await scriptDb()
      .select()
      .from(badgeAwards)
      .where(and(inArray(badgeAwards.userId, [a.id, b.id]), eq(badgeAwards.badgeKey, "first-accepted")));
    expect(awarded).toHaveLength(2);
  });

  it("catches up from the data after downtime: posts, solutions and approvals made while it was not running", async () => {
    await runJob();
    const [state] = await scriptDb().select().from(badgeJobState);
    expect(state.postsThrough).toBeGreaterThan(0);
    // The job is down: a member's held answer is approved, another answer is accepted.
    const newcomer = await makeUser("member");
    const helper = await makeUser("customer");
    const { threadId } = await makeThread(asker);
    const held = await makeAnswer(newcomer, threadId);
    await scriptDb().update(posts).set({ moderationState: "held" }).where(eq(posts.id, held.postId));
    await runJob(); // the held answer counts for nothing yet
    expect(await badgeKeysOf(newcomer)).toEqual([]);
    await resetAllLimits();
    await decideOnPost(staff, held.postId, { decision: "approve" });
    await acceptedAnswer(helper);
    // Back a day later: everything due is awarded from what the data says.
    await runJob(new Date(Date.now() + 24 * HOUR));
    expect(await badgeKeysOf(newcomer)).toEqual(["first-answer"]);
    expect(await badgeKeysOf(helper)).toEqual(["first-accepted", "first-answer"]);
  });
});
