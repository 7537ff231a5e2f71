import { useEffect, useState } from "react";
import type { ReplyCoach } from "~/models/support/reply-coach";
import { useMentionSuggestions } from "./mention-suggestions";
import { ReplyCoachHints } from "./reply-coach";
import { TextAreaField } from "./ui/field";

const PREVIEW_DELAY_MS = 300;

// A refused preview (nested too deep, too many previews) answers with the message instead of HTML.
type PreviewResult = { html?: string; formError?: string | null; fieldErrors?: Record<string, string> };

/**
 * The live preview of `text`, asked for after each pause in typing; a newer text cancels the older
 * request. A plain request, not a router fetcher: a fetcher's post reloads the page's data, and one
 * that finished while a posted answer's page was loading made the router keep the old data, so the
 * new answer did not show (DECISIONS.md #93).
 */
function useLivePreview(text: string) {
  const [result, setResult] = useState<PreviewResult | null>(null);
  useEffect(() => {
    if (!text.trim()) return;
    const request = new AbortController();
    const timer = setTimeout(() => {
      fetch("/api/preview", { method: "POST", body: new URLSearchParams({ body: text }), signal: request.signal })
        .then((response) => response.json() as Promise<PreviewResult>)
        .then(setResult)
        .catch((error: unknown) => {
          if (!request.signal.aborted) console.error("the live preview failed", error);
        });
    }, PREVIEW_DELAY_MS);
    return () => {
      clearTimeout(timer);
      request.abort();
    };
  }, [text]);
  return result;
}

/**
 * A Markdown textarea with a preview rendered by the server through the same pipeline as a saved
 * post. With JavaScript the preview follows typing and `@` suggests usernames; without it, the
 * form's "Preview" button (name="intent" value="preview") posts the text and the page comes back
 * with `serverPreview`.
 */
export function MarkdownEditor({
  name = "body",
  label,
  defaultValue,
  error,
  serverPreview,
  rows = 10,
  coach = null,
}: {
  name?: string;
  label: string;
  defaultValue?: string;
  error?: string | null;
  serverPreview?: string | null;
  rows?: number;
  /** For staff replies: the lexicon and the customer's mood, to coach the wording as they type. */
  coach?: ReplyCoach | null;
}) {
  const [text, setText] = useState(defaultValue ?? "");
  const preview = useLivePreview(text);
  const mentions = useMentionSuggestions(name, setText);

  const html = text.trim() ? (preview?.html ?? serverPreview) : null;
  const refusal = text.trim() ? (preview?.fieldErrors?.body ?? preview?.formError ?? null) : null;
  return (
    <div>
      <TextAreaField
        name={name}
        label={label}
        rows={rows}
        defaultValue={defaultValue}
        {...mentions.inputProps}
        onChange={(event) => {
          setText(event.currentTarget.value);
          mentions.follow(event);
        }}
        error={error}
        hint="Markdown: **bold**, `code`, ``` for code blocks, - lists, [links](https://…), tables, @username to mention someone."
      />
      {mentions.listbox}
      {mentions.status}
      {coach ? <ReplyCoachHints text={text} coach={coach} /> : null}
      <section aria-label="Preview" aria-live="polite" className="field">
        <span className="hint">Preview</span>
        {refusal ? (
          <div className="preview field-error" data-testid={`${name}-preview`}>
            {refusal}
          </div>
        ) : html ? (
          <div className="preview prose" data-testid={`${name}-preview`} dangerouslySetInnerHTML={{ __html: html }} />
        ) : (
          <div className="preview hint" data-testid={`${name}-preview`}>
            Your formatted post appears here.
          </div>
        )}
      </section>
    </div>
  );
}

/** The no-JavaScript preview: posts the form with intent=preview; the action answers with `serverPreview`. */
export function PreviewButton() {
  return (
    <button type="submit" name="intent" value="preview" className="button button-secondary">
      Preview
    </button>
  );
}
