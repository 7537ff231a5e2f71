// Reputation over real HTTP on the demo community: profiles, leaderboards and the staff page.
import { and, eq, ne } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { posts, users } from "../../../db/schema";
import { scriptDb } from "~/lib/db.server";
import { castVote } from "~/models/community/votes.server";
import { client, cookies, serveBuiltApp } from "../../fixtures/app-server";
import { memberColumns } from "~/models/accounts/member-columns.server";

serveBuiltApp({
  staff: "staff@example.com",
  admin: "admin@example.com",
  member: "member@example.com",
  customer: "customer@example.com",
});

const text = async (response: Response) => (await response.text()).replaceAll("&#x27;", "'");

async function topOf(role: "customer" | "staff") {
  const rows = await scriptDb()
    .select({ username: users.username, reputation: users.reputation })
    .from(users)
    .where(eq(users.role, role));
  return rows.sort((a, b) => b.reputation - a.reputation)[0];
}

describe("reputation over HTTP", () => {
  it("shows a person's total in data-reputation, with a chart and what earned it, to anyone", async () => {
    const person = await topOf("customer");
    expect(person.reputation).toBeGreaterThan(0);
    const page = await text(await client.get(`/users/${person.username}`));
    expect(page).toContain(`data-reputation="${person.reputation}"`);
    expect(page).toContain(`${person.username}'s reputation over time`);
    expect(page).toMatch(/<table class="list-table"><caption>What earned it<\/caption>/);
    expect(page).toMatch(/Upvote on an answer|Answer accepted/);
    expect((await client.get(`/users/${person.username}?reputation=abc`)).status).toBe(200);
  });

  it("lists the cost of a person's downvotes to them and staff alone, never which answer to anyone else", async () => {
    const [voter] = await scriptDb().select(memberColumns).from(users).where(eq(users.email, "staff@example.com"));
    const [answer] = await scriptDb()
      .select({ id: posts.id })
      .from(posts)
      .where(and(eq(posts.kind, "answer"), eq(posts.moderationState, "visible"), ne(posts.authorId, voter.id)))
      .limit(1);
    await castVote({ kind: "user", ...voter }, answer.id, { value: "-1" });
    const profile = `/users/${voter.username}`;
    expect(await text(await client.get(profile, { cookie: cookies.staff }))).toContain("Voted an answer down");
    expect(await text(await client.get(profile, { cookie: cookies.admin }))).toContain("Voted an answer down");
    for (const cookie of [cookies.member, cookies.customer]) {
      expect(await text(await client.get(profile, { cookie }))).not.toContain("Voted an answer down");
    }
    expect(await text(await client.get(profile))).not.toContain("Voted an answer down");
  });

  it("ranks the community and staff apart on /leaderboards, and says so when a tag does not exist", async () => {
    const [customer, staff] = [await topOf("customer"), await topOf("staff")];
    expect(staff.reputation).toBeGreaterThan(0);
    const page = await text(await client.get("/leaderboards?period=all"));
    const [community, staffBoard] = page.split('id="community-board"')[1].split('id="staff-board"');
    expect(community).toContain(`href="/users/${customer.username}"`);
    expect(community).not.toContain(`href="/users/${staff.username}"`);
    expect(staffBoard).toContain(`href="/users/${staff.username}"`);
    const unknown = await client.get("/leaderboards?tag=%E2%80%AEno-such");
    expect(unknown.status).toBe(200);
    expect(await text(unknown)).toContain("There is no tag named");
    // Hostile input: a 32,000-character word, bad percent-encoding, odd periods and pages.
    for (const query of [`tag=${"x".repeat(32_000)}`, "tag=%E0%A4%A", "period=forever&page=-1", "page=1e9"]) {
      const response = await client.get(`/leaderboards?${query}`);
      expect(response.status, query).toBeLessThan(500);
      const body = await response.text();
      expect(body, query).not.toContain("\u0000");
      expect(body.length, query).toBeLessThan(200_000);
    }
  });

  it("opens /mod/reputation to staff, its point values to admins alone, and answers bad values with a 400 by the field", async () => {
    expect((await client.get("/mod/reputation")).status).toBe(302); // a visitor is asked to sign in
    expect((await client.get("/mod/reputation", { cookie: cookies.member })).status).toBe(403);
    const staffPage = await text(await client.get("/mod/reputation", { cookie: cookies.staff }));
    expect(staffPage).toContain("Serial voting reversed");
    expect(staffPage).not.toContain('name="upvoteAnswer"');
    expect(
      (await client.post("/mod/reputation", { intent: "settings", upvoteAnswer: "20" }, { cookie: cookies.staff }))
        .status,
    ).toBe(403);
    const adminPage = await text(await client.get("/mod/reputation", { cookie: cookies.admin }));
    expect(adminPage).toContain('name="upvoteAnswer"');
    const bad = await client.post(
      "/mod/reputation",
      {
        intent: "settings",
        upvoteAnswer: "-5",
        upvoteQuestion: "5",
        accepted: "15",
        acceptedOther: "2",
        verified: "25",
        articlePublished: "25",
        downvote: "2",
        downvoteCast: "1",
        dailyVoteCap: "200",
      },
      { cookie: cookies.admin },
    );
    expect(bad.status).toBe(400);
    const badPage = await text(bad);
    expect(badPage).toContain("Between 0 and 1000; use 0 for no points.");
    expect(badPage).toContain('value="-5"');
  });
});
