/** Server-side form parsing: zod schemas in, typed values or a ValidationError with field messages out. */
import { z } from "zod";
import { ValidationError, type FieldErrors } from "./errors.server";
import { NOT_TEXT } from "./text";

function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const fieldErrors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    // Form values are always strings, so a type error means the field was not sent at all; say so
    // instead of zod's default wording, unless the schema gave its own message.
    const missing = issue.code === "invalid_type" && issue.message.startsWith("Invalid input");
    fieldErrors[field] ??= missing ? "This field is required." : issue.message;
  }
  return fieldErrors;
}

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(fieldErrorsOf(result.error));
  return result.data;
}

/**
 * `parseInput` for a schema whose fields have checks that wait (`checkedBy`): every field is checked,
 * so one submit names every problem (a short title and a body nested too deeply), not one at a time.
 */
export async function parseInputAsync<S extends z.ZodType>(schema: S, input: unknown): Promise<z.infer<S>> {
  const result = await schema.safeParseAsync(input);
  if (!result.success) throw new ValidationError(fieldErrorsOf(result.error));
  return result.data;
}

/**
 * A field's check that needs more than its text (the database, the Markdown renderer), as a zod
 * transform: `check` returns the field's value, or throws a ValidationError whose message becomes
 * this field's problem beside the other fields'.
 */
export const checkedBy =
  <T, R>(check: (value: T) => Promise<R> | R) =>
  async (value: T, context: z.RefinementCtx<T>) => {
    try {
      return await check(value);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      context.addIssue({ code: "custom", message: Object.values(error.fieldErrors)[0] ?? error.message });
      return z.NEVER;
    }
  };

/**
 * Which of a page's forms was sent: its `intent` field, one of `intents`. Any other value, or none,
 * is an input error on that field ("Unknown action."), which `actionResult` answers with a 400.
 */
export function parseIntent<const T extends readonly [string, ...string[]]>(
  intents: T,
  values: Record<string, string>,
): T[number] {
  return parseInput(z.object({ intent: z.enum(intents, { error: "Unknown action." }) }), values).intent;
}

/**
 * Form fields as a plain object, without control characters; file uploads are not accepted
 * anywhere yet and are dropped.
 */
export function formValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData) if (typeof value === "string") values[key] = value.replace(NOT_TEXT, "");
  return values;
}

/** The request's query string as a plain object (the last of a repeated name), cleaned as `formValues`. */
export function queryValues(request: Request): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of new URL(request.url).searchParams) values[key] = value.replace(NOT_TEXT, "");
  return values;
}
