/**
 * The knowledge base: who reads an article, who only learns it exists, and who gives and reads
 * feedback. An article's audience is all the reading rules look at, so each SQL twin is the list of
 * audiences its rule lets in, computed from the rule itself: the two cannot drift apart.
 */
import { inArray, type SQL } from "drizzle-orm";
import { AUDIENCES, kbArticles, type Audience } from "../../../db/schema";
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

/** The audiences whose articles `actor` may read in full (`canReadArticle`). */
export const readableAudiences = (actor: Actor): Audience[] =>
  AUDIENCES.filter((audience) => canReadArticle(actor, { audience }));

/** `canReadArticle` in SQL, on `kb_articles`: for the feed, the sitemap and anything else read in full. */
export function readableArticlesCondition(actor: Actor): SQL {
  return inArray(kbArticles.audience, readableAudiences(actor));
}

/** The audiences whose articles `actor` may know exist (`canSeeArticleTeaser`). */
export const teaserAudiences = (actor: Actor): Audience[] =>
  AUDIENCES.filter((audience) => canSeeArticleTeaser(actor, { audience }));

/** `canSeeArticleTeaser` in SQL, on `kb_articles`: for lists that show a teaser where the body is not theirs. */
export function articleTeasersCondition(actor: Actor): SQL {
  return inArray(kbArticles.audience, teaserAudiences(actor));
}

/**
 * What search looks through for `actor` (decision 14): the articles they may read, by every field;
 * the ones they may only know exist, by title and summary alone, so a body cannot be probed word by
 * word. Search turns this into its engine's syntax.
 */
export function articleSearchAudiences(actor: Actor) {
  const inFull = readableAudiences(actor);
  return { inFull, byTitleOnly: teaserAudiences(actor).filter((audience) => !inFull.includes(audience)) };
}

/**
 * Which parts of search's vocabulary may be shown to `actor` as "Did you mean" words and typo
 * matches: the words of what they may read (threads and teasers count as "public", DECISIONS.md #80).
 */
export const vocabularyAudiences = (actor: Actor): Audience[] => readableAudiences(actor);

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
