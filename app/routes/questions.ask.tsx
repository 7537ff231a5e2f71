import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { MarkdownEditor, PreviewButton } from "~/components/markdown-editor";
import { threadPath } from "~/components/thread-row";
import { FormError, SelectField, TextField } from "~/components/ui/field";
import { formValues } from "~/lib/forms.server";
import { actionResult, loaderResult, requireSignedIn } from "~/lib/http.server";
import { canAskQuestion, ensure } from "~/lib/permissions.server";
import { previewMarkdown } from "~/models/community/posts.server";
import { MAX_TAGS_PER_THREAD } from "~/models/community/rules";
import { listCategories, listTags } from "~/models/community/tags.server";
import { askQuestion } from "~/models/community/threads.server";
import { findSimilar } from "~/models/search/search.server";
import type { SearchHit } from "~/models/search/rules";
import { AudienceBadge } from "~/components/search-hit";
import { mergeRouteHeaders } from "~/lib/route-headers";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Ask a question" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireSignedIn(request, context);
  return loaderResult(async () => {
    ensure(canAskQuestion(context.actor), "Your account is suspended, so you cannot ask questions for now.");
    return { categories: await listCategories(), tags: (await listTags(context.actor)).map((tag) => tag.name) };
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  return actionResult(async () => {
    if (values.intent === "preview")
      return data({ ok: true as const, preview: (await previewMarkdown(context.actor, values)).html, values });
    // Without JavaScript, "Check for similar questions" posts the form here and gets it back, filled in.
    if (values.intent === "similar")
      return data({
        ok: true as const,
        preview: null,
        similar: await findSimilar(context.actor, values.title ?? ""),
        values,
      });
    const { threadId, slug } = await askQuestion(context.actor, values);
    return redirect(threadPath({ id: threadId, slug }));
  }, values);
}

const SUGGEST_DELAY_MS = 300;

/** Similar solved questions and articles for the title as it is typed (debounced), or as posted without JS. */
function useSimilarQuestions(posted: SearchHit[] | null) {
  const fetcher = useFetcher<{ similar: SearchHit[] }>();
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const [typed, setTyped] = useState(false);
  useEffect(() => () => clearTimeout(timer.current), []);
  const onTitleChange = (title: string) => {
    setTyped(true);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => fetcher.load(`/api/similar?title=${encodeURIComponent(title)}`), SUGGEST_DELAY_MS);
  };
  return { similar: typed ? (fetcher.data?.similar ?? null) : posted, onTitleChange };
}

/** What the asker needs to know of a suggestion: read it, or follow it rather than ask again. */
function similarHitState(hit: SearchHit) {
  if (hit.type === "article") return "Article";
  if (hit.status === "solved") return hit.verified ? "Solved · staff-verified" : "Solved";
  if (hit.answerCount > 0) return hit.answerCount === 1 ? "1 answer" : `${hit.answerCount} answers`;
  return "No answers yet: follow it instead of asking again";
}

function SimilarQuestions({ similar }: { similar: SearchHit[] | null }) {
  return (
    <div aria-live="polite">
      {similar && similar.length > 0 ? (
        <section className="similar" aria-labelledby="similar-heading">
          <h2 id="similar-heading">Already asked? Similar questions and articles</h2>
          <ul className="link-list">
            {similar.map((hit) => (
              <li key={`${hit.type}-${hit.id}`}>
                <a href={hit.url} target="_blank" rel="noopener">
                  {hit.title.map((segment) => segment.text).join("")}
                  <span className="visually-hidden"> (opens in a new tab)</span>
                </a>{" "}
                <span className="hint">{similarHitState(hit)}</span>{" "}
                {hit.type === "article" ? <AudienceBadge audience={hit.audience} /> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : similar ? (
        <p className="hint">No similar questions yet.</p>
      ) : null}
    </div>
  );
}

export default function Ask() {
  const { categories, tags } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { similar, onTitleChange } = useSimilarQuestions(result?.ok && "similar" in result ? result.similar : null);
  const submitting = useNavigation().state === "submitting";
  const failure = result && !result.ok ? result : null;
  const values = result?.values;
  return (
    <div className="narrow-wide">
      <h1>Ask a question</h1>
      <p className="hint">Say what you tried and what happened. Someone who knows will answer.</p>
      <Form method="post" noValidate>
        <FormError message={failure?.formError} />
        <TextField
          name="title"
          label="Title"
          required
          maxLength={150}
          defaultValue={values?.title}
          error={failure?.fieldErrors.title}
          hint="One sentence a stranger would understand, e.g. “Hub stays offline after the 4.2 update”."
          onChange={(event) => onTitleChange(event.currentTarget.value)}
          autoComplete="off"
        />
        <SimilarQuestions similar={similar} />
        <noscript>
          <p>
            <button type="submit" name="intent" value="similar" className="button button-secondary button-small">
              Check for similar questions
            </button>
          </p>
        </noscript>
        <MarkdownEditor
          label="Details"
          defaultValue={values?.body}
          error={failure?.fieldErrors.body}
          serverPreview={result?.ok ? result.preview : null}
          rows={12}
        />
        <SelectField
          name="category"
          label="Category"
          defaultValue={values?.category ?? ""}
          error={failure?.fieldErrors.category}
          placeholder="Choose a category"
          placeholderDisabled
          options={categories.map((category) => ({ value: category.slug, label: category.name }))}
        />
        <TextField
          name="tags"
          label="Tags"
          list="known-tags"
          defaultValue={values?.tags}
          error={failure?.fieldErrors.tags}
          hint={`Up to ${MAX_TAGS_PER_THREAD}, separated by commas, from: ${tags.join(", ")}.`}
        />
        <datalist id="known-tags">
          {tags.map((tag) => (
            <option key={tag} value={tag} />
          ))}
        </datalist>
        <div className="form-actions">
          <button type="submit" className="button" disabled={submitting}>
            Post your question
          </button>
          <PreviewButton />
        </div>
      </Form>
    </div>
  );
}
