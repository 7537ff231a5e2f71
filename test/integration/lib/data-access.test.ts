// The contract of app/lib/db.server.ts on a real database of either engine: what `read` sees inside
// and outside a write, writes taking turns, rollback of writes and savepoints, `afterCommit`,
// `inWrite`, and the read connection refusing writes. The page cache side of `write` is
// page-cache-invalidation.test.ts. An observer connection of the test's own sees only what is
// committed, whatever the module does.
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { siteSecrets } from "../../../db/schema";
import { afterCommit, firstRow, inWrite, read, write, writeUnseenByVisitors, type Db } from "~/lib/db.server";
import { log } from "~/lib/log.server";
import { rejectionMessage } from "../../fixtures/errors";
import { openObserver, type Observer } from "../../fixtures/observer";

let observer: Observer;
/** Whether the row is committed: the observer's connection has nothing to do with the module's. */
const committed = (name: string) => observer.sees("site_secrets", "name", name);

beforeAll(async () => {
  await read((db) => db.select().from(siteSecrets).limit(1)); // opens the module's connections first
  observer = await openObserver();
});

afterAll(() => observer.close());

afterEach(() => vi.restoreAllMocks());

let rows = 0;
/** A name no other test uses, for one row of site_secrets (no triggers, no foreign keys). */
const newName = (label: string) => `data-access-${label}-${++rows}`;

const insert = (db: Db, name: string) => db.insert(siteSecrets).values({ name, value: "v" });

/** Whether the row is there for `read` (the read connection, or inside a write its transaction). */
const seenByRead = async (name: string) =>
  firstRow(await read((db) => db.select().from(siteSecrets).where(eq(siteSecrets.name, name)))) !== undefined;

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** Lets other queued work run: a few turns of the event loop. */
const yieldTurns = async () => {
  for (let i = 0; i < 3; i++) await new Promise((done) => setImmediate(done));
};

const refused = () => {
  throw new Error("refused");
};

describe("read", () => {
  it("does not see a row that an open write has inserted and not committed yet, and sees it once committed", async () => {
    const name = newName("uncommitted");
    const inserted = deferred();
    const release = deferred();
    const writing = write(async (db) => {
      await insert(db, name);
      inserted.resolve();
      await release.promise;
    });
    await inserted.promise;
    const whileOpen = { seenByRead: await seenByRead(name), committed: await committed(name) };
    release.resolve(); // before asserting: a failure must not leave the write open for the next tests
    await writing;
    expect(whileOpen).toEqual({ seenByRead: false, committed: false });
    expect(await seenByRead(name)).toBe(true);
  });

  it("sees, inside a write, the rows that write has inserted and not committed yet", async () => {
    const name = newName("own");
    const seen = await write(async (db) => {
      await insert(db, name);
      return { byRead: await seenByRead(name), committed: await committed(name) };
    });
    expect(seen).toEqual({ byRead: true, committed: false });
  });

  it("refuses to write outside a write: the read connection is read-only", async () => {
    const name = newName("through-read");
    expect(await rejectionMessage(read((db) => insert(db, name)))).toMatch(
      /attempt to write a readonly database|cannot execute INSERT in a read-only transaction/,
    );
    expect(await committed(name)).toBe(false);
  });
});

describe("write", () => {
  it("runs two writes started at once one after the other: the second starts after the first committed", async () => {
    const events: string[] = [];
    const first = newName("first");
    const second = newName("second");
    const settled = await Promise.allSettled([
      write(async (db) => {
        events.push("first begins");
        await insert(db, first);
        await yieldTurns();
        events.push("first ends");
        return "a";
      }),
      write(async (db) => {
        events.push((await committed(first)) ? "second begins after the first committed" : "second begins");
        await insert(db, second);
        await yieldTurns();
        events.push("second ends");
        return "b";
      }),
    ]);
    expect(settled).toEqual([
      { status: "fulfilled", value: "a" },
      { status: "fulfilled", value: "b" },
    ]);
    expect(events).toEqual(["first begins", "first ends", "second begins after the first committed", "second ends"]);
    expect([await committed(first), await committed(second)]).toEqual([true, true]);
  });

  it("rolls back everything a write did when its work throws, and runs none of its afterCommit work", async () => {
    const names = [newName("rolled-back"), newName("rolled-back")];
    const after = vi.fn();
    await expect(
      write(async (db) => {
        await insert(db, names[0]);
        afterCommit(after);
        await write((inner) => insert(inner, names[1]));
        await yieldTurns();
        refused();
      }),
    ).rejects.toThrow("refused");
    await yieldTurns();
    expect(await Promise.all(names.map(committed))).toEqual([false, false]);
    expect(await Promise.all(names.map(seenByRead))).toEqual([false, false]);
    expect(after).not.toHaveBeenCalled();
  }, 2_000);

  it("runs its afterCommit work after the commit, in order; work that throws is logged and stops nothing", async () => {
    const logged = vi.spyOn(log, "error").mockImplementation(() => {});
    const name = newName("after-commit");
    const calls: unknown[] = [];
    const result = await write(async (db) => {
      await insert(db, name);
      afterCommit(async () => {
        const isCommitted = await committed(name); // asked first, as the callback starts
        calls.push({ call: 1, committed: isCommitted, seenByRead: await seenByRead(name) });
      });
      afterCommit(() => refused());
      afterCommit(() => calls.push({ call: 3 }));
      return "the write's result";
    });
    expect(result).toBe("the write's result");
    await vi.waitFor(() => expect(calls).toHaveLength(2), { timeout: 1_000 });
    expect(calls).toEqual([{ call: 1, committed: true, seenByRead: true }, { call: 3 }]);
    expect(logged).toHaveBeenCalledTimes(1);
    expect(logged).toHaveBeenCalledWith("work after a commit failed", { error: new Error("refused") });
  });

  it("rolls back only a nested write that throws: the outer write commits its own rows", async () => {
    const [before, inside, after] = [newName("outer-before"), newName("nested"), newName("outer-after")];
    const nestedAfterCommit = vi.fn();
    await write(async (db) => {
      await insert(db, before);
      await expect(
        write(async (nested) => {
          await insert(nested, inside);
          afterCommit(nestedAfterCommit);
          await yieldTurns();
          refused();
        }),
      ).rejects.toThrow("refused");
      expect(await seenByRead(inside)).toBe(false);
      await insert(db, after);
    });
    expect([await committed(before), await committed(inside), await committed(after)]).toEqual([true, false, true]);
    await yieldTurns();
    expect(nestedAfterCommit).not.toHaveBeenCalled();
  }, 2_000);

  it("runs writes nested in nested writes, and nested writes started side by side take turns", async () => {
    const events: string[] = [];
    const names = [newName("level-1"), newName("level-2"), newName("level-3"), newName("side-a"), newName("side-b")];
    const side = (name: string, label: string) =>
      write(async (db) => {
        events.push(`${label} begins`);
        await insert(db, name);
        await yieldTurns();
        events.push(`${label} ends`);
      });
    await writeUnseenByVisitors(async (db) => {
      await insert(db, names[0]);
      await write(async (level2) => {
        await insert(level2, names[1]);
        await write((level3) => insert(level3, names[2]));
        await Promise.all([side(names[3], "a"), side(names[4], "b")]);
      });
    });
    expect(events).toEqual(["a begins", "a ends", "b begins", "b ends"]);
    expect(await Promise.all(names.map(committed))).toEqual([true, true, true, true, true]);
  }, 2_000);

  it("waits before committing for a nested write its work started and did not await", async () => {
    const names = [newName("unawaited-1"), newName("unawaited-2")];
    let nested: Promise<void> | undefined;
    await write(() => {
      nested = write(async (db) => {
        await insert(db, names[0]);
        await yieldTurns();
        await insert(db, names[1]);
      });
    });
    expect(await Promise.all(names.map(committed))).toEqual([true, true]);
    await nested;
  }, 2_000);
});

describe("inWrite", () => {
  it("rejects outside a write", async () => {
    const name = newName("in-write-outside");
    await expect(inWrite((db) => insert(db, name))).rejects.toThrow("inWrite called outside a write");
    expect(await committed(name)).toBe(false);
  });

  it("writes in the transaction of the write around it, and is rolled back with it", async () => {
    const [kept, lost] = [newName("in-write-kept"), newName("in-write-lost")];
    await write(async () => {
      await inWrite((db) => insert(db, kept));
      expect([await seenByRead(kept), await committed(kept)]).toEqual([true, false]);
    });
    await expect(
      write(async () => {
        await inWrite((db) => insert(db, lost));
        refused();
      }),
    ).rejects.toThrow("refused");
    expect([await committed(kept), await committed(lost)]).toEqual([true, false]);
  });
});

describe("a nested write still running when its write fails", () => {
  it("is rolled back with it", async () => {
    const late = newName("orphan");
    let nested: Promise<void> | undefined;
    await expect(
      write(async () => {
        nested = write(async (db) => {
          await yieldTurns();
          await insert(db, late);
        });
        await Promise.resolve();
        refused();
      }),
    ).rejects.toThrow("refused");
    await nested?.catch(() => {});
    expect(await committed(late)).toBe(false);
  }, 2_000);
});
