// Badges over real HTTP on the built app: /badges with its counts, a tag badge's page, a profile's
// badges, and each author's reputation and most notable badges beside their name on a thread page,
// with a tag name whose bytes must come through whole.
import { count, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { badgeAwards, users } from "../../../db/schema";
import { scriptDb } from "~/lib/db.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import type { Member } from "~/lib/permissions.server";
import { awardDueBadges } from "~/models/badges/awarding.server";
import { badgePath } from "~/models/badges/rules";
import { markSolution } from "~/models/community/solutions.server";
import { createTag } from "~/models/community/tags.server";
import { client, serveBuiltApp } from "../../fixtures/app-server";
import { makeAnswer, makeThread, makeUser } from "../../fixtures/factories";

const ODD_TAG = "ŝtraße-🛜-ﬁ\u200d";
let helper: Member;
let threadPath: string;

serveBuiltApp();
beforeAll(async () => {
  const asker = await makeUser("customer");
  helper = await makeUser("customer");
  await createTag({ name: ODD_TAG });
  for (let i = 0; i < 5; i++) {
    const thread = await makeThread(asker, {
      tags: ODD_TAG,
      title: `Odd tag question number ${i} here`,
      category: "getting-started",
    });
    const { postId } = await makeAnswer(helper, thread.threadId);
    await resetAllLimits();
    await markSolution(asker, postId, "accepted");
    threadPath = `/questions/${thread.threadId}/${thread.slug}`;
  }
  await scriptDb().update(users).set({ reputation: 4321 }).where(eq(users.id, helper.id));
  await awardDueBadges(new Date());
});

/** The page's text, decoded strictly: a broken byte sequence fails here. */
async function page(path: string) {
  const response = await client.get(path);
  expect(response.status).toBe(200);
  const text = new TextDecoder("utf-8", { fatal: true }).decode(await response.arrayBuffer());
  expect(text.includes("\u0000") || text.includes("\uFFFD")).toBe(false);
  return text;
}

describe("badge pages", () => {
  it("shows each author's reputation and most notable badges beside their name in a thread", async () => {
    const html = await page(threadPath);
    const answer = html.slice(html.indexOf(`aria-label="Answer by ${helper.username}"`));
    expect(answer).toContain('data-reputation="4321"');
    expect(answer).toContain(`Tag helper: ${ODD_TAG}`);
    expect(answer).toContain(`href="${badgePath("tag-bronze", ODD_TAG)}"`);
  });

  it("lists every badge with how many hold it, and links a tag badge per tag", async () => {
    const html = await page("/badges");
    const held = await scriptDb()
      .select({ key: badgeAwards.badgeKey, holders: count() })
      .from(badgeAwards)
      .groupBy(badgeAwards.badgeKey);
    for (const { key, holders } of held) {
      const row = html.slice(html.indexOf(`id="badge-${key}"`));
      expect(row.slice(0, row.indexOf("</tr>"))).toContain(`data-holders="${holders}"`);
    }
    expect(html).toContain(`id="badge-accepted-100"`);
    const tagRow = html.slice(html.indexOf('id="badge-tag-bronze"'));
    expect(tagRow.slice(0, tagRow.indexOf("</tr>"))).toMatch(
      new RegExp(`>${ODD_TAG}</a> \\((<!-- -->)?1(<!-- -->)?\\)`, "u"),
    );
  });

  it("lists a tag badge's holders in that tag, and a person's badges on their profile", async () => {
    expect(await page(badgePath("tag-bronze", ODD_TAG))).toContain(`>${helper.username}</a>`);
    const profile = await page(`/users/${helper.username}`);
    const badges = profile.slice(profile.indexOf('id="profile-badges"'));
    expect(badges).toContain(`Tag helper: ${ODD_TAG}`);
    expect(badges).toContain("First answer");
  });

  it("answers 404 for a badge that does not exist, or a tag of a badge that is not per tag", async () => {
    expect((await client.get("/badges/no-such-badge")).status).toBe(404);
    expect((await client.get("/badges/first-answer/wifi")).status).toBe(404);
  });
});
