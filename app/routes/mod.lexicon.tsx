import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { ModNav } from "~/components/mod-nav";
import { FormError, TextField } from "~/components/ui/field";
import { formValues, parseInput, parseIntent } from "~/lib/forms.server";
import { rowIdField } from "~/lib/row-ids";
import { actionResult, loaderResult } from "~/lib/http.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import {
  addLexiconEntry,
  listLexicon,
  removeLexiconEntry,
  updateLexiconEntry,
} from "~/models/support/reply-lexicon.server";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Reply lexicon" }];

export async function loader({ context }: LoaderFunctionArgs) {
  return loaderResult(async () => ({ entries: await listLexicon(context.actor) }));
}

const INTENTS = ["add", "update", "remove"] as const;
const entryTarget = z.object({ id: rowIdField("Choose a phrase.") });

export async function action({ request, context }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  const { actor } = context;
  return actionResult(async () => {
    const intent = parseIntent(INTENTS, values);
    if (intent === "add") await addLexiconEntry(actor, values);
    else if (intent === "update") await updateLexiconEntry(actor, parseInput(entryTarget, values).id, values);
    else await removeLexiconEntry(actor, parseInput(entryTarget, values).id);
    return redirect("/mod/lexicon", 303);
  }, values);
}

export default function Lexicon() {
  const { entries } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && !result.ok ? result : null;
  const failureFor = (intent: string, id?: number) =>
    failure?.values?.intent === intent && (id === undefined || Number(failure.values.id) === id) ? failure : null;
  const adding = failureFor("add");
  return (
    <>
      <h1>Moderation</h1>
      <ModNav />
      <p className="hint">
        Phrases that tend to upset customers, and what to write instead. While staff write a reply, each phrase found is
        marked with its suggestion. Matching ignores case and punctuation, and only matches whole words. Replies still
        post as written.
      </p>
      <h2 className="section-title">Add a phrase</h2>
      <Form method="post" className="inline-fields lexicon-form" key={`add-${entries.length}`}>
        <input type="hidden" name="intent" value="add" />
        <TextField
          name="phrase"
          id="new-phrase"
          label="Phrase to avoid"
          maxLength={120}
          defaultValue={adding?.values?.phrase}
          error={adding?.fieldErrors.phrase}
        />
        <TextField
          name="suggestion"
          id="new-suggestion"
          label="Say instead"
          maxLength={500}
          defaultValue={adding?.values?.suggestion}
          error={adding?.fieldErrors.suggestion}
        />
        <button type="submit" className="button button-small">
          Add
        </button>
      </Form>
      <FormError message={adding?.formError} />
      <h2 className="section-title">{entries.length === 1 ? "1 phrase" : `${entries.length} phrases`}</h2>
      <ul className="plain-list lexicon-list">
        {entries.map((entry) => {
          const mine = failureFor("update", entry.id);
          return (
            <li key={`${entry.id}-${new Date(entry.updatedAt).getTime()}`}>
              <Form method="post" className="inline-fields lexicon-form">
                <input type="hidden" name="intent" value="update" />
                <input type="hidden" name="id" value={entry.id} />
                <TextField
                  name="phrase"
                  id={`phrase-${entry.id}`}
                  label="Phrase to avoid"
                  maxLength={120}
                  defaultValue={mine?.values?.phrase ?? entry.phrase}
                  error={mine?.fieldErrors.phrase}
                />
                <TextField
                  name="suggestion"
                  id={`suggestion-${entry.id}`}
                  label="Say instead"
                  maxLength={500}
                  defaultValue={mine?.values?.suggestion ?? entry.suggestion}
                  error={mine?.fieldErrors.suggestion}
                />
                <button type="submit" className="button button-secondary button-small">
                  Save
                </button>
              </Form>
              <Form method="post" className="inline-form">
                <input type="hidden" name="intent" value="remove" />
                <input type="hidden" name="id" value={entry.id} />
                <button type="submit" className="link-button" aria-label={`Remove “${entry.phrase}”`}>
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
