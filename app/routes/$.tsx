import { notFound } from "~/lib/http.server";

// Any path no other route claims is a real 404 page, for reads and writes alike.
export async function loader() {
  notFound();
}

export async function action() {
  notFound();
}

// A component makes this a page route, so the 404 renders in the site's error page (not as JSON).
export default function NotFound() {
  return null;
}
