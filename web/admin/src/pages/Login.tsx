/** Sign in with email and password (session cookie set by the server, HttpOnly). */
import { useState } from "preact/hooks";
import { ApiError, Unavailable } from "../api";
import { LocaleSwitch } from "../components/LocaleSwitch";
import { Brand } from "../components/ui";
import { t } from "../i18n";
import { login } from "../session";

export function Login({ authMissing }: { authMissing?: boolean }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      await login(String(form.get("email") ?? ""), String(form.get("password") ?? ""));
    } catch (err) {
      if (err instanceof Unavailable) setError(t("login.unavailable"));
      else if (err instanceof ApiError && err.status === 401) setError(t("login.invalid"));
      else if (err instanceof ApiError && err.status === 429) setError(t("login.rateLimited"));
      else if (err instanceof ApiError && err.status < 500) setError(err.message);
      else setError(t("error.generic"));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="login-page">
      <main class="login-card" id="main">
        <Brand size={40} big />
        <h1 id="page-title" tabIndex={-1}>
          {t("login.title")}
        </h1>
        <p class="muted">{t("login.sub")}</p>
        {authMissing && (
          <div class="notice unavailable" role="note">
            {t("login.unavailable")}
          </div>
        )}
        <form onSubmit={submit} class="stack" aria-describedby={error ? "login-error" : undefined}>
          <div class="field">
            <label for="email">{t("login.email")}</label>
            <input id="email" name="email" type="email" autoComplete="username" required maxLength={320} />
          </div>
          <div class="field">
            <label for="password">{t("login.password")}</label>
            <input id="password" name="password" type="password" autoComplete="current-password" required maxLength={200} />
          </div>
          {error && (
            <div class="notice error" role="alert" id="login-error">
              {error}
            </div>
          )}
          <button class="btn primary wide" type="submit" disabled={busy}>
            {busy ? t("loading") : t("login.submit")}
          </button>
        </form>
        <LocaleSwitch />
      </main>
    </div>
  );
}
