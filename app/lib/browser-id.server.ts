/**
 * A random, meaningless id for an anonymous browser, so "one vote per anonymous browser" holds
 * without an account. It carries nothing but itself and is set only when that browser first votes.
 */
import { randomBytes } from "node:crypto";
import { cookieOptionsFor } from "./http.server";

const COOKIE_NAME = "hearth_browser";
const ONE_YEAR_SECONDS = 365 * 24 * 3600;

function browserIdFrom(request: Request): string | null {
  const cookies = request.headers.get("cookie") ?? "";
  const match = cookies.match(/(?:^|;\s*)hearth_browser=([a-f0-9]{32})(?:;|$)/);
  return match ? match[1] : null;
}

/** The browser's id, and the Set-Cookie header to send when it has just been given one. */
export function ensureBrowserId(request: Request): { browserId: string; setCookie: string | null } {
  const existing = browserIdFrom(request);
  if (existing) return { browserId: existing, setCookie: null };
  const browserId = randomBytes(16).toString("hex");
  const secure = cookieOptionsFor(request).secure ? "; Secure" : "";
  return {
    browserId,
    setCookie: `${COOKIE_NAME}=${browserId}; Path=/; Max-Age=${ONE_YEAR_SECONDS}; HttpOnly; SameSite=Lax${secure}`,
  };
}
