/**
 * Sessions (lucia v3) and password hashing (argon2id), behind one module so lucia can be replaced.
 * Lucia stores whatever id it is given; our adapter stores SHA-256(id) instead, so the database
 * never holds a usable session token. Lucia slides the expiry forward while a session is used (the
 * idle timeout); it has no absolute lifetime, so `validateSessionToken` adds one.
 */
import { createHash } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import { eq, lt, sql } from "drizzle-orm";
import { Lucia, TimeSpan, type Adapter, type Cookie, type DatabaseSession, type DatabaseUser } from "lucia";
import { sessions, users, type Role } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { preparedPerConnection, writeUnseenByVisitors, firstRow, read } from "~/lib/db.server";
import { cookieOptionsFor, type CookieOptions } from "~/lib/http.server";
import type { TrustLevel } from "~/lib/trust-levels";
import { noteSeen } from "~/models/accounts/last-seen.server";

export const SESSION_IDLE_TIMEOUT = new TimeSpan(14, "d");
export const SESSION_ABSOLUTE_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

const hashSessionId = (id: string) => createHash("sha256").update(id).digest("hex");

const toDatabaseSession = (row: typeof sessions.$inferSelect, id: string): DatabaseSession => ({
  id,
  userId: row.userId,
  expiresAt: row.expiresAt,
  attributes: { createdAt: row.createdAt },
});

// Run on every signed-in request: prepared once.
const sessionWithUser = preparedPerConnection((db) =>
  db
    .select({
      session: sessions,
      user: {
        id: users.id,
        username: users.username,
        role: users.role,
        suspendedUntil: users.suspendedUntil,
        trustLevel: users.trustLevel,
      },
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, sql.placeholder("hashedId")))
    .prepare(),
);

const hashedIdAdapter: Adapter = {
  async getSessionAndUser(sessionId) {
    const row = firstRow(await sessionWithUser().execute({ hashedId: hashSessionId(sessionId) }));
    if (!row) return [null, null];
    const user: DatabaseUser = {
      id: row.user.id,
      attributes: {
        username: row.user.username,
        role: row.user.role,
        suspendedUntil: row.user.suspendedUntil,
        trustLevel: row.user.trustLevel,
      },
    };
    return [toDatabaseSession(row.session, sessionId), user];
  },
  async getUserSessions(userId) {
    const rows = await read((db) =>
      db
        .select()
        .from(sessions)
        .where(eq(sessions.userId, Number(userId))),
    );
    return rows.map((row) => toDatabaseSession(row, row.id));
  },
  async setSession(session) {
    await writeUnseenByVisitors(
      async (db) =>
        await db.insert(sessions).values({
          id: hashSessionId(session.id),
          userId: Number(session.userId),
          expiresAt: session.expiresAt,
          createdAt: session.attributes.createdAt,
        }),
    );
  },
  async updateSessionExpiration(sessionId, expiresAt) {
    await writeUnseenByVisitors(
      async (db) =>
        await db
          .update(sessions)
          .set({ expiresAt })
          .where(eq(sessions.id, hashSessionId(sessionId))),
    );
  },
  async deleteSession(sessionId) {
    await writeUnseenByVisitors(
      async (db) => await db.delete(sessions).where(eq(sessions.id, hashSessionId(sessionId))),
    );
  },
  async deleteUserSessions(userId) {
    await writeUnseenByVisitors(async (db) => await db.delete(sessions).where(eq(sessions.userId, Number(userId))));
  },
  async deleteExpiredSessions() {
    await writeUnseenByVisitors(async (db) => await db.delete(sessions).where(lt(sessions.expiresAt, now())));
  },
};

export const lucia = new Lucia(hashedIdAdapter, {
  sessionExpiresIn: SESSION_IDLE_TIMEOUT,
  sessionCookie: {
    name: "hearth_session",
    expires: true,
    attributes: { sameSite: "lax" },
  },
  getSessionAttributes: (attributes) => ({ createdAt: attributes.createdAt }),
  getUserAttributes: (attributes) => ({
    username: attributes.username,
    role: attributes.role,
    suspendedUntil: attributes.suspendedUntil,
    trustLevel: attributes.trustLevel,
  }),
});

declare module "lucia" {
  interface Register {
    Lucia: typeof lucia;
    UserId: number;
    DatabaseSessionAttributes: { createdAt: Date };
    DatabaseUserAttributes: { username: string; role: Role; suspendedUntil: Date | null; trustLevel: TrustLevel };
  }
}

/** Secure is set per request: whenever the request reached us over HTTPS (directly or via a trusted proxy). */

function serialize(cookie: Cookie, { secure }: CookieOptions) {
  cookie.attributes.secure = secure;
  return cookie.serialize();
}

export type SessionUser = {
  id: number;
  username: string;
  role: Role;
  suspendedUntil: Date | null;
  trustLevel: TrustLevel;
};

/**
 * The session id from a Cookie header, or null. Not lucia's readSessionCookie: it percent-decodes
 * every cookie in the header and throws on any malformed one (ours or another app's on this host).
 */
function sessionIdFromCookies(cookieHeader: string | null): string | null {
  for (const item of (cookieHeader ?? "").split(";")) {
    const separator = item.indexOf("=");
    if (separator === -1 || item.slice(0, separator).trim() !== lucia.sessionCookieName) continue;
    const value = item.slice(separator + 1).trim();
    return /^[A-Za-z0-9_-]{1,128}$/.test(value) ? value : null;
  }
  return null;
}

/**
 * Returns the signed-in user for a cookie header, and a Set-Cookie value when the cookie must change.
 * Runs once per request, so it also notes the person's visit (throttled: `noteSeen`).
 */
export async function validateSessionCookie(
  cookieHeader: string | null,
  options: CookieOptions,
): Promise<{ user: SessionUser | null; setCookie: string | null }> {
  const sessionId = sessionIdFromCookies(cookieHeader);
  if (!sessionId) return { user: null, setCookie: null };
  const { session, user } = await lucia.validateSession(sessionId);
  if (!session || !user) return { user: null, setCookie: serialize(lucia.createBlankSessionCookie(), options) };
  if (now().getTime() - session.createdAt.getTime() > SESSION_ABSOLUTE_LIFETIME_MS) {
    await lucia.invalidateSession(session.id);
    return { user: null, setCookie: serialize(lucia.createBlankSessionCookie(), options) };
  }
  const setCookie = session.fresh ? serialize(lucia.createSessionCookie(session.id), options) : null;
  await noteSeen(user.id, now());
  return {
    user: {
      id: user.id,
      username: user.username,
      role: user.role,
      suspendedUntil: user.suspendedUntil,
      trustLevel: user.trustLevel,
    },
    setCookie,
  };
}

/** Starts a brand-new session (never reusing the caller's id) and returns its Set-Cookie value. */
export async function startSession(userId: number, options: CookieOptions): Promise<string> {
  const session = await lucia.createSession(userId, { createdAt: now() });
  return serialize(lucia.createSessionCookie(session.id), options);
}

export async function endSessionFromCookie(cookieHeader: string | null, options: CookieOptions): Promise<string> {
  const sessionId = sessionIdFromCookies(cookieHeader);
  if (sessionId) await lucia.invalidateSession(sessionId);
  return serialize(lucia.createBlankSessionCookie(), options);
}

export async function endAllSessions(userId: number) {
  await lucia.invalidateUserSessions(userId);
}

// OWASP's minimum for argon2id: 19 MiB, 2 iterations, 1 lane.
const ARGON2_OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export async function hashPassword(password: string) {
  return hash(password, ARGON2_OPTIONS);
}

let sameCostHash: Promise<string> | null = null;

/** A hash no password is known to match, verified in place of a missing or unusable one so every refusal takes as long. */
export function standInPasswordHash() {
  sameCostHash ??= hashPassword("not-a-real-password-but-same-cost");
  return sameCostHash;
}

/**
 * Whether `password` matches. A stored value that is not an argon2 hash matches nothing, after the
 * same work as a real check, where argon2 would throw (a 500 on sign-in). Hearth writes none: an
 * imported account holds the hash of a random secret nobody kept until its owner claims it by a
 * reset link (DECISIONS.md #81, #82); this covers rows written by hand or by other tools.
 */
export async function verifyPassword(passwordHash: string, password: string) {
  if (!passwordHash.startsWith("$argon2")) {
    await verify(await standInPasswordHash(), password, ARGON2_OPTIONS);
    return false;
  }
  return verify(passwordHash, password, ARGON2_OPTIONS);
}

/**
 * Sign-in and sign-up: ends whatever session the browser had and starts a new one, so an id planted
 * before signing in is worthless afterwards. Returns the Set-Cookie value.
 */
export async function rotateSession(request: Request, userId: number) {
  const options = cookieOptionsFor(request);
  await endSessionFromCookie(request.headers.get("cookie"), options);
  return startSession(userId, options);
}
