/**
 * Overview: where an account manager looks first. Current NPS with its 95 % interval, the change
 * from the previous period (significant or noise), the trend with its confidence band, the
 * promoter / passive / detractor split, the response rate of the latest wave and the latest comments.
 */
import { client, unwrap, withQuery, Unavailable } from "../api";
import { api } from "../endpoints";
import { LineChart } from "../charts/LineChart";
import { Forest } from "../charts/Forest";
import { SplitBar } from "../charts/SplitBar";
import { FilterBar } from "../components/FilterBar";
import { useSort } from "../components/SortableTh";
import { SCORE_RANGE } from "../../../../worker/domain/categories";
import { Badge, Card, categoryOf, Empty, ErrorBox, Link, PageHead, ScorePill, Spinner } from "../components/ui";
import { useAsync } from "../data";
import { apiFilters, filtersOf, range } from "../filters";
import { useState } from "preact/hooks";
import { bucketShort, fmt1, fmtDate, fmtInt, fmtPct, fmtRatio, fmtSigned } from "../format";
import { getLocale, t } from "../i18n";
import { qsOf, useRoute } from "../router";
import { sortRows } from "../sort";
import { pickSurvey, useSurveys } from "../surveys";
import type { OkBody } from "../api";
import type { SurveyLite } from "../surveys";

/** A bucket's figures, as the metrics route's response schema (Summary) declares them. */
type Summary = OkBody<Awaited<ReturnType<(typeof client.api.v1.surveys)[":surveyId"]["metrics"]["$get"]>>>["totals"];

export const COLORS = { primary: "#4338ca", promoter: "#047857", passive: "#b45309", detractor: "#b91c1c", teal: "#0e7490" };

/** The headline figure of a summary, by survey kind. */
export function headline(kind: SurveyLite["kind"], s: Summary): number | null {
  if (kind === "nps") return s.nps ?? null;
  if (kind === "csat") return s.csat ?? null;
  return s.easy ?? null;
}

export function Overview() {
  const route = useRoute();
  const f = filtersOf(route);
  const surveys = useSurveys();
  if (surveys.state === "loading") return <Spinner />;
  if (surveys.state === "error") return <ErrorBox error={surveys.error} />;
  const list = surveys.data;
  const survey = pickSurvey(list, f);
  return (
    <>
      <PageHead title={t("overview.title")} sub={survey ? survey.name : undefined} />
      {survey ? (
        <OverviewBody survey={survey} surveys={list} />
      ) : (
        <Card>
          <Empty>
            {t("overview.noSurvey")} <Link href="/surveys/new">{t("surveys.create")}</Link>
          </Empty>
        </Card>
      )}
    </>
  );
}

function OverviewBody({ survey, surveys }: { survey: SurveyLite; surveys: SurveyLite[] }) {
  const route = useRoute();
  const f = filtersOf(route);
  // No grouping in the URL: the server's default (by wave for a survey with waves, else month).
  const q = { ...apiFilters(f), interval: f.grouping };
  const key = JSON.stringify([survey.id, q]);
  const metrics = useAsync(
    async () => unwrap(await client.api.v1.surveys[":surveyId"].metrics.$get({ param: { surveyId: survey.id }, ...withQuery(q) })),
    [key],
  );
  const bar = <FilterBar filters={f} surveys={surveys} grouping={metrics.data?.interval ?? f.grouping ?? "wave"} exportCsv />;

  if (metrics.state === "error")
    return (
      <>
        {bar}
        <ErrorBox error={metrics.error} />
      </>
    );
  if (!metrics.data)
    return (
      <>
        {bar}
        <Spinner />
      </>
    );
  const m = metrics.data;
  const points = m.trend;
  const kind = survey.kind;
  const isNps = kind === "nps";
  // The current period is the latest bucket with answers; its change (the server's, for every kind
  // of survey) is against the previous bucket with answers, before the range if need be.
  const currentIdx = points.findLastIndex((p) => p.summary.n > 0);
  const current = currentIdx >= 0 ? points[currentIdx]! : null;
  const cur = current?.summary;
  const change = current?.change ?? null;
  // Below SMALL_N answers the headline says so instead of showing a big number (METRICS.md).
  const tooFew = current?.tooFew ?? false;
  const totals = m.totals;
  const metricName = isNps ? "NPS" : kind === "csat" ? "CSAT" : "CES";
  const fmtHead = (v: number) => (isNps ? fmtInt(v) : fmtPct(v));

  return (
    <>
      {bar}
      <div class={"overview" + (metrics.state === "loading" ? " stale" : "")} aria-busy={metrics.state === "loading"}>
        <div class="kpis">
          <Card class="kpi kpi-main">
            <h2 class="kpi-label">
              {t("overview.current", { metric: metricName })} <span class="muted">· {current ? current.label : "—"}</span>
            </h2>
            {tooFew ? (
              <>
                <p class="kpi-value small-value" data-testid="current-score" data-too-few="true">
                  {t("overview.tooFew")}
                </p>
                <p class="kpi-sub muted" data-testid="too-few-hint">
                  {t("overview.tooFewHint", { n: fmtInt(cur?.n ?? 0), min: fmtInt(m.smallN) })}
                </p>
              </>
            ) : (
              <p class="kpi-value" data-testid="current-score">
                {cur && headline(kind, cur) !== null ? fmtHead(headline(kind, cur)!) : "—"}
              </p>
            )}
            {isNps && !tooFew && (
              <p class="kpi-sub" data-testid="current-ci">
                {cur?.ci95 ? t("overview.ci", { low: fmtInt(cur.ci95.low), high: fmtInt(cur.ci95.high) }) : t("overview.noCi")}
              </p>
            )}
            <p class="kpi-sub muted">{t("overview.nAnswers", { n: fmtInt(cur?.n ?? 0) })}</p>
          </Card>
          <Card class="kpi">
            <h2 class="kpi-label">{t("overview.change")}</h2>
            {tooFew ? (
              <p class="kpi-sub muted" data-testid="change-too-few">
                {t("overview.tooFew")}
              </p>
            ) : change ? (
              <>
                {/* Only a significant change wears the coloured arrow: a wiggle inside the noise is not news. */}
                <p
                  class={"kpi-value " + (change.significant ? (change.delta > 0 ? "up" : change.delta < 0 ? "down" : "") : "flat")}
                  data-testid="change"
                  data-significant={String(change.significant)}
                >
                  {change.significant && <span aria-hidden="true">{change.delta > 0 ? "▲ " : change.delta < 0 ? "▼ " : ""}</span>}
                  {fmtSigned(change.delta)}
                </p>
                {current?.comparedWith && (
                  <p class="kpi-sub muted" data-testid="compared-with">
                    {t("overview.vs", { label: current.comparedWith })}
                  </p>
                )}
                <p class="kpi-sub">
                  {change.significant ? (
                    <Badge kind="ok">{t("overview.significant")}</Badge>
                  ) : (
                    <Badge kind="neutral">{t("overview.notSignificant")}</Badge>
                  )}{" "}
                  <span class="muted">{t("overview.threshold", { t: fmt1(change.threshold) })}</span>
                </p>
              </>
            ) : (
              <p class="kpi-sub muted">{t("overview.noChange")}</p>
            )}
          </Card>
          <Card class="kpi">
            <h2 class="kpi-label">{t("overview.range", { metric: metricName })}</h2>
            <p class="kpi-value" data-testid="range-score">
              {headline(kind, totals) !== null ? fmtHead(headline(kind, totals)!) : "—"}
            </p>
            <p class="kpi-sub muted" data-testid="range-n">
              {t("overview.nAnswers", { n: fmtInt(totals.n) })}
              {isNps && totals.ci95 ? " · " + t("overview.ci", { low: fmtInt(totals.ci95.low), high: fmtInt(totals.ci95.high) }) : ""}
            </p>
          </Card>
          <ResponseRate surveyId={survey.id} segment={f.segment} manager={f.manager} />
        </div>

        <div class="grid-2-1">
          <Card title={t("overview.trend", { metric: metricName })} id="trend">
            <LineChart
              title={t("overview.trend", { metric: metricName })}
              labels={points.map((p) => bucketShort(p.label))}
              series={[
                {
                  name: metricName,
                  color: COLORS.primary,
                  values: points.map((p) => (p.summary.n > 0 ? headline(kind, p.summary) : null)),
                  band: isNps ? points.map((p) => p.summary.ci95 ?? null) : undefined,
                  notes: points.map((p) => "n = " + p.summary.n + (p.change?.significant ? " · " + t("overview.significant") : "")),
                },
              ]}
              bounds={isNps ? [-100, 100] : [0, 100]}
              reference={isNps ? 0 : undefined}
              format={(v) => (isNps ? fmtInt(v) : fmtInt(v) + " %")}
              bandLabel={t("chart.band")}
              empty={<Empty>{t("overview.noData")}</Empty>}
            />
          </Card>
          <Card title={isNps ? t("overview.split") : t("overview.distribution")}>
            {isNps && cur ? (
              <SplitBar
                title={t("overview.split")}
                parts={[
                  { label: t("cat.promoters"), count: cur.promoters ?? 0, pct: cur.promotersPct ?? null, cls: "promoter" },
                  { label: t("cat.passives"), count: cur.passives ?? 0, pct: cur.passivesPct ?? null, cls: "passive" },
                  { label: t("cat.detractors"), count: cur.detractors ?? 0, pct: cur.detractorsPct ?? null, cls: "detractor" },
                ]}
              />
            ) : cur ? (
              <Histogram h={cur.histogram} kind={kind} />
            ) : (
              <Empty>{t("overview.noData")}</Empty>
            )}
            {cur && isNps && <Histogram h={cur.histogram} kind={kind} />}
          </Card>
        </div>

        <Breakdown survey={survey} />
        <LatestComments surveyId={survey.id} />
      </div>
    </>
  );
}

/** Score histogram as small columns, coloured by category for NPS. */
function Histogram({ h, kind }: { h: number[]; kind: SurveyLite["kind"] }) {
  const [lo, hi] = SCORE_RANGE[kind];
  const max = Math.max(1, ...h);
  const cells = h.map((c, i) => ({ score: i, c })).filter((x) => x.score >= lo && x.score <= hi);
  return (
    <div class="histo" role="img" aria-label={t("overview.histogram") + ": " + cells.map((x) => `${x.score}: ${x.c}`).join(", ")}>
      {cells.map((x) => (
        <div key={x.score} class="histo-col">
          <span class={"histo-bar " + (kind === "nps" ? categoryOf(x.score) : "primary")} style={{ height: `${(100 * x.c) / max}%` }} />
          <span class="histo-label">{x.score}</span>
        </div>
      ))}
    </div>
  );
}

/** The response rate follows the segment and manager filters like every other figure on the page. */
function ResponseRate({ surveyId, segment, manager }: { surveyId: string; segment?: string; manager?: string }) {
  const waves = useAsync(() => api.waves({ surveyId, segment, manager }), [surveyId, segment, manager]);
  // The latest wave that reached someone: the rate is answers over delivered invitations.
  const latest =
    waves.state === "ok" ? [...waves.data.data].filter((w) => w.delivered > 0).sort((a, b) => (a.period < b.period ? 1 : -1))[0] : undefined;
  return (
    <Card class="kpi">
      <h2 class="kpi-label">{t("overview.responseRate")}</h2>
      {waves.state === "loading" ? (
        <Spinner />
      ) : waves.state === "error" ? (
        waves.error instanceof Unavailable ? (
          <p class="kpi-sub muted">{t("unavailable.short")}</p>
        ) : (
          <ErrorBox error={waves.error} />
        )
      ) : latest ? (
        <>
          <p class="kpi-value" data-testid="response-rate">
            {fmtRatio(latest.responseRate)}
          </p>
          <p class="kpi-sub muted">
            {t("overview.wave", { period: latest.period, responded: fmtInt(latest.responded), delivered: fmtInt(latest.delivered) })}
          </p>
        </>
      ) : (
        <p class="kpi-sub muted">{t("overview.noWaves")}</p>
      )}
    </Card>
  );
}

/** The headline figure by segment or by account manager, each with its interval and n. */
function Breakdown({ survey }: { survey: SurveyLite }) {
  const route = useRoute();
  const f = filtersOf(route);
  const [by, setBy] = useState<"segment" | "manager">("segment");
  const q = { surveyId: survey.id, by, ...range(f), interval: f.interval, limit: 10 };
  const res = useAsync(() => api.breakdown(q), [JSON.stringify(q)]);
  const isNps = survey.kind === "nps";
  const metric = isNps ? "NPS" : survey.kind.toUpperCase();
  // The server returns the largest groups (by n); sorting them here reorders those, which the
  // note under the plot says when there are more.
  const { sort, onSort } = useSort("breakdown", ["label", "value", "n"]);
  return (
    <Card
      title={t("overview.breakdown", { metric })}
      actions={
        <div class="field inline-field">
          <label for="breakdown-by">{t("overview.by")}</label>
          <select id="breakdown-by" value={by} onChange={(e) => setBy(e.currentTarget.value as "segment" | "manager")}>
            <option value="segment">{t("filters.segment")}</option>
            <option value="manager">{t("filters.manager")}</option>
          </select>
        </div>
      }
    >
      {res.state === "loading" && !res.data ? (
        <Spinner />
      ) : res.state === "error" ? (
        <ErrorBox error={res.error} />
      ) : !res.data || res.data.groups.length === 0 ? (
        <Empty>{t("overview.noData")}</Empty>
      ) : (
        <>
          <p class="muted small">{t("overview.breakdownHint")}</p>
          <Forest
            title={t("overview.breakdown", { metric })}
            min={isNps ? -100 : survey.kind === "ces" ? 1 : 0}
            max={isNps ? 100 : survey.kind === "ces" ? 7 : 100}
            reference={isNps ? 0 : undefined}
            format={(v) => (isNps || survey.kind === "ces" ? fmtInt(v) : fmtInt(v) + "\u202f%")}
            head={{ label: t(by === "segment" ? "filters.segment" : "filters.manager"), interval: t("overview.interval"), value: metric }}
            sort={sort}
            onSort={onSort}
            rows={sortRows(
              res.data.groups.map((g) => {
                const s = g.summary;
                const v = survey.kind === "ces" ? s.mean : headline(survey.kind, s);
                return { label: g.label, value: v, low: g.ci95?.low ?? null, high: g.ci95?.high ?? null, n: s.n };
              }),
              sort,
              (r, field) => r[field as "label" | "value" | "n"],
              getLocale(),
            )}
          />
          {res.data.truncated && <p class="muted small">{t("overview.largestGroups", { n: res.data.groups.length })}</p>}
        </>
      )}
    </Card>
  );
}

function LatestComments({ surveyId }: { surveyId: string }) {
  const route = useRoute();
  const f = filtersOf(route);
  const q = { surveyId, ...apiFilters(f), limit: 6 };
  const comments = useAsync(() => api.comments(q), [JSON.stringify(q)]);
  return (
    <Card
      title={t("overview.latestComments")}
      actions={
        <Link href={"/comments" + qsOf({ survey: surveyId, period: f.period, from: f.from, to: f.to, segment: f.segment, manager: f.manager })}>
          {t("overview.allComments")}
        </Link>
      }
    >
      {comments.state === "loading" ? (
        <Spinner />
      ) : comments.state === "error" ? (
        <ErrorBox error={comments.error} what={t("nav.comments")} />
      ) : comments.data.data.length === 0 ? (
        <Empty>{t("comments.none")}</Empty>
      ) : (
        <ul class="comment-list">
          {comments.data.data.map((c) => (
            <li key={c.responseId} class="comment">
              <ScorePill score={c.score} category={c.category} />
              <div>
                {/* Text only: a comment is never interpreted as HTML. */}
                <p class="comment-text">{c.comment}</p>
                <p class="muted small">
                  {c.contact?.name || c.contact?.email || t("comments.anonymous")}
                  {c.account ? " · " + c.account.name : ""} · {fmtDate(c.createdAt)}
                </p>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
