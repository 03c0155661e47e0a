/**
 * The page an invitation e-mail links to: shows who is invited and as what, then the invitee
 * chooses a name and a password and is signed in with the invited role.
 */
import { useEffect, useState } from "preact/hooks";
import { AuthCard, authErrorText, NewPassword, useLinkToken } from "../components/AuthCard";
import { Link, Spinner } from "../components/ui";
import { api } from "../endpoints";
import { type Locale, LOCALES, setLocale, t } from "../i18n";
import { navigate } from "../router";
import { acceptInvitation } from "../session";

type Preview = Awaited<ReturnType<typeof api.invitationPreview>>;

export function AcceptInvitation() {
  const token = useLinkToken();
  const [preview, setPreview] = useState<Preview | null>(null);
  const [linkError, setLinkError] = useState<string | null>(token ? null : t("link.invalid"));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setPreview(null);
    setLinkError(token ? null : t("link.invalid"));
    if (!token) return;
    api.invitationPreview(token).then(
      (p) => {
        // The page speaks the language the invitation was written in.
        if (Object.hasOwn(LOCALES, p.locale)) setLocale(p.locale as Locale);
        setPreview(p);
      },
      (err) => setLinkError(authErrorText(err)),
    );
  }, [token]);

  async function submit(e: Event) {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const password = String(form.get("password") ?? "");
    if (password !== String(form.get("confirm") ?? "")) return setError(t("password.mismatch"));
    setBusy(true);
    setError(null);
    try {
      await acceptInvitation({ token, name: String(form.get("name") ?? "").trim(), password });
      navigate("/", { replace: true });
    } catch (err) {
      setError(authErrorText(err));
    } finally {
      setBusy(false);
    }
  }

  if (linkError) {
    return (
      <AuthCard title={t("invite.title")}>
        <div class="notice error" role="alert" data-testid="link-error">
          {linkError}
        </div>
        <p class="auth-aside">
          <Link href="/login">{t("forgot.back")}</Link>
        </p>
      </AuthCard>
    );
  }
  if (!preview) return <Spinner />;
  return (
    <AuthCard title={t("invite.title")} sub={t("invite.sub", { email: preview.email, role: t(`role.${preview.role}`).toLowerCase() })}>
      <form onSubmit={submit} class="stack" aria-describedby={error ? "accept-error" : "password-hint"}>
        <div class="field">
          <label for="email">{t("login.email")}</label>
          <input id="email" name="email" type="email" autoComplete="username" value={preview.email} readOnly />
        </div>
        <div class="field">
          <label for="name">{t("invite.name")}</label>
          <input id="name" name="name" autoComplete="name" required maxLength={200} />
        </div>
        <NewPassword label={t("login.password")} />
        {error && (
          <div class="notice error" role="alert" id="accept-error">
            {error}
          </div>
        )}
        <button class="btn primary wide" type="submit" disabled={busy}>
          {busy ? t("loading") : t("invite.submit")}
        </button>
      </form>
    </AuthCard>
  );
}
