import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { ModNav } from "~/components/mod-nav";
import { ListEditor } from "~/components/list-editor";
import { TextField } from "~/components/ui/field";
import { loaderResult, requireSignedIn } from "~/lib/http.server";
import { listEditorAction } from "~/lib/list-editor.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import {
  addSynonymGroup,
  listSynonymGroups,
  removeSynonymGroup,
  updateSynonymGroup,
} from "~/models/search/synonyms.server";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Search synonyms" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireSignedIn(request, context);
  return loaderResult(async () => ({ groups: await listSynonymGroups(context.actor) }));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = context;
  return listEditorAction(request, {
    add: (values) => addSynonymGroup(actor, values),
    update: (id, values) => updateSynonymGroup(actor, id, values),
    remove: (id) => removeSynonymGroup(actor, id),
    page: "/mod/synonyms",
    chooseRow: "Choose a group.",
  });
}

export default function Synonyms() {
  const { groups } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <h1>Moderation</h1>
      <ModNav />
      <p className="hint">
        Words that mean the same to the people searching. A search for any word of a group also finds the others, on the
        search page and in similar questions. A word belongs to one group, hyphens or not (wi-fi and wifi are one word
        to search), and needs 2 letters or digits.
      </p>
      <ListEditor
        rows={groups}
        result={result}
        addHeading="Add a group"
        countHeading={groups.length === 1 ? "1 group" : `${groups.length} groups`}
        removeLabel={(group) => `Remove the group “${group.words.join(", ")}”`}
        fields={(group, failure) => (
          <TextField
            name="words"
            id={group ? `words-${group.id}` : "new-words"}
            label="Words"
            hint={group ? undefined : "Words separated by commas, e.g. wifi, wi-fi, wireless."}
            maxLength={1000}
            defaultValue={failure?.values?.words ?? group?.words.join(", ")}
            error={failure?.fieldErrors.words}
          />
        )}
      />
    </>
  );
}
