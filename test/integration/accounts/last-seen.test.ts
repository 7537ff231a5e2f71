import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { users } from "../../../db/schema";
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
  it("writes the last visit on the first signed-in request, then adds no query for 5 minutes", async () => {
    const { user, cookie } = await signedIn();
    expect(await lastSeenOf(user.id)).toBeNull();

    const first = await countQueries(() => resolve(cookie));
    expect(await lastSeenOf(user.id)).toEqual(START);

    setClock(at(1));
    const second = await countQueries(() => resolve(cookie));
    setClock(at(4));
    const third = await countQueries(() => resolve(cookie));
    expect(second).toBe(first - 1);
    expect(third).toBe(second);
    expect(await lastSeenOf(user.id)).toEqual(START);

    setClock(at(6));
    expect(await countQueries(() => resolve(cookie))).toBe(first);
    expect(await lastSeenOf(user.id)).toEqual(at(6));
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
