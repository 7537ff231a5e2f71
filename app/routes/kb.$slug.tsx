import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AudienceBadge } from "~/components/search-hit";
import { TagList } from "~/components/tag-list";
import { threadPath } from "~/components/thread-row";
import { FormError, TextAreaField } from "~/components/ui/field";
import { ensureBrowserId } from "~/lib/browser-id.server";
import { formValues } from "~/lib/forms.server";
import { actionResult, loaderResult, notFound } from "~/lib/http.server";
import { feedbackVoterKey, recordArticleFeedback } from "~/models/kb/feedback.server";
import { getArticlePage } from "~/models/kb/articles.server";
import { MAX_FEEDBACK_COMMENT } from "~/models/kb/rules";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { PRODUCT_NAME } from "~/lib/site";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data
    ? [{ title: data.article.title }, { name: "description", content: data.article.summary }]
    : [{ title: "Article" }];

const SLUG = /^[a-z0-9][a-z0-9-]{0,79}$/;

export async function loader({ params, context }: LoaderFunctionArgs) {
  if (!SLUG.test(params.slug ?? "")) notFound();
  // Visitors all get the same page (it may be served from the page cache), so an anonymous
  // browser's earlier answer is not shown here; it sees its answer in the reply to its vote.
  const voterKey = feedbackVoterKey(context.actor, null);
  return loaderResult(() => getArticlePage(context.actor, params.slug!, voterKey));
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  if (!SLUG.test(params.slug ?? "")) notFound();
  const values = formValues(await request.formData());
  const { browserId, setCookie } = ensureBrowserId(request);
  const voterKey = feedbackVoterKey(context.actor, browserId)!;
  return actionResult(async () => {
    const feedback = await recordArticleFeedback(context.actor, params.slug!, voterKey, values, {
      address: context.clientAddress,
    });
    return data({ ok: true as const, feedback }, { headers: setCookie ? { "Set-Cookie": setCookie } : undefined });
  }, values);
}

function Breadcrumbs({
  categoryName,
  categorySlug,
  title,
}: {
  categoryName: string;
  categorySlug: string;
  title: string;
}) {
  return (
    <nav aria-label="Breadcrumb" className="breadcrumbs">
      <ol>
        <li>
          <a href="/kb">Knowledge base</a>
        </li>
        <li>
          <a href={`/kb#category-${categorySlug}`}>{categoryName}</a>
        </li>
        <li aria-current="page">{title}</li>
      </ol>
    </nav>
  );
}

const formatDate = (isoDate: string) =>
  new Date(`${isoDate}T00:00:00Z`).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });

export default function ArticlePage() {
  const page = useLoaderData<typeof loader>();
  if (page.access === "teaser") {
    const { article } = page;
    return (
      <article className="kb-article">
        <Breadcrumbs {...article} />
        <h1>{article.title}</h1>
        <p className="kb-summary">{article.summary}</p>
        <div className="notice">
          <h2>This article is for customers</h2>
          <p>
            Customers of {PRODUCT_NAME} can read it after signing in. If you own a hub,{" "}
            <a href={`/login?redirectTo=${encodeURIComponent(`/kb/${article.slug}`)}`}>sign in</a> with the account your
            hub is registered to, or <a href="/signup">create one</a> and ask support to link your hub; we turn on
            customer access within a working day.
          </p>
        </div>
      </article>
    );
  }
  const { article } = page;
  return (
    <div className="kb-layout">
      <article className="kb-article">
        <Breadcrumbs {...article} />
        <h1>{article.title}</h1>
        <p className="kb-summary">{article.summary}</p>
        <div className="thread-meta">
          <AudienceBadge audience={article.audience} />
          <span>
            Last updated <time dateTime={article.updatedOn}>{formatDate(article.updatedOn)}</time>
          </span>
          <TagList tags={article.tags} hrefFor={(tag) => `/search?tag=${encodeURIComponent(tag)}`} />
        </div>
        {article.toc.length > 1 ? (
          <nav aria-labelledby="toc-heading" className="toc">
            <h2 id="toc-heading">On this page</h2>
            <ol>
              {article.toc.map((entry) => (
                <li key={entry.id} className={entry.depth === 3 ? "toc-sub" : undefined}>
                  <a href={`#${entry.id}`}>{entry.text}</a>
                </li>
              ))}
            </ol>
          </nav>
        ) : null}
        <div className="prose" dangerouslySetInnerHTML={{ __html: article.bodyHtml }} />
        {page.canGiveFeedback ? <FeedbackForm mine={page.myFeedback} /> : null}
        {page.feedback ? <FeedbackTallies feedback={page.feedback} /> : null}
      </article>
      <aside className="kb-aside" aria-label="Related">
        {page.related.length > 0 ? (
          <section aria-labelledby="related-articles">
            <h2 id="related-articles">Related articles</h2>
            <ul className="link-list">
              {page.related.map((related) => (
                <li key={related.slug}>
                  <a href={`/kb/${related.slug}`}>{related.title}</a> <AudienceBadge audience={related.audience} />
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        {page.relatedThreads.length > 0 ? (
          <section aria-labelledby="related-threads">
            <h2 id="related-threads">Solved in the community</h2>
            <ul className="link-list">
              {page.relatedThreads.map((thread) => (
                <li key={thread.id}>
                  <a href={threadPath(thread)}>{thread.title}</a>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </aside>
    </div>
  );
}

function FeedbackForm({ mine }: { mine: { helpful: boolean; comment: string | null } | null }) {
  const result = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  const failure = result && !result.ok ? result : null;
  const answered = result?.ok ? result.feedback : mine;
  return (
    <section id="feedback" className="kb-feedback" aria-labelledby="feedback-heading">
      <Form method="post" preventScrollReset>
        <fieldset>
          <legend id="feedback-heading">Was this helpful?</legend>
          <FormError message={failure?.formError} />
          {answered ? (
            <p role="status">
              Thanks for telling us. You said it was {answered.helpful ? "helpful" : "not helpful"}; you can change your
              answer.
            </p>
          ) : null}
          <TextAreaField
            name="comment"
            label="Anything we should add or fix? (optional)"
            rows={3}
            maxLength={MAX_FEEDBACK_COMMENT}
            defaultValue={failure?.values?.comment ?? answered?.comment ?? ""}
            error={failure?.fieldErrors.comment}
          />
          {failure?.fieldErrors.helpful ? (
            <span className="field-error" role="alert">
              {failure.fieldErrors.helpful}
            </span>
          ) : null}
          <div className="form-actions">
            <button type="submit" name="helpful" value="yes" className="button" disabled={submitting}>
              Yes, it helped
            </button>
            <button type="submit" name="helpful" value="no" className="button button-secondary" disabled={submitting}>
              No
            </button>
          </div>
        </fieldset>
      </Form>
    </section>
  );
}

function FeedbackTallies({
  feedback,
}: {
  feedback: {
    helpful: number;
    notHelpful: number;
    comments: { helpful: boolean; comment: string | null; updatedAt: Date; username: string | null }[];
  };
}) {
  return (
    <section className="staff-panel" aria-labelledby="tallies-heading">
      <h2 id="tallies-heading">Readers’ feedback (staff only)</h2>
      <p>
        <strong>{feedback.helpful}</strong> found it helpful, <strong>{feedback.notHelpful}</strong> did not.
      </p>
      {feedback.comments.length > 0 ? (
        <ul className="feedback-comments">
          {feedback.comments.map((comment, index) => (
            <li key={index}>
              <span className={comment.helpful ? "badge badge-solved" : "badge badge-closed"}>
                {comment.helpful ? "Helpful" : "Not helpful"}
              </span>{" "}
              {comment.comment} <span className="hint">— {comment.username ?? "anonymous reader"}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="hint">No comments yet.</p>
      )}
    </section>
  );
}
