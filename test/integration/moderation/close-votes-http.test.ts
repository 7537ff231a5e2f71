// Close votes over real HTTP on the demo community: the panel, a refused reason, the closing vote.
import { eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { threads, users } from "../../../db/schema";
import { scriptDb } from "~/lib/db.server";
import { TRUST } from "~/lib/trust-levels";
import { client, cookies, serveBuiltApp } from "../../fixtures/app-server";

const LEADERS = { morgan: "member@example.com", devon: "dev@example.com", tomas: "tomas@example.com" };
serveBuiltApp({ ...LEADERS, customer: "customer@example.com", staff: "staff@example.com" });
// Once signed in: three demo members stand at the Leader trust level.
beforeAll(async () => {
  await scriptDb()
    .update(users)
    .set({ trustLevel: TRUST.leader })
    .where(inArray(users.email, Object.values(LEADERS)));
});

const text = async (response: Response) => (await response.text()).replaceAll("&#x27;", "'").replaceAll("<!-- -->", "");

describe("close votes over HTTP", () => {
  it("shows the tally to everyone, the form to leaders only, refuses a made-up reason beside it, and closes at three", async () => {
    const [thread] = await scriptDb()
      .select({ id: threads.id, slug: threads.slug })
      .from(threads)
      .where(eq(threads.status, "open"))
      .limit(1);
    const path = `/questions/${thread.id}/${thread.slug}`;
    expect(await text(await client.get(path, { cookie: cookies.morgan }))).toContain(
      "Vote to close (0 of 3 votes to close)",
    );
    expect(await text(await client.get(path, { cookie: cookies.customer }))).not.toContain("Vote to close");
    expect(await text(await client.get(path, { cookie: cookies.staff }))).not.toContain("Vote to close (");

    const bad = await client.post(path, { intent: "close-vote", reason: "boring" }, { cookie: cookies.morgan });
    expect(bad.status).toBe(400);
    expect(await text(bad)).toContain("Choose why the question should be closed.");
    const refused = await client.post(
      path,
      { intent: "close-vote", reason: "off_topic" },
      { cookie: cookies.customer },
    );
    expect(refused.status).toBe(403);
    expect(await text(refused)).toContain("Leader trust level");

    expect(
      (await client.post(path, { intent: "close-vote", reason: "off_topic" }, { cookie: cookies.morgan })).status,
    ).toBe(303);
    expect(await text(await client.get(path))).toContain("1 of 3 votes to close.");
    expect(await text(await client.get(path, { cookie: cookies.morgan }))).toContain(
      "You voted to close this question: Not about our products or services (1 of 3 votes to close).",
    );
    for (const leader of ["devon", "tomas"]) {
      const response = await client.post(
        path,
        { intent: "close-vote", reason: "needs_details" },
        { cookie: cookies[leader] },
      );
      expect(response.status).toBe(303);
    }
    const closed = await text(await client.get(path));
    expect(closed).toContain("Needs details or clarity to be answered (closed by 3 community votes)");
    expect(closed).not.toContain("votes to close");
  });
});
