import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { RelativeTime } from "~/components/relative-time";
import { loaderResult, requireSignedIn } from "~/lib/http.server";
import { listNotifications, markAllNotificationsRead } from "~/models/notifications/notifications.server";

export const meta: MetaFunction = () => [{ title: "Notifications" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireSignedIn(request, context);
  return loaderResult(async () => ({ notifications: await listNotifications(context.actor) }));
}

export async function action({ context }: ActionFunctionArgs) {
  return loaderResult(async () => {
    await markAllNotificationsRead(context.actor);
    return redirect("/notifications", 303);
  });
}

export default function Notifications() {
  const { notifications } = useLoaderData<typeof loader>();
  const unread = notifications.filter((item) => !item.readAt).length;
  return (
    <>
      <div className="page-head">
        <h1>Notifications</h1>
        <span className="page-links">
          <a href="/settings/notifications">Notification settings</a>
          {unread > 0 ? (
            <Form method="post" className="inline-form">
              <button type="submit" className="button button-secondary button-small">
                Mark all read
              </button>
            </Form>
          ) : null}
        </span>
      </div>
      {notifications.length === 0 ? (
        <p>
          Nothing yet. When someone answers your question, mentions you, or posts in something you watch, you will hear
          about it here.
        </p>
      ) : null}
      <ul className="notification-list">
        {notifications.map((item) => (
          <li key={item.id} className={item.readAt ? undefined : "is-unread"}>
            <a href={`/notifications/${item.id}`}>{item.title}</a>{" "}
            {item.readAt ? null : <span className="badge badge-status-new">New</span>}{" "}
            <span className="hint">
              <RelativeTime date={item.createdAt} />
              {item.reason ? ` · ${item.reason}` : null}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}
