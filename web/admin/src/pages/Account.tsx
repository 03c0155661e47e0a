/** One account: details, score history and contacts. The API returns 403/404 outside a manager's scope. */
import { api } from "../endpoints";
import { LineChart } from "../charts/LineChart";
import { AnswersTable } from "../components/AnswersTable";
import { SortableTh, useSort } from "../components/SortableTh";
import { Badge, Card, Empty, ErrorBox, Link, PageHead, ScorePill, Spinner } from "../components/ui";
import { useAsync } from "../data";
import { fmtDate, fmtInt, fmtMoney, fmtMonth } from "../format";
import { getLocale, t } from "../i18n";
import { sortRows, type SortValue } from "../sort";
import { useSurveys } from "../surveys";
import { COLORS } from "./Overview";

export function AccountPage({ id }: { id: string }) {
  const acc = useAsync(() => api.account(id), [id]);
  const surveys = useSurveys();
  const kindOf = new Map(surveys.state === "ok" ? surveys.data.map((s) => [s.id, s] as const) : []);
  // The surveys too: without them the chart cannot tell NPS answers from the others, and the
  // table would show survey ids and colour a CSAT 1 as an NPS detractor.
  if (acc.state === "loading" || surveys.state === "loading") return <Spinner />;
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
            <AnswersTable
              testId="account-answers"
              surveyOf={(id) => kindOf.get(id)}
              rows={a.responses.map((r) => ({ id: r.id, score: r.score, comment: r.comment, createdAt: r.createdAt, surveyId: r.surveyId }))}
            />
          )}
          {/* The route returns the newest 500: sorting them must not pass for sorting all. */}
          {a.responses.length >= 500 && <p class="muted small">{t("accounts.newest", { n: fmtInt(a.responses.length) })}</p>}
        </Card>
        <Card title={t("accounts.contacts")}>
          {a.contacts.length === 0 ? <Empty>{t("accounts.noContacts")}</Empty> : <ContactsTable contacts={a.contacts} />}
        </Card>
      </div>
    </>
  );
}

type Contact = Awaited<ReturnType<typeof api.account>>["contacts"][number];
const CONTACT_FIELDS = ["name", "subscribed"] as const;
const contactValue = (c: Contact, field: string): SortValue => (field === "name" ? c.name || c.email || c.id : c.unsubscribedAt ? 1 : 0);

/** The account's contacts (all of them, up to the route's 1,000), each linked to their page. */
function ContactsTable({ contacts }: { contacts: Contact[] }) {
  const { sort, onSort } = useSort("contacts", CONTACT_FIELDS);
  const th = (field: (typeof CONTACT_FIELDS)[number], label: string) => <SortableTh label={label} field={field} sort={sort} onSort={onSort} />;
  return (
    <div class="table-wrap">
      <table class="table compact contact-table" data-testid="account-contacts">
        <caption class="sr-only">{t("accounts.contacts")}</caption>
        <thead>
          <tr>
            {th("name", t("settings.name"))}
            {th("subscribed", t("contact.subscription"))}
          </tr>
        </thead>
        <tbody>
          {sortRows(contacts, sort, contactValue, getLocale()).map((c) => (
            <tr key={c.id}>
              <td class="wrap">
                <Link href={"/contacts/" + encodeURIComponent(c.id)}>
                  <strong>{c.name || c.email || c.id}</strong>
                </Link>
                {/* Under the name: the card is narrow, and an address is read, not sorted by. */}
                {c.email && <div class="muted small">{c.email}</div>}
              </td>
              <td>
                {c.unsubscribedAt ? <Badge kind="neutral">{t("accounts.unsubscribed")}</Badge> : <Badge kind="ok">{t("contact.subscribed")}</Badge>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
