/** The card of the pages people see before they are signed in: sign in, forgotten password, reset, invitation. */
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, Unavailable } from "../api";
import { t } from "../i18n";
import { LocaleSwitch } from "./LocaleSwitch";
import { Brand } from "./ui";

export function AuthCard({ title, sub, children }: { title: string; sub?: ComponentChildren; children: ComponentChildren }) {
  return (
    <div class="login-page">
      <main class="login-card" id="main">
        <Brand size={40} big />
        <h1 id="page-title" tabIndex={-1}>
          {title}
        </h1>
        {sub && <p class="muted">{sub}</p>}
        {children}
        <LocaleSwitch />
      </main>
    </div>
  );
}

/**
 * The `#token=` of a link from an e-mail. Read, then dropped from the address bar and the history,
 * so the secret does not stay behind in the browser. A second link pasted into the same tab only
 * changes the fragment (no page load): `hashchange` picks it up.
 */
function takeToken(): string | null {
  if (!location.hash) return null;
  const found = new URLSearchParams(location.hash.slice(1)).get("token") ?? "";
  history.replaceState(history.state, "", location.pathname + location.search);
  return found;
}

export function useLinkToken(): string {
  const [token, setToken] = useState(() => takeToken() ?? "");
  useEffect(() => {
    const onHash = () => {
      const next = takeToken();
      if (next !== null) setToken(next);
    };
    addEventListener("hashchange", onHash);
    return () => removeEventListener("hashchange", onHash);
  }, []);
  return token;
}

/**
 * A new password typed twice (the page compares them; the server holds the policy: 10 to 256
 * characters). Its hint is `#password-hint`, for the form's aria-describedby.
 */
export function NewPassword({ label }: { label: string }) {
  return (
    <>
      <div class="field">
        <label for="password">{label}</label>
        <input id="password" name="password" type="password" autoComplete="new-password" required minLength={10} maxLength={256} />
        <small class="muted" id="password-hint">
          {t("password.policy")}
        </small>
      </div>
      <div class="field">
        <label for="confirm">{t("password.confirm")}</label>
        <input id="confirm" name="confirm" type="password" autoComplete="new-password" required minLength={10} maxLength={256} />
      </div>
    </>
  );
}

/** What went wrong with a link or a form, in the reader's language. */
export function authErrorText(err: unknown): string {
  if (err instanceof Unavailable) return t("login.unavailable");
  if (err instanceof ApiError) {
    if (err.code === "invalid_token") return t("link.invalid");
    if (err.code === "token_expired") return t("link.expired");
    if (err.code === "rate_limited") return t("login.rateLimited");
    if (err.code === "account_disabled") return t("link.disabled");
    if (err.code === "email_taken") return t("invite.emailTaken");
    if (err.code === "invalid_field" && err.field === "password") return t("password.policy");
    if (err.status < 500) return err.message;
  }
  return t("error.generic");
}
