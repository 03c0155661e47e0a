/**
 * "Forgot password?": asks for a reset link by e-mail. The answer is the same whether or not the
 * address has an account (the server's too), so the page never tells who is a user.
 */
import { useState } from "preact/hooks";
import { AuthCard, authErrorText } from "../components/AuthCard";
import { Link } from "../components/ui";
import { api } from "../endpoints";
import { getLocale, t } from "../i18n";

export function ForgotPassword() {
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    const email = String(new FormData(e.currentTarget as HTMLFormElement).get("email") ?? "").trim();
    setBusy(true);
    setError(null);
    try {
      await api.requestPasswordReset({ email, locale: getLocale() });
      setSentTo(email);
    } catch (err) {
      setError(authErrorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthCard title={t("forgot.title")} sub={sentTo ? undefined : t("forgot.sub")}>
      {sentTo ? (
        <div class="notice done" role="status" data-testid="forgot-sent">
          {t("forgot.sent", { email: sentTo })}
        </div>
      ) : (
        <form onSubmit={submit} class="stack" aria-describedby={error ? "forgot-error" : undefined}>
          <div class="field">
            <label for="email">{t("login.email")}</label>
            <input id="email" name="email" type="email" autoComplete="username" required maxLength={320} />
          </div>
          {error && (
            <div class="notice error" role="alert" id="forgot-error">
              {error}
            </div>
          )}
          <button class="btn primary wide" type="submit" disabled={busy}>
            {busy ? t("loading") : t("forgot.submit")}
          </button>
        </form>
      )}
      <p class="auth-aside">
        <Link href="/login">{t("forgot.back")}</Link>
      </p>
    </AuthCard>
  );
}
