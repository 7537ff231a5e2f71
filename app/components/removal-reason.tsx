import { FormError, TextField } from "./ui/field";

type Failure = {
  formError?: string | null;
  fieldErrors: Partial<Record<string, string>>;
  values?: Partial<Record<string, string>>;
} | null;

/**
 * The inside of a staff form that takes something out of everyone else's sight (a comment, a past
 * version's text): the form's error, the reason (staff only see it) and the button.
 */
export function RemovalReasonFields({
  id,
  label,
  maxLength,
  failure,
}: {
  id: string;
  label: string;
  maxLength: number;
  failure: Failure;
}) {
  return (
    <>
      <FormError message={failure?.formError} />
      <TextField
        name="reason"
        id={id}
        label={label}
        maxLength={maxLength}
        defaultValue={failure?.values?.reason}
        error={failure?.fieldErrors.reason}
      />
      <button type="submit" className="button button-danger button-small">
        Remove for everyone but staff
      </button>
    </>
  );
}
