import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { endSessionFromCookie } from "~/models/accounts/auth.server";
import { cookieOptionsFor } from "~/lib/http.server";
import { redirectWithCookie } from "~/lib/http.server";

// Sign-out is POST only: a GET that changed state could be triggered by any link or image.
export async function loader() {
  return redirect("/");
}

export async function action({ request }: ActionFunctionArgs) {
  return redirectWithCookie("/", await endSessionFromCookie(request.headers.get("cookie"), cookieOptionsFor(request)));
}
