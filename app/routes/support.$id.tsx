import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import { ExpectedReply, PriorityBadge, StatusBadge, TimeLeft } from "~/components/follow-up";
import { RelativeTime } from "~/components/relative-time";
import { CoachedTextArea } from "~/components/reply-coach";
import { StaffBadge } from "~/components/staff-badge";
import { threadPath } from "~/components/thread-row";
import { CustomerPanel } from "~/components/customer-panel";
import { PostMark } from "~/components/follow-up-conversation";
import { NoteBox, StaffReplyBox, WorkPanel } from "~/components/follow-up-work";
import { FormError, TextAreaField } from "~/components/ui/field";
import { formValues, parseIntent } from "~/lib/forms.server";
import { actionResult, idParam, loaderResult, redirectAfterWrite, requireSignedIn } from "~/lib/http.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { replyCoachForThread } from "~/models/support/reply-lexicon.server";
import { getFollowUpPage } from "~/models/support/queue.server";
import { addInternalNote, rateFollowUp, reopenFollowUp, replyOnFollowUp } from "~/models/support/messages.server";
import { keepDraft } from "~/models/support/drafts.server";
import { applyMacro } from "~/models/support/macros.server";
import { workOnFollowUp } from "~/models/support/work.server";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Follow-up: ${data.thread.thread.title}` : "Follow-up" },
  { name: "robots", content: "noindex" },
];

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  // A link from an email, opened signed out: sign in first, then back here.
  requireSignedIn(request, context);
  const followUpId = idParam(params.id);
  return loaderResult(async () => {
    const page = await getFollowUpPage(context.actor, followUpId);
    return { ...page, coach: await replyCoachForThread(context.actor, page.thread.thread.id) };
  });
}

const INTENTS = ["take", "assign", "priority", "status", "reply", "note", "macro", "draft", "reopen", "rate"] as const;

export async function action({ params, request, context }: ActionFunctionArgs) {
  const followUpId = idParam(params.id);
  const values = formValues(await request.formData());
  const back = (fragment = "") => redirectAfterWrite(`/support/${followUpId}${fragment}`);
  return actionResult(async () => {
    const intent = parseIntent(INTENTS, values);
    // Staff's reply box comes with every action of their form: kept first, so even a failing action loses nothing.
    await keepDraft(context.actor, followUpId, values);
    switch (intent) {
      case "reply":
        await replyOnFollowUp(context.actor, followUpId, values);
        return back("#conversation");
      case "note":
        await addInternalNote(context.actor, followUpId, values);
        return back("#notes");
      case "macro":
        await applyMacro(context.actor, followUpId, values);
        return back("#reply-body");
      case "draft":
        return back("#reply-body");
      case "reopen":
        await reopenFollowUp(context.actor, followUpId);
        return back();
      case "rate":
        await rateFollowUp(context.actor, followUpId, values);
        return back("#survey");
      default:
        await workOnFollowUp(context.actor, followUpId, values);
        return back();
    }
  }, values);
}

function Post({
  author,
  role,
  createdAt,
  bodyHtml,
  label,
  children,
}: {
  author: string;
  role: string;
  createdAt: Date;
  bodyHtml: string;
  label?: string;
  children?: ReactNode;
}) {
  return (
    <article className="compact-post">
      <div className="thread-meta">
        <strong>{author}</strong>
        <StaffBadge role={role} />
        {label ? <span>{label}</span> : null}
        <RelativeTime date={createdAt} />
      </div>
      {children}
      <div className="prose" dangerouslySetInnerHTML={{ __html: bodyHtml }} />
    </article>
  );
}

const RATING_LABELS = ["Very poor", "Poor", "OK", "Good", "Excellent"];

type SurveyState = {
  kind: "support" | "community";
  rating: number | null;
  comment: string | null;
  answeredAt: Date | null;
  canAnswer: boolean;
} | null;

/**
 * A resolved follow-up: the one satisfaction question for its customer, and the way to reopen it.
 * After staff helped, how well (1 to 5); after the community's answer solved it, whether it did
 * (yes is stored as 5, no as 1: DECISIONS.md "Satisfaction that tells the truth").
 */
function Resolved({
  survey,
  staffView,
  canWrite,
  failure,
}: {
  survey: SurveyState;
  staffView: boolean;
  canWrite: boolean;
  failure: {
    formError: string | null;
    fieldErrors: Record<string, string | undefined>;
    values?: Record<string, string>;
  } | null;
}) {
  const community = survey?.kind === "community";
  const options = community
    ? [
        { value: 5, label: "Yes, it solved it" },
        { value: 1, label: "No, it did not" },
      ]
    : RATING_LABELS.map((label, index) => ({ value: index + 1, label: `${index + 1} · ${label}` }));
  const ratingError = failure?.fieldErrors.rating && (community ? "Choose yes or no." : failure.fieldErrors.rating);
  const answer = community
    ? `${staffView ? "The customer says" : "You said"} the community's answer ${survey?.rating === 5 ? "solved it" : "did not solve it"}`
    : `${staffView ? "The customer rated it" : "You rated it"} ${survey?.rating} of 5`;
  return (
    <section id="survey" className="notice survey" aria-labelledby="survey-heading">
      <h3 id="survey-heading">This follow-up is resolved</h3>
      {survey?.answeredAt ? (
        <p>
          {answer}
          {survey.comment ? `: “${survey.comment}”` : "."}
        </p>
      ) : null}
      {survey?.canAnswer ? (
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="rate" />
          <FormError message={failure?.formError} />
          <fieldset className="rating" aria-describedby={ratingError ? "rating-error" : undefined}>
            <legend>{community ? "Did the community's answer solve it?" : "How well did we help?"}</legend>
            {options.map((option) => (
              <label key={option.value} className="rating-option">
                <input
                  type="radio"
                  name="rating"
                  value={option.value}
                  defaultChecked={failure?.values?.rating === String(option.value)}
                />{" "}
                {option.label}
              </label>
            ))}
            {ratingError ? (
              <span className="field-error" id="rating-error" role="alert">
                {ratingError}
              </span>
            ) : null}
          </fieldset>
          <TextAreaField
            name="comment"
            id="rating-comment"
            label="Anything to add? (optional)"
            rows={2}
            defaultValue={failure?.values?.comment}
            error={failure?.fieldErrors.comment}
          />
          <button type="submit" className="button">
            Send
          </button>
        </Form>
      ) : null}
      {staffView && survey && !survey.answeredAt ? (
        <p className="hint">
          {community ? "The customer has not said whether it solved it yet." : "The customer has not rated it yet."}
        </p>
      ) : null}
      {canWrite ? (
        <Form method="post">
          <button type="submit" name="intent" value="reopen" className="button button-secondary">
            {staffView ? "Reopen it" : "It is still not solved"}
          </button>
        </Form>
      ) : null}
    </section>
  );
}

export default function FollowUpPage() {
  const page = useLoaderData<typeof loader>();
  const { followUp, survey, thread, customer, messages, events, notes, history, staffView, coach, canWrite } = page;
  const result = useActionData<typeof action>();
  const failure = result && !result.ok ? result : null;
  const submitting = useNavigation().state === "submitting";
  const failed = (intent: string) => (failure?.values?.intent === intent ? failure : null);
  const resolved = followUp.status === "resolved";
  // Staff may write while the follow-up is open (a suspended member of staff only reads).
  const staffWrites = staffView && canWrite && !resolved;
  return (
    <>
      <p className="breadcrumbs-inline">
        {staffView ? <a href="/support">Support queue</a> : <a href="/my/support">My support requests</a>} › Follow-up #
        {followUp.id}
      </p>
      <h1>{thread.thread.title}</h1>
      <div className="thread-meta">
        <StatusBadge status={followUp.status} audience={staffView ? "staff" : "customer"} />
        <PriorityBadge priority={followUp.priority} />
        {staffView ? <TimeLeft item={followUp} /> : <ExpectedReply item={followUp} />}
        <span>{followUp.assignee ? `with ${followUp.assignee}` : "not taken yet"}</span>
        <span>
          {staffView ? "opened" : "followed up"} <RelativeTime date={followUp.openedAt} />{" "}
          {followUp.origin === "target"
            ? staffView
              ? "when nobody had answered within the grace period"
              : "because nobody had answered yet"
            : followUp.origin === "customer"
              ? staffView
                ? "at the customer's request"
                : "at your request"
              : staffView
                ? "by staff"
                : "by our support team"}
        </span>
        <a href={threadPath(thread.thread)}>Open the thread</a>
      </div>
      <FormError
        message={
          failure && !["reply", "note", "rate"].includes(failure.values?.intent ?? "") ? failure.formError : null
        }
      />

      {staffView && canWrite ? <WorkPanel followUp={followUp} staff={page.staff} failure={failure} /> : null}

      <div className="follow-up-layout">
        <div>
          <section aria-labelledby="thread-heading">
            <h2 id="thread-heading">The question and its answers</h2>
            <Post
              author={thread.question.author}
              role={thread.question.authorRole}
              createdAt={thread.question.createdAt}
              bodyHtml={thread.question.bodyHtml}
              label="asked"
            >
              <PostMark post={thread.question} staffView={staffView} />
            </Post>
            {[...thread.solutions, ...thread.answers].map((post) => (
              <Post
                key={post.id}
                author={post.author}
                role={post.authorRole}
                createdAt={post.createdAt}
                bodyHtml={post.bodyHtml}
                label={post.verified ? "staff-verified solution" : post.accepted ? "accepted answer" : "answered"}
              >
                <PostMark post={post} staffView={staffView} />
              </Post>
            ))}
          </section>

          <section id="conversation" aria-labelledby="private-heading">
            <h2 id="private-heading">Private messages</h2>
            <p className="hint">
              Only {staffView ? `${customer.username} and staff` : "you and our support staff"} can see these.
            </p>
            {messages.length === 0 ? <p>No private messages yet.</p> : null}
            {messages.map((message) => (
              <Post
                key={message.id}
                author={message.username}
                role={message.role}
                createdAt={message.createdAt}
                bodyHtml={message.bodyHtml}
              />
            ))}
            {resolved ? (
              <Resolved survey={survey} staffView={staffView} canWrite={canWrite} failure={failed("rate")} />
            ) : !canWrite ? (
              <p className="notice" role="note">
                Your account is suspended: you can read this follow-up but not write on it.
              </p>
            ) : staffWrites ? (
              // Keyed by what the server keeps, so the box shows the saved draft (a macro's text) and empties once sent.
              <StaffReplyBox
                key={`reply-${messages.length}-${thread.thread.answerCount}-${page.draft?.savedAt.getTime() ?? 0}`}
                draft={page.draft}
                macros={page.macros}
                coach={coach}
                failure={failure}
                submitting={submitting}
              />
            ) : (
              // Keyed by the message count, so the box empties once a reply is saved.
              <Form method="post" noValidate key={`reply-${messages.length}`}>
                <input type="hidden" name="intent" value="reply" />
                <input type="hidden" name="visibility" value="private" />
                <FormError message={failed("reply")?.formError} />
                <CoachedTextArea
                  name="body"
                  id="reply-body"
                  label="Write to support"
                  rows={6}
                  defaultValue={failed("reply")?.values?.body}
                  error={failed("reply")?.fieldErrors.body}
                  coach={coach}
                />
                <button type="submit" className="button" disabled={submitting}>
                  Send
                </button>
              </Form>
            )}
          </section>
        </div>

        <aside aria-label="About this follow-up">
          {staffView && notes ? (
            <section id="notes" aria-labelledby="notes-heading" className="staff-panel">
              <h2 id="notes-heading">Internal notes</h2>
              <p className="hint">Staff only; the customer never sees these.</p>
              {notes.map((note) => (
                <Post
                  key={note.id}
                  author={note.username}
                  role={note.role}
                  createdAt={note.createdAt}
                  bodyHtml={note.bodyHtml}
                />
              ))}
              {canWrite ? <NoteBox key={`note-${notes.length}`} failure={failure} /> : null}
            </section>
          ) : null}
          {history && page.customerPanel ? (
            <section aria-labelledby="customer-heading">
              <h2 id="customer-heading">The customer</h2>
              <p>
                <a href={`/users/${customer.username}`}>{customer.username}</a> ({customer.role}), member since{" "}
                <RelativeTime date={customer.createdAt} />
              </p>
              <CustomerPanel panel={page.customerPanel} />
              <h3>Earlier questions</h3>
              {history.threads.length === 0 ? <p className="hint">None.</p> : null}
              <ul className="link-list">
                {history.threads.map((item) => (
                  <li key={item.id}>
                    <a href={threadPath(item)}>{item.title}</a> <span className="hint">({item.status})</span>
                  </li>
                ))}
              </ul>
              <h3>Earlier follow-ups</h3>
              {history.followUps.length === 0 ? <p className="hint">None.</p> : null}
              <ul className="link-list">
                {history.followUps.map((item) => (
                  <li key={item.id}>
                    <a href={`/support/${item.id}`}>{item.threadTitle}</a> <StatusBadge status={item.status} />
                    {item.rating === null ? null : item.surveyKind === "community" ? (
                      <span className="hint">
                        {" "}
                        said the community's answer {item.rating === 5 ? "solved it" : "did not solve it"}
                      </span>
                    ) : (
                      <span className="hint"> rated {item.rating} of 5</span>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          <section aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">Timeline</h2>
            <ol className="timeline">
              {events.map((event) => (
                <li key={event.id}>
                  <RelativeTime date={event.createdAt} /> {event.text}
                </li>
              ))}
            </ol>
          </section>
        </aside>
      </div>
    </>
  );
}
