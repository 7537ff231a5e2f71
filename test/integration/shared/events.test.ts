// Domain events: a subscriber added from outside hears a write without the write's code changing,
// inside its transaction or after its commit, and a subscriber's failure takes the write with it.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { posts } from "../../../db/schema";
import { firstRow, read, write } from "~/lib/db.server";
import type { Member } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { postAnswer } from "~/models/community/posts.server";
import { record, subscribe, type DomainEvents } from "~/models/shared/events.server";
import { makeThread, makeUser } from "../../fixtures/factories";
import { openObserver } from "../../fixtures/observer";

let asker: Member;
let helper: Member;
beforeAll(async () => {
  asker = await makeUser("customer");
  helper = await makeUser("member");
});

// One subscriber for the whole file (subscriptions last for the process); each test sets what it does.
type Heard = {
  event: DomainEvents["answer posted"];
  savedWhenHeard: boolean;
  phase: "in transaction" | "after commit";
};
let heard: Heard[] = [];
let failInTransaction = false;
const saved = async (postId: number) =>
  Boolean(firstRow(await read((db) => db.select({ id: posts.id }).from(posts).where(eq(posts.id, postId)))));
// What another connection sees: only committed rows.
const committed = async (postId: number) => {
  const other = await openObserver();
  try {
    return await other.sees("posts", "id", postId);
  } finally {
    await other.close();
  }
};

beforeAll(() => {
  subscribe("answer posted", {
    inTransaction: async (event) => {
      heard.push({ event, savedWhenHeard: await saved(event.postId), phase: "in transaction" });
    },
    afterCommit: async (event) => {
      heard.push({ event, savedWhenHeard: await committed(event.postId), phase: "after commit" });
    },
  });
  // A later subscriber that can refuse: the write, and what the first one would deliver, go with it.
  subscribe("answer posted", {
    inTransaction: () => {
      if (failInTransaction) throw new Error("the subscriber refused");
    },
  });
});

describe("domain events", () => {
  it("tells a subscriber about an answer inside its transaction, and again once it has committed", async () => {
    heard = [];
    failInTransaction = false;
    await resetAllLimits();
    const { threadId } = await makeThread(asker);
    const { postId } = await postAnswer(helper, threadId, { body: "Restart the hub, then pair again." });
    await expect.poll(() => heard.length).toBe(2);
    expect(heard.map((h) => h.phase)).toEqual(["in transaction", "after commit"]);
    expect(heard[0].event).toMatchObject({ threadId, postId, held: false });
    expect(heard[0].event.author.id).toBe(helper.id);
    // Inside the transaction the answer is visible to the write itself; after commit, to everyone.
    expect(heard.every((h) => h.savedWhenHeard)).toBe(true);
    expect(await committed(postId)).toBe(true);
  });

  it("rolls the whole write back when a subscriber fails in the transaction, and delivers nothing", async () => {
    heard = [];
    failInTransaction = true;
    await resetAllLimits();
    const { threadId } = await makeThread(asker);
    await expect(postAnswer(helper, threadId, { body: "This answer must not be saved." })).rejects.toThrow(
      "the subscriber refused",
    );
    failInTransaction = false;
    expect(heard).toHaveLength(1);
    expect(await committed(heard[0].event.postId)).toBe(false);
    // Give any after-commit work a chance to (wrongly) run.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(heard).toHaveLength(1);
  });

  it("refuses an event recorded outside a write", async () => {
    const event = { threadId: 1, postId: 1, author: helper, held: false, bodyHtml: "", at: new Date() };
    await expect(record("answer posted", event)).rejects.toThrow(/outside a write/);
    await expect(
      write(() => record("solution removed", { threadId: 1, postId: 1, kind: "accepted", by: helper, at: new Date() })),
    ).resolves.toBeUndefined();
  });
});
