import { Form } from "@remix-run/react";

/** Asks for a new confirmation link for the signed-in person's address (works without JavaScript). */
export function ResendConfirmationForm({ className = "button" }: { className?: string }) {
  return (
    <Form method="post" action="/confirm-email" className="inline-form">
      <input type="hidden" name="intent" value="resend" />
      <button type="submit" className={className}>
        Send a new link
      </button>
    </Form>
  );
}
