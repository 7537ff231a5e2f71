import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { ModNav } from "~/components/mod-nav";
import { Pagination } from "~/components/pagination";
import { SelectField, TextField } from "~/components/ui/field";
import { loaderResult, requireSignedIn } from "~/lib/http.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { listAuditLog } from "~/models/shared/audit.server";
import { AUDIT_ACTION_LABELS, AUDIT_SUBJECT_TYPES, auditLogQuerySchema } from "~/models/moderation/rules";
import { queryValues } from "~/lib/forms.server";
import { cutToLength } from "~/lib/text";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Audit log" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireSignedIn(request, context);
  const query = auditLogQuerySchema.parse(queryValues(request));
  return loaderResult(async () => ({ query, ...(await listAuditLog(context.actor, query)) }));
}

/** Where the log's subject lives in the app, when it has a page. */
function subjectHref(type: string, id: number, label: string) {
  if (type === "thread") return `/questions/${id}`;
  if (type === "post") return `/posts/${id}/history`;
  if (type === "user") return `/users/${label}`;
  if (type === "follow-up") return `/support/${id}`;
  if (type === "lexicon") return "/mod/lexicon";
  if (type === "synonyms") return "/mod/synonyms";
  if (type === "macro") return "/support/macros";
  return null;
}

function Change({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="hint">—</span>;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return (
    <dl className="change">
      {entries.map(([key, v]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>{typeof v === "string" ? (v.length > 300 ? `${cutToLength(v, 300)}…` : v) : JSON.stringify(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

export default function AuditLog() {
  const { query, entries, hasNextPage } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Moderation</h1>
      <ModNav />
      <p className="hint">Every staff action, newest first. Entries cannot be edited or deleted.</p>
      <Form method="get" className="search-filters">
        <TextField name="actor" label="By (username)" defaultValue={query.actor ?? ""} maxLength={40} />
        <SelectField
          name="action"
          label="Action"
          defaultValue={query.action ?? ""}
          placeholder="Any action"
          options={Object.entries(AUDIT_ACTION_LABELS).map(([value, label]) => ({ value, label }))}
        />
        <SelectField
          name="subject"
          label="On"
          defaultValue={query.subject ?? ""}
          placeholder="Anything"
          options={AUDIT_SUBJECT_TYPES.map((type) => ({ value: type, label: type }))}
        />
        {query.subjectId ? <input type="hidden" name="subjectId" value={query.subjectId} /> : null}
        <button type="submit" className="button button-secondary">
          Filter
        </button>
      </Form>
      {entries.length === 0 ? (
        <p className="empty-state">No entries match.</p>
      ) : (
        <div className="table-scroll">
          <table className="report-table audit-table">
            <caption className="visually-hidden">Audit log entries</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">On</th>
                <th scope="col">Before</th>
                <th scope="col">After</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => {
                const href = subjectHref(entry.subjectType, entry.subjectId, entry.subjectLabel);
                return (
                  <tr key={entry.id}>
                    <td>
                      <time dateTime={new Date(entry.createdAt).toISOString()}>
                        {new Date(entry.createdAt).toISOString().replace("T", " ").slice(0, 19)} UTC
                      </time>
                    </td>
                    <td>
                      {entry.actor ? (
                        <Link to={`/mod/log?actor=${entry.actor}`}>{entry.actor}</Link>
                      ) : (
                        <em>Hearth (automatic)</em>
                      )}
                    </td>
                    <td>
                      {AUDIT_ACTION_LABELS[entry.action] ?? entry.action}
                      {entry.reason ? <div className="hint">{entry.reason}</div> : null}
                    </td>
                    <td>
                      {entry.subjectType}: {href ? <Link to={href}>{entry.subjectLabel}</Link> : entry.subjectLabel}{" "}
                      <Link
                        to={`/mod/log?subject=${entry.subjectType}&subjectId=${entry.subjectId}`}
                        aria-label={`All entries for ${entry.subjectLabel}`}
                      >
                        (history)
                      </Link>
                    </td>
                    <td>
                      <Change value={entry.before} />
                    </td>
                    <td>
                      <Change value={entry.after} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Pagination page={query.page} hasNextPage={hasNextPage} />
    </>
  );
}
