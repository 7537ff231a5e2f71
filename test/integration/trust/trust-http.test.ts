// Trust levels over real HTTP, on the demo community: the public privileges page, the admin's
// thresholds page (its refusals beside each field, nothing saved), the profile's progress and the
// thread page's refused downvote.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { trustSettings, users } from "../../../db/schema";
import { firstRow, scriptDb } from "~/lib/db.server";
import { client, cookies, serveBuiltApp } from "../../fixtures/app-server";

serveBuiltApp({ staff: "staff@example.com", admin: "admin@example.com", member: "member@example.com" });

const text = async (response: Response) => (await response.text()).replaceAll("&quot;", '"').replaceAll("&#x27;", "'");
const thresholdsRow = async () => firstRow(await scriptDb().select().from(trustSettings));

describe("trust levels over HTTP", () => {
  it("lists every level, its thresholds and what it unlocks, for everyone", async () => {
    const response = await client.get("/privileges");
    expect(response.status).toBe(200);
    const page = await text(response);
    for (const label of ["New", "Basic", "Member", "Regular", "Leader", "Vote posts down", "Vote to close questions"])
      expect(page).toContain(label);
  });

  it("gives the thresholds page to admins only, refuses thresholds that fall with a 400 beside the field, and saves a preset", async () => {
    expect((await client.get("/mod/trust", { cookie: cookies.admin })).status).toBe(200);
    expect((await client.get("/mod/trust", { cookie: cookies.staff })).status).toBe(403);
    expect((await client.get("/mod/trust", { cookie: cookies.member })).status).toBe(403);
    expect(
      (await client.post("/mod/trust", { intent: "preset", preset: "strict" }, { cookie: cookies.staff })).status,
    ).toBe(403);

    const before = await thresholdsRow();
    const refused = await client.post(
      "/mod/trust",
      {
        intent: "thresholds",
        basicReputation: "0",
        basicDays: "0",
        basicPosts: "2",
        memberReputation: "125",
        memberDays: "3",
        memberPosts: "5",
        regularReputation: "90",
        regularDays: "30",
        regularPosts: "25",
        leaderReputation: "5000",
        leaderDays: "90",
        leaderPosts: "100",
      },
      { cookie: cookies.admin },
    );
    expect(refused.status).toBe(400);
    const page = await text(refused);
    expect(page).toContain("Must be more than 125, the Member level's.");
    expect(page).toMatch(/name="regularReputation"[^>]*value="90"|value="90"[^>]*name="regularReputation"/);
    expect(await thresholdsRow()).toEqual(before);

    const saved = await client.post("/mod/trust", { intent: "preset", preset: "strict" }, { cookie: cookies.admin });
    expect(saved.status).toBe(200);
    expect(await text(saved)).toContain("Saved.");
    expect((await thresholdsRow())?.basicPosts).toBe(3);
    const log = await text(await client.get("/mod/log?action=settings.trust", { cookie: cookies.staff }));
    expect(log).toContain("Changed trust-level thresholds");
  });

  it("shows a profile's owner their level and what the next one asks, others the level alone", async () => {
    const own = await text(await client.get("/users/morgan", { cookie: cookies.member }));
    expect(own).toMatch(/data-trust-level="(new|basic|member|regular|leader)"/);
    expect(own).toContain("Trust level:");
    expect(own).toContain("Next:");
    const seen = await text(await client.get("/users/morgan", { cookie: cookies.staff }));
    expect(seen).toContain("Trust level:");
    expect(seen).not.toContain("Next:");
  });

  it("says what unlocks voting down on the thread page, and refuses the downvote with it", async () => {
    const morgan = firstRow(await scriptDb().select().from(users).where(eq(users.username, "morgan")))!;
    await scriptDb().update(users).set({ trustLevel: 1 }).where(eq(users.id, morgan.id));
    const home = await text(await client.get("/questions"));
    const path = /href="(\/questions\/\d+\/[^"?#]+)"/.exec(home)![1];
    const page = await text(await client.get(path, { cookie: cookies.member }));
    expect(page).toContain("Voting down: Unlocked at the Member trust level");
    const postId = /id="post-(\d+)"/.exec(page)![1];
    const refused = await client.post(path, { intent: "vote", postId, value: "-1" }, { cookie: cookies.member });
    expect(refused.status).toBe(403);
    expect(await text(refused)).toContain("Unlocked at the Member trust level");
  });
});
