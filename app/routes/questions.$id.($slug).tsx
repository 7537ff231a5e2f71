import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { MarkdownEditor, PreviewButton } from "~/components/markdown-editor";
import { Pagination } from "~/components/pagination";
import { RetagForm, ThreadModerationPanel } from "~/components/moderation";
import { ThreadPost } from "~/components/post-view";
import { RelativeTime } from "~/components/relative-time";
import { TagList } from "~/components/tag-list";
import { useVoting } from "~/components/vote-controls";
import { threadPath } from "~/components/thread-row";
import { FormError } from "~/components/ui/field";
import { WatchForm } from "~/components/watch-form";
import { formValues, parseInput, parseIntent } from "~/lib/forms.server";
import { rowIdField } from "~/lib/row-ids";
import { actionResult, idParam, loaderResult, postBodiesToPage, redirectAfterWrite } from "~/lib/http.server";
import { postAnswer, previewMarkdown } from "~/models/community/posts.server";
import { markSolution, unmarkSolution } from "~/models/community/solutions.server";
import { recordThreadView } from "~/models/community/thread-views.server";
import { threadPageAt } from "~/models/community/source-addresses.server";
import { threadWatchState } from "~/models/notifications/watching.server";
import { threadSupportState } from "~/models/support/queue.server";
import { escalateThread, requestFollowUp } from "~/models/support/opening.server";
import { canModerate, canWorkFollowUps } from "~/lib/permissions.server";
import { decideOnPost } from "~/models/moderation/review.server";
import { replyCoachForThread } from "~/models/support/reply-lexicon.server";
import { listCategories } from "~/models/community/tags.server";
import { moderateThread } from "~/models/moderation/threads.server";
import { removeComment, restoreComment } from "~/models/moderation/comments.server";
import { castVote } from "~/models/community/votes.server";
import { castCloseVote, retractCloseVote } from "~/models/moderation/close-votes.server";
import { CloseVotePanel } from "~/components/close-votes";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { STATUS_LABELS } from "~/models/support/rules";
import { timesText } from "~/lib/counts";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? data.thread.title : "Question" }];

const pageSchema = z.coerce.number().int().min(1).max(100_000).catch(1);

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const threadId = idParam(params.id);
  const url = new URL(request.url);
  const page = pageSchema.parse(url.searchParams.get("page") ?? 1);
  let found = await loaderResult(() => threadPageAt(context.actor, threadId, params.slug, page));
  // A form sent to an old address of this thread (its title changed meanwhile) is answered here, not
  // redirected: the redirect would lose the action's refusal and what was typed.
  if (found.movedTo && found.sameThread && context.afterFormPost) {
    const { slug } = found.movedTo;
    found = await loaderResult(() => threadPageAt(context.actor, threadId, slug, page));
  }
  if (found.movedTo) throw redirect(threadPath(found.movedTo) + (found.sameThread ? url.search : ""), 301);
  const threadPage = found.page;
  recordThreadView(threadId);
  const staff = canModerate(context.actor);
  const inPage = (posts: typeof threadPage.answers) => postBodiesToPage(posts, context.postBodiesInPage);
  const [support, coach, watch, categories] = await Promise.all([
    threadSupportState(context.actor, threadPage.thread),
    replyCoachForThread(context.actor, threadId),
    threadWatchState(context.actor, threadId),
    staff ? listCategories() : [],
  ]);
  return {
    ...threadPage,
    question: inPage([threadPage.question])[0],
    solutions: inPage(threadPage.solutions),
    answers: inPage(threadPage.answers),
    support,
    coach,
    watch,
    categories: categories.map(({ slug, name }) => ({ slug, name })),
  };
}

const INTENTS = [
  "answer",
  "preview",
  "vote",
  "accept",
  "unaccept",
  "verify",
  "unverify",
  "follow-up",
  "moderate-post",
  "moderate-thread",
  "close-vote",
  "retract-close-vote",
  "remove-comment",
  "restore-comment",
] as const;
const postTarget = z.object({ postId: rowIdField("Choose a post.") });

export async function action({ params, request, context }: ActionFunctionArgs) {
  const threadId = idParam(params.id);
  const values = formValues(await request.formData());
  const { actor } = context;
  const back = (fragment?: string) =>
    redirectAfterWrite(`/questions/${threadId}/${params.slug ?? ""}${fragment ? `#${fragment}` : ""}`);
  return actionResult(async () => {
    const intent = parseIntent(INTENTS, values);
    switch (intent) {
      case "answer": {
        const { postId } = await postAnswer(actor, threadId, values);
        return back(`post-${postId}`);
      }
      case "moderate-post": {
        const { postId } = parseInput(postTarget, values);
        await decideOnPost(actor, postId, values);
        return back(`post-${postId}`);
      }
      case "moderate-thread":
        await moderateThread(actor, threadId, values);
        return back();
      case "remove-comment":
      case "restore-comment": {
        const { commentId } = await (intent === "remove-comment" ? removeComment : restoreComment)(
          actor,
          threadId,
          values,
        );
        return back(`comment-${commentId}`);
      }
      case "close-vote":
        await castCloseVote(actor, threadId, values);
        return back();
      case "retract-close-vote":
        await retractCloseVote(actor, threadId);
        return back();
      case "follow-up": {
        // Staff escalate; the customer who asked asks for help. Both land on the follow-up.
        const { followUpId } = canWorkFollowUps(actor)
          ? await escalateThread(actor, threadId)
          : await requestFollowUp(actor, threadId);
        return redirect(`/support/${followUpId}`, 303);
      }
      case "preview":
        return data({ ok: true as const, preview: (await previewMarkdown(actor, values)).html, values });
      case "vote": {
        const { postId } = parseInput(postTarget, values);
        const vote = await castVote(actor, postId, values);
        // The page's script votes in the background and shows this; a plain form post (no
        // JavaScript) goes back to the post, so reloading the page does not send the vote again.
        return context.postBodiesInPage === null ? { ok: true as const, ...vote } : back(`post-${postId}`);
      }
      case "accept":
      case "verify":
      case "unaccept":
      case "unverify": {
        const { postId } = parseInput(postTarget, values);
        const kind = intent.endsWith("accept") ? "accepted" : "verified";
        if (intent.startsWith("un")) await unmarkSolution(actor, postId, kind);
        else await markSolution(actor, postId, kind);
        return back(`post-${postId}`);
      }
    }
  }, values);
}

function SupportPanel({
  support,
}: {
  support: { followUp: { id: number; status: string } | null; canRequest: boolean; canEscalate: boolean };
}) {
  if (support.followUp) {
    return (
      <p className="notice support-notice">
        Support is following this up (
        {STATUS_LABELS[support.followUp.status as keyof typeof STATUS_LABELS].toLowerCase()}).{" "}
        <a href={`/support/${support.followUp.id}`}>See the follow-up</a>
      </p>
    );
  }
  if (!support.canRequest && !support.canEscalate) return null;
  return (
    <Form method="post" className="support-request">
      <input type="hidden" name="intent" value="follow-up" />
      {support.canRequest ? <span>Not solved yet? Our support team will follow it up with you.</span> : null}
      <button type="submit" className="button button-secondary button-small">
        {support.canRequest ? "I still need help" : "Escalate to support"}
      </button>
    </Form>
  );
}

export default function ThreadPage() {
  const {
    thread,
    question,
    solutions,
    answers,
    answersPage,
    answerPageCount,
    can,
    support,
    coach,
    categories,
    watch,
    closeVotes,
  } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  const failure = result && "ok" in result && !result.ok ? result : null;
  const preview = result && "preview" in result ? result : null;
  const voting = useVoting();
  const location = useLocation();
  // Set by the flag page when it sends the flagger back here.
  const flagged = new URLSearchParams(location.search).get("flagged");
  const threadErrors =
    failure?.values?.intent === "moderate-thread"
      ? { ...failure.fieldErrors, form: failure.formError ?? undefined }
      : null;
  // Held, hidden and deleted answers this reader may see (their own, or any for staff) are not in the count.
  const unlisted = answers.filter((post) => post.moderationState !== "visible").length;
  // A comment's remove or restore form shows its own refusal beside that comment; one naming no
  // comment of the page (a bad id) is shown with the others, below the answers.
  const commentFailure =
    failure &&
    ["remove-comment", "restore-comment"].includes(failure.values?.intent ?? "") &&
    !failure.fieldErrors.postId &&
    !failure.fieldErrors.commentId
      ? failure
      : null;
  const postView = (post: typeof question) => (
    <ThreadPost key={post.id} post={post} flags={can} voting={voting} commentFailure={commentFailure} />
  );
  // The answer box's own failures: posting it, or its no-JavaScript preview (refused Markdown, too many previews).
  const answerFailure = failure && ["answer", "preview"].includes(failure.values?.intent ?? "") ? failure : null;
  // A vote, a solution mark or a follow-up has no field of its own to show its refusal beside.
  const closeVoteFailure =
    failure && ["close-vote", "retract-close-vote"].includes(failure.values?.intent ?? "")
      ? (failure.fieldErrors?.reason ?? failure.formError)
      : null;
  const otherFailure =
    failure && !answerFailure && !threadErrors && !closeVoteFailure && !commentFailure
      ? (failure.formError ?? Object.values(failure.fieldErrors ?? {}).find(Boolean) ?? null)
      : null;
  const answerDraft = answerFailure ? answerFailure.values?.body : preview?.values.body;
  return (
    <>
      <div className="page-head">
        <h1>{thread.title}</h1>
        <Link className="button button-secondary" to="/questions/ask">
          Ask a question
        </Link>
      </div>
      <div className="thread-meta">
        {thread.status === "solved" ? <span className="badge badge-solved">Solved</span> : null}
        {thread.status === "closed" ? <span className="badge badge-closed">Closed</span> : null}
        {thread.lockedAt ? <span className="badge badge-closed">Locked</span> : null}
        {thread.pinnedAt ? <span className="badge">Pinned</span> : null}
        <Link to={`/questions?category=${thread.categorySlug}`}>{thread.categoryName}</Link>
        <TagList tags={thread.tags} />
        <span>
          asked <RelativeTime date={thread.createdAt} />, active <RelativeTime date={thread.lastActivityAt} />, viewed{" "}
          {timesText(thread.viewCount)}
        </span>
        {can.canDraftArticle ? <a href={`/kb/drafts/${thread.id}`}>Draft a knowledge-base article</a> : null}
      </div>
      {thread.duplicateOf ? (
        <p className="notice" role="note">
          This question has been asked before and already has answers:{" "}
          <Link to={threadPath(thread.duplicateOf)}>{thread.duplicateOf.title}</Link>
        </p>
      ) : thread.closedAsDuplicate ? (
        <p className="notice" role="note">
          Closed by a moderator as a duplicate of another question.
        </p>
      ) : thread.status === "closed" && thread.closedReason ? (
        <p className="notice" role="note">
          Closed by a moderator: {thread.closedReason}
        </p>
      ) : null}
      {thread.lockedAt ? (
        <p className="notice" role="note">
          This thread is locked: it takes no new answers.
        </p>
      ) : null}
      {can.canModerate ? (
        <ThreadModerationPanel thread={thread} categories={categories} errors={threadErrors} />
      ) : can.canRetag ? (
        <RetagForm tags={thread.tags} errors={threadErrors} />
      ) : null}
      {threadErrors?.form ? <FormError message={threadErrors.form} /> : null}
      {thread.status !== "closed" ? (
        <CloseVotePanel closeVotes={closeVotes} canVote={can.canVoteToClose} error={closeVoteFailure} />
      ) : null}
      {flagged === "hidden" || flagged === "review" ? (
        <p className="notice" role="status">
          {flagged === "hidden"
            ? "Thanks for flagging. The post is hidden until staff review it."
            : "Thanks for flagging. Staff will review the post."}
        </p>
      ) : null}
      <SupportPanel support={support} />
      {watch ? (
        <WatchForm
          target="thread"
          targetKey={thread.id}
          level={watch.choice}
          subject="this question"
          defaultOption={`As my tags and category say (${watch.byDefault.level}${watch.byDefault.from ? `, from ${watch.byDefault.from}` : ""})`}
        />
      ) : null}
      {postView(question)}

      {solutions.length > 0 ? (
        <section aria-labelledby="solutions-title">
          <h2 id="solutions-title" className="section-title">
            Solution
          </h2>
          {solutions.map(postView)}
        </section>
      ) : null}

      <section aria-labelledby="answers-title">
        <h2 id="answers-title" className="section-title">
          {thread.answerCount === 1 ? "1 answer" : `${thread.answerCount} answers`}
          {unlisted > 0 ? ` (and ${unlisted} not public)` : ""}
          {solutions.length > 0 && answers.length > 0 ? " (other answers by votes)" : ""}
        </h2>
        {answers.map(postView)}
        {otherFailure ? <FormError message={otherFailure} /> : null}
        <Pagination page={answersPage} hasNextPage={answersPage < answerPageCount} />
      </section>

      <section aria-labelledby="your-answer">
        <h2 id="your-answer" className="section-title">
          Your answer
        </h2>
        {can.canAnswer ? (
          // Keyed by the location, so the box starts empty after an answer is posted (the page reloads in place).
          <Form method="post" noValidate key={location.key}>
            <FormError message={answerFailure?.formError} />
            <MarkdownEditor
              label="Answer"
              defaultValue={answerDraft}
              error={answerFailure?.fieldErrors.body}
              serverPreview={preview?.preview}
              rows={8}
              coach={coach}
            />
            <div className="form-actions">
              <button type="submit" name="intent" value="answer" className="button" disabled={submitting}>
                Post your answer
              </button>
              <PreviewButton />
            </div>
          </Form>
        ) : can.suspended ? (
          <p>Your account is suspended, so you cannot answer for now.</p>
        ) : can.signedIn || thread.lockedAt || thread.status === "closed" ? (
          // Visitors too: signing in would not let them answer a closed or locked question.
          <p>
            {thread.lockedAt
              ? "This question is locked: it takes no new answers."
              : "This question is closed to new answers."}
          </p>
        ) : (
          <p>
            <Link to={`/login?redirectTo=${encodeURIComponent(threadPath(thread))}`}>Sign in</Link> or{" "}
            <Link to="/signup">create an account</Link> to answer.
          </p>
        )}
      </section>
    </>
  );
}
