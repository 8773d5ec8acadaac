import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { data } from "@remix-run/node";
import {
  Form,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { RouteError } from "~/components/ui/RouteError";
import { SearchBox } from "~/components/SearchBox";
import { TimeZoneProvider } from "~/components/ui/DateTime";
import stylesheet from "~/styles/app.css?url";
import { DisciplineBadge } from "~/components/ui/Badge";
import { SubmitButton } from "~/components/ui/SubmitButton";
import { unreadCount } from "~/models/notifications-read.server";
import { orgTimeZone } from "~/lib/org-time-zone.server";
import { getOptionalUser } from "~/utils/auth.server";
import { zoneLabel } from "~/utils/format";
import { useNonce } from "~/utils/nonce";
import { readToast } from "~/utils/toast.server";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Triad" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = getOptionalUser(request);
  const { toast, clear } = readToast(request);
  return data(
    {
      user: user ? { id: user.id, name: user.name, role: user.role, discipline: user.discipline } : null,
      // The bell (docs/domain.md, "Notifications"): one count on an index, on every page.
      unread: user ? unreadCount(user.id) : 0,
      toast,
      // Every instant is shown in this zone (docs/domain.md, "Dates and times"): the person's, else the organisation's.
      timeZone: user?.timeZone ?? orgTimeZone(),
    },
    clear ? { headers: { "Set-Cookie": clear } } : undefined,
  );
}

export type RootData = typeof loader;

/**
 * The root loader (the signed-in person, the bell's unread count, the flash message) runs on
 * every navigation, not only after forms, so the bell stays current from page to page.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) =>
  !formMethod || formMethod.toUpperCase() === "GET" ? true : defaultShouldRevalidate;

/** The bell: the unread count in text (readable without JavaScript), linking to /notifications. */
function Bell({ unread }: { unread: number }) {
  const label = `Notifications, ${unread === 0 ? "none" : unread} unread`;
  return (
    <Link to="/notifications" className={unread > 0 ? "bell has-unread" : "bell"} aria-label={label} title={label}>
      <svg aria-hidden="true" focusable="false" className="bell-icon" viewBox="0 0 24 24" width="18" height="18">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
        />
      </svg>
      {unread > 0 ? <span className="bell-count">{unread > 99 ? "99+" : unread}</span> : null}
    </Link>
  );
}

function Header({
  user,
  unread,
}: {
  user: NonNullable<ReturnType<typeof useRouteLoaderData<RootData>>>["user"];
  unread: number;
}) {
  return (
    <header className="site-header">
      <Link to="/" className="brand" aria-label="Triad, go to the dashboard">
        <span aria-hidden="true" className="brand-mark">
          ▲
        </span>{" "}
        Triad
      </Link>
      {user ? (
        <>
          <nav aria-label="Main" className="main-nav">
            <NavLink to="/" end>
              Dashboard
            </NavLink>
            <NavLink to="/projects">Projects</NavLink>
            <NavLink to="/debt">Debt</NavLink>
            {user.role === "admin" ? <NavLink to="/people">People</NavLink> : null}
            {user.role === "admin" ? <NavLink to="/admin/gates">Gates</NavLink> : null}
            {user.role === "admin" ? <NavLink to="/admin/webhooks">Webhooks</NavLink> : null}
            {user.role === "admin" ? <NavLink to="/admin/mail">Mail</NavLink> : null}
            {user.role === "admin" ? <NavLink to="/admin/backups">Backups</NavLink> : null}
            {user.role === "admin" ? <NavLink to="/admin/activity">Activity log</NavLink> : null}
          </nav>
          <SearchBox />
          <div className="user-menu">
            <Bell unread={unread} />
            <Link to="/account" className="user-name">
              {user.name}
            </Link>
            <Link to="/settings/tokens">Tokens</Link>
            <DisciplineBadge discipline={user.discipline} />
            <Form method="post" action="/logout">
              {/* The intent only names this button's pending state: /logout signs out whatever is sent. */}
              <SubmitButton intent="sign-out" variant="link" pendingLabel="Signing out…">
                Sign out
              </SubmitButton>
            </Form>
          </div>
        </>
      ) : null}
    </header>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  const rootData = useRouteLoaderData<RootData>("root");
  const toast = rootData?.toast;
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {/* Light or dark from the system setting (prefers-color-scheme); colours in app.css. */}
        <meta name="color-scheme" content="light dark" />
        <Meta />
        <Links />
      </head>
      <body>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        <Header user={rootData?.user ?? null} unread={rootData?.unread ?? 0} />
        {toast ? (
          <div className={`toast toast-${toast.kind}`} role="status">
            {toast.message}
          </div>
        ) : null}
        <main id="main" className="main">
          <TimeZoneProvider zone={rootData?.timeZone ?? "UTC"}>{children}</TimeZoneProvider>
        </main>
        {rootData?.user ? (
          <footer className="site-footer small muted no-print">
            Times are shown in {zoneLabel(rootData.timeZone)}.{" "}
            <Link to="/account#time-zone-title">Change your time zone</Link>
          </footer>
        ) : null}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <RouteError error={useRouteError()} />;
}
