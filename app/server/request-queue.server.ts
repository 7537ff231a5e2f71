/**
 * Admission control for the work behind the HTTP server's cheap paths: at most `concurrency`
 * requests run at once, up to `queueLimit` more wait in arrival order, and none waits longer than
 * `maxWaitMs`. A request that finds the queue full, or waits too long, is shed at once (the caller
 * answers 503) instead of joining a queue whose tail could only be served after the client gave up:
 * under overload latency stays bounded by the wait limit plus the work itself.
 * Every admitted request must call its `release` exactly once (a second call does nothing).
 * A request that waits on purpose (a slowed sign-in) gives its slot back while it waits
 * (`waitOutsideRequestSlot`), so a flood of slowed requests cannot fill the queue.
 */
import { env } from "~/lib/env.server";

export type RequestQueueLimits = { concurrency: number; queueLimit: number; maxWaitMs: number };

type Waiter = { admit: (release: () => void) => void; shed: () => void; timer?: NodeJS.Timeout };

/**
 * The limits from the configuration (`MAX_CONCURRENT_REQUESTS`, `MAX_QUEUED_REQUESTS`,
 * `MAX_QUEUE_WAIT_MS`; their defaults and bounds are in env.server), from `source` when given.
 */
export function requestQueueLimitsFromEnv(source?: Record<string, string | undefined>): RequestQueueLimits {
  return {
    concurrency: env("MAX_CONCURRENT_REQUESTS", source),
    queueLimit: env("MAX_QUEUED_REQUESTS", source),
    maxWaitMs: env("MAX_QUEUE_WAIT_MS", source),
  };
}

export function createRequestQueue({ concurrency, queueLimit, maxWaitMs }: RequestQueueLimits) {
  let running = 0;
  const waiting: Waiter[] = [];
  // Requests taking their slot back after a deliberate wait: served before `waiting`, in order.
  const resuming: Waiter[] = [];
  // How long a slot is held, on average lately (0 until the first release): a request whose turn
  // would come later than the wait limit is shed at once instead of after waiting for it.
  let averageHoldMs = 0;

  const admitNext = () => {
    const next = resuming.shift() ?? waiting.shift();
    if (next) {
      clearTimeout(next.timer);
      running += 1;
      next.admit(releaser());
    }
  };

  const releaser = () => {
    const admittedAt = Date.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const heldMs = Date.now() - admittedAt;
      averageHoldMs = averageHoldMs === 0 ? heldMs : averageHoldMs * 0.9 + heldMs * 0.1;
      running -= 1;
      admitNext();
    };
  };

  return {
    /**
     * Calls `admit(release)` now or when a slot frees up, or `shed()` when the queue is full, when
     * its turn would likely come after the wait limit (at once), or when the wait runs out. The returned function withdraws a request still waiting (its client left).
     */
    enter(admit: (release: () => void) => void, shed: () => void): () => void {
      if (running < concurrency) {
        running += 1;
        admit(releaser());
        return () => {};
      }
      const expectedWaitMs = ((resuming.length + waiting.length + 1) * averageHoldMs) / concurrency;
      if (waiting.length >= queueLimit || expectedWaitMs > maxWaitMs) {
        shed();
        return () => {};
      }
      const waiter: Waiter = {
        admit,
        shed,
        timer: setTimeout(() => {
          withdraw();
          shed();
        }, maxWaitMs),
      };
      const withdraw = () => {
        const index = waiting.indexOf(waiter);
        if (index === -1) return;
        waiting.splice(index, 1);
        clearTimeout(waiter.timer);
      };
      waiting.push(waiter);
      return withdraw;
    },
    /**
     * Takes a slot back for a request that gave its own up to wait (`waitOutsideRequestSlot`): it
     * was admitted before, so it goes to the head of the queue and is never shed, but it waits for
     * a free slot like everyone else: the concurrency limit holds however many wake at once.
     */
    async resume(): Promise<() => void> {
      if (running < concurrency) {
        running += 1;
        return Promise.resolve(releaser());
      }
      return new Promise((admit) => resuming.push({ admit, shed: () => {} }));
    },
    stats: () => ({ running, waiting: waiting.length + resuming.length }),
  };
}

export type RequestQueue = ReturnType<typeof createRequestQueue>;
