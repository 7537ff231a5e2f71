import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Form,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { ErrorPage } from "~/components/error-page";
import { usePlainLinkNavigation } from "~/components/link-navigation";
import { useNonce } from "~/components/nonce";
import { PRODUCT_NAME, SITE_NAME } from "~/lib/site";
import { MAX_QUERY_LENGTH } from "~/models/search/rules";
import { isSuspended, navCapabilities } from "~/lib/permissions.server";
import { unreadNotificationCount } from "~/models/notifications/notifications.server";
import { pendingEmailConfirmation } from "~/models/accounts/email-confirmation.server";
import { ResendConfirmationForm } from "~/components/resend-confirmation-form";
import stylesHref from "~/styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesHref },
  { rel: "icon", href: "/favicon.ico" },
];

export const meta: MetaFunction = () => [{ title: SITE_NAME }];

export async function loader({ context }: LoaderFunctionArgs) {
  const { actor } = context;
  if (actor.kind !== "user") return { user: null, nav: navCapabilities(actor) };
  const [unreadNotifications, emailConfirmation] = await Promise.all([
    unreadNotificationCount(actor),
    pendingEmailConfirmation(actor),
  ]);
  return {
    user: {
      username: actor.username,
      unreadNotifications,
      suspendedUntil: isSuspended(actor) ? actor.suspendedUntil : null,
      emailToConfirm: emailConfirmation?.email ?? null,
    },
    nav: navCapabilities(actor),
  };
}

export function useSignedInUser() {
  return useRouteLoaderData<typeof loader>("root")?.user ?? null;
}

/** Which links the actor gets, decided by the permission module (null when the root loader failed). */
export function useNavCapabilities() {
  return useRouteLoaderData<typeof loader>("root")?.nav ?? null;
}

function Header() {
  const user = useSignedInUser();
  const nav = useNavCapabilities();
  return (
    <header className="site-header">
      <div className="container header-row">
        <Link to="/" className="brand">
          <span className="brand-name">{SITE_NAME}</span>
          <span className="brand-sub">{PRODUCT_NAME} questions and answers</span>
        </Link>
        <form method="get" action="/search" role="search" className="header-search">
          <label htmlFor="site-search" className="visually-hidden">
            Search questions and articles
          </label>
          <input
            id="site-search"
            type="search"
            name="q"
            placeholder="Search questions and articles"
            maxLength={MAX_QUERY_LENGTH}
          />
          <button type="submit" className="button button-small">
            Search
          </button>
        </form>
        <nav aria-label="Main" className="main-nav">
          <NavLink to="/questions">Questions</NavLink>
          <NavLink to="/kb">Knowledge base</NavLink>
          <NavLink to="/tags">Tags</NavLink>
          <NavLink to="/leaderboards">Leaderboards</NavLink>
          <NavLink to="/badges">Badges</NavLink>
          <NavLink to="/questions/ask" className="button button-small">
            Ask a question
          </NavLink>
          {user ? (
            <>
              {nav?.supportQueue ? <NavLink to="/support">Support queue</NavLink> : null}
              {nav?.moderation ? <NavLink to="/mod">Moderation</NavLink> : null}
              {nav?.mySupport ? <NavLink to="/my/support">My support</NavLink> : null}
              {nav?.rewards ? <NavLink to="/rewards">Rewards</NavLink> : null}
              <NavLink
                to="/notifications"
                aria-label={`Notifications, ${user.unreadNotifications} unread`}
                className="bell"
              >
                <svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24" className="bell-icon">
                  <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
                </svg>
                {user.unreadNotifications > 0 ? (
                  <span className="bell-count" aria-hidden="true">
                    {user.unreadNotifications}
                  </span>
                ) : null}
              </NavLink>
              <NavLink to={`/users/${user.username}`}>{user.username}</NavLink>
              <Form method="post" action="/logout" className="inline-form">
                <button type="submit" className="link-button">
                  Sign out
                </button>
              </Form>
            </>
          ) : (
            <>
              <NavLink to="/login">Sign in</NavLink>
              <NavLink to="/signup">Sign up</NavLink>
            </>
          )}
        </nav>
      </div>
    </header>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

function SuspensionBanner() {
  const user = useSignedInUser();
  if (!user?.suspendedUntil) return null;
  return (
    <p className="notice notice-warning" role="status">
      Your account is suspended until {new Date(user.suspendedUntil).toUTCString()}. You can read, but not post, vote or
      flag. <Link to={`/users/${user.username}`}>Why?</Link>
    </p>
  );
}

function EmailConfirmationBanner() {
  const user = useSignedInUser();
  if (!user?.emailToConfirm) return null;
  return (
    <div className="notice notice-confirm-email" role="status">
      {`Check your email: we sent a link to ${user.emailToConfirm} to confirm it is yours. Until then you can read everything, and what you post waits, seen only by you (roles that come with your address wait too). `}
      <ResendConfirmationForm className="link-button" />
    </div>
  );
}

function Chrome({ children }: { children: ReactNode }) {
  return (
    <>
      <Header />
      <main id="main" className="container" tabIndex={-1}>
        <SuspensionBanner />
        <EmailConfirmationBanner />
        {children}
      </main>
      <footer className="site-footer">
        <div className="container">
          {SITE_NAME} runs on Hearth. Be kind: everyone here is a customer or a colleague.
        </div>
      </footer>
    </>
  );
}

export default function App() {
  usePlainLinkNavigation();
  return (
    <Chrome>
      <Outlet />
    </Chrome>
  );
}

export function ErrorBoundary() {
  return (
    <Chrome>
      <ErrorPage />
    </Chrome>
  );
}
