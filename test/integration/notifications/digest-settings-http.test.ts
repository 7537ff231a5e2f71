// Choosing the digest on /settings/notifications, and stopping it from the email, over real HTTP.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "../../../db/schema";
import { firstRow, scriptDb } from "~/lib/db.server";
import { unsubscribeUrl } from "~/models/notifications/email-preferences.server";
import { client, cookies, serveBuiltApp } from "../../fixtures/app-server";

serveBuiltApp({ member: "member@example.com", staff: "staff@example.com" });

const member = async () =>
  firstRow(await scriptDb().select().from(users).where(eq(users.email, "member@example.com")))!;
const selected = (page: string) => /<option value="(\w+)" selected="">/.exec(page)?.[1];
const settingsPage = async (who: string) =>
  await (await client.get("/settings/notifications", { cookie: cookies[who] })).text();

describe("the digest setting", () => {
  it("shows each role's default: weekly for members, never for staff", async () => {
    expect(selected(await settingsPage("member"))).toBe("weekly");
    const staffPage = await settingsPage("staff");
    expect(selected(staffPage)).toBe("off");
    expect(staffPage).toContain("The default for your account is never.");
  });

  it("saves daily, refuses anything else with the message beside the field, and keeps the email form working", async () => {
    const saved = await client.post(
      "/settings/notifications",
      { intent: "digest", digestFrequency: "daily" },
      { cookie: cookies.member },
    );
    expect(saved.status).toBe(303);
    expect((await member()).digestFrequency).toBe("daily");
    expect(selected(await settingsPage("member"))).toBe("daily");

    const refused = await client.post(
      "/settings/notifications",
      { intent: "digest", digestFrequency: "hourly" },
      { cookie: cookies.member },
    );
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/id="digestFrequency-error" role="alert">Choose daily, weekly or never\./);
    expect((await member()).digestFrequency).toBe("daily");

    const email = await client.post(
      "/settings/notifications",
      { intent: "email", "new-answer": "on", digest: "on" },
      { cookie: cookies.member },
    );
    expect(email.status).toBe(303);
    expect(
      (await client.post("/settings/notifications", { digestFrequency: "daily" }, { cookie: cookies.member })).status,
    ).toBe(400);
  });

  it("stops the digest with the one-click unsubscribe from the email", async () => {
    const link = new URL(await unsubscribeUrl((await member()).id, "digest"));
    const response = await client.post(`/unsubscribe${link.search}`, { "List-Unsubscribe": "One-Click" });
    expect(response.status).toBe(200);
    expect(selected(await settingsPage("member"))).toBe("off");
  });
});
