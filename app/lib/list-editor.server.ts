/**
 * The action of a staff page that edits a list of rows in place (the reply lexicon, search
 * synonyms): add one, update one, or remove one, then back to the page. Each model function checks
 * the permission and validates the values; this reads the intent and the row's id.
 */
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { formValues, parseInput, parseIntent } from "./forms.server";
import { actionResult } from "./http.server";
import { rowIdField } from "./row-ids";

const INTENTS = ["add", "update", "remove"] as const;

type Values = Record<string, string>;

export async function listEditorAction(
  request: Request,
  edits: {
    add: (values: Values) => Promise<unknown>;
    update: (id: number, values: Values) => Promise<unknown>;
    remove: (id: number) => Promise<unknown>;
    /** Where the page is, to go back to. */
    page: string;
    /** What a missing or bad row id says ("Choose a phrase."). */
    chooseRow: string;
  },
) {
  const values = formValues(await request.formData());
  return actionResult(async () => {
    const intent = parseIntent(INTENTS, values);
    if (intent === "add") await edits.add(values);
    else {
      const { id } = parseInput(z.object({ id: rowIdField(edits.chooseRow) }), values);
      if (intent === "update") await edits.update(id, values);
      else await edits.remove(id);
    }
    return redirect(edits.page, 303);
  }, values);
}
