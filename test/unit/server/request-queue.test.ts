import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createRequestQueue, requestQueueLimitsFromEnv, type RequestQueue } from "~/server/request-queue.server";
import {
  RequestAbandonedError,
  runInRequestSlot,
  waitOutsideRequestSlot,
  type RequestSlot,
} from "~/lib/request-slot.server";

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
    const { events, enter, release } = recorder(
      createRequestQueue({ concurrency: 2, queueLimit: 2, maxWaitMs: 1_000 }),
    );
    for (const name of ["a", "b", "c", "d", "e"]) enter(name);
    expect(events).toEqual(["a runs", "b runs", "e shed"]);
    release("a");
    release("a"); // a second release frees nothing more
    expect(events).toEqual(["a runs", "b runs", "e shed", "c runs"]);
    release("b");
    expect(events.at(-1)).toBe("d runs");
  });

  it("sheds at once a request whose turn would come after the wait limit, judging by how long slots are held", () => {
    const { events, enter, release } = recorder(
      createRequestQueue({ concurrency: 1, queueLimit: 10, maxWaitMs: 1_000 }),
    );
    enter("a");
    vi.advanceTimersByTime(600);
    release("a"); // slots are held about 600 ms
    enter("b");
    enter("c"); // its turn: about 600 ms away
    enter("d"); // about 1,200 ms away: past the limit, so no point waiting 1 s to be told
    expect(events).toEqual(["a runs", "b runs", "d shed"]);
    vi.advanceTimersByTime(500);
    release("b");
    expect(events).toEqual(["a runs", "b runs", "d shed", "c runs"]);
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

/** Admits a request that waits outside its slot for `ms`, as a slowed sign-in does; `finish` is its response ending (or its client leaving). */
function slowedRequest(queue: RequestQueue, ms: number, events: string[], name: string) {
  let slot: RequestSlot | undefined;
  let work: Promise<void> = Promise.resolve();
  queue.enter(
    (release) => {
      const admitted: RequestSlot = { queue, release, finished: false };
      slot = admitted;
      runInRequestSlot(admitted, () => {
        work = (async () => {
          try {
            await waitOutsideRequestSlot(ms);
            events.push(`${name} resumes`);
          } catch (error) {
            events.push(error instanceof RequestAbandonedError ? `${name} abandoned` : `${name} failed`);
          }
        })();
      });
    },
    () => events.push(`${name} shed`),
  );
  return {
    done: () => work,
    finish: () => {
      slot!.finished = true;
      slot!.release();
    },
  };
}

describe("waitOutsideRequestSlot", () => {
  it("gives the slot to the next request while a slowed request waits, then takes one back for it", async () => {
    const queue = createRequestQueue({ concurrency: 1, queueLimit: 0, maxWaitMs: 10_000 });
    const events: string[] = [];
    const signIn = slowedRequest(queue, 5, events, "sign-in");
    // With no room to queue, the page would be shed if the waiting sign-in still held the only slot.
    let releasePage = () => {};
    queue.enter(
      (release) => {
        events.push("page runs");
        releasePage = release;
      },
      () => events.push("page shed"),
    );
    expect(events).toEqual(["page runs"]);
    releasePage();
    await signIn.done();
    expect(events).toEqual(["page runs", "sign-in resumes"]);
    expect(queue.stats()).toEqual({ running: 1, waiting: 0 }); // the sign-in's slot, taken back
    signIn.finish();
    expect(queue.stats()).toEqual({ running: 0, waiting: 0 });
  });

  it("gives nothing back to a request whose client left while it waited", async () => {
    const queue = createRequestQueue({ concurrency: 1, queueLimit: 0, maxWaitMs: 10_000 });
    const events: string[] = [];
    const request = slowedRequest(queue, 5, events, "sign-in");
    request.finish(); // the client disconnects mid-wait
    await request.done();
    expect(events).toEqual(["sign-in abandoned"]);
    expect(queue.stats()).toEqual({ running: 0, waiting: 0 });
    queue.enter(
      () => events.push("page runs"),
      () => events.push("page shed"),
    );
    expect(events.at(-1)).toBe("page runs");
  });

  it("never runs more than the concurrency when slowed requests wake together: they wait at the head of the queue", async () => {
    const queue = createRequestQueue({ concurrency: 1, queueLimit: 5, maxWaitMs: 10_000 });
    const events: string[] = [];
    const slowed = ["a", "b", "c"].map((name) => slowedRequest(queue, 5, events, name));
    const releases: Array<() => void> = [];
    queue.enter(
      (release) => releases.push(release),
      () => events.push("page shed"),
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    // The page took the one slot while they slept; the three wait for it, ahead of the queue.
    expect(queue.stats()).toEqual({ running: 1, waiting: 3 });
    queue.enter(
      () => events.push("late page runs"),
      () => events.push("late page shed"),
    );
    releases[0]();
    await slowed[0].done();
    expect(events).toEqual(["a resumes"]);
    expect(queue.stats()).toEqual({ running: 1, waiting: 3 });
    for (const request of slowed) {
      await request.done(); // each resumes only once the one before it finished
      request.finish();
    }
    expect(events).toEqual(["a resumes", "b resumes", "c resumes", "late page runs"]);
    expect(queue.stats()).toEqual({ running: 1, waiting: 0 });
  });
});

describe("requestQueueLimitsFromEnv", () => {
  it("has defaults, reads the three variables, and names a bad one", () => {
    expect(requestQueueLimitsFromEnv({})).toEqual({ concurrency: 4, queueLimit: 200, maxWaitMs: 2_000 });
    expect(
      requestQueueLimitsFromEnv({ MAX_CONCURRENT_REQUESTS: "2", MAX_QUEUED_REQUESTS: "0", MAX_QUEUE_WAIT_MS: "50" }),
    ).toEqual({ concurrency: 2, queueLimit: 0, maxWaitMs: 50 });
    expect(() => requestQueueLimitsFromEnv({ MAX_CONCURRENT_REQUESTS: "0" })).toThrow("MAX_CONCURRENT_REQUESTS");
    expect(() => requestQueueLimitsFromEnv({ MAX_QUEUE_WAIT_MS: "soon" })).toThrow("MAX_QUEUE_WAIT_MS");
  });
});
