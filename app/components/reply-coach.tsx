import { useMemo, useState, type ComponentProps } from "react";
import { findLexiconPhrases, needsApologyReminder, type ReplyCoach } from "~/models/support/reply-coach";
import { TextAreaField } from "./ui/field";

const CONTEXT_CHARS = 30;

/**
 * Coaching under a staff reply box: each phrase from the lexicon marked in its sentence with the
 * suggested wording, and a reminder to apologise first when the customer is upset. Advice only:
 * the reply posts as written.
 */
export function ReplyCoachHints({ text, coach }: { text: string; coach: ReplyCoach }) {
  const matches = useMemo(() => findLexiconPhrases(text, coach.lexicon), [text, coach.lexicon]);
  const apologise = needsApologyReminder(text, coach.customerUpset);
  return (
    <section aria-live="polite" aria-label="Reply coach" className="reply-coach" data-testid="reply-coach">
      {apologise ? (
        <p className="coach-apology">
          The customer sounds upset. Before asking them to check things, say sorry for the trouble, e.g. “I’m sorry this
          has been so frustrating.”
        </p>
      ) : null}
      {matches.length > 0 ? (
        <ul className="coach-list">
          {matches.map((match) => (
            <li key={`${match.entryId}-${match.start}`}>
              <span className="coach-excerpt">
                {match.start > CONTEXT_CHARS ? "…" : ""}
                {text.slice(Math.max(0, match.start - CONTEXT_CHARS), match.start)}
                <mark>{match.text}</mark>
                {text.slice(match.end, match.end + CONTEXT_CHARS)}
                {match.end + CONTEXT_CHARS < text.length ? "…" : ""}
              </span>
              <span className="coach-suggestion">Try instead: {match.suggestion}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

/** A textarea for staff replies that coaches as they type (see ReplyCoachHints). */
export function CoachedTextArea({
  coach,
  defaultValue,
  ...field
}: ComponentProps<typeof TextAreaField> & { coach: ReplyCoach | null; defaultValue?: string }) {
  const [text, setText] = useState(defaultValue ?? "");
  return (
    <>
      <TextAreaField {...field} defaultValue={defaultValue} onChange={(event) => setText(event.currentTarget.value)} />
      {coach ? <ReplyCoachHints text={text} coach={coach} /> : null}
    </>
  );
}
