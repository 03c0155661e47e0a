/**
 * The page a reset e-mail links to: choose a new password. Every session of the account ends on
 * the server; the person then signs in with the new password.
 */
import { useEffect, useState } from "preact/hooks";
import { AuthCard, authErrorText, NewPassword, useLinkToken } from "../components/AuthCard";
import { Link } from "../components/ui";
import { api } from "../endpoints";
import { t } from "../i18n";
import { navigate } from "../router";

export function ResetPassword() {
  const token = useLinkToken();
  const [error, setError] = useState<string | null>(token ? null : t("link.invalid"));
  const [busy, setBusy] = useState(false);
  useEffect(() => setError(token ? null : t("link.invalid")), [token]);

  async function submit(e: Event) {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const password = String(form.get("password") ?? "");
    if (password !== String(form.get("confirm") ?? "")) return setError(t("password.mismatch"));
    setBusy(true);
    setError(null);
    try {
      const { email } = await api.confirmPasswordReset({ token, password });
      navigate(`/login?reset=done&email=${encodeURIComponent(email)}`, { replace: true });
    } catch (err) {
      setError(authErrorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthCard title={t("reset.title")} sub={t("reset.sub")}>
      <form onSubmit={submit} class="stack" aria-describedby={error ? "reset-error" : "password-hint"}>
        <NewPassword label={t("reset.new")} />
        {error && (
          <div class="notice error" role="alert" id="reset-error">
            {error}
          </div>
        )}
        <button class="btn primary wide" type="submit" disabled={busy || !token}>
          {busy ? t("loading") : t("reset.submit")}
        </button>
      </form>
      <p class="auth-aside">
        <Link href="/forgot-password">{t("reset.again")}</Link>
      </p>
    </AuthCard>
  );
}
