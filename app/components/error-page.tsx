import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";

const TITLES: Record<number, string> = {
  400: "That request was not understood",
  403: "You are not allowed to do that",
  404: "Page not found",
  405: "That page takes no form",
  413: "That was too large",
  429: "Slow down a little",
};

/** The shared error page: a plain message for 4xx, and nothing internal for anything else. */
export function ErrorPage() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  // Remix's own responses (no such route, no action) carry its internal wording, not ours.
  const internal = isRouteErrorResponse(error) && "internal" in error && error.internal === true;
  const detail = isRouteErrorResponse(error) && !internal && typeof error.data === "string" ? error.data : null;
  const title = TITLES[status] ?? "Something went wrong";
  return (
    <section className="error-page" aria-labelledby="error-title">
      <p className="error-status">Error {status}</p>
      <h1 id="error-title">{title}</h1>
      <p>
        {status < 500 && detail
          ? detail
          : status === 405
            ? "This address shows a page: nothing sent to it is saved. Go back and use the page's own form."
            : status < 500
              ? "Check the address and try again."
              : "We have logged the problem. Please try again in a moment."}
      </p>
      <p>
        <Link to="/">Go to the home page</Link> or <Link to="/questions">browse questions</Link>.
      </p>
    </section>
  );
}
