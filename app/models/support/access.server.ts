/** Finding a follow-up for the one asking: a 404 when they may not see it, a 403 when they may not write on it. */
import { eq } from "drizzle-orm";
import { followUps, threads } from "../../../db/schema";
import { firstRow, read } from "~/lib/db.server";
import { NotFoundError } from "~/lib/errors.server";
import { canSeeThread, canViewFollowUp, canWriteOnFollowUp, ensure, type Actor } from "~/lib/permissions.server";

export async function findFollowUp(actor: Actor, followUpId: number) {
  const row = firstRow(
    await read((db) =>
      db
        .select({ followUp: followUps, thread: { authorId: threads.authorId, visibility: threads.visibility } })
        .from(followUps)
        .innerJoin(threads, eq(threads.id, followUps.threadId))
        .where(eq(followUps.id, followUpId)),
    ),
  );
  // Existence is private: a customer asking for someone else's follow-up gets a 404, and so does
  // anyone asking for one whose thread they may no longer see (a deleted question).
  if (!row || !canViewFollowUp(actor, row.followUp) || !canSeeThread(actor, row.thread))
    throw new NotFoundError("That follow-up does not exist.");
  return row.followUp;
}

/** The follow-up `actor` wants to write on: a 404 when they may not see it, a 403 while they may not write. */
export async function followUpToWriteOn(actor: Actor, followUpId: number) {
  const followUp = await findFollowUp(actor, followUpId);
  ensure(canWriteOnFollowUp(actor, followUp), "Your account is suspended: you can read but not write.");
  return followUp;
}
