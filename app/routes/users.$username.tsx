import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ProfileBadges } from "~/components/badges";
import { RelativeTime } from "~/components/relative-time";
import { LoyaltyPointsBalance } from "~/components/rewards";
import { StaffBadge } from "~/components/staff-badge";
import { threadPath } from "~/components/thread-row";
import { FormError, TextAreaField, TextField } from "~/components/ui/field";
import { ReputationSection } from "~/components/reputation/reputation-section";
import { formValues, parseIntent, queryValues } from "~/lib/forms.server";
import { actionResult, loaderResult } from "~/lib/http.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { MODERATION_STATE_LABELS } from "~/models/moderation/rules";
import { getUserProfile } from "~/models/accounts/users.server";
import { loyaltyBalanceFor } from "~/models/rewards/points.server";
import { badgesOf } from "~/models/badges/badges.server";
import { importedAccountOf } from "~/models/accounts/imported-accounts.server";
import { ImportedAccountNote, ImportedBadges } from "~/components/imported-account";
import { changeUserRole, suspendUser, unsuspendUser, warnUser } from "~/models/moderation/users.server";
import { reputationOnProfile } from "~/models/reputation/profile.server";
import { getTrustProgress } from "~/models/trust/progress.server";
import { TrustProgress } from "~/components/trust-progress";
import { reputationHistoryQuerySchema } from "~/models/reputation/rules";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? data.user.username : "Member" },
  ...(data
    ? [
        {
          tagName: "link",
          rel: "alternate",
          type: "application/atom+xml",
          href: `/users/${encodeURIComponent(data.user.username)}/feed.xml`,
          title: `Questions and answers by ${data.user.username} (Atom)`,
        },
      ]
    : []),
];

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const { reputation: reputationPage } = reputationHistoryQuerySchema.parse(queryValues(request));
  return loaderResult(async () => {
    const profile = await getUserProfile(context.actor, params.username ?? "");
    return {
      ...profile,
      reputation: await reputationOnProfile(context.actor, profile.user.id, reputationPage),
      badges: await badgesOf(context.actor, profile.user.id),
      imported: await importedAccountOf(context.actor, profile.user.id),
      isSelf: context.actor.kind === "user" && context.actor.username === params.username?.toLowerCase(),
      loyaltyPoints: await loyaltyBalanceFor(context.actor, profile.user),
      trust: await getTrustProgress(context.actor, params.username ?? ""),
    };
  });
}

const INTENTS = ["role", "warn", "suspend", "unsuspend"] as const;

export async function action({ params, request, context }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  const username = params.username ?? "";
  const { actor } = context;
  return actionResult(async () => {
    const intent = parseIntent(INTENTS, values);
    switch (intent) {
      case "role":
        return { ok: true as const, intent, ...(await changeUserRole(actor, username, values)) };
      case "warn":
        await warnUser(actor, username, values);
        return { ok: true as const, intent, changed: true };
      case "suspend":
        await suspendUser(actor, username, values);
        return { ok: true as const, intent, changed: true };
      case "unsuspend":
        await unsuspendUser(actor, username);
        return { ok: true as const, intent, changed: true };
    }
  }, values);
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
      <input type="hidden" name="intent" value="role" />
      {result && !result.ok && result.values?.intent !== "warn" && result.values?.intent !== "suspend" ? (
        <span className="field-error" role="alert">
          {result.fieldErrors.role ?? result.fieldErrors.intent ?? result.formError}
        </span>
      ) : null}
      {result?.ok && result.intent === "role" && result.changed ? (
        <span role="status">Role changed; their sessions were ended.</span>
      ) : null}
    </Form>
  );
}

/** Held and hidden posts are listed for their author and staff only; say which they are. */
function ModerationBadge({ state }: { state: keyof typeof MODERATION_STATE_LABELS }) {
  if (state === "visible") return null;
  return (
    <>
      {" "}
      <span className="badge badge-closed">{MODERATION_STATE_LABELS[state]}</span>
    </>
  );
}

const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

/** Staff: warn the person, or suspend them until a day with a reason, or end a suspension. */
function DisciplinePanel({ suspended }: { suspended: boolean }) {
  const result = useActionData<typeof action>();
  const failure = result && !result.ok ? result : null;
  const errorFor = (intent: string, field: string) =>
    failure?.values?.intent === intent ? failure.fieldErrors[field] : null;
  return (
    <details
      id="moderate"
      className="mod-panel"
      open={Boolean(failure && (failure.values?.intent === "warn" || failure.values?.intent === "suspend"))}
    >
      <summary>Warn or suspend</summary>
      {result?.ok && result.intent === "warn" ? <p role="status">Warning sent.</p> : null}
      {result?.ok && result.intent === "suspend" ? <p role="status">Suspended; their sessions were ended.</p> : null}
      {result?.ok && result.intent === "unsuspend" ? <p role="status">Suspension ended.</p> : null}
      <Form method="post" key={`warn-${result?.ok ? "sent" : "draft"}`}>
        <input type="hidden" name="intent" value="warn" />
        <TextAreaField
          name="message"
          label="Warning"
          rows={3}
          defaultValue={failure?.values?.intent === "warn" ? failure.values.message : ""}
          error={errorFor("warn", "message")}
          hint="Sent to them in the app and by email."
        />
        <button type="submit" className="button button-secondary button-small">
          Send warning
        </button>
      </Form>
      {suspended ? (
        <Form method="post">
          <input type="hidden" name="intent" value="unsuspend" />
          <button type="submit" className="button button-secondary button-small">
            End the suspension
          </button>
        </Form>
      ) : (
        <Form method="post">
          <input type="hidden" name="intent" value="suspend" />
          <TextField
            name="until"
            type="date"
            label="Suspended until (last day, inclusive)"
            min={tomorrow()}
            defaultValue={failure?.values?.intent === "suspend" ? failure.values.until : ""}
            error={errorFor("suspend", "until")}
          />
          <TextField
            name="reason"
            id="suspend-reason"
            label="Reason"
            maxLength={500}
            defaultValue={failure?.values?.intent === "suspend" ? failure.values.reason : ""}
            error={errorFor("suspend", "reason")}
            hint="They see it, and so does the audit log."
          />
          <button type="submit" className="button button-danger button-small">
            Suspend
          </button>
        </Form>
      )}
      {failure?.formError && failure.values?.intent !== "role" ? <FormError message={failure.formError} /> : null}
    </details>
  );
}

export default function Profile() {
  const {
    user,
    counts,
    questions,
    answers,
    badges,
    isSelf,
    canChangeRole,
    canDiscipline,
    suspension,
    reputation,
    loyaltyPoints,
    trust,
    imported,
  } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="page-head">
        <h1>
          {user.username} <StaffBadge role={user.role} />
        </h1>
        {isSelf ? (
          <>
            <Link to="/settings/password">Change password</Link> ·{" "}
            <Link to="/settings/email">Change email address</Link>
          </>
        ) : null}
      </div>
      <p className="hint">
        Member since <RelativeTime date={user.createdAt} />
      </p>
      {imported ? <ImportedAccountNote account={imported} /> : null}
      {suspension ? (
        <p className="notice notice-warning" role="status">
          {isSelf ? "Your account is" : "This account is"} suspended until {new Date(suspension.until).toUTCString()}
          {suspension.reason ? `: ${suspension.reason}` : "."}{" "}
          {isSelf ? "You can read the community, but not post, vote or flag." : null}
        </p>
      ) : null}
      {canChangeRole ? <RoleForm role={user.role} /> : null}
      {canDiscipline ? <DisciplinePanel suspended={suspension !== null} /> : null}
      <ul className="stat-grid" aria-label="Contributions">
        <li>
          <strong data-reputation={user.reputation}>{user.reputation}</strong> <a href="#reputation">reputation</a>
        </li>
        <li>
          <strong>{counts.questions}</strong> questions
        </li>
        <li>
          <strong>{counts.answers}</strong> answers
        </li>
        <li>
          <strong>{counts.accepted}</strong> accepted answers
        </li>
        <li>
          <strong>{counts.verified}</strong> staff-verified answers
        </li>
      </ul>
      <LoyaltyPointsBalance points={loyaltyPoints} />
      <TrustProgress trust={trust} />
      <ProfileBadges badges={badges} />
      {imported ? <ImportedBadges account={imported} /> : null}
      <div className="home-grid">
        <section aria-labelledby="profile-questions">
          <h2 id="profile-questions" className="section-title">
            Latest questions
          </h2>
          {questions.length === 0 ? (
            <p>No questions yet.</p>
          ) : (
            <ul>
              {questions.map((q) => (
                <li key={q.id}>
                  <Link to={threadPath(q)}>{q.title}</Link>{" "}
                  {q.status === "solved" ? <span className="badge badge-solved">Solved</span> : null}
                  <ModerationBadge state={q.moderationState} />
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="profile-answers">
          <h2 id="profile-answers" className="section-title">
            Latest answers
          </h2>
          {answers.length === 0 ? (
            <p>No answers yet.</p>
          ) : (
            <ul>
              {answers.map((a) => (
                <li key={a.postId}>
                  <Link to={`${threadPath({ id: a.threadId, slug: a.slug })}#post-${a.postId}`}>{a.title}</Link> (
                  {a.score})
                  <ModerationBadge state={a.moderationState} />
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <ReputationSection reputation={reputation} username={user.username} />
    </>
  );
}
