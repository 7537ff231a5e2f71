import { useEffect, useRef, useState, type KeyboardEvent, type SyntheticEvent } from "react";
import { mentionQueryAt } from "~/lib/mentions";

const SUGGEST_DELAY_MS = 150;

type Query = { start: number; query: string };

/**
 * Username suggestions for the `@name` being typed in a textarea, as a listbox under it (the ARIA
 * combobox pattern on a textarea: the textarea keeps focus and points at the active option with
 * `aria-activedescendant`). Arrow keys move, Enter or Tab picks, Escape closes, a click picks.
 * Picking replaces the `@prefix` before the caret with `@username `. Without JavaScript nothing is
 * added: the textarea is a plain textarea and `@username` typed in full links all the same.
 */
export function useMentionSuggestions(fieldId: string, onInsert: (value: string) => void) {
  const listboxId = `${fieldId}-mentions`;
  const textarea = useRef<HTMLTextAreaElement | null>(null);
  const [hydrated, setHydrated] = useState(false);
  const [query, setQuery] = useState<Query | null>(null);
  const [usernames, setUsernames] = useState<string[]>([]);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState(false);
  const latest = useRef(0);

  useEffect(() => setHydrated(true), []);

  const prefix = query?.query ?? "";
  useEffect(() => {
    const request = ++latest.current;
    if (!prefix) {
      setUsernames([]);
      return;
    }
    const load = async () => {
      try {
        const response = await fetch(`/api/users/suggest?q=${encodeURIComponent(prefix)}`, {
          headers: { Accept: "application/json" },
        });
        const body: { usernames?: string[] } = response.ok ? await response.json() : {};
        // A slower answer to an earlier prefix must not replace the latest one.
        if (request !== latest.current) return;
        setUsernames(body.usernames ?? []);
        setActive(0);
      } catch {
        if (request === latest.current) setUsernames([]);
      }
    };
    const timer = setTimeout(() => void load(), SUGGEST_DELAY_MS);
    return () => clearTimeout(timer);
  }, [prefix]);

  const open = hydrated && query !== null && !dismissed && usernames.length > 0;

  /** Reads the `@prefix` before the caret after any change of text or caret. */
  function follow(event: SyntheticEvent<HTMLTextAreaElement>) {
    const element = event.currentTarget;
    textarea.current = element;
    const next =
      element.selectionStart === element.selectionEnd ? mentionQueryAt(element.value, element.selectionStart) : null;
    if (next?.query !== query?.query || next?.start !== query?.start) {
      setQuery(next);
      setDismissed(false);
    }
  }

  function pick(username: string) {
    const element = textarea.current;
    if (!element || !query) return;
    const caret = element.selectionStart;
    const inserted = `@${username} `;
    element.value = element.value.slice(0, query.start) + inserted + element.value.slice(caret);
    const after = query.start + inserted.length;
    element.setSelectionRange(after, after);
    element.focus();
    setQuery(null);
    onInsert(element.value);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (!open) return;
    const keys: Record<string, () => void> = {
      ArrowDown: () => setActive((active + 1) % usernames.length),
      ArrowUp: () => setActive((active - 1 + usernames.length) % usernames.length),
      Enter: () => pick(usernames[active]),
      Tab: () => pick(usernames[active]),
      Escape: () => setDismissed(true),
    };
    const action = keys[event.key];
    if (!action || event.altKey || event.ctrlKey || event.metaKey || (event.key === "Tab" && event.shiftKey)) return;
    event.preventDefault();
    action();
  }

  const optionId = (index: number) => `${listboxId}-${index}`;
  const inputProps = hydrated
    ? {
        onSelect: follow,
        onKeyDown,
        onBlur: () => setDismissed(true),
        "aria-autocomplete": "list" as const,
        "aria-controls": open ? listboxId : undefined,
        "aria-activedescendant": open ? optionId(active) : undefined,
      }
    : {};

  const listbox = open ? (
    <ul id={listboxId} role="listbox" aria-label="Usernames to mention" className="mention-suggestions">
      {usernames.map((username, index) => (
        <li
          key={username}
          id={optionId(index)}
          role="option"
          aria-selected={index === active}
          // Keeps the focus (and the caret) in the textarea.
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => pick(username)}
        >
          @{username}
        </li>
      ))}
    </ul>
  ) : null;
  const status = hydrated ? (
    <span className="visually-hidden" role="status">
      {open
        ? `${usernames.length} username${usernames.length === 1 ? "" : "s"} suggested: up and down arrows to choose, Enter to insert.`
        : ""}
    </span>
  ) : null;

  return { inputProps, follow, listbox, status };
}
