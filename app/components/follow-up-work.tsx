import { Form } from "@remix-run/react";
import type { ReplyCoach } from "~/models/support/reply-coach";
import { PRIORITY_LABELS, REPLY_THEN, REPLY_THEN_LABELS, STATUS_LABELS } from "~/models/support/rules";
import { CoachedTextArea } from "./reply-coach";
import { FormError, SelectField, TextAreaField } from "./ui/field";

/**
 * Staff work a follow-up through one form: the work panel, the reply box, the macro menu and the
 * note box all belong to it (the controls outside the panel join it with the `form` attribute), and
 * each button names its action (`intent`). So every action sends the reply box along, and the server
 * keeps it as the staff member's draft before it does anything else: nothing typed is lost, with or
 * without JavaScript.
 */
export const STAFF_FORM_ID = "follow-up-work";

type Failure = {
  formError: string | null;
  fieldErrors: Record<string, string | undefined>;
  values?: Record<string, string>;
} | null;

/** A select and the button that applies it: the action (`intent`) is the select's name ("assign" for the assignee). */
function ActionSelect({
  name,
  label,
  button,
  defaultValue,
  placeholder,
  options,
  failure,
}: {
  name: "assignee" | "priority" | "status";
  label: string;
  button: string;
  defaultValue: string;
  placeholder?: string;
  options: { value: string; label: string }[];
  failure: Failure;
}) {
  return (
    <div className="inline-fields">
      <SelectField
        name={name}
        label={label}
        defaultValue={defaultValue}
        placeholder={placeholder}
        placeholderDisabled
        error={failure?.fieldErrors[name]}
        options={options}
      />
      <button
        type="submit"
        name="intent"
        value={name === "assignee" ? "assign" : name}
        className="button button-secondary button-small"
      >
        {button}
      </button>
    </div>
  );
}

export function WorkPanel({
  followUp,
  staff,
  failure,
}: {
  followUp: { status: string; priority: string; assignee: string | null };
  staff: string[];
  failure: Failure;
}) {
  return (
    <section aria-labelledby="work-heading" className="panel work-panel">
      <h2 id="work-heading">Work on it</h2>
      {/* Keyed by the current state, so the selects show it after each change. */}
      <Form
        method="post"
        id={STAFF_FORM_ID}
        noValidate
        className="work-forms"
        key={`${followUp.status}-${followUp.priority}-${followUp.assignee}`}
      >
        {followUp.assignee !== null ? null : (
          <button type="submit" name="intent" value="take" className="button">
            Take it
          </button>
        )}
        <ActionSelect
          name="assignee"
          label="Assign to"
          button="Assign"
          defaultValue={followUp.assignee ?? ""}
          placeholder="Choose"
          failure={failure}
          options={staff.map((name) => ({ value: name, label: name }))}
        />
        <ActionSelect
          name="priority"
          label="Priority"
          button="Set priority"
          defaultValue={followUp.priority}
          failure={failure}
          options={Object.entries(PRIORITY_LABELS).map(([value, label]) => ({ value, label }))}
        />
        <ActionSelect
          name="status"
          label="Status"
          button="Set status"
          defaultValue={followUp.status}
          failure={failure}
          options={Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label }))}
        />
      </Form>
    </section>
  );
}

/**
 * The staff reply box: a private reply that keeps the follow-up open unless staff choose otherwise,
 * filled from their draft; macros insert their text into it (through the server, which also counts
 * the use and fills the placeholders, so the coach checks the filled text).
 */
export function StaffReplyBox({
  draft,
  macros,
  coach,
  failure,
  submitting,
}: {
  draft: { body: string; visibility: string; then: string } | null;
  macros: { id: number; title: string }[];
  coach: ReplyCoach | null;
  failure: Failure;
  submitting: boolean;
}) {
  const form = STAFF_FORM_ID;
  return (
    <div className="staff-reply">
      <div className="inline-fields">
        {macros.length > 0 ? (
          <>
            <SelectField
              form={form}
              name="macro"
              label="Insert a macro"
              placeholder="Choose a macro"
              defaultValue={failure?.values?.macro ?? ""}
              error={failure?.fieldErrors.macro}
              options={macros.map((macro) => ({ value: String(macro.id), label: macro.title }))}
            />
            <button
              form={form}
              type="submit"
              name="intent"
              value="macro"
              className="button button-secondary button-small"
            >
              Insert
            </button>
          </>
        ) : null}
        <a className="hint" href="/support/macros">
          {macros.length > 0 ? "Edit macros" : "No macros yet: write one"}
        </a>
      </div>
      <FormError message={failure?.values?.intent === "reply" ? failure.formError : null} />
      <CoachedTextArea
        form={form}
        name="body"
        id="reply-body"
        label="Reply"
        rows={6}
        defaultValue={failure?.values?.body ?? draft?.body}
        error={failure?.fieldErrors.body}
        hint="Kept as your draft whatever else you do on this page, until you send it."
        coach={coach}
      />
      <div className="inline-fields">
        <SelectField
          form={form}
          name="visibility"
          label="Post it"
          defaultValue={failure?.values?.visibility ?? draft?.visibility ?? "private"}
          error={failure?.fieldErrors.visibility}
          options={[
            { value: "private", label: "Privately (customer and staff only)" },
            { value: "thread", label: "In the thread (everyone sees it)" },
          ]}
        />
        <SelectField
          form={form}
          name="then"
          label="Then"
          defaultValue={failure?.values?.then ?? draft?.then ?? "open"}
          error={failure?.fieldErrors.then}
          options={REPLY_THEN.map((value) => ({ value, label: REPLY_THEN_LABELS[value] }))}
        />
      </div>
      <div className="form-actions">
        <button form={form} type="submit" name="intent" value="reply" className="button" disabled={submitting}>
          Send
        </button>
        <button form={form} type="submit" name="intent" value="draft" className="button button-secondary">
          Save draft
        </button>
      </div>
    </div>
  );
}

/** The internal note box, part of the staff form (so adding a note keeps the reply draft). */
export function NoteBox({ failure }: { failure: Failure }) {
  return (
    <div>
      <TextAreaField
        form={STAFF_FORM_ID}
        name="note"
        id="note-body"
        label="Add a note"
        rows={3}
        defaultValue={failure?.values?.note}
        error={failure?.fieldErrors.note}
      />
      <button
        form={STAFF_FORM_ID}
        type="submit"
        name="intent"
        value="note"
        className="button button-secondary button-small"
      >
        Add note
      </button>
    </div>
  );
}
