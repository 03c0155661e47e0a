/**
 * The monthly review of one person (docs/METRICS.md, "The monthly review"): a manager's accounts,
 * or the whole workspace for admins and viewers. Figures come from the same functions as the
 * dashboard; this file only gathers them.
 */
import { and, asc, desc, eq, lt } from "drizzle-orm";
import { countAtRisk } from "../db/queries/countAtRisk";
import { getNewDetractors } from "../db/queries/getNewDetractors";
import { goals, surveys, waves } from "../db/schema";
import type { Db, Principal } from "../env";
import { bucketOfDate, localDate, nextBucket, zonedMidnightUtc } from "../metrics/buckets";
import { addMonths } from "../metrics/calendar";
import { AT_RISK_SHOWN, reviewBin, reviewEnd, reviewPeriod, SMALL_N, type ReviewBin } from "../metrics/digest";
import { nps, npsChange, npsCountsFromHistogram, npsInterval, type NpsCounts } from "../metrics/nps";
import { getWaveHistograms } from "../db/queries/getWaveHistograms";
import { MIN_DATE } from "../schemas/common";
import { RetentionQuerySchema, ValueByCategoryQuerySchema } from "../schemas/retention";
import { rawStandingsTable } from "../db/queries/standingsRaw";
import { listAccounts } from "./accounts";
import { followupSummary } from "./followups";
import { goalProgress } from "./goalProgress";
import { rollupsServe } from "./rollupZone";
import { managerScope } from "./scope";
import { retentionView, valueView, type ViewScope } from "./retentionViews";
import { getSettings } from "./settings";

/**
 * NPS of each wave of a survey in the caller's scope, a contact counting once (their latest answer).
 * A manager's scope is the manager the answers carry (copied from the account and kept in step by
 * reattributeAccounts), as on the overview, so the wave rows of the cube answer it.
 */
async function waveCounts(db: Db, p: Principal, surveyId: string, waveIds: string[], before?: number) {
  const m = managerScope(p);
  const filters = m === null ? [] : [{ dim: "manager" as const, value: m }];
  const h = await getWaveHistograms(db, { surveyId, waveIds, filters, ...(before === undefined ? {} : { before }) });
  return new Map([...h].map(([id, hist]) => [id, npsCountsFromHistogram(hist) satisfies NpsCounts]));
}

/**
 * `record`: false when the cron builds it (the e-mails), so only people's reads keep its views warm
 * (jobs/warmMetrics.ts). The review of a month is the picture at that month's end (`period.to`,
 * or now while the month runs): the same page on the 1st of the next month and three months
 * later. Only the action lists (follow-ups, accounts at risk) are today's, and say so (`listsAsOf`).
 */
export async function buildDigest(db: Db, p: Principal, opts: { month: string; timeZone: string; now: number; record?: boolean }) {
  const { month, timeZone, now } = opts;
  const period = reviewPeriod(month);
  const today = localDate(now, timeZone);
  const end = reviewEnd(period, timeZone, now);
  // A month before the current one: its stored views are not today's, and are not recorded for the
  // warm-up (which recomputes reads as of today).
  const past = month < today.slice(0, 7);
  const settings = await getSettings(db);

  // The survey: the workspace default, else the newest active NPS survey.
  const survey =
    (settings.defaultSurveyId
      ? await db
          .select()
          .from(surveys)
          .where(and(eq(surveys.id, settings.defaultSurveyId), eq(surveys.kind, "nps")))
          .get()
      : undefined) ??
    (await db
      .select()
      .from(surveys)
      .where(and(eq(surveys.kind, "nps"), eq(surveys.status, "active")))
      .orderBy(desc(surveys.createdAt))
      .get());

  // NPS of the latest wave with answers by the end of the month, compared with the wave before it
  // that has answers. A wave still open then counts the answers given by then only.
  let wave = null;
  if (survey) {
    const opened = await db
      .select()
      .from(waves)
      .where(and(eq(waves.surveyId, survey.id), lt(waves.opensAt, new Date(end.ms))))
      .orderBy(desc(waves.opensAt))
      .all();
    const closed = opened.filter((w) => w.closesAt.getTime() <= end.ms).map((w) => w.id);
    const running = opened.filter((w) => w.closesAt.getTime() > end.ms).map((w) => w.id);
    const counts = new Map([...(await waveCounts(db, p, survey.id, closed)), ...(await waveCounts(db, p, survey.id, running, end.ms))]);
    const list = opened.filter((w) => counts.has(w.id));
    const [latest, previous] = list;
    if (latest) {
      const c = counts.get(latest.id)!;
      const n = c.promoters + c.passives + c.detractors;
      const before = previous ? counts.get(previous.id)! : null;
      wave = {
        period: latest.period,
        n,
        tooFew: n < SMALL_N,
        nps: nps(c),
        ci95: npsInterval(c),
        previous:
          previous && before ? { period: previous.period, n: before.promoters + before.passives + before.detractors, nps: nps(before) } : null,
        change: before ? npsChange(before, c) : null,
      };
    }
  }

  // New detractors over the month under review, and the action lists: what to do now, so today's,
  // whatever the month (the page says "as of"). Independent reads, sent together.
  const m = managerScope(p);
  const standingsOf = survey ? { surveyId: survey.id } : {};
  // The at-risk total counts from the standings the list reads: during a time-zone rebuild the
  // stored ones mix two zones, so both use those computed from the answers (db/queries/standingsRaw.ts).
  const atRiskCount = async () => {
    const standings = (await rollupsServe(db.$client, timeZone)) ? undefined : await rawStandingsTable(db, survey?.id ?? "", timeZone);
    return countAtRisk(db, { today, manager: m, ...standingsOf, ...(standings ? { standings } : {}) });
  };
  const [detractors, followups, atRisk, atRiskTotal] = await Promise.all([
    getNewDetractors(db, { fromMs: zonedMidnightUtc(period.from, timeZone), toMs: zonedMidnightUtc(period.to, timeZone), manager: m, limit: 10 }),
    followupSummary(db, p, today),
    listAccounts(db, p, { status: "at_risk", limit: AT_RISK_SHOWN, today, timeZone, ...standingsOf }),
    atRiskCount(),
  ]);

  // The Retention page's views in this scope, through the same stored results (services/metricCache.ts),
  // so a review reads them back instead of every account: retention over the last quarter complete
  // by the end of the month, and what satisfaction is worth. A complete quarter's figure does not
  // depend on the as-of date, so it is read as of today (the stored "now" view: its key holds the
  // quarter); what satisfaction is worth depends on it (the waves closed, the months measured), so a
  // past month reads it as of the month's end, under a key of its own (the as-of date).
  const view: ViewScope = { scope: m, timeZone, now, record: past ? false : opts.record };
  const lastQuarter = addMonths(bucketOfDate(end.day, "quarter"), -3);
  // Reviews of January to March 1970 have no complete quarter since 1970 (MIN_DATE), where every
  // period starts: no retention figure, rather than a query refused for its own dates.
  const retention =
    lastQuarter < MIN_DATE
      ? null
      : await retentionView(db, view, RetentionQuerySchema.parse({ interval: "quarter", from: lastQuarter, to: nextBucket(lastQuarter, "quarter") }));
  const q = retention?.points[0];
  const valueScope = past ? { ...view, now: end.ms } : view;
  const worth = survey ? await valueView(db, valueScope, ValueByCategoryQuerySchema.parse({ surveyId: survey.id, periods: "auto" }), survey) : null;
  const valueFrom = worth && (worth.horizons.find((h) => h.horizonMonths === 12 && h.periods.length > 0) ?? worth.horizons[0]!);
  const value =
    worth && valueFrom
      ? {
          horizonMonths: valueFrom.horizonMonths,
          mrrAtRisk: worth.mrrAtRisk,
          promoter: { n: valueFrom.groups.promoter.n, value: valueFrom.groups.promoter.value, ci95: valueFrom.groups.promoter.valueCi95 },
          detractor: { n: valueFrom.groups.detractor.n, value: valueFrom.groups.detractor.value, ci95: valueFrom.groups.detractor.valueCi95 },
          promoterMinusDetractor: valueFrom.promoterMinusDetractor,
        }
      : null;

  // Goals, sorted into the three bins of the monthly review.
  const goalRows = (await db.select().from(goals).orderBy(asc(goals.deadline), asc(goals.id)).limit(100).all()).filter(
    (g) => m === null || g.scope?.manager === undefined || g.scope.manager === m,
  );
  const goalViews = await Promise.all(
    goalRows.map(async (g) => {
      // Judged as on the month's last day: its buckets up to then, its deadline against that day.
      const pr = await goalProgress(db, g, p, timeZone, end.ms - 1, { before: end.ms });
      return {
        id: g.id,
        name: g.name,
        metric: g.metric,
        target: g.target,
        deadline: g.deadline,
        current: pr.current,
        status: pr.status,
        reason: pr.reason,
        bin: reviewBin(pr.status),
      };
    }),
  );
  const bins: Record<ReviewBin, typeof goalViews> = { works: [], could_do_better: [], costs_more: [] };
  for (const g of goalViews) bins[g.bin].push(g);

  return {
    month,
    period,
    scope: m === null ? ("workspace" as const) : ("manager" as const),
    asOf: today,
    /** The instant the figures stand at: the end of the month reviewed (now while it runs). */
    endsAt: new Date(end.ms).toISOString(),
    /** The date the action lists (follow-ups, accounts at risk) are read on: today. */
    listsAsOf: today,
    past,
    smallN: SMALL_N,
    survey: survey ? { id: survey.id, name: survey.name } : null,
    wave,
    newDetractors: {
      count: detractors.count,
      silent: detractors.silent,
      items: detractors.first.map((r) => ({
        responseId: r.id,
        score: r.score,
        comment: r.comment,
        createdAt: r.createdAt.toISOString(),
        account: r.accountId ? { id: r.accountId, name: r.accountName } : null,
      })),
    },
    followups,
    atRisk: atRisk.data.map((a) => ({ id: a.id, name: a.name, lastScore: a.lastScore, change: a.change, mrrCents: a.mrrCents })),
    /** Accounts at risk in scope, counted up to AT_RISK_COUNT_CAP; `atRiskMore`: more than that. */
    atRiskTotal: atRiskTotal.count,
    atRiskMore: atRiskTotal.more,
    value,
    retention: q ? { quarter: q.label, startCount: q.startCount, crr: q.crr, nrr: q.nrr, complete: q.complete } : null,
    goals: bins,
  };
}

export type Digest = Awaited<ReturnType<typeof buildDigest>>;
