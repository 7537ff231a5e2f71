/**
 * The request slot an admitted request runs in (the queue in front of Remix, app/server/request-queue.server.ts,
 * hands them out), and the one thing domain code may do with it: wait on purpose without holding it.
 * It lives here, below both the server and the models, so that sign-in throttling (a model) can give
 * its slot back while it waits without the models depending on the HTTP server.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { setTimeout as sleep } from "node:timers/promises";

/** Where a slot given back is taken again: at the head of the queue, never shed. */
export type SlotQueue = { resume(): Promise<() => void> };

/**
 * The admitted request's slot: the queue it came through, how to give the slot back, and whether
 * the request has finished (its client may leave while it waits outside its slot).
 */
export type RequestSlot = { queue: SlotQueue; release: () => void; finished: boolean };

/** The request's client left while it waited outside its slot: its work stops there. */
export class RequestAbandonedError extends Error {
  constructor() {
    super("The client left while the request waited.");
  }
}

const currentSlot = new AsyncLocalStorage<RequestSlot>();

/** Runs an admitted request's work (and everything it awaits) with its slot, for `waitOutsideRequestSlot`. */
export function runInRequestSlot(slot: RequestSlot, work: () => void) {
  currentSlot.run(slot, work);
}

/**
 * Waits `ms` without holding a request slot, then takes one back: for waits that are the point
 * (throttling). Throws `RequestAbandonedError` when the client left meanwhile, so no work (and no
 * slot) is spent on an answer nobody reads.
 */
export async function waitOutsideRequestSlot(ms: number) {
  const slot = currentSlot.getStore();
  slot?.release();
  await sleep(ms);
  if (!slot) return;
  if (slot.finished) throw new RequestAbandonedError();
  const release = await slot.queue.resume();
  if (slot.finished) {
    release();
    throw new RequestAbandonedError();
  }
  slot.release = release;
}
