// The header's links over real HTTP: each shows only to those the page behind it lets in, decided
// by the permission module from the whole actor, so suspending a member of staff takes theirs away.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "../../../db/schema";
import { scriptDb, firstRow } from "~/lib/db.server";
import type { Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { suspendUser } from "~/models/moderation/users.server";
import { startBuiltApp } from "../../fixtures/app-server";
import { makeUser, TEST_PASSWORD } from "../../fixtures/factories";
import { httpClient, type Client } from "../../fixtures/http-client";

let app: Awaited<ReturnType<typeof startBuiltApp>>;
let client: Client;
let admin: Member;
let staff: Member;
let member: Member;

beforeAll(async () => {
  app = await startBuiltApp();
  client = httpClient(app.baseUrl);
  [admin, staff, member] = [await makeUser("admin"), await makeUser("staff"), await makeUser("member")];
});
afterAll(() => app.close());

async function signIn(account: Member) {
  await resetAllLimits();
  const email = firstRow(
    await scriptDb().select({ email: users.email }).from(users).where(eq(users.id, account.id)),
  )!.email;
  const { cookie } = await client.signIn(email, TEST_PASSWORD);
  if (!cookie) throw new Error(`could not sign in as ${account.username}`);
  return cookie;
}

/** The home page, and the paths its header's main navigation links to. */
async function home(cookie?: string) {
  const response = await client.get("/", { cookie });
  expect(response.status).toBe(200);
  const html = await response.text();
  const nav = /<nav aria-label="Main"[^>]*>([\s\S]*?)<\/nav>/.exec(html)![1];
  return { html, links: [...nav.matchAll(/href="([^"]+)"/g)].map((match) => match[1]) };
}
const headerLinks = async (cookie?: string) => (await home(cookie)).links;

const STAFF_LINKS = ["/support", "/mod"];

describe("the header's links", () => {
  it("offers the support queue and moderation to staff, and their own follow-ups to others", async () => {
    expect(await headerLinks(await signIn(staff))).toEqual(expect.arrayContaining(STAFF_LINKS));
    expect(await headerLinks(await signIn(admin))).toEqual(expect.arrayContaining(STAFF_LINKS));
    const members = await headerLinks(await signIn(member));
    expect(members).toContain("/my/support");
    expect(members).not.toContain("/support");
    expect(members).not.toContain("/mod");
    const visitors = await headerLinks();
    expect(visitors).not.toContain("/support");
    expect(visitors).not.toContain("/mod");
    expect(visitors).not.toContain("/my/support");
  });

  it("takes the staff links away from a member of staff while they are suspended", async () => {
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await resetAllLimits();
    await suspendUser(admin, staff.username, { until: tomorrow, reason: "Testing the header" });
    // Suspension ends every session; a suspended account may still sign in and read.
    const cookie = await signIn(staff);
    const { html, links } = await home(cookie);
    expect(html).toContain("Your account is suspended until");
    expect(links).not.toContain("/support");
    expect(links).not.toContain("/mod");
    // The pages behind the links were already closed to them; the header now agrees.
    expect((await client.get("/mod", { cookie })).status).toBe(403);
    expect((await client.get("/support", { cookie })).status).toBe(403);
  });

  it("sends a visitor who opens a staff page to sign in, and back there afterwards", async () => {
    const staffPages = [
      "/mod",
      "/mod/log?action=thread.pin",
      "/mod/settings",
      "/support",
      "/support/reports",
      "/support/settings",
    ];
    for (const page of staffPages) {
      const response = await client.get(page);
      expect([page, response.status]).toEqual([page, 302]);
      expect(response.headers.get("location")).toBe(
        `/login?redirectTo=${encodeURIComponent(new URL(page, "http://x").pathname)}`,
      );
    }
  });
});
