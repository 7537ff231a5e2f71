// Reset tokens against the model with a controlled clock: one hour, once, the newest link only.
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { accountTokens, sessions, users } from "../../../db/schema";
import { setClock } from "~/lib/clock.server";
import { scriptDb } from "~/lib/db.server";
import { VISITOR } from "~/lib/permissions.server";
import { resetAllLimits } from "~/lib/rate-limit.server";
import { startSession, verifyPassword } from "~/models/accounts/auth.server";
import {
  getResetPage,
  requestPasswordReset,
  resetPassword,
  RESET_REQUESTED,
} from "~/models/accounts/password-reset.server";
import { makeUser } from "../../fixtures/factories";
import { mailReader } from "../../fixtures/mail";

const NEW_PASSWORD = "lanterns along the quay";
const T0 = new Date("2026-11-30T09:00:00Z");
const MINUTE = 60_000;
beforeEach(() => resetAllLimits());
afterEach(() => setClock(null));

const mail = mailReader();
/** The token in the next reset email to `address`. */
async function nextResetToken(address: string) {
  const message = await mail.next(address);
  return /\/reset-password\?token=([A-Za-z0-9_-]{43})/.exec(message)![1];
}

async function askAt(at: Date, email: string) {
  setClock(at);
  expect(await requestPasswordReset(VISITOR, { email }, "192.0.2.1")).toEqual({ message: RESET_REQUESTED });
  return nextResetToken(email);
}

const passwordHashOf = async (id: number) =>
  (await scriptDb().select({ hash: users.passwordHash }).from(users).where(eq(users.id, id)))[0].hash;

describe("password reset tokens", () => {
  it("work until an hour has passed, and not from then on", async () => {
    const user = await makeUser("member");
    const email = `${user.username}@example.test`;
    const token = await askAt(T0, email);
    setClock(new Date(T0.getTime() + 59 * MINUTE));
    await expect(getResetPage(token)).resolves.toEqual({ token, email });
    setClock(new Date(T0.getTime() + 60 * MINUTE));
    await expect(getResetPage(token)).rejects.toThrow("This password reset link has expired");
    await expect(resetPassword({ token, newPassword: NEW_PASSWORD })).rejects.toThrow(
      "This password reset link has expired",
    );
    expect(await verifyPassword(await passwordHashOf(user.id), NEW_PASSWORD)).toBe(false);
  });

  it("work once: the second use is refused and changes nothing", async () => {
    const user = await makeUser("member");
    const token = await askAt(T0, `${user.username}@example.test`);
    setClock(new Date(T0.getTime() + 10 * MINUTE));
    await expect(resetPassword({ token, newPassword: NEW_PASSWORD })).resolves.toEqual({ userId: user.id });
    expect(await verifyPassword(await passwordHashOf(user.id), NEW_PASSWORD)).toBe(true);
    await expect(getResetPage(token)).rejects.toThrow("This password reset link has already been used");
    await expect(resetPassword({ token, newPassword: "another quiet evening" })).rejects.toThrow(
      "This password reset link has already been used",
    );
    expect(await verifyPassword(await passwordHashOf(user.id), NEW_PASSWORD)).toBe(true);
  });

  it("end when a newer link is sent, and are stored only as a hash", async () => {
    const user = await makeUser("member");
    const email = `${user.username}@example.test`;
    const first = await askAt(T0, email);
    const second = await askAt(new Date(T0.getTime() + MINUTE), email);
    await expect(getResetPage(first)).rejects.toThrow("This password reset link has expired");
    await expect(getResetPage(second)).resolves.toMatchObject({ token: second });
    const stored = JSON.stringify(
      await scriptDb().select().from(accountTokens).where(eq(accountTokens.userId, user.id)),
    );
    expect(stored).not.toContain(first);
    expect(stored).not.toContain(second);
  });

  it("end every session of the account when used", async () => {
    const user = await makeUser("member");
    const token = await askAt(T0, `${user.username}@example.test`);
    await startSession(user.id, { secure: false });
    await startSession(user.id, { secure: false });
    const sessionsOf = () => scriptDb().select().from(sessions).where(eq(sessions.userId, user.id));
    expect(await sessionsOf()).toHaveLength(2);
    await resetPassword({ token, newPassword: NEW_PASSWORD });
    expect(await sessionsOf()).toHaveLength(0);
  });

  it("refuse a weak new password without using the link", async () => {
    const user = await makeUser("member");
    const token = await askAt(T0, `${user.username}@example.test`);
    await expect(resetPassword({ token, newPassword: "short" })).rejects.toMatchObject({
      fieldErrors: { newPassword: "Use at least 8 characters." },
    });
    await expect(getResetPage(token)).resolves.toMatchObject({ token });
  });
});
