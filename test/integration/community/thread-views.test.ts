import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { threads } from "../../../db/schema";
import { firstRow, read } from "~/lib/db.server";
import type { Member } from "~/lib/permissions.server";
import { flushThreadViews, recordThreadView } from "~/models/community/thread-views.server";
import { makeThread, makeUser } from "../../fixtures/factories";

let asker: Member;
beforeAll(async () => {
  asker = await makeUser("member");
});

const viewsOf = async (threadId: number) =>
  firstRow(await read((db) => db.select({ n: threads.viewCount }).from(threads).where(eq(threads.id, threadId))))!.n;

describe("flushThreadViews", () => {
  it("writes each view once when two flushes overlap (the timer's and the shutdown's)", async () => {
    const { threadId } = await makeThread(asker);
    for (let i = 0; i < 3; i++) recordThreadView(threadId);
    expect(await Promise.all([flushThreadViews(), flushThreadViews()])).toEqual([true, true]);
    expect(await viewsOf(threadId)).toBe(3);
  });

  it("keeps views counted while a flush writes for the next flush", async () => {
    const { threadId } = await makeThread(asker);
    recordThreadView(threadId);
    const first = flushThreadViews();
    recordThreadView(threadId);
    recordThreadView(threadId);
    await first;
    await flushThreadViews();
    expect(await viewsOf(threadId)).toBe(3);
  });
});
