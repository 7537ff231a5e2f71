import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ModNav } from "~/components/mod-nav";
import { Pagination } from "~/components/pagination";
import { RelativeTime } from "~/components/relative-time";
import { FormError, TextField } from "~/components/ui/field";
import { formValues, parseIntent, queryValues } from "~/lib/forms.server";
import { actionResult, loaderResult, requireSignedIn } from "~/lib/http.server";
import { canManageReputationSettings } from "~/lib/permissions.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { pageQuerySchema } from "~/models/reputation/rules";
import { listSerialVotingCases } from "~/models/reputation/serial-voting.server";
import { getReputationSettings, updateReputationSettings } from "~/models/reputation/settings.server";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Reputation" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireSignedIn(request, context);
  const { page } = pageQuerySchema.parse(queryValues(request));
  // listSerialVotingCases checks the actor is staff before anything is returned.
  return loaderResult(async () => ({
    serialVoting: await listSerialVotingCases(context.actor, page),
    page,
    settings: canManageReputationSettings(context.actor) ? await getReputationSettings() : null,
  }));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  return actionResult(async () => {
    parseIntent(["settings"] as const, values);
    await updateReputationSettings(context.actor, values);
    return { ok: true as const, message: "Reputation settings saved. They apply to what is earned from now on." };
  }, values);
}

const FIELDS = [
  { name: "upvoteAnswer", label: "An upvote on an answer" },
  { name: "upvoteQuestion", label: "An upvote on a question" },
  { name: "accepted", label: "An answer accepted (its author)" },
  { name: "acceptedOther", label: "Accepting an answer (the asker)" },
  { name: "verified", label: "A staff-verified solution (its author)" },
  { name: "articlePublished", label: "An article published from a question (its asker)" },
  { name: "downvote", label: "A downvote (lost by the post's author)" },
  { name: "downvoteCast", label: "Voting an answer down (lost by the voter)" },
  { name: "dailyVoteCap", label: "Most points from upvotes in a day (UTC)" },
] as const;

export default function ReputationAdmin() {
  const { serialVoting, page, settings } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && !result.ok ? result : null;
  return (
    <>
      <h1>Moderation</h1>
      <ModNav />
      {result?.ok ? (
        <p className="notice" role="status">
          {result.message}
        </p>
      ) : null}
      {settings ? (
        <section aria-labelledby="points">
          <h2 id="points" className="section-title">
            Points
          </h2>
          <p className="hint">
            What people earn (or lose) when others vote on, accept or verify their posts. Nobody earns from their own
            posts. Changes apply from now on; totals are never rewritten.
          </p>
          <Form method="post" className="inline-fields">
            <input type="hidden" name="intent" value="settings" />
            {FIELDS.map((field) => (
              <TextField
                key={field.name}
                name={field.name}
                label={field.label}
                inputMode="numeric"
                defaultValue={failure?.values?.[field.name] ?? String(settings[field.name])}
                error={failure?.fieldErrors[field.name]}
              />
            ))}
            <button type="submit" className="button button-small">
              Save
            </button>
          </Form>
          <FormError message={failure?.formError} />
        </section>
      ) : null}
      <section aria-labelledby="serial-voting">
        <h2 id="serial-voting" className="section-title">
          Serial voting reversed
        </h2>
        <p className="hint">
          When one person votes on many posts of another within a day, the reputation those votes moved is reversed (the
          votes stay on the posts). Each case is in the audit log too.
        </p>
        {serialVoting.cases.length === 0 ? (
          <p>No serial voting found.</p>
        ) : (
          <div className="table-scroll">
            <table className="list-table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Voter</th>
                  <th scope="col">For or against</th>
                  <th scope="col" className="number">
                    Votes
                  </th>
                  <th scope="col" className="number">
                    Points reversed
                  </th>
                </tr>
              </thead>
              <tbody>
                {serialVoting.cases.map((row) => (
                  <tr key={`${row.voter}-${row.target}-${row.reason}-${String(row.reversedAt)}`}>
                    <td>{row.reversedAt ? <RelativeTime date={row.reversedAt} /> : null}</td>
                    <td>{row.voter ? <Link to={`/users/${row.voter}`}>{row.voter}</Link> : "A deleted account"}</td>
                    <td>
                      {row.reason === "upvote" ? "Upvoted " : "Downvoted "}
                      <Link to={`/users/${row.target}`}>{row.target}</Link>
                    </td>
                    <td className="number">{row.votes}</td>
                    <td className="number">{row.points > 0 ? `+${row.points}` : row.points}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pagination page={page} hasNextPage={serialVoting.hasNextPage} />
      </section>
    </>
  );
}
