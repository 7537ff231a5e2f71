/**
 * Every domain's subscriptions to the domain events (shared/events.server.ts), turned on once per
 * process before anything is written: by start-up (prepareDatabase), the scripts and the tests.
 * A new subscriber goes in its domain's subscriptions module; the code that writes stays as it is.
 */
import { subscribeBadges } from "./badges/subscriptions.server";
import { subscribeModeration } from "./moderation/subscriptions.server";
import { subscribeNotifications } from "./notifications/subscriptions.server";
import { subscribeReputation } from "./reputation/subscriptions.server";
import { subscribeSearch } from "./search/subscriptions.server";
import { subscribeRewards } from "./rewards/subscriptions.server";
import { markSubscriptionsOn } from "./shared/events.server";
import { subscribeSupport } from "./support/subscriptions.server";
import { subscribeTrust } from "./trust/subscriptions.server";

let subscribed = false;

export function subscribeEveryDomain() {
  if (subscribed) return;
  subscribed = true;
  // In this order: the review queue, then the follow-up, then the search index, then loyalty points,
  // then who hears of it, then who may have earned a badge; trust levels follow standing whenever
  // it changes.
  subscribeModeration();
  subscribeSupport();
  subscribeReputation();
  subscribeSearch();
  subscribeRewards();
  subscribeNotifications();
  subscribeBadges();
  subscribeTrust();
  markSubscriptionsOn();
}
