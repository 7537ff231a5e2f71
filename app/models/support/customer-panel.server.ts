/**
 * What staff see about the customer beside a follow-up: their email address, their local time now,
 * the domain they write from (and whether it is a known customer domain) and how they rated us
 * before. Staff only: the email address never reaches a page anyone else sees.
 */
import { and, avg, count, desc, eq, isNotNull, ne } from "drizzle-orm";
import { followUpSurveys, followUps, threads, users } from "../../../db/schema";
import { firstRow, read } from "~/lib/db.server";
import { canSeeCustomerDetails, ensure, type Actor } from "~/lib/permissions.server";
import { customerDomainOf } from "~/models/moderation/users.server";

const RECENT_RATINGS = 3;

/** "Tue 14:05" in `timeZone`, or null when the zone is not one this runtime knows. */
function localTime(at: Date, timeZone: string) {
  try {
    return new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit" }).format(
      at,
    );
  } catch {
    return null;
  }
}

/** The panel for the customer of follow-up `followUp`; "satisfaction before" leaves this follow-up's own rating out. */
export async function customerPanel(actor: Actor, followUp: { id: number; customerId: number }, at: Date) {
  const { customerId } = followUp;
  ensure(canSeeCustomerDetails(actor), "Only staff can see a customer's details.");
  return read(async (db) => {
    const customer = firstRow(
      await db.select({ email: users.email, timeZone: users.timeZone }).from(users).where(eq(users.id, customerId)),
    )!;
    const rated = and(
      eq(followUpSurveys.customerId, customerId),
      ne(followUpSurveys.followUpId, followUp.id),
      // "Did the community's answer solve it?" says nothing of how support did: counted apart.
      eq(followUpSurveys.kind, "support"),
      isNotNull(followUpSurveys.rating),
    );
    const totals = firstRow(
      await db
        .select({ count: count(), average: avg(followUpSurveys.rating) })
        .from(followUpSurveys)
        .where(rated),
    )!;
    const recent = await db
      .select({
        followUpId: followUpSurveys.followUpId,
        rating: followUpSurveys.rating,
        comment: followUpSurveys.comment,
        answeredAt: followUpSurveys.answeredAt,
        threadTitle: threads.title,
      })
      .from(followUpSurveys)
      .innerJoin(followUps, eq(followUps.id, followUpSurveys.followUpId))
      .innerJoin(threads, eq(threads.id, followUps.threadId))
      .where(rated)
      .orderBy(desc(followUpSurveys.answeredAt))
      .limit(RECENT_RATINGS);
    return {
      email: customer.email,
      timeZone: customer.timeZone,
      localTime: customer.timeZone ? localTime(at, customer.timeZone) : null,
      domain: customer.email.slice(customer.email.lastIndexOf("@") + 1),
      knownCustomerDomain: (await customerDomainOf(customer.email)) !== null,
      satisfaction: {
        count: totals.count,
        average: totals.average === null ? null : Number(totals.average),
        recent,
      },
    };
  });
}
