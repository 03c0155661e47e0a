/**
 * Settings → Invitations (admins): invite someone by e-mail with a role, see the open invitations
 * (pending or expired, when they expire, how the link left), re-send (a new link; the old one
 * dies) or revoke. When the link could not be e-mailed it is shown once, to pass on by hand.
 */
import { useState } from "preact/hooks";
import { Secret } from "../components/Secret";
import { Badge, Card, DefaultableOption, Empty, ErrorBox, Field, Spinner } from "../components/ui";
import { useAsync, useMutation } from "../data";
import { api } from "../endpoints";
import { oneOf } from "../filters";
import { fmtDateTime } from "../format";
import { getLocale, t } from "../i18n";
import { ROLES } from "../../../../worker/domain/vocabulary";

type Sent = Awaited<ReturnType<typeof api.invite>>;

export function Invitations() {
  const list = useAsync(() => api.invitations(), []);
  const { error, run } = useMutation(list.reload);
  const [outcome, setOutcome] = useState<Sent | null>(null);

  /** Invite, re-send or revoke; a link that could not be e-mailed is shown once (`outcome`). */
  async function act(f: () => Promise<Sent | null>) {
    setOutcome(null);
    const r = await run(f);
    if (r) setOutcome(r);
    return r !== undefined;
  }

  async function invite(e: Event) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const d = new FormData(form);
    const ok = await act(() =>
      api.invite({
        email: String(d.get("email")).trim(),
        // The select offers every role; the least-privileged one stands in for the impossible.
        role: oneOf(ROLES, d.get("role")) ?? "viewer",
        locale: d.get("locale") === "fr" ? "fr" : "en",
      }),
    );
    if (ok) form.reset();
  }

  return (
    <Card title={t("invite.card")} id="invitations">
      {outcome &&
        (outcome.link ? (
          <Secret
            label={t(outcome.invitation.delivery === "email_failed" ? "invite.linkFailed" : "invite.linkNoEmail", {
              email: outcome.invitation.email,
            })}
            value={outcome.link}
            onClose={() => setOutcome(null)}
          />
        ) : (
          <p class="notice done" role="status" data-testid="invite-sent">
            {t("invite.sent", { email: outcome.invitation.email })}
          </p>
        ))}
      <form class="inline-form" onSubmit={invite} aria-label={t("invite.submitForm")}>
        <Field label={t("login.email")} id="i-email">
          <input id="i-email" name="email" type="email" required maxLength={320} />
        </Field>
        <Field label={t("settings.role")} id="i-role">
          {/* Account managers are whom admins invite most: chosen by default, and again after each invitation. */}
          <select id="i-role" name="role">
            {ROLES.map((r) => (
              <DefaultableOption key={r} value={r} byDefault={r === "manager"}>
                {t(`role.${r}`)}
              </DefaultableOption>
            ))}
          </select>
        </Field>
        <Field label={t("invite.language")} id="i-locale">
          <select id="i-locale" name="locale">
            <DefaultableOption value="en" byDefault={getLocale() === "en"}>
              English
            </DefaultableOption>
            <DefaultableOption value="fr" byDefault={getLocale() === "fr"}>
              Français
            </DefaultableOption>
          </select>
        </Field>
        <button class="btn primary" type="submit">
          {t("invite.submitForm")}
        </button>
      </form>
      {error !== null && <ErrorBox error={error} />}
      {list.state === "loading" ? (
        <Spinner />
      ) : list.state === "error" ? (
        <ErrorBox error={list.error} what={t("invite.card")} />
      ) : list.data.data.length === 0 ? (
        <Empty>{t("invite.none")}</Empty>
      ) : (
        <div class="table-wrap">
          <table class="table" aria-label={t("invite.pendingList")}>
            <thead>
              <tr>
                <th scope="col">{t("login.email")}</th>
                <th scope="col">{t("settings.role")}</th>
                <th scope="col">{t("settings.state")}</th>
                <th scope="col">{t("invite.expires")}</th>
                <th scope="col">{t("invite.sentHow")}</th>
                <th scope="col">
                  <span class="sr-only">{t("settings.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((i) => (
                <tr key={i.id} data-invitation={i.email}>
                  <td>{i.email}</td>
                  <td>{t(`role.${i.role}`)}</td>
                  <td>{i.status === "expired" ? <Badge kind="bad">{t("invite.expired")}</Badge> : <Badge kind="ok">{t("invite.pending")}</Badge>}</td>
                  <td>{fmtDateTime(i.expiresAt)}</td>
                  <td>{t(`invite.delivery.${i.delivery}`, { n: i.sendCount })}</td>
                  <td class="row-actions">
                    <button type="button" class="btn ghost small" onClick={() => void act(() => api.resendInvitation(i.id))}>
                      {t("invite.resend")}
                      <span class="sr-only"> {i.email}</span>
                    </button>
                    <button type="button" class="btn ghost small" onClick={() => void act(() => api.revokeInvitation(i.id).then(() => null))}>
                      {t("invite.revoke")}
                      <span class="sr-only"> {i.email}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
