/**
 * One contact: who they are, their answers, and their GDPR rights: the export (admins, or the
 * account's manager) and the erasure (admins, after a confirmation naming the person). Answers
 * come from the export, which is the only route listing one person's answers; viewers see the
 * details only. The API returns 404 outside a manager's accounts.
 */
import { useState } from "preact/hooks";
import { AnswersTable } from "../components/AnswersTable";
import { Badge, Card, Empty, ErrorBox, Link, PageHead, Spinner } from "../components/ui";
import { useAsync } from "../data";
import { api, urls } from "../endpoints";
import { fmtDate } from "../format";
import { t } from "../i18n";
import { can, useSession } from "../session";
import { useSurveys } from "../surveys";

type Erased = Awaited<ReturnType<typeof api.eraseContact>>;

const str = (v: unknown) => (typeof v === "string" ? v : null);

export function ContactPage({ id }: { id: string }) {
  const session = useSession();
  const admin = can(session, "admin");
  const mayExport = can(session, "admin", "manager");
  const contact = useAsync(() => api.contact(id), [id]);
  const held = useAsync(() => (mayExport ? api.contactExport(id) : Promise.resolve(null)), [id, mayExport]);
  const surveys = useSurveys();
  const surveyOf = new Map(surveys.state === "ok" ? surveys.data.map((s) => [s.id, s] as const) : []);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<unknown>(null);
  const [erased, setErased] = useState<{ name: string; result: Erased } | null>(null);

  const back = <Link href="/accounts">← {t("accounts.title")}</Link>;
  if (erased)
    return (
      <>
        <PageHead title={t("contact.title")} sub={back} />
        <div class="notice done" role="status">
          {t("contact.erased", { name: erased.name, responses: erased.result.responses, invitations: erased.result.invitations })}
        </div>
      </>
    );
  if (contact.state === "loading") return <Spinner />;
  if (contact.state === "error")
    return (
      <>
        <PageHead title={t("contact.title")} sub={back} />
        <ErrorBox error={contact.error} what={t("contact.title")} />
      </>
    );
  const c = contact.data;
  const name = c.name || c.email || c.id;
  const account = held.state === "ok" ? held.data?.account : null;
  const answers = held.state === "ok" && held.data ? held.data.responses : [];

  async function erase() {
    setBusy(true);
    setFailed(null);
    try {
      setErased({ name, result: await api.eraseContact(c.id) });
    } catch (e) {
      setFailed(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <PageHead
        title={name}
        sub={c.accountId ? <Link href={"/accounts/" + encodeURIComponent(c.accountId)}>← {account?.name ?? t("contact.account")}</Link> : back}
      />
      <div class="grid-2-1">
        <Card title={t("contact.answers")}>
          {!mayExport ? (
            <Empty>{t("contact.answersHidden")}</Empty>
          ) : held.state === "loading" || surveys.state === "loading" ? (
            <Spinner />
          ) : held.state === "error" ? (
            <ErrorBox error={held.error} />
          ) : answers.length === 0 ? (
            <Empty>{t("contact.noAnswers")}</Empty>
          ) : (
            <AnswersTable
              testId="contact-answers"
              surveyOf={(id) => surveyOf.get(id)}
              rows={answers.map((r) => ({
                id: String(r.id),
                score: typeof r.score === "number" ? r.score : null,
                comment: str(r.comment),
                createdAt: str(r.createdAt),
                surveyId: String(r.surveyId),
              }))}
            />
          )}
        </Card>
        <div class="stack">
          <Card title={t("contact.details")}>
            <dl class="details">
              <dt>{t("contact.email")}</dt>
              <dd>{c.email ?? "—"}</dd>
              <dt>{t("contact.account")}</dt>
              <dd>
                {c.accountId ? (
                  <Link href={"/accounts/" + encodeURIComponent(c.accountId)}>{account?.name ?? c.accountId}</Link>
                ) : (
                  t("contact.noAccount")
                )}
              </dd>
              <dt>{t("contact.subscription")}</dt>
              <dd>
                {c.unsubscribedAt ? (
                  <Badge kind="neutral">{t("contact.unsubscribedOn", { date: fmtDate(c.unsubscribedAt) })}</Badge>
                ) : (
                  <Badge kind="ok">{t("contact.subscribed")}</Badge>
                )}
              </dd>
            </dl>
          </Card>
          {mayExport && (
            <Card title={t("contact.gdpr")} class="gdpr">
              <p class="muted small">{t("contact.exportHint")}</p>
              <p>
                <a class="btn secondary" href={urls.contactExport(c.id)} download>
                  {t("contact.export")}
                </a>
              </p>
              {admin && (
                <>
                  <p class="muted small">{t("contact.eraseHint")}</p>
                  {!confirming ? (
                    <p>
                      <button type="button" class="btn danger" onClick={() => setConfirming(true)}>
                        {t("contact.erase")}
                      </button>
                    </p>
                  ) : (
                    <div class="notice confirm" role="alertdialog" aria-labelledby="erase-h" aria-describedby="erase-d">
                      <strong id="erase-h">{t("contact.confirmTitle", { name })}</strong>
                      <p id="erase-d">{t("contact.confirmBody", { name })}</p>
                      <div class="row">
                        <button type="button" class="btn danger" disabled={busy} onClick={() => void erase()}>
                          {t("contact.confirm", { name })}
                        </button>
                        <button type="button" class="btn ghost" disabled={busy} onClick={() => setConfirming(false)}>
                          {t("contact.cancel")}
                        </button>
                      </div>
                    </div>
                  )}
                  {failed !== null && <ErrorBox error={failed} />}
                </>
              )}
            </Card>
          )}
        </div>
      </div>
    </>
  );
}
