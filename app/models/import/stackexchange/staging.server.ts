/**
 * The files read into the scratch file only (scratch.server.ts): PostHistory.xml and Votes.xml, which
 * Posts.xml's step reads back per post, and PostLinks.xml's duplicate links, which the finishing step
 * applies once every question is in.
 */
import { importFile, skip, type ImportContext } from "./context.server";
import { sourceInt, VOTE_TYPES } from "./source-values";

const HISTORY_KNOWN = new Set([
  "Id",
  "PostHistoryTypeId",
  "PostId",
  "RevisionGUID",
  "CreationDate",
  "UserId",
  "UserDisplayName",
  "Comment",
  "Text",
  "ContentLicense",
]);
const VOTES_KNOWN = new Set(["Id", "PostId", "VoteTypeId", "UserId", "CreationDate", "BountyAmount"]);
const LINKS_KNOWN = new Set(["Id", "CreationDate", "PostId", "RelatedPostId", "LinkTypeId"]);
const DUPLICATE_LINK = 3;

/** Reads PostHistory.xml into the scratch file; false when the dump has none (bodies then come from HTML). */
export async function stageHistory(ctx: ImportContext) {
  const found = await importFile(ctx, "PostHistory.xml", {
    known: HISTORY_KNOWN,
    batchSize: 5_000,
    collect: (rows) => {
      for (const { attributes: a } of rows) {
        const postId = sourceInt(a.PostId);
        const id = sourceInt(a.Id);
        const type = sourceInt(a.PostHistoryTypeId);
        if (postId === null || id === null || type === null || !a.CreationDate) {
          skip(ctx, "history rows", "PostHistory.xml: a row without PostId, Id, PostHistoryTypeId or CreationDate");
          continue;
        }
        ctx.scratch.addHistory({
          postId,
          id,
          type,
          // A row without a revision id is an edit of its own.
          guid: a.RevisionGUID ?? `row-${id}`,
          userId: sourceInt(a.UserId),
          userName: a.UserDisplayName ?? null,
          at: a.CreationDate,
          text: a.Text ?? null,
          comment: a.Comment ?? null,
          licence: a.ContentLicense ?? null,
        });
      }
    },
  });
  if (found) ctx.scratch.addDuplicatesFromHistory();
  return found;
}

/** Counts each post's up and down votes (voters are anonymous in dumps), and when its acceptance was voted. */
export async function stageVotes(ctx: ImportContext) {
  return importFile(ctx, "Votes.xml", {
    known: VOTES_KNOWN,
    batchSize: 10_000,
    collect: (rows) => {
      for (const { attributes: a } of rows) {
        const postId = sourceInt(a.PostId);
        const type = sourceInt(a.VoteTypeId);
        if (postId === null) continue;
        if (type === VOTE_TYPES.upMod) ctx.scratch.addVote(postId, 1, 0);
        else if (type === VOTE_TYPES.downMod) ctx.scratch.addVote(postId, 0, 1);
        else if (type === VOTE_TYPES.acceptedByOriginator && a.CreationDate)
          ctx.scratch.addAcceptance(postId, a.CreationDate);
        // Other kinds (favourites, close and deletion votes, bounties, spam flags) have no Hearth counterpart.
        else skip(ctx, "votes", `Votes.xml: VoteTypeId ${a.VoteTypeId ?? "missing"} (no Hearth counterpart)`);
      }
    },
  });
}

/** Duplicate links (LinkTypeId 3); a close record's original wins over a link's. Other links are related-post links, not kept. */
export async function stageLinks(ctx: ImportContext) {
  return importFile(ctx, "PostLinks.xml", {
    known: LINKS_KNOWN,
    batchSize: 5_000,
    collect: (rows) => {
      for (const { attributes: a } of rows) {
        const postId = sourceInt(a.PostId);
        const relatedId = sourceInt(a.RelatedPostId);
        if (sourceInt(a.LinkTypeId) === DUPLICATE_LINK && postId !== null && relatedId !== null) {
          ctx.scratch.addDuplicate(postId, relatedId, false);
        } else skip(ctx, "post links", "PostLinks.xml: a related-post link (Hearth keeps duplicate links only)");
      }
    },
  });
}
