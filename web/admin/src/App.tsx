/** The shell: sign-in gate, navigation, language switch, and the page for the current path. */
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { restoreDrafts } from "./drafts";
import { Brand, Link, Spinner } from "./components/ui";
import { t, useLocale, type Key } from "./i18n";
import { navigate, useRoute } from "./router";
import { logout, useSession } from "./session";
import { LocaleSwitch } from "./components/LocaleSwitch";
import { Login } from "./pages/Login";
import { ForgotPassword } from "./pages/ForgotPassword";
import { ResetPassword } from "./pages/ResetPassword";
import { AcceptInvitation } from "./pages/AcceptInvitation";
import { Overview } from "./pages/Overview";
import { Retention } from "./pages/Retention";
import { Accounts } from "./pages/Accounts";
import { AccountPage } from "./pages/Account";
import { Comments } from "./pages/Comments";
import { Surveys } from "./pages/Surveys";
import { SurveyEditor } from "./pages/SurveyEditor";
import { Goals } from "./pages/Goals";
import { Digest } from "./pages/Digest";
import { ImportPage } from "./pages/Import";
import { Settings } from "./pages/Settings";
import { Waves } from "./pages/Waves";
import { ContactPage } from "./pages/Contact";

const NAV: { href: string; key: Key; icon: string; roles?: string[] }[] = [
  { href: "/", key: "nav.overview", icon: "M3 13h4v8H3zM10 8h4v13h-4zM17 3h4v18h-4z" },
  { href: "/retention", key: "nav.retention", icon: "M3 17l6-6 4 4 8-8M15 7h6v6" },
  { href: "/accounts", key: "nav.accounts", icon: "M4 21V5l8-3 8 3v16M9 21v-5h6v5M8 8h2M14 8h2M8 12h2M14 12h2" },
  { href: "/comments", key: "nav.comments", icon: "M4 5h16v11H9l-5 4z" },
  { href: "/surveys", key: "nav.surveys", icon: "M5 3h14v18H5zM9 8h6M9 12h6M9 16h4" },
  { href: "/waves", key: "nav.waves", icon: "M2 12c2.5-5 5-5 7.5 0s5 5 7.5 0 3.5-3 5-3M2 18c2.5-5 5-5 7.5 0s5 5 7.5 0 3.5-3 5-3" },
  { href: "/digest", key: "nav.digest", icon: "M4 4h16v16H4zM8 9h8M8 13h8M8 17h5" },
  { href: "/goals", key: "nav.goals", icon: "M12 21a9 9 0 1 1 0-18 9 9 0 0 1 0 18zM12 16a4 4 0 1 1 0-8 4 4 0 0 1 0 8z" },
  { href: "/import", key: "nav.import", icon: "M12 3v12M7 10l5 5 5-5M4 19h16", roles: ["admin"] },
  {
    href: "/settings",
    key: "nav.settings",
    icon: "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM4 12h2M18 12h2M12 4v2M12 18v2M6.3 6.3l1.4 1.4M16.3 16.3l1.4 1.4M6.3 17.7l1.4-1.4M16.3 7.7l1.4-1.4",
    roles: ["admin", "manager"],
  },
];

/** Pages for people who are not signed in (yet): they open from a link in an e-mail or the sign-in page. */
const PUBLIC_PAGES: Record<string, () => JSX.Element> = {
  "/forgot-password": ForgotPassword,
  "/reset-password": ResetPassword,
  "/invitation": AcceptInvitation,
};

function page(path: string) {
  const parts = path.split("/").filter(Boolean);
  switch (parts[0]) {
    case undefined:
      return <Overview />;
    case "retention":
      return <Retention />;
    case "accounts":
      return parts[1] ? <AccountPage id={decodeURIComponent(parts[1])} /> : <Accounts />;
    case "comments":
      return <Comments />;
    case "contacts":
      return parts[1] ? <ContactPage id={decodeURIComponent(parts[1])} /> : <Accounts />;
    case "waves":
      return <Waves />;
    case "surveys":
      return parts[1] ? <SurveyEditor id={parts[1] === "new" ? null : decodeURIComponent(parts[1])} /> : <Surveys />;
    case "goals":
      return <Goals />;
    case "digest":
      return <Digest />;
    case "settings":
      return <Settings />;
    case "import":
      return <ImportPage />;
    default:
      return (
        <div class="card">
          <h1>{t("error.notFound")}</h1>
          <Link href="/">{t("nav.overview")}</Link>
        </div>
      );
  }
}

export function App() {
  useLocale();
  const route = useRoute();
  const session = useSession();
  const onLogin = route.path === "/login";
  const Public = PUBLIC_PAGES[route.path];

  useEffect(() => {
    if (session.status === "anonymous" && !onLogin && !Public) {
      navigate("/login" + "?next=" + encodeURIComponent(location.pathname + location.search), { replace: true });
    }
    if (session.status === "signed-in" && onLogin) {
      const next = route.query.get("next");
      navigate(next?.startsWith("/admin") && !next.startsWith("/admin/login") ? next : "/", { replace: true });
    }
  }, [session.status, onLogin]);

  // Back from signing in again: put back what was being typed when the session expired.
  const [restored, setRestored] = useState(0);
  const userId = session.status === "signed-in" ? session.user.id : null;
  useEffect(() => (userId && !onLogin && !Public ? restoreDrafts(userId, setRestored) : undefined), [userId, onLogin, route.path]);

  // Move focus to the new page's heading so keyboard and screen-reader users know it changed.
  useEffect(() => {
    document.getElementById("page-title")?.focus({ preventScroll: true });
  }, [route.path]);

  if (Public) return <Public />;
  if (session.status === "loading") return <Spinner />;
  if (session.status === "anonymous" || onLogin) return <Login authMissing={session.status === "anonymous" && session.authMissing} />;

  const user = session.user;
  const section = "/" + (route.path.split("/")[1] ?? "");
  return (
    <div class="shell">
      <a class="skip" href="#main">
        {t("skip")}
      </a>
      <aside class="sidebar">
        <Brand />
        <nav aria-label={t("nav.label")}>
          <ul>
            {NAV.filter((n) => !n.roles || n.roles.includes(user.role)).map((n) => (
              <li key={n.href}>
                <Link href={n.href} aria-current={section === n.href || (n.href === "/" && section === "/") ? "page" : undefined}>
                  <svg
                    viewBox="0 0 24 24"
                    width="18"
                    height="18"
                    aria-hidden="true"
                    fill="none"
                    stroke="currentColor"
                    stroke-width="1.8"
                    stroke-linecap="round"
                    stroke-linejoin="round"
                  >
                    <path d={n.icon} />
                  </svg>
                  {t(n.key)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div class="sidebar-foot">
          <LocaleSwitch />
        </div>
      </aside>
      <div class="main-col">
        <header class="topbar">
          <div class="whoami">
            <span class="avatar" aria-hidden="true">
              {(user.name || user.email).slice(0, 1).toUpperCase()}
            </span>
            <span>
              <strong>{user.name || user.email}</strong>
              <small class="muted">{t(("role." + user.role) as "role.admin")}</small>
            </span>
          </div>
          <button type="button" class="btn ghost" onClick={() => void logout()}>
            {t("logout")}
          </button>
        </header>
        <main id="main">
          {restored > 0 && (
            <p class="notice" role="status" data-testid="draft-restored">
              {t("drafts.restored", { n: String(restored) })}
            </p>
          )}
          {page(route.path)}
        </main>
      </div>
    </div>
  );
}
