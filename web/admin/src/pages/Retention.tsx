/**
 * Retention: customer (CRR) and net revenue (NRR) retention over time, cohorts, and the link no
 * other NPS tool shows: how many accounts stayed, by NPS category, with the size of each group.
 */
import type { ComponentChildren } from "preact";
import { api } from "../endpoints";
import { LineChart } from "../charts/LineChart";
import { RateBars } from "../charts/SplitBar";
import { FilterBar } from "../components/FilterBar";
import { Badge, Card, Empty, ErrorBox, PageHead, Spinner } from "../components/ui";
import { useAsync, type Async } from "../data";
import { filtersOf, range } from "../filters";
import { bucketShort, fmtInt, fmtMoney, fmtRatio, fmtSigned } from "../format";
import { t } from "../i18n";
import { useRoute } from "../router";
import { pickSurvey, useSurveys } from "../surveys";
import { COLORS } from "./Overview";


function Section<T>({ res, children }: { res: Async<T>; children: (d: T) => ComponentChildren }) {
  if (res.state === "loading" && !res.data) return <Spinner />;
  if (res.state === "error") return <ErrorBox error={res.error} />;
  return <>{children(res.data!)}</>;
}

export function Retention() {
  const route = useRoute();
  const f = filtersOf(route);
  const surveys = useSurveys();
  const list = surveys.state === "ok" ? surveys.data : [];
  const survey = pickSurvey(list, f);
  const r = range(f);
  const key = JSON.stringify([r, f.interval]);
  const retention = useAsync(() => api.retention({ ...r, interval: f.interval }), [key]);
  const cohorts = useAsync(() => api.cohorts(r), [JSON.stringify(r)]);
  const byCat = useAsync(
    () => (survey ? api.retentionByCategory({ surveyId: survey.id, horizonMonths: 6 }) : Promise.resolve(null)),
    [survey?.id],
  );

  return (
    <>
      <PageHead title={t("retention.title")} sub={t("retention.sub")} />
      {list.length > 0 && <FilterBar filters={f} surveys={list} />}
      <Card title={t("retention.trend")}>
        <Section res={retention}>
          {(d) => (
            <LineChart
              title={t("retention.trend")}
              labels={d.points.map((p) => bucketShort(p.label))}
              series={[
                { name: t("retention.crr"), color: COLORS.primary, values: d.points.map((p) => (p.crr === null ? null : p.crr * 100)), notes: d.points.map((p) => `${p.retained}/${p.startCount}`) },
                { name: t("retention.nrr"), color: COLORS.teal, values: d.points.map((p) => (p.nrr === null ? null : p.nrr * 100)), notes: d.points.map((p) => `${fmtMoney(p.mrrStart)} → ${fmtMoney(p.mrrEnd)}`) },
              ]}
              reference={100}
              format={(v) => fmtInt(v) + "\u202f%"}
              empty={<Empty>{t("retention.noData")}</Empty>}
            />
          )}
        </Section>
      </Card>
      <div class="grid-2 retention-grid">
        <Card title={t("retention.byCategory")}>
          <p class="muted small">{t("retention.byCategoryHint")}</p>
          <Section res={byCat}>
            {(d) => {
              if (!d) return <Empty>{t("overview.noSurvey")}</Empty>;
              const cats = ["promoter", "passive", "detractor", "no_answer"] as const;
              const pooled = d.pooled.groups;
              return (
                <>
                  <RateBars
                    title={t("retention.byCategory")}
                    rows={cats.map((c) => ({
                      label: t(("cat." + c) as "cat.promoter"),
                      cls: c,
                      rate: pooled[c]?.rate ?? null,
                      n: pooled[c]?.n ?? 0,
                      note: `n = ${fmtInt(pooled[c]?.n ?? 0)}`,
                      ci: d.pooled.ci95?.[c] ?? null,
                    }))}
                  />
                  <p class="pmd">
                    {t("retention.pmd")}{" "}
                    <strong data-testid="pmd">
                      {d.pooled.promoterMinusDetractor === null ? "—" : fmtSigned(d.pooled.promoterMinusDetractor * 100) + " pts"}
                    </strong>
                    {d.pooled.ci95?.promoterMinusDetractor && (
                      <>
                        {" "}
                        <span class="muted">
                          {t("overview.ci", { low: fmtSigned(d.pooled.ci95.promoterMinusDetractor.low * 100), high: fmtSigned(d.pooled.ci95.promoterMinusDetractor.high * 100) })}
                        </span>{" "}
                        {d.pooled.ci95.promoterMinusDetractor.low > 0 || d.pooled.ci95.promoterMinusDetractor.high < 0 ? (
                          <Badge kind="ok">{t("overview.significant")}</Badge>
                        ) : (
                          <Badge kind="neutral">{t("overview.notSignificant")}</Badge>
                        )}
                      </>
                    )}
                  </p>
                  {d.periods.length > 0 && (
                    <div class="table-wrap">
                      <table class="table compact">
                        <caption class="sr-only">{t("retention.byCategory")}</caption>
                        <thead>
                          <tr>
                            <th scope="col">{t("retention.period")}</th>
                            {cats.map((c) => (
                              <th scope="col" key={c}>
                                {t(("cat." + c) as "cat.promoter")}
                              </th>
                            ))}
                            <th scope="col">{t("retention.pmdShort")}</th>
                          </tr>
                        </thead>
                        <tbody>
                          {d.periods.map((p) => (
                            <tr key={p.period}>
                              <th scope="row">{p.label}</th>
                              {cats.map((c) => (
                                <td key={c}>
                                  {fmtRatio(p.groups[c]?.rate ?? null)} <span class="muted">n={p.groups[c]?.n ?? 0}</span>
                                </td>
                              ))}
                              <td>{p.promoterMinusDetractor === null ? "—" : fmtSigned(p.promoterMinusDetractor * 100)}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                  )}
                </>
              );
            }}
          </Section>
        </Card>
        <Card title={t("retention.cohorts")}>
          <p class="muted small">{t("retention.cohortsHint")}</p>
          <Section res={cohorts}>
            {(d) =>
              d.cohorts.length === 0 ? (
                <Empty>{t("retention.noData")}</Empty>
              ) : (
                <div class="table-wrap">
                  <table class="table cohort">
                    <caption class="sr-only">{t("retention.cohorts")}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t("retention.cohort")}</th>
                        <th scope="col">{t("retention.size")}</th>
                        {(d.cohorts[0]?.retention ?? []).map((_, i) => (
                          <th scope="col" key={i}>
                            +{i}
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {d.cohorts.map((c) => (
                        <tr key={c.cohort}>
                          <th scope="row">{c.label}</th>
                          <td>{fmtInt(c.size)}</td>
                          {c.retention.map((r, i) => (
                            <td key={i} class="heat" style={r === null ? undefined : { background: `rgba(67,56,202,${(0.06 + 0.34 * r).toFixed(3)})` }}>
                              {fmtRatio(r)}
                            </td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )
            }
          </Section>
        </Card>
      </div>
    </>
  );
}
