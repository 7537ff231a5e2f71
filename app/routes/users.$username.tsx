import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { RelativeTime } from "~/components/relative-time";
import { threadPath } from "~/components/thread-row";
import { formValues } from "~/lib/forms.server";
import { actionResult, loaderResult } from "~/lib/http.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { changeUserRole, getUserProfile } from "~/models/user.server";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? data.user.username : "Member" }];

export async function loader({ params, context }: LoaderFunctionArgs) {
  return loaderResult(() => ({
    ...getUserProfile(context.actor, params.username ?? ""),
    isSelf: context.actor.kind === "user" && context.actor.username === params.username?.toLowerCase(),
  }));
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  return actionResult(async () => ({ ok: true as const, ...(await changeUserRole(context.actor, params.username ?? "", values)) }), values);
}

const ROLE_LABELS = { member: "Member", customer: "Customer", staff: "Staff", admin: "Admin" } as const;

function RoleForm({ role }: { role: keyof typeof ROLE_LABELS }) {
  const result = useActionData<typeof action>();
  return (
    <Form method="post" className="form-actions">
      <label htmlFor="role">Role</label>
      <select id="role" name="role" defaultValue={role}>
        {Object.entries(ROLE_LABELS).map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      <button type="submit" className="button button-secondary button-small">
        Change role
      </button>
      {result && !result.ok ? <span className="field-error" role="alert">{result.formError ?? result.fieldErrors.role}</span> : null}
      {result?.ok && result.changed ? <span role="status">Role changed; their sessions were ended.</span> : null}
    </Form>
  );
}

export default function Profile() {
  const { user, counts, questions, answers, isSelf, canChangeRole } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="page-head">
        <h1>
          {user.username} {user.role === "staff" || user.role === "admin" ? <span className="badge badge-staff">Staff</span> : null}
        </h1>
        {isSelf ? <Link to="/settings/password">Change password</Link> : null}
      </div>
      <p className="hint">
        Member since <RelativeTime date={user.createdAt} />
      </p>
      {canChangeRole ? <RoleForm role={user.role} /> : null}
      <ul className="stat-grid" aria-label="Contributions">
        <li><strong>{counts.questions}</strong> questions</li>
        <li><strong>{counts.answers}</strong> answers</li>
        <li><strong>{counts.accepted}</strong> accepted answers</li>
        <li><strong>{counts.verified}</strong> staff-verified answers</li>
      </ul>
      <div className="home-grid">
        <section aria-labelledby="profile-questions">
          <h2 id="profile-questions" className="section-title">Latest questions</h2>
          {questions.length === 0 ? <p>No questions yet.</p> : (
            <ul>
              {questions.map((q) => (
                <li key={q.id}>
                  <Link to={threadPath(q)}>{q.title}</Link> {q.status === "solved" ? <span className="badge badge-solved">Solved</span> : null}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="profile-answers">
          <h2 id="profile-answers" className="section-title">Latest answers</h2>
          {answers.length === 0 ? <p>No answers yet.</p> : (
            <ul>
              {answers.map((a) => (
                <li key={a.postId}>
                  <Link to={`${threadPath({ id: a.threadId, slug: a.slug })}#post-${a.postId}`}>{a.title}</Link> ({a.score})
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </>
  );
}
