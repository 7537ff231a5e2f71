/**
 * The HTTP edge of the domain: maps domain errors to answers, parses ids, sends visitors to sign in,
 * and keeps redirects on our own origin. Loaders and actions wrap their work in `loaderResult` / `actionResult`.
 */
import { data, redirect } from "@remix-run/node";
import { isDatabaseUnavailable } from "./db.server";
import { MAX_ROW_ID } from "./row-ids";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitError,
  ValidationError,
  type FieldErrors,
} from "./errors.server";
import { isSignedIn, type Actor, type Member } from "./permissions.server";

export type ActionFailure = {
  ok: false;
  formError: string | null;
  fieldErrors: FieldErrors;
  values?: Record<string, string>;
};

export function notFound(message = "That page does not exist."): never {
  throw data(message, { status: 404 });
}

// The HTTP server adds Retry-After to every 503 (express-app.server.ts), so no route can lose it.
const DATABASE_BUSY_MESSAGE =
  "The site is too busy to do that right now, and nothing was changed. Please try again in a few seconds.";

function rethrowAsHttp(error: unknown): never {
  if (isDatabaseUnavailable(error)) throw data(DATABASE_BUSY_MESSAGE, { status: 503 });
  if (error instanceof NotFoundError) throw data(error.message, { status: 404 });
  if (error instanceof ForbiddenError) throw data(error.message, { status: 403 });
  if (error instanceof RateLimitError) {
    throw data(error.message, { status: 429, headers: { "Retry-After": String(error.retryAfterSeconds) } });
  }
  if (error instanceof ValidationError || error instanceof ConflictError) throw data(error.message, { status: 400 });
  throw error;
}

export async function loaderResult<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    rethrowAsHttp(error);
  }
}

/**
 * `loaderResult` for resource routes (feeds, downloads, JSON): there Remix answers a thrown data()
 * with {"message":"Unexpected Server Error"}, so a refusal is thrown as a Response of its own, in
 * the same shape with its real message, status and headers.
 */
export async function resourceResult<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await loaderResult(work);
  } catch (error) {
    if (isThrownData(error)) throw Response.json({ message: error.data }, error.init ?? undefined);
    throw error;
  }
}

const isThrownData = (error: unknown): error is { data: unknown; init: ResponseInit | null } =>
  typeof error === "object" && error !== null && (error as { type?: unknown }).type === "DataWithResponseInit";

/**
 * Runs an action; input errors come back as data for the form (with the submitted values, so
 * nothing typed is lost) and a 4xx status, and so does a database too busy to write (503);
 * missing or forbidden subjects become 404/403 pages.
 */
export async function actionResult<T>(work: () => T | Promise<T>, values?: Record<string, string>) {
  try {
    return await work();
  } catch (error) {
    const fail = (status: number, failure: Omit<ActionFailure, "ok" | "values">, headers?: HeadersInit) =>
      data<ActionFailure>({ ok: false, ...failure, values }, { status, headers });
    if (error instanceof ValidationError) {
      const hasFields = Object.keys(error.fieldErrors).length > 0;
      return fail(400, { formError: hasFields ? null : error.message, fieldErrors: error.fieldErrors });
    }
    if (error instanceof ConflictError) return fail(409, { formError: error.message, fieldErrors: {} });
    if (error instanceof RateLimitError) {
      return fail(
        429,
        { formError: error.message, fieldErrors: {} },
        { "Retry-After": String(error.retryAfterSeconds) },
      );
    }
    if (isDatabaseUnavailable(error)) return fail(503, { formError: DATABASE_BUSY_MESSAGE, fieldErrors: {} });
    rethrowAsHttp(error);
  }
}

/**
 * A JSON endpoint's answer: its work's result as JSON, or a domain error as `{ error, fieldErrors }`
 * with its status (400, 403, 404, 409, 429 with Retry-After, 503), never an HTML error page.
 */
export async function jsonResult(work: () => Promise<unknown>, init?: ResponseInit): Promise<Response> {
  try {
    return Response.json(await work(), init);
  } catch (error) {
    const fail = (status: number, message: string, extra: object = {}, headers?: HeadersInit) =>
      Response.json({ error: message, ...extra }, { status, headers });
    if (error instanceof ValidationError) return fail(400, error.message, { fieldErrors: error.fieldErrors });
    if (error instanceof ForbiddenError) return fail(403, error.message);
    if (error instanceof NotFoundError) return fail(404, error.message);
    if (error instanceof ConflictError) return fail(409, error.message);
    if (error instanceof RateLimitError) {
      return fail(429, error.message, {}, { "Retry-After": String(error.retryAfterSeconds) });
    }
    if (isDatabaseUnavailable(error)) return fail(503, DATABASE_BUSY_MESSAGE);
    throw error;
  }
}

/** A positive integer route parameter, or a 404 (a malformed id, or one larger than any row's, names no page). */
export function idParam(value: string | undefined): number {
  if (!value || !/^[1-9][0-9]{0,9}$/.test(value)) notFound();
  const id = Number(value);
  if (id > MAX_ROW_ID) notFound();
  return id;
}

const PLACEHOLDER_ORIGIN = "http://hearth.invalid";

/**
 * Could a browser given this path as a Location leave our origin? "//x" is protocol-relative;
 * browsers treat "\" as "/" and drop tabs and newlines, so "/\x" or "/%09/x" could become "//x":
 * refuse any backslash or control character, encoded or not, and an encoded second slash.
 */
function leavesOrigin(path: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return true;
  }
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return !path.startsWith("/") || decoded.startsWith("//") || /[\\\u0000-\u001f\u007f]/.test(decoded);
}

/**
 * `to` as a normalized path on this site, else `fallback`: never another origin or a script URL.
 * The check runs on the input and again on the path after normalization, because dot segments
 * (also encoded: "%2e") collapse: "/.//evil" and "/%2e%2e//evil" normalize to "//evil".
 */
export function safeRedirectPath(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof to !== "string" || leavesOrigin(to)) return fallback;
  const url = new URL(to, PLACEHOLDER_ORIGIN);
  const path = url.pathname + url.search + url.hash;
  if (url.origin !== PLACEHOLDER_ORIGIN || leavesOrigin(path)) return fallback;
  return path;
}

/**
 * A 303 after a write, to a page whose data the write changed, often the same page at `#post-N`.
 * The browser router takes a redirect that changes only the fragment for a scroll and keeps its
 * data; a form's own submission asks it to reload, but a background fetcher's reload (a vote) that
 * lands while the form is posting clears that request, so the page kept showing the data from
 * before the write. The header asks for the reload on the redirect itself (DECISIONS.md #38).
 */
export function redirectAfterWrite(to: string) {
  return redirect(to, { status: 303, headers: { "X-Remix-Revalidate": "yes" } });
}

/**
 * The signed-in member, else a redirect to sign in that comes back to this page afterwards (its
 * path, without the query), kept on this site like every redirect.
 */
export function requireSignedIn(request: Request, context: { actor: Actor }): Member {
  if (isSignedIn(context.actor)) return context.actor;
  const back = safeRedirectPath(new URL(request.url).pathname);
  throw redirect(`/login?redirectTo=${encodeURIComponent(back)}`);
}

export function redirectWithCookie(to: string, cookie: string) {
  return redirect(to, { headers: { "Set-Cookie": cookie } });
}

export type CookieOptions = { secure: boolean };

/** Cookie options for a Remix request: Secure when it arrived over HTTPS. */
export function cookieOptionsFor(request: Request): CookieOptions {
  return { secure: new URL(request.url).protocol === "https:" };
}

/**
 * On a document request (`bodies`, the request's `postBodiesInPage`), moves each post's HTML out of
 * the loader data into the page's render: the page then holds it once, not again escaped in its
 * serialized data (`PostBody`, DECISIONS.md #68). On a data request (`bodies` null) nothing moves.
 */
export function postBodiesToPage<Post extends { id: number; bodyHtml: string }>(
  posts: readonly Post[],
  bodies: Map<number, string> | null,
): (Omit<Post, "bodyHtml"> & { bodyHtml?: string })[] {
  if (!bodies) return [...posts];
  return posts.map(({ bodyHtml, ...post }) => {
    bodies.set(post.id, bodyHtml);
    return post;
  });
}
