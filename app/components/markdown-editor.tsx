import { useFetcher } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import type { ReplyCoach } from "~/models/support/reply-coach";
import { useMentionSuggestions } from "./mention-suggestions";
import { ReplyCoachHints } from "./reply-coach";
import { TextAreaField } from "./ui/field";

const PREVIEW_DELAY_MS = 300;

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
  // A refused preview (nested too deep, too many previews) answers with the message instead of HTML.
  const preview = useFetcher<{ html?: string; formError?: string | null; fieldErrors?: Record<string, string> }>();
  const [text, setText] = useState(defaultValue ?? "");
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const submitPreview = preview.submit;
  const mentions = useMentionSuggestions(name, setText);

  useEffect(() => {
    if (!text.trim()) return;
    clearTimeout(timer.current);
    timer.current = setTimeout(
      () => submitPreview({ body: text }, { method: "post", action: "/api/preview" }),
      PREVIEW_DELAY_MS,
    );
    return () => clearTimeout(timer.current);
  }, [text, submitPreview]);

  const html = text.trim() ? (preview.data?.html ?? serverPreview) : null;
  const refusal = text.trim() ? (preview.data?.fieldErrors?.body ?? preview.data?.formError ?? null) : null;
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
