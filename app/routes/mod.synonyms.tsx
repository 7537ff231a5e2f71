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
  addSynonymGroup,
  listSynonymGroups,
  removeSynonymGroup,
  updateSynonymGroup,
} from "~/models/search/synonyms.server";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Search synonyms" }];

export async function loader({ context }: LoaderFunctionArgs) {
  return loaderResult(async () => ({ groups: await listSynonymGroups(context.actor) }));
}

const INTENTS = ["add", "update", "remove"] as const;
const groupTarget = z.object({ id: rowIdField("Choose a group.") });

export async function action({ request, context }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  const { actor } = context;
  return actionResult(async () => {
    const intent = parseIntent(INTENTS, values);
    if (intent === "add") await addSynonymGroup(actor, values);
    else if (intent === "update") await updateSynonymGroup(actor, parseInput(groupTarget, values).id, values);
    else await removeSynonymGroup(actor, parseInput(groupTarget, values).id);
    return redirect("/mod/synonyms", 303);
  }, values);
}

const WORDS_HINT = "Words separated by commas, e.g. wifi, wi-fi, wireless.";

export default function Synonyms() {
  const { groups } = useLoaderData<typeof loader>();
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
        Words that mean the same to the people searching. A search for any word of a group also finds the others, on the
        search page and in similar questions. A word belongs to one group, hyphens or not (wi-fi and wifi are one word
        to search), and needs 2 letters or digits.
      </p>
      <h2 className="section-title">Add a group</h2>
      <Form method="post" className="inline-fields lexicon-form" key={`add-${groups.length}`}>
        <input type="hidden" name="intent" value="add" />
        <TextField
          name="words"
          id="new-words"
          label="Words"
          hint={WORDS_HINT}
          maxLength={1000}
          defaultValue={adding?.values?.words}
          error={adding?.fieldErrors.words}
        />
        <button type="submit" className="button button-small">
          Add
        </button>
      </Form>
      <FormError message={adding?.formError} />
      <h2 className="section-title">{groups.length === 1 ? "1 group" : `${groups.length} groups`}</h2>
      <ul className="plain-list lexicon-list">
        {groups.map((group) => {
          const mine = failureFor("update", group.id);
          const words = group.words.join(", ");
          return (
            <li key={`${group.id}-${new Date(group.updatedAt).getTime()}`}>
              <Form method="post" className="inline-fields lexicon-form">
                <input type="hidden" name="intent" value="update" />
                <input type="hidden" name="id" value={group.id} />
                <TextField
                  name="words"
                  id={`words-${group.id}`}
                  label="Words"
                  maxLength={1000}
                  defaultValue={mine?.values?.words ?? words}
                  error={mine?.fieldErrors.words}
                />
                <button type="submit" className="button button-secondary button-small">
                  Save
                </button>
              </Form>
              <FormError message={mine?.formError} />
              <Form method="post" className="inline-form">
                <input type="hidden" name="intent" value="remove" />
                <input type="hidden" name="id" value={group.id} />
                <button type="submit" className="link-button" aria-label={`Remove the group “${words}”`}>
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
