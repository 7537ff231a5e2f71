import { Form } from "@remix-run/react";
import { PLACEHOLDER_HELP } from "~/models/support/macro-placeholders";
import { PRIORITY_LABELS, REPLY_THEN_LABELS } from "~/models/support/rules";
import { FormError, SelectField, TextAreaField, TextField } from "./ui/field";

type Failure = {
  formError: string | null;
  fieldErrors: Record<string, string | undefined>;
  values?: Record<string, string>;
} | null;

const SETS = [
  { name: "setStatus", label: "When the reply is sent", labels: REPLY_THEN_LABELS },
  { name: "setPriority", label: "Set the priority to", labels: PRIORITY_LABELS },
] as const;

type Macro = { id: number; title: string; body: string; setStatus: string | null; setPriority: string | null };

/** Writing or changing a macro: its title, its text with placeholders, and the status and priority it sets. */
export function MacroForm({ macro, failure }: { macro?: Macro; failure: Failure }) {
  const prefix = macro ? `macro-${macro.id}` : "new-macro";
  const value = (field: "title" | "body" | "setStatus" | "setPriority") =>
    failure?.values?.[field] ?? (macro ? (macro[field] ?? "") : "");
  return (
    <Form method="post" noValidate className="macro-form">
      <input type="hidden" name="intent" value={macro ? "update" : "create"} />
      {macro ? <input type="hidden" name="id" value={macro.id} /> : null}
      <FormError message={failure?.formError} />
      <TextField
        name="title"
        id={`${prefix}-title`}
        label="Title"
        maxLength={80}
        defaultValue={value("title")}
        error={failure?.fieldErrors.title}
      />
      <TextAreaField
        name="body"
        id={`${prefix}-body`}
        label="Reply text"
        rows={5}
        hint={`Markdown. Placeholders: ${PLACEHOLDER_HELP}.`}
        defaultValue={value("body")}
        error={failure?.fieldErrors.body}
      />
      <div className="inline-fields">
        {SETS.map((set) => (
          <SelectField
            key={set.name}
            name={set.name}
            id={`${prefix}-${set.name}`}
            label={set.label}
            defaultValue={value(set.name)}
            placeholder="(leave it as it is)"
            error={failure?.fieldErrors[set.name]}
            options={Object.entries(set.labels).map(([v, label]) => ({ value: v, label }))}
          />
        ))}
      </div>
      <button type="submit" className="button button-small">
        {macro ? "Save changes" : "Add macro"}
      </button>
    </Form>
  );
}
