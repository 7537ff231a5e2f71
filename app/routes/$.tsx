import { notFound } from "~/lib/http.server";

// Any path no other route claims is a real 404, for reads and writes alike.
export async function loader() {
  notFound();
}

export async function action() {
  notFound();
}
