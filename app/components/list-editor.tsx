/**
 * A list of rows staff edit in place (the reply lexicon, search synonyms): a form to add one, then
 * each row as a form to save, with its own remove button. The page's action is
 * `listEditorAction` (app/lib/list-editor.server.ts); a refused form keeps what was typed and shows
 * its errors on the row it came from.
 */
import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { FormError } from "~/components/ui/field";

/** A refused add or update, as the action answers it. */
export type RowFailure = {
  formError: string | null;
  fieldErrors: Record<string, string>;
  values?: Record<string, string>;
};

type Row = { id: number; updatedAt: string | number | Date };

export function ListEditor<T extends Row>({
  rows,
  result,
  addHeading,
  countHeading,
  fields,
  removeLabel,
}: {
  rows: T[];
  /** The action's answer: a failure is shown on its row (or on the add form). */
  result: { ok: true } | ({ ok: false } & RowFailure) | undefined;
  addHeading: string;
  countHeading: string;
  /** The fields of a row (`null`: the new one), with what a refused form kept and its errors. */
  fields: (row: T | null, failure: RowFailure | null) => ReactNode;
  removeLabel: (row: T) => string;
}) {
  const failure = result && !result.ok ? result : null;
  const failureFor = (intent: string, id?: number) =>
    failure?.values?.intent === intent && (id === undefined || Number(failure.values.id) === id) ? failure : null;
  const adding = failureFor("add");
  return (
    <>
      <h2 className="section-title">{addHeading}</h2>
      {/* A new key after each add empties the form. */}
      <Form method="post" className="inline-fields lexicon-form" key={`add-${rows.length}`}>
        <input type="hidden" name="intent" value="add" />
        {fields(null, adding)}
        <button type="submit" className="button button-small">
          Add
        </button>
      </Form>
      <FormError message={adding?.formError} />
      <h2 className="section-title">{countHeading}</h2>
      <ul className="plain-list lexicon-list">
        {rows.map((row) => {
          const mine = failureFor("update", row.id);
          return (
            <li key={`${row.id}-${new Date(row.updatedAt).getTime()}`}>
              <Form method="post" className="inline-fields lexicon-form">
                <input type="hidden" name="intent" value="update" />
                <input type="hidden" name="id" value={row.id} />
                {fields(row, mine)}
                <button type="submit" className="button button-secondary button-small">
                  Save
                </button>
              </Form>
              <FormError message={mine?.formError} />
              <Form method="post" className="inline-form">
                <input type="hidden" name="intent" value="remove" />
                <input type="hidden" name="id" value={row.id} />
                <button type="submit" className="link-button" aria-label={removeLabel(row)}>
                  Remove
                </button>
              </Form>
            </li>
          );
        })}
      </ul>
    </>
  );
}
