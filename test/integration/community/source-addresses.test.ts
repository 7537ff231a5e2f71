// Old addresses of imported content (issue 17): the source's question, answer and profile ids, and
// /questions/<id>/<slug> shared with Hearth's own threads (DECISIONS.md #81).
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { posts, threads } from "../../../db/schema";
import { write } from "~/lib/db.server";
import { VISITOR, type Member } from "~/lib/permissions.server";
import {
  importedPostAt,
  importedProfileAt,
  importedThreadAt,
  threadPageAt,
} from "~/models/community/source-addresses.server";
import { makeThread, makeUser } from "../../fixtures/factories";
import { importedAnswer, importedThread, importedUser } from "../../fixtures/imported";

const SITE = "bicycles.meta.stackexchange.com";
const OTHER_SITE = "cooking.meta.stackexchange.com";
let staff: Member;
let reader: Member;
let asker: Member;
let helper: Member;

beforeAll(async () => {
  staff = await makeUser("staff");
  reader = await makeUser("member");
  asker = await importedUser(SITE, 101);
  helper = await importedUser(SITE, 102);
});

describe("old addresses of imported content", () => {
  it("finds the imported thread by its source id, the answer by its own, and the profile", async () => {
    const { threadId, slug } = await importedThread(asker, SITE, 6001);
    const answerId = await importedAnswer(helper, threadId, SITE, 6002);
    expect(await importedThreadAt(VISITOR, 6001)).toEqual({ id: threadId, slug });
    expect(await importedPostAt(VISITOR, 6002)).toEqual({ postId: answerId, thread: { id: threadId, slug } });
    expect(await importedProfileAt(102)).toEqual({ username: helper.username });
    expect(await importedThreadAt(VISITOR, 6002)).toBeNull();
    expect(await importedProfileAt(99_999)).toBeNull();
  });

  it("never finds a thread or answer the reader may not see", async () => {
    const { threadId } = await importedThread(asker, SITE, 6101);
    const answerId = await importedAnswer(helper, threadId, SITE, 6102);
    await write((db) => db.update(posts).set({ moderationState: "hidden" }).where(eq(posts.id, answerId)));
    expect(await importedPostAt(VISITOR, 6102)).toBeNull();
    expect(await importedPostAt(staff, 6102)).toMatchObject({ postId: answerId });
    await write((db) => db.update(threads).set({ visibility: "hidden" }).where(eq(threads.id, threadId)));
    expect(await importedThreadAt(VISITOR, 6101)).toBeNull();
    expect(await importedThreadAt(reader, 6101)).toBeNull();
    expect(await importedThreadAt(staff, 6101)).toMatchObject({ id: threadId });
  });

  it("picks, among sites with the same source id, the one whose slug matches, else the latest import", async () => {
    const older = await importedThread(asker, SITE, 6201, {
      title: "Why does my chain skip under load",
      importedAt: new Date("2026-01-01T00:00:00Z"),
    });
    const newer = await importedThread(asker, OTHER_SITE, 6201, {
      title: "How long to rest a brisket before slicing",
      importedAt: new Date("2026-06-01T00:00:00Z"),
    });
    expect((await importedThreadAt(VISITOR, 6201, older.slug))?.id).toBe(older.threadId);
    expect((await importedThreadAt(VISITOR, 6201, newer.slug))?.id).toBe(newer.threadId);
    expect((await importedThreadAt(VISITOR, 6201, "some-other-slug"))?.id).toBe(newer.threadId);
    expect((await importedThreadAt(VISITOR, 6201))?.id).toBe(newer.threadId);
  });

  it("shares /questions/<id>/<slug> with Hearth's threads: Hearth's with a matching slug first, then the import's", async () => {
    // A Hearth thread whose id is also a question's id on the source site.
    const hearth = await makeThread(reader, { title: "Hearth's own question about the hub" });
    const imported = await importedThread(asker, SITE, hearth.threadId, {
      title: "An imported question with the same id",
    });
    const at = (slug?: string) => threadPageAt(VISITOR, hearth.threadId, slug, 1);
    expect((await at(hearth.slug)).page?.thread.id).toBe(hearth.threadId);
    expect((await at(imported.slug)).movedTo).toEqual({ id: imported.threadId, slug: imported.slug });
    expect((await at("the-slug-it-had-on-the-source")).movedTo).toEqual({ id: imported.threadId, slug: imported.slug });
    // Hearth's own short links have no slug: its thread.
    expect(await at(undefined)).toMatchObject({
      movedTo: { id: hearth.threadId, slug: hearth.slug },
      sameThread: true,
    });
    // No import with that id: as before, the canonical address, or not found.
    const alone = await makeThread(reader);
    expect((await threadPageAt(VISITOR, alone.threadId, "old-slug", 1)).movedTo).toEqual({
      id: alone.threadId,
      slug: alone.slug,
    });
    await expect(threadPageAt(VISITOR, 987_654, "nothing-here", 1)).rejects.toThrow("does not exist");
  });
});
