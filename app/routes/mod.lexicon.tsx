import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { ModNav } from "~/components/mod-nav";
import { ListEditor } from "~/components/list-editor";
import { TextField } from "~/components/ui/field";
import { loaderResult, requireSignedIn } from "~/lib/http.server";
import { listEditorAction } from "~/lib/list-editor.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import {
  addLexiconEntry,
  listLexicon,
  removeLexiconEntry,
  updateLexiconEntry,
} from "~/models/support/reply-lexicon.server";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Reply lexicon" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireSignedIn(request, context);
  return loaderResult(async () => ({ entries: await listLexicon(context.actor) }));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = context;
  return listEditorAction(request, {
    add: (values) => addLexiconEntry(actor, values),
    update: (id, values) => updateLexiconEntry(actor, id, values),
    remove: (id) => removeLexiconEntry(actor, id),
    page: "/mod/lexicon",
    chooseRow: "Choose a phrase.",
  });
}

export default function Lexicon() {
  const { entries } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <h1>Moderation</h1>
      <ModNav />
      <p className="hint">
        Phrases that tend to upset customers, and what to write instead. While staff write a reply, each phrase found is
        marked with its suggestion. Matching ignores case and punctuation, and only matches whole words. Replies still
        post as written.
      </p>
      <ListEditor
        rows={entries}
        result={result}
        addHeading="Add a phrase"
        countHeading={entries.length === 1 ? "1 phrase" : `${entries.length} phrases`}
        removeLabel={(entry) => `Remove “${entry.phrase}”`}
        fields={(entry, failure) => (
          <>
            <TextField
              name="phrase"
              id={entry ? `phrase-${entry.id}` : "new-phrase"}
              label="Phrase to avoid"
              maxLength={120}
              defaultValue={failure?.values?.phrase ?? entry?.phrase}
              error={failure?.fieldErrors.phrase}
            />
            <TextField
              name="suggestion"
              id={entry ? `suggestion-${entry.id}` : "new-suggestion"}
              label="Say instead"
              maxLength={500}
              defaultValue={failure?.values?.suggestion ?? entry?.suggestion}
              error={failure?.fieldErrors.suggestion}
            />
          </>
        )}
      />
    </>
  );
}
