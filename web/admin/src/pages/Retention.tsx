/**
 * Retention: customer (CRR) and net revenue (NRR) retention over time, cohorts, and the link no
 * other NPS tool shows: how many accounts stayed, by NPS category, with the size of each group.
 */
import type { ComponentChildren } from "preact";
import { api } from "../endpoints";
import { LineChart } from "../charts/LineChart";
import { RateBars } from "../charts/SplitBar";
import { FilterBar } from "../components/FilterBar";
import { SortableTh, useSort } from "../components/SortableTh";
import { Badge, Card, Empty, ErrorBox, PageHead, Spinner } from "../components/ui";
import { useAsync, type Async } from "../data";
import { filtersOf, range } from "../filters";
import { bucketShort, fmtInt, fmtMoney, fmtRatio, fmtSigned } from "../format";
import { getLocale, t } from "../i18n";
import { useRoute } from "../router";
import { sortRows, type SortValue } from "../sort";
import { pickSurvey, useSurveys } from "../surveys";
import { COLORS } from "./Overview";

type ByCategoryPeriod = NonNullable<Awaited<ReturnType<typeof api.retentionByCategory>>>["periods"][number];
type Cohort = Awaited<ReturnType<typeof api.cohorts>>["cohorts"][number];
const CATS = ["promoter", "passive", "detractor", "no_answer"] as const;
/** Periods sort by their key (`2025-H2`…), not their label; a category column by its rate. */
const BY_CAT_FIELDS = ["period", ...CATS, "pmd"] as const;
const byCatValue = (p: ByCategoryPeriod, field: string): SortValue =>
  field === "period" ? p.period : field === "pmd" ? p.promoterMinusDetractor : (p.groups[field as (typeof CATS)[number]]?.rate ?? null);
/** Cohorts: by start, size, or the share retained after i periods (`m0`, `m1`…). */
const COHORT_FIELDS = ["cohort", "size", ...Array.from({ length: 40 }, (_, i) => "m" + i)];
const cohortValue = (c: Cohort, field: string): SortValue =>
  field === "cohort" ? c.cohort : field === "size" ? c.size : (c.retention[Number(field.slice(1))] ?? null);

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
  const byCat = useAsync(() => (survey ? api.retentionByCategory({ surveyId: survey.id, horizonMonths: 6 }) : Promise.resolve(null)), [survey?.id]);

  const byCatSort = useSort("byCategory", BY_CAT_FIELDS);
  const cohortSort = useSort("cohorts", COHORT_FIELDS);
  const value = useAsync(
    () => (survey ? api.valueByCategory({ surveyId: survey.id, segment: f.segment, manager: f.manager }) : Promise.resolve(null)),
    [survey?.id, f.segment, f.manager],
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
                {
                  name: t("retention.crr"),
                  color: COLORS.primary,
                  values: d.points.map((p) => (p.crr === null ? null : p.crr * 100)),
                  notes: d.points.map((p) => `${p.retained}/${p.startCount}`),
                },
                {
                  name: t("retention.nrr"),
                  color: COLORS.teal,
                  values: d.points.map((p) => (p.nrr === null ? null : p.nrr * 100)),
                  notes: d.points.map((p) => `${fmtMoney(p.mrrStart)} → ${fmtMoney(p.mrrEnd)}`),
                },
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
              const cats = CATS;
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
                          {t("overview.ci", {
                            low: fmtSigned(d.pooled.ci95.promoterMinusDetractor.low * 100),
                            high: fmtSigned(d.pooled.ci95.promoterMinusDetractor.high * 100),
                          })}
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
                            <SortableTh label={t("retention.period")} field="period" {...byCatSort} />
                            {cats.map((c) => (
                              <SortableTh key={c} label={t(("cat." + c) as "cat.promoter")} field={c} {...byCatSort} />
                            ))}
                            <SortableTh label={t("retention.pmdShort")} field="pmd" {...byCatSort} />
                          </tr>
                        </thead>
                        <tbody>
                          {sortRows(d.periods, byCatSort.sort, byCatValue, getLocale()).map((p) => (
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
                        <SortableTh label={t("retention.cohort")} field="cohort" {...cohortSort} />
                        <SortableTh label={t("retention.size")} field="size" {...cohortSort} class="num" />
                        {(d.cohorts[0]?.retention ?? []).map((_, i) => (
                          <SortableTh key={i} label={"+" + i} field={"m" + i} {...cohortSort} />
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {sortRows(d.cohorts, cohortSort.sort, cohortValue, getLocale()).map((c) => (
                        <tr key={c.cohort}>
                          <th scope="row">{c.label}</th>
                          <td class="num">{fmtInt(c.size)}</td>
                          {c.retention.map((r, i) => (
                            <td
                              key={i}
                              class="heat"
                              style={r === null ? undefined : { background: `rgba(67,56,202,${(0.06 + 0.34 * r).toFixed(3)})` }}
                            >
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
      <Card title={t("value.title")} id="value">
        <p class="muted small">{t("value.hint")}</p>
        <Section res={value}>{(d) => (d ? <ValueTable d={d} /> : <Empty>{t("overview.noSurvey")}</Empty>)}</Section>
      </Card>
    </>
  );
}

type ValueData = NonNullable<Awaited<ReturnType<typeof api.valueByCategory>>>;
const money = (v: number | null | undefined) => fmtMoney(v === null || v === undefined ? null : Math.round(v));
const range95 = (ci: { low: number; high: number } | null | undefined, f: (v: number) => string) => (ci ? `${f(ci.low)} – ${f(ci.high)}` : "");

/**
 * What satisfaction is worth: MRR at risk, then per category revenue retention over 6 and 12
 * months and the customer value V = mean MRR × expected lifetime, each with n and its interval.
 */
function ValueTable({ d }: { d: ValueData }) {
  const risk = d.mrrAtRisk;
  const twelve = d.horizons.find((h) => h.horizonMonths === 12)!;
  const six = d.horizons.find((h) => h.horizonMonths === 6)!;
  // Customer value from the longer horizon when it has measured periods, else the 6-month one.
  const valueFrom = twelve.periods.length > 0 ? twelve : six;
  const pmd = valueFrom.promoterMinusDetractor;
  return (
    <>
      <div class="kpis value-kpis">
        <div class="kpi">
          <h3 class="kpi-label">{t("value.atRisk")}</h3>
          <p class="kpi-value small-value" data-testid="mrr-at-risk">
            {fmtMoney(risk.detractor.mrr)}
          </p>
          <p class="kpi-sub muted">
            {t("value.atRiskSub", { n: fmtInt(risk.detractor.n), period: risk.period ? bucketShort(risk.period) : "—" })}
            {risk.expectedLoss && (
              <>
                {" · "}
                {t("value.expectedLoss", { months: String(risk.horizonMonths), loss: money(risk.expectedLoss.value) })}{" "}
                {risk.expectedLoss.ci95 && <span>({range95(risk.expectedLoss.ci95, money)})</span>}
              </>
            )}
          </p>
          <p class="kpi-sub muted" data-testid="mrr-no-answer">
            {t("value.noAnswer", { mrr: fmtMoney(risk.noAnswer.mrr), n: fmtInt(risk.noAnswer.n) })}
          </p>
        </div>
        <div class="kpi">
          <h3 class="kpi-label">{t("value.pmd", { months: String(valueFrom.horizonMonths) })}</h3>
          <p class="kpi-value small-value" data-testid="value-pmd">
            {pmd.value === null ? "—" : (pmd.value >= 0 ? "+" : "") + money(pmd.value)}
          </p>
          <p class="kpi-sub muted">{pmd.ci95 ? t("value.ci", { range: range95(pmd.ci95, money) }) : t("value.notMeasured")}</p>
        </div>
      </div>
      <div class="table-wrap">
        <table class="table compact" data-testid="value-table">
          <caption class="sr-only">{t("value.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("value.category")}</th>
              <th scope="col">n</th>
              <th scope="col">{t("value.nrr", { months: "6" })}</th>
              <th scope="col">{t("value.nrr", { months: "12" })}</th>
              <th scope="col">{t("value.lifetime")}</th>
              <th scope="col">{t("value.value")}</th>
            </tr>
          </thead>
          <tbody>
            {CATS.map((c) => {
              const g6 = six.groups[c];
              const g12 = twelve.groups[c];
              const gv = valueFrom.groups[c];
              return (
                <tr key={c}>
                  <th scope="row">{t(("cat." + c) as "cat.promoter")}</th>
                  <td>{fmtInt(g6.n)}</td>
                  <td>
                    {fmtRatio(g6.nrr)} <span class="muted small">{range95(g6.nrrCi95, (v) => fmtRatio(v))}</span>
                  </td>
                  <td>
                    {fmtRatio(g12.nrr)} <span class="muted small">{range95(g12.nrrCi95, (v) => fmtRatio(v))}</span>
                  </td>
                  <td>
                    {gv.lifetimeMonths === null ? "—" : fmtInt(gv.lifetimeMonths) + " " + t("value.months")}{" "}
                    <span class="muted small">{range95(gv.lifetimeCi95, (v) => fmtInt(v))}</span>
                  </td>
                  <td>
                    <strong>{money(gv.value)}</strong> <span class="muted small">{range95(gv.valueCi95, money)}</span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p class="muted small">{t("value.foot", { cap: String(d.lifetimeCapMonths), periods: String(valueFrom.periods.length) })}</p>
    </>
  );
}
