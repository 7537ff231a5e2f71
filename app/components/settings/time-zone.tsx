import { Form } from "@remix-run/react";
import { SelectField } from "~/components/ui/field";

export const TIME_ZONE_INTENT = "time-zone";

/** The person's time zone: support staff see their local time by it. */
export function TimeZoneForm({
  timeZone,
  choices,
  error,
}: {
  timeZone: string | null;
  choices: readonly string[];
  error?: string | null;
}) {
  return (
    <section aria-labelledby="time-zone-heading">
      <h2 id="time-zone-heading" className="section-title">
        Time zone
      </h2>
      <Form method="post">
        <input type="hidden" name="intent" value={TIME_ZONE_INTENT} />
        <SelectField
          name="timeZone"
          label="Your time zone"
          defaultValue={timeZone ?? ""}
          placeholder="Not set"
          error={error}
          hint="So our support team knows what time it is for you when they reply."
          options={choices.map((zone) => ({ value: zone, label: zone.replace(/_/g, " ") }))}
        />
        <button type="submit" className="button">
          Save time zone
        </button>
      </Form>
    </section>
  );
}
