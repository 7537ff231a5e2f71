import { tagPath } from "~/components/tag-list";
import { Form, Link } from "@remix-run/react";
import { WatchForm } from "~/components/watch-form";
import type { WATCH_LEVEL_LABELS } from "~/models/notifications/rules";

export const PARTICIPATION_INTENT = "participation";

type Watched = {
  target: "thread" | "tag" | "category";
  key: string;
  name: string;
  level: keyof typeof WATCH_LEVEL_LABELS;
};

const pathOf = ({ target, key }: Watched) =>
  target === "thread"
    ? `/questions/${key}`
    : target === "tag"
      ? tagPath(key)
      : `/questions?category=${encodeURIComponent(key)}`;

const TARGET_LABELS = { thread: "Question", tag: "Tag", category: "Category" } as const;

/** The watching section of the settings: the default for one's own threads, and every level one chose. */
export function WatchSettings({
  watches,
  watchOnParticipation,
}: {
  watches: Watched[];
  watchOnParticipation: boolean;
}) {
  return (
    <section aria-labelledby="watching-heading">
      <h2 id="watching-heading" className="section-title">
        What you watch
      </h2>
      <Form method="post">
        <input type="hidden" name="intent" value={PARTICIPATION_INTENT} />
        <label className="checkbox-field">
          <input type="checkbox" name="watchOnParticipate" defaultChecked={watchOnParticipation} /> Watch the questions
          I ask or answer (every new post, in the app and by email)
        </label>
        <button type="submit" className="button">
          Save
        </button>
      </Form>
      {watches.length === 0 ? (
        <p className="hint">
          You have not chosen a level for any question, tag or category yet. Each of their pages has a “Notifications”
          menu.
        </p>
      ) : (
        <ul className="watch-list">
          {watches.map((watched, index) => (
            <li key={`${watched.target}:${watched.key}`}>
              <p>
                {TARGET_LABELS[watched.target]}: <Link to={pathOf(watched)}>{watched.name}</Link>
              </p>
              <WatchForm
                id={`watch-${index}`}
                target={watched.target}
                targetKey={watched.key}
                level={watched.level}
                subject={`${TARGET_LABELS[watched.target].toLowerCase()} ${watched.name}`}
              />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
