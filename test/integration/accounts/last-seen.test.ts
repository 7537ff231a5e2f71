import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { users, visitDays } from "../../../db/schema";
import { setClock } from "~/lib/clock.server";
import { countQueries, firstRow, scriptDb } from "~/lib/db.server";
import { startSession, validateSessionCookie } from "~/models/accounts/auth.server";
import { forgetSeenMarks } from "~/models/accounts/last-seen.server";
import { makeUser } from "../../fixtures/factories";

const START = new Date("2026-11-10T09:00:00Z");
const MINUTE = 60_000;
const at = (minutes: number) => new Date(START.getTime() + minutes * MINUTE);

beforeEach(() => {
  forgetSeenMarks();
  setClock(START);
});
afterEach(() => setClock(null));

const lastSeenOf = async (userId: number) =>
  firstRow(await scriptDb().select({ at: users.lastSeenAt }).from(users).where(eq(users.id, userId)))!.at;

async function signedIn() {
  const user = await makeUser("member");
  const setCookie = await startSession(user.id, { secure: false });
  return { user, cookie: setCookie.split(";")[0] };
}

const resolve = (cookie: string) => validateSessionCookie(cookie, { secure: false });

describe("last visit", () => {
  it("writes the last visit and the day's visit on the first signed-in request, then adds no query for 5 minutes", async () => {
    const { user, cookie } = await signedIn();
    expect(await lastSeenOf(user.id)).toBeNull();

    const first = await countQueries(() => resolve(cookie));
    expect(await lastSeenOf(user.id)).toEqual(START);

    setClock(at(1));
    const second = await countQueries(() => resolve(cookie));
    setClock(at(4));
    const third = await countQueries(() => resolve(cookie));
    // The first request of the day also records the day (visit_days): one statement more.
    expect(second).toBe(first - 2);
    expect(third).toBe(second);
    expect(await lastSeenOf(user.id)).toEqual(START);

    setClock(at(6));
    expect(await countQueries(() => resolve(cookie))).toBe(first - 1);
    expect(await lastSeenOf(user.id)).toEqual(at(6));
  });

  it("records each UTC day of visits once, whatever the number of visits that day", async () => {
    const { user, cookie } = await signedIn();
    for (const minutes of [0, 10, 20, 60 * 14, 60 * 24 + 5, 60 * 24 + 30, 60 * 72]) {
      setClock(at(minutes));
      await resolve(cookie);
    }
    // A second process (no marks of its own) on a day already recorded changes nothing.
    forgetSeenMarks();
    setClock(at(60 * 72 + 10));
    await resolve(cookie);
    const days = await scriptDb().select({ day: visitDays.day }).from(visitDays).where(eq(visitDays.userId, user.id));
    const first = Math.floor(START.getTime() / 86_400_000);
    expect(days.map((row) => row.day).sort()).toEqual([first, first + 1, first + 3]);
  });

  it("leaves a visit another process noted within 5 minutes as it is", async () => {
    const { user, cookie } = await signedIn();
    await resolve(cookie);
    // A second process has no mark of its own: its write is conditional and changes nothing.
    forgetSeenMarks();
    setClock(at(2));
    await resolve(cookie);
    expect(await lastSeenOf(user.id)).toEqual(START);
  });

  it("notes nothing for a visitor", async () => {
    expect(await countQueries(() => resolve(""))).toBe(0);
  });
});
