/**
 * Domain errors: models throw these, and `app/lib/http.server.ts` maps them to HTTP answers
 * (404, 403, 400 with field errors, 409, 429 with Retry-After).
 */
export type FieldErrors = Record<string, string>;

export class DomainError extends Error {}

export class NotFoundError extends DomainError {
  constructor(message = "That page does not exist.") {
    super(message);
  }
}

export class ForbiddenError extends DomainError {}

export class ValidationError extends DomainError {
  constructor(
    readonly fieldErrors: FieldErrors,
    message = "Please correct the highlighted fields.",
  ) {
    super(message);
  }
}

export class ConflictError extends DomainError {}

export class RateLimitError extends DomainError {
  constructor(
    readonly retryAfterSeconds: number,
    message = `Too many attempts. Try again in ${formatWait(retryAfterSeconds)}.`,
  ) {
    super(message);
  }
}

function formatWait(seconds: number) {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}
