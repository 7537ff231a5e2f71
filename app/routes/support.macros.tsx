import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { MacroForm } from "~/components/macro-form";
import { RelativeTime } from "~/components/relative-time";
import { formValues, parseIntent } from "~/lib/forms.server";
import { actionResult, loaderResult, requireSignedIn } from "~/lib/http.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { createMacro, deleteMacro, listMacros, updateMacro } from "~/models/support/macros.server";
import { timesText } from "~/lib/counts";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Macros" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireSignedIn(request, context);
  return loaderResult(async () => ({ macros: await listMacros(context.actor) }));
}

const INTENTS = ["create", "update", "delete"] as const;

export async function action({ request, context }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  const { actor } = context;
  return actionResult(async () => {
    const intent = parseIntent(INTENTS, values);
    if (intent === "create") await createMacro(actor, values);
    else if (intent === "update") await updateMacro(actor, values.id, values);
    else await deleteMacro(actor, values.id);
    return redirect("/support/macros", 303);
  }, values);
}

export default function Macros() {
  const { macros } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && !result.ok ? result : null;
  const failureFor = (intent: string, id?: number) =>
    failure?.values?.intent === intent && (id === undefined || Number(failure.values.id) === id) ? failure : null;
  return (
    <>
      <p className="breadcrumbs-inline">
        <a href="/support">Support queue</a> › Macros
      </p>
      <h1>Macros</h1>
      <p className="hint">
        Saved replies for the follow-up page. Inserting one fills its placeholders for that customer and thread; it may
        also set the priority, and what the reply does when it is sent. Any member of staff may write and change them;
        every change is in the audit log.
      </p>
      <h2 className="section-title">{macros.length === 1 ? "1 macro" : `${macros.length} macros`}, most used first</h2>
      <ul className="macro-list">
        {macros.map((macro) => (
          <li key={macro.id}>
            <details open={failureFor("update", macro.id) !== null}>
              <summary>
                <strong>{macro.title}</strong>{" "}
                <span className="hint">
                  used {timesText(macro.useCount)}
                  {macro.lastUsedAt ? (
                    <>
                      , last <RelativeTime date={macro.lastUsedAt} />
                    </>
                  ) : null}
                </span>
              </summary>
              <MacroForm macro={macro} failure={failureFor("update", macro.id)} />
              <Form method="post">
                <input type="hidden" name="intent" value="delete" />
                <input type="hidden" name="id" value={macro.id} />
                <button type="submit" className="button button-secondary button-small">
                  Delete “{macro.title}”
                </button>
              </Form>
            </details>
          </li>
        ))}
      </ul>
      <h2 className="section-title">Add a macro</h2>
      <MacroForm key={`new-${macros.length}`} failure={failureFor("create")} />
    </>
  );
}
