/** Waves: each survey's rounds with invitations, answers and response rate; the invitations CSV for admins. */
import { SortableTh, useSort } from "../components/SortableTh";
import { Badge, Card, Empty, ErrorBox, Link, PageHead, Spinner } from "../components/ui";
import { useAsync } from "../data";
import { api, urls } from "../endpoints";
import { fmtDate, fmtInt, fmtRatio } from "../format";
import { getLocale, t } from "../i18n";
import { can, useSession } from "../session";
import { sortRows, type SortValue } from "../sort";
import { useSurveys } from "../surveys";

type Wave = Awaited<ReturnType<typeof api.waves>>["data"][number];
const FIELDS = ["survey", "period", "opensAt", "closesAt", "status", "invited", "responded", "responseRate"] as const;

export function Waves() {
  const waves = useAsync(() => api.waves({}), []);
  const surveys = useSurveys();
  const admin = can(useSession(), "admin");
  const nameOf = new Map(surveys.state === "ok" ? surveys.data.map((s) => [s.id, s.name] as const) : []);
  const { sort, onSort } = useSort("sort", FIELDS);
  const value = (w: Wave, field: string): SortValue =>
    field === "survey"
      ? (nameOf.get(w.surveyId) ?? w.surveyId)
      : field === "opensAt" || field === "closesAt"
        ? new Date(w[field])
        : field === "status"
          ? t(w.status === "open" ? "waves.open" : "waves.closed")
          : w[field as "period" | "invited" | "responded" | "responseRate"];
  const th = (field: (typeof FIELDS)[number], label: string, cls?: string) => (
    <SortableTh label={label} field={field} sort={sort} onSort={onSort} class={cls} />
  );
  return (
    <>
      <PageHead title={t("waves.title")} sub={t("waves.sub")} />
      <Card>
        {/* Both lists before the table: rows would otherwise show survey ids for a moment, and sort by them. */}
        {waves.state === "loading" || surveys.state === "loading" ? (
          <Spinner />
        ) : waves.state === "error" ? (
          <ErrorBox error={waves.error} what={t("nav.waves")} />
        ) : waves.data.data.length === 0 ? (
          <Empty>{t("waves.none")}</Empty>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  {th("survey", t("waves.survey"))}
                  {th("period", t("waves.period"))}
                  {th("opensAt", t("waves.opens"))}
                  {th("closesAt", t("waves.closes"))}
                  {th("status", t("waves.status"))}
                  {th("invited", t("waves.invited"), "num")}
                  {th("responded", t("waves.answers"), "num")}
                  {th("responseRate", t("waves.rate"), "num")}
                  {admin && <th scope="col" class="row-actions" aria-label={t("waves.csv")} />}
                </tr>
              </thead>
              <tbody>
                {sortRows(waves.data.data, sort, value, getLocale()).map((w) => (
                  <tr key={w.id} data-wave={w.id}>
                    <td>
                      <Link href={"/surveys/" + encodeURIComponent(w.surveyId)}>{nameOf.get(w.surveyId) ?? w.surveyId}</Link>
                    </td>
                    <td>{w.period}</td>
                    <td class="nowrap">{fmtDate(w.opensAt)}</td>
                    <td class="nowrap">{fmtDate(w.closesAt)}</td>
                    <td>
                      <Badge kind={w.status === "open" ? "ok" : "neutral"}>{t(w.status === "open" ? "waves.open" : "waves.closed")}</Badge>
                    </td>
                    <td class="num">
                      {fmtInt(w.invited)}
                      {w.bounced > 0 && <div class="muted small">{t("waves.bounced", { n: fmtInt(w.bounced) })}</div>}
                    </td>
                    <td class="num">{fmtInt(w.responded)}</td>
                    <td class="num">{fmtRatio(w.responseRate)}</td>
                    {admin && (
                      <td class="row-actions">
                        <a
                          class="btn small secondary"
                          href={urls.invitationsCsv(w.id)}
                          download
                          aria-label={t("waves.csvLabel", { period: w.period })}
                        >
                          {t("waves.csv")}
                        </a>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}
