import { Form } from "@remix-run/react";
import { SelectField } from "~/components/ui/field";
import { DIGEST_CHOICES, DIGEST_FREQUENCY_LABELS, type DigestFrequency } from "~/models/notifications/digest-rules";

export const DIGEST_INTENT = "digest";

/** The digest section of the email settings: how often, and what it holds. */
export function DigestFrequencyForm({
  frequency,
  roleDefault,
  error,
}: {
  frequency: DigestFrequency;
  roleDefault: DigestFrequency;
  error?: string | null;
}) {
  return (
    <section aria-labelledby="digest-heading">
      <h2 id="digest-heading" className="section-title">
        Digest
      </h2>
      <p className="hint">
        When you have not visited for a while: the best new threads in what you watch or took part in, and questions
        waiting for an answer in tags you answer in. Only when there is something new, and never when you have visited
        since the last one.
      </p>
      <Form method="post">
        <input type="hidden" name="intent" value={DIGEST_INTENT} />
        <SelectField
          name="digestFrequency"
          label="Send me a digest"
          defaultValue={frequency}
          error={error}
          hint={`The default for your account is ${DIGEST_FREQUENCY_LABELS[roleDefault].toLowerCase()}.`}
          options={DIGEST_CHOICES.map((choice) => ({ value: choice, label: DIGEST_FREQUENCY_LABELS[choice] }))}
        />
        <button type="submit" className="button">
          Save digest
        </button>
      </Form>
    </section>
  );
}
