import { Form, useLocation } from "@remix-run/react";
import { SelectField } from "~/components/ui/field";
import { WATCH_LEVEL_LABELS } from "~/models/notifications/rules";

type WatchLevel = keyof typeof WATCH_LEVEL_LABELS;

/**
 * What the signed-in reader hears about a thread, tag or category: a menu of the four levels and a
 * button (a plain form post, so it works without JavaScript), coming back to this page.
 */
export function WatchForm({
  target,
  targetKey,
  level,
  subject,
  defaultOption,
  id = "watch",
}: {
  target: "thread" | "tag" | "category";
  targetKey: string | number;
  /** The reader's own choice; "default" (threads only) when their tags and category decide. */
  level: WatchLevel | "default";
  /** For a thread: the first choice, leaving it to the tags and category, saying what that gives now. */
  defaultOption?: string;
  /** How the menu's label names the subject: "this question", "the tag wifi". */
  subject: string;
  /** Unique on the page (the settings list has several); the pages' own form is "watch", where saving returns. */
  id?: string;
}) {
  const location = useLocation();
  // After saving, the page comes back with ?watch=saved (a page's own menu says so; the settings list has its notice).
  const saved = id === "watch" && new URLSearchParams(location.search).get("watch") === "saved";
  const back = new URLSearchParams(location.search);
  back.delete("watch");
  return (
    <Form method="post" action="/watch" className="watch-form" id={id}>
      <input type="hidden" name="target" value={target} />
      <input type="hidden" name="key" value={targetKey} />
      <input type="hidden" name="redirectTo" value={`${location.pathname}${back.size ? `?${back}` : ""}`} />
      <SelectField
        // A saved level comes back as a new default: remount to show it.
        key={level}
        name="level"
        id={`${id}-level`}
        label={`Notifications for ${subject}`}
        defaultValue={level}
        options={[
          ...(defaultOption ? [{ value: "default", label: defaultOption }] : []),
          ...Object.entries(WATCH_LEVEL_LABELS).map(([value, label]) => ({ value, label })),
        ]}
      />
      <button type="submit" className="button button-secondary">
        Save
      </button>
      {saved ? (
        <p role="status" className="hint">
          Saved.
        </p>
      ) : null}
    </Form>
  );
}
