import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";

type FieldShell = { name: string; label: string; error?: string | null; hint?: ReactNode };

function describedBy(name: string, error?: string | null, hint?: ReactNode) {
  const ids = [hint ? `${name}-hint` : null, error ? `${name}-error` : null].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

function FieldFrame({ name, label, error, hint, children }: FieldShell & { children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      {hint ? (
        <span className="hint" id={`${name}-hint`}>
          {hint}
        </span>
      ) : null}
      {children}
      {error ? (
        <span className="field-error" id={`${name}-error`} role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

export function TextField({ name, label, error, hint, ...input }: FieldShell & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <FieldFrame name={name} label={label} error={error} hint={hint}>
      <input id={name} name={name} aria-invalid={error ? true : undefined} aria-describedby={describedBy(name, error, hint)} {...input} />
    </FieldFrame>
  );
}

export function TextAreaField({ name, label, error, hint, ...textarea }: FieldShell & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <FieldFrame name={name} label={label} error={error} hint={hint}>
      <textarea id={name} name={name} aria-invalid={error ? true : undefined} aria-describedby={describedBy(name, error, hint)} {...textarea} />
    </FieldFrame>
  );
}

/** A labelled select; `placeholder` is a first option with an empty value ("Any category"). */
export function SelectField({
  name,
  label,
  error,
  hint,
  options,
  placeholder,
  placeholderDisabled = false,
  ...select
}: FieldShell & SelectHTMLAttributes<HTMLSelectElement> & { options: { value: string; label: string }[]; placeholder?: string; placeholderDisabled?: boolean }) {
  return (
    <FieldFrame name={name} label={label} error={error} hint={hint}>
      <select id={name} name={name} aria-invalid={error ? true : undefined} aria-describedby={describedBy(name, error, hint)} {...select}>
        {placeholder ? (
          <option value="" disabled={placeholderDisabled}>
            {placeholder}
          </option>
        ) : null}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

export function FormError({ message }: { message?: string | null }) {
  return message ? (
    <p className="form-error" role="alert">
      {message}
    </p>
  ) : null;
}
