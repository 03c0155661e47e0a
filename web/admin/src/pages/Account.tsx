/** One account: details, score history and contacts. The API returns 403/404 outside a manager's scope. */
import { api } from "../endpoints";
import { LineChart } from "../charts/LineChart";
import { Badge, Card, Empty, ErrorBox, Link, PageHead, ScorePill, Spinner } from "../components/ui";
import { useAsync } from "../data";
import { fmtDate, fmtMoney, fmtMonth } from "../format";
import { t } from "../i18n";
import { useSurveys } from "../surveys";
import { COLORS } from "./Overview";

export function AccountPage({ id }: { id: string }) {
  const acc = useAsync(() => api.account(id), [id]);
  const surveys = useSurveys();
  const kindOf = new Map(surveys.state === "ok" ? surveys.data.map((s) => [s.id, s] as const) : []);
  if (acc.state === "loading") return <Spinner />;
  if (acc.state === "error")
    return (
      <>
        <PageHead title={t("accounts.title")} sub={<Link href="/accounts">← {t("accounts.title")}</Link>} />
        {<ErrorBox error={acc.error} what={t("nav.accounts")} />}
      </>
    );
  const a = acc.data;
  const history = [...(a.responses ?? [])].sort((x, y) => (x.createdAt < y.createdAt ? -1 : 1));
  // The chart is on the 0–10 scale: NPS answers only (CSAT and CES are listed below with their survey).
  const npsHistory = history.filter((r) => kindOf.get(r.surveyId)?.kind === "nps");
  return (
    <>
      <PageHead title={a.name} sub={<Link href="/accounts">← {t("accounts.title")}</Link>} />
      <div class="kpis">
        <Card class="kpi">
          <h2 class="kpi-label">{t("accounts.lastScore")}</h2>
          <p class="kpi-value">
            <ScorePill score={a.lastScore} category={a.lastCategory} />
          </p>
          <p class="kpi-sub">
            {a.churnedOn ? (
              <Badge kind="neutral">{t("accounts.churned")}</Badge>
            ) : a.atRisk ? (
              <Badge kind="bad">{t("accounts.atRisk")}</Badge>
            ) : (
              <Badge kind="ok">{t("accounts.active")}</Badge>
            )}
          </p>
        </Card>
        <Card class="kpi">
          <h2 class="kpi-label">{t("accounts.mrr")}</h2>
          <p class="kpi-value">{fmtMoney(a.mrrCents)}</p>
          <p class="kpi-sub muted">{a.plan ?? ""}</p>
        </Card>
        <Card class="kpi">
          <h2 class="kpi-label">{t("filters.segment")}</h2>
          <p class="kpi-value small-value">{a.segment ?? "—"}</p>
          <p class="kpi-sub muted">
            {t("accounts.since", { date: fmtDate(a.startedOn) })}
            {a.churnedOn ? " · " + t("accounts.churnedOn", { date: fmtDate(a.churnedOn) }) : ""}
          </p>
        </Card>
      </div>
      <div class="grid-2-1">
        <Card title={t("accounts.history")}>
          <LineChart
            title={t("accounts.history")}
            labels={npsHistory.map((r) => fmtMonth(r.createdAt))}
            series={[{ name: t("accounts.score"), color: COLORS.primary, values: npsHistory.map((r) => r.score) }]}
            yMin={0}
            yMax={10}
            format={(v) => String(Math.round(v))}
            height={220}
            empty={<Empty>{t("accounts.noAnswers")}</Empty>}
          />
          {history.length > 0 && (
            <ul class="comment-list">
              {[...history].reverse().map((r) => (
                <li key={r.id} class="comment">
                  <ScorePill score={r.score} category={kindOf.get(r.surveyId)?.kind === "nps" ? undefined : "other"} />
                  <div>
                    <p class="comment-text">{r.comment || <span class="muted">{t("comments.noText")}</span>}</p>
                    <p class="muted small">
                      {fmtDate(r.createdAt)} · {kindOf.get(r.surveyId)?.name ?? r.surveyId}
                    </p>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title={t("accounts.contacts")}>
          {a.contacts.length === 0 ? (
            <Empty>{t("accounts.noContacts")}</Empty>
          ) : (
            <ul class="contact-list">
              {a.contacts.map((c) => (
                <li key={c.id}>
                  <Link href={"/contacts/" + encodeURIComponent(c.id)}>
                    <strong>{c.name || c.email || c.id}</strong>
                  </Link>
                  {c.email && <span class="muted small">{c.email}</span>}
                  {c.unsubscribedAt && <Badge kind="neutral">{t("accounts.unsubscribed")}</Badge>}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
