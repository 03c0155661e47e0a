/** Sign in with email and password (session cookie set by the server, HttpOnly). */
import { useState } from "preact/hooks";
import { ApiError, Unavailable } from "../api";
import { AuthCard } from "../components/AuthCard";
import { Link } from "../components/ui";
import { useAsync } from "../data";
import { api } from "../endpoints";
import { t } from "../i18n";
import { useRoute } from "../router";
import { login } from "../session";

export function Login({ authMissing }: { authMissing?: boolean }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const route = useRoute();
  // "Forgot password?" only where a reset e-mail can actually leave (GET /auth/options).
  const options = useAsync(() => api.authOptions(), []);
  const canReset = options.state === "ok" && options.data.passwordReset;

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
    <AuthCard title={t("login.title")} sub={t("login.sub")}>
      {authMissing && (
        <div class="notice unavailable" role="note">
          {t("login.unavailable")}
        </div>
      )}
      {route.query.get("reset") === "done" && (
        <div class="notice done" role="status" data-testid="reset-done">
          {t("reset.done")}
        </div>
      )}
      <form onSubmit={submit} class="stack" aria-describedby={error ? "login-error" : undefined}>
        <div class="field">
          <label for="email">{t("login.email")}</label>
          <input
            id="email"
            name="email"
            type="email"
            autoComplete="username"
            required
            maxLength={320}
            defaultValue={route.query.get("email") ?? ""}
          />
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
      {canReset && (
        <p class="auth-aside">
          <Link href="/forgot-password">{t("login.forgot")}</Link>
        </p>
      )}
    </AuthCard>
  );
}
