import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { RelativeTime } from "~/components/relative-time";
import { threadPath } from "~/components/thread-row";
import { loaderResult } from "~/lib/http.server";
import { getUserProfile } from "~/models/user.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? data.user.username : "Member" }];

export async function loader({ params, context }: LoaderFunctionArgs) {
  return loaderResult(() => ({
    ...getUserProfile(context.actor, params.username ?? ""),
    isSelf: context.actor.kind === "user" && context.actor.username === params.username?.toLowerCase(),
  }));
}

export default function Profile() {
  const { user, counts, questions, answers, isSelf } = useLoaderData<typeof loader>();
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
