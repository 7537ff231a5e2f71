import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createRequestQueue, requestQueueLimitsFromEnv, runInRequestSlot, waitOutsideRequestSlot } from "~/lib/request-queue.server";

function recorder(queue: ReturnType<typeof createRequestQueue>) {
  const events: string[] = [];
  const releases = new Map<string, () => void>();
  const enter = (name: string) =>
    queue.enter(
      (release) => {
        events.push(`${name} runs`);
        releases.set(name, release);
      },
      () => events.push(`${name} shed`),
    );
  return { events, enter, release: (name: string) => releases.get(name)!() };
}

describe("createRequestQueue", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("runs up to the concurrency, queues up to the limit in arrival order and sheds the rest at once", () => {
    const { events, enter, release } = recorder(createRequestQueue({ concurrency: 2, queueLimit: 2, maxWaitMs: 1_000 }));
    for (const name of ["a", "b", "c", "d", "e"]) enter(name);
    expect(events).toEqual(["a runs", "b runs", "e shed"]);
    release("a");
    release("a"); // a second release frees nothing more
    expect(events).toEqual(["a runs", "b runs", "e shed", "c runs"]);
    release("b");
    expect(events.at(-1)).toBe("d runs");
  });

  it("sheds a request that waited longer than the wait limit, and forgets one whose client left", () => {
    const queue = createRequestQueue({ concurrency: 1, queueLimit: 5, maxWaitMs: 1_000 });
    const { events, enter, release } = recorder(queue);
    enter("a");
    enter("b");
    const withdrawC = enter("c");
    vi.advanceTimersByTime(500);
    withdrawC();
    enter("d");
    vi.advanceTimersByTime(500);
    expect(events).toEqual(["a runs", "b shed"]);
    release("a");
    expect(events).toEqual(["a runs", "b shed", "d runs"]);
    expect(queue.stats()).toEqual({ running: 1, waiting: 0 });
  });
});

describe("waitOutsideRequestSlot", () => {
  it("gives the slot to the next request while a slowed request waits, then takes one back for it", async () => {
    const queue = createRequestQueue({ concurrency: 1, queueLimit: 0, maxWaitMs: 10_000 });
    const events: string[] = [];
    let slowed: Promise<void> = Promise.resolve();
    queue.enter(
      (release) => {
        const slot = { queue, release };
        runInRequestSlot(slot, () => {
          slowed = (async () => {
            events.push("sign-in waits");
            await waitOutsideRequestSlot(5);
            events.push("sign-in resumes");
            slot.release();
          })();
        });
      },
      () => events.push("sign-in shed"),
    );
    // With no room to queue, the page would be shed if the waiting sign-in still held the only slot.
    queue.enter(() => events.push("page runs"), () => events.push("page shed"));
    expect(events).toEqual(["sign-in waits", "page runs"]);
    await slowed;
    expect(events).toEqual(["sign-in waits", "page runs", "sign-in resumes"]);
    expect(queue.stats()).toEqual({ running: 1, waiting: 0 }); // the page's slot alone
  });
});

describe("requestQueueLimitsFromEnv", () => {
  it("has defaults, reads the three variables, and names a bad one", () => {
    expect(requestQueueLimitsFromEnv({})).toEqual({ concurrency: 8, queueLimit: 200, maxWaitMs: 2_000 });
    expect(requestQueueLimitsFromEnv({ MAX_CONCURRENT_REQUESTS: "2", MAX_QUEUED_REQUESTS: "0", MAX_QUEUE_WAIT_MS: "50" })).toEqual({ concurrency: 2, queueLimit: 0, maxWaitMs: 50 });
    expect(() => requestQueueLimitsFromEnv({ MAX_CONCURRENT_REQUESTS: "0" })).toThrow("MAX_CONCURRENT_REQUESTS");
    expect(() => requestQueueLimitsFromEnv({ MAX_QUEUE_WAIT_MS: "soon" })).toThrow("MAX_QUEUE_WAIT_MS");
  });
});
