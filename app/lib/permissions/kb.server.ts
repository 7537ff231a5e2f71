/** The knowledge base: who reads an article, who only learns it exists, and who gives and reads feedback. */
import { type Audience } from "../../../db/schema";
import { isCustomer, isStaff, isSuspended, type Actor } from "./actors.server";

/** Whether the actor may read an article's body. */
export function canReadArticle(actor: Actor, article: { audience: Audience }) {
  if (article.audience === "public") return true;
  if (article.audience === "customers") return isCustomer(actor);
  return isStaff(actor);
}

/**
 * Whether the actor may know the article exists (its title and summary): customer-only articles
 * are advertised to everyone, so visitors learn what a customer account brings; staff-only ones
 * exist for staff alone.
 */
export function canSeeArticleTeaser(actor: Actor, article: { audience: Audience }) {
  return article.audience !== "staff" || isStaff(actor);
}

/** "Was this helpful?" is open to anyone who can read the article, signed in or not. */
export function canGiveArticleFeedback(actor: Actor, article: { audience: Audience }) {
  return canReadArticle(actor, article) && !isSuspended(actor);
}

export function canViewArticleFeedback(actor: Actor) {
  return isStaff(actor);
}

export function canDraftArticleFromThread(actor: Actor) {
  return isStaff(actor);
}
