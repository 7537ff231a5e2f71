/**
 * Domain events: a write records what happened (`record("answer posted", …)`), and the domains that
 * care subscribe to it (`subscribe`), so that adding a subscriber never touches the code that writes.
 *
 * - `inTransaction` subscribers run inside the write, before it commits, in the order they
 *   subscribed: for state that must agree with the write (the review queue, the follow-up, the
 *   search index). If one throws, the whole write rolls back.
 * - `afterCommit` subscribers run once the write has committed, never for one that rolled back: for
 *   delivery (email, webhooks). Their errors are logged.
 *
 * Each domain keeps its subscriptions in its own `subscriptions.server.ts`;
 * app/models/subscriptions.server.ts turns them all on, once per process, before anything is
 * written (the server's start-up, the scripts, the tests). Recording an event before that is an
 * error, not a silent skip.
 */
import { afterCommit, inWrite } from "~/lib/db.server";
import type { ModerationState } from "../../../db/schema";
import type { Member } from "~/lib/permissions.server";

/** What staff can do to a thread (moderation/threads.server.ts). */
export type ThreadAction = "lock" | "unlock" | "pin" | "unpin" | "close" | "reopen" | "duplicate" | "move" | "retag";

/**
 * A new post: the question of a new thread, or an answer. `held` posts wait for review; `waiting`
 * posts wait for their author to confirm their address, reach no one, and are released later by
 * "post state changed".
 */
type NewPost = {
  threadId: number;
  postId: number;
  author: Member;
  held: boolean;
  waiting?: boolean;
  bodyHtml: string;
  at: Date;
  /** Whether its thread had a follow-up not yet resolved, when the write already knows (`activeFollowUpColumn`). */
  followUpActive?: boolean;
};

export type DomainEvents = {
  "question asked": NewPost;
  "answer posted": NewPost;
  /** A post's text (or its thread's title) changed; `inSearchDocument` when the thread's search document holds it. */
  "post edited": {
    threadId: number;
    postId: number;
    kind: "question" | "answer";
    authorId: number;
    by: Member;
    inSearchDocument: boolean;
    at: Date;
  };
  /**
   * A post was held, hidden, restored, approved or deleted: its thread's visible content changed.
   * `by` is null when no person did it (a post released when its author confirmed their address).
   */
  "post state changed": {
    threadId: number;
    postId: number;
    from: ModerationState;
    to: ModerationState;
    by: Member | null;
    at: Date;
  };
  /** `voter` changed their vote on a post from `previous` to `value` (each -1, 0 or 1). */
  "vote cast": {
    threadId: number;
    post: { id: number; kind: "question" | "answer"; authorId: number };
    voter: Member;
    previous: number;
    value: number;
    at: Date;
  };
  "solution marked": { threadId: number; postId: number; kind: "accepted" | "verified"; by: Member; at: Date };
  "solution removed": { threadId: number; postId: number; kind: "accepted" | "verified"; by: Member; at: Date };
  /**
   * Staff changed a thread itself (closed, moved, retagged, marked duplicate…); `searchChanged` when
   * what search holds of it changed.
   */
  "thread changed": {
    threadId: number;
    action: ThreadAction;
    reason: string | null;
    by: Member;
    searchChanged: boolean;
    at: Date;
  };
  /**
   * A person's reputation total changed by `change` points (positive or negative) to `total`: an
   * event was earned or reversed, or a post's visibility took its events in or out of the count.
   */
  "reputation changed": { userId: number; change: number; total: number; at: Date };
};

export type DomainEvent = keyof DomainEvents;

type Subscriber<E> = {
  inTransaction?: (event: E) => unknown;
  afterCommit?: (event: E) => unknown;
};

const subscribers = new Map<DomainEvent, Subscriber<never>[]>();
let subscriptionsOn = false;

/** Called by a domain's subscriptions module: `subscriber` hears every `name` recorded from now on. */
export function subscribe<K extends DomainEvent>(name: K, subscriber: Subscriber<DomainEvents[K]>) {
  const list = subscribers.get(name) ?? [];
  list.push(subscriber as Subscriber<never>);
  subscribers.set(name, list);
}

/** Called once every domain has subscribed (app/models/subscriptions.server.ts). */
export function markSubscriptionsOn() {
  subscriptionsOn = true;
}

/** Records that `name` happened, from inside the write that made it happen (else it throws). */
export async function record<K extends DomainEvent>(name: K, event: DomainEvents[K]) {
  if (!subscriptionsOn) {
    throw new Error(`"${name}" was recorded before the domains subscribed (app/models/subscriptions.server.ts).`);
  }
  const list = (subscribers.get(name) ?? []) as Subscriber<DomainEvents[K]>[];
  await inWrite(async () => {
    for (const { inTransaction, afterCommit: deliver } of list) {
      if (inTransaction) await inTransaction(event);
      if (deliver) afterCommit(() => deliver(event));
    }
  });
}
