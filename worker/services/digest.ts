/**
 * The monthly review of one person (docs/METRICS.md, "The monthly review"): a manager's accounts,
 * or the whole workspace for admins and viewers. Figures come from the same functions as the
 * dashboard; this file only gathers them.
 */
import { and, asc, desc, eq, lt } from "drizzle-orm";
import { getNewDetractors } from "../db/queries/getNewDetractors";
import { goals, surveys, waves } from "../db/schema";
import type { Db, Principal } from "../env";
import { bucketOfDate, localDate, zonedMidnightUtc } from "../metrics/buckets";
import { addMonths } from "../metrics/calendar";
import { reviewBin, reviewPeriod, SMALL_N, type ReviewBin } from "../metrics/digest";
import { nps, npsChange, npsCountsFromHistogram, npsInterval, type NpsCounts } from "../metrics/nps";
import { getWaveHistograms } from "../db/queries/getWaveHistograms";
import { RetentionQuerySchema, ValueByCategoryQuerySchema } from "../schemas/retention";
import { listAccounts } from "./accounts";
import { followupSummary } from "./followups";
import { goalProgress } from "./goalProgress";
import { managerScope } from "./scope";
import { retentionView, valueView, type ViewScope } from "./retentionViews";
import { getSettings } from "./settings";

/**
 * NPS of each wave of a survey in the caller's scope, a contact counting once (their latest answer).
 * A manager's scope is the manager the answers carry (copied from the account and kept in step by
 * reattributeAccount), as on the overview, so the wave rows of the cube answer it.
 */
async function waveCounts(db: Db, p: Principal, surveyId: string, waveIds: string[]) {
  const m = managerScope(p);
  const h = await getWaveHistograms(db, { surveyId, waveIds, filters: m === null ? [] : [{ dim: "manager", value: m }] });
  return new Map([...h].map(([id, hist]) => [id, npsCountsFromHistogram(hist) satisfies NpsCounts]));
}

/** `record`: false when the cron builds it (the e-mails), so only people's reads keep its views warm (jobs/warmMetrics.ts). */
export async function buildDigest(db: Db, p: Principal, opts: { month: string; timeZone: string; now: number; record?: boolean }) {
  const { month, timeZone, now } = opts;
  const period = reviewPeriod(month);
  const today = localDate(now, timeZone);
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

  // NPS of the latest wave with answers, compared with the wave before it that has answers.
  let wave = null;
  if (survey) {
    const opened = await db
      .select()
      .from(waves)
      .where(and(eq(waves.surveyId, survey.id), lt(waves.opensAt, new Date(now))))
      .orderBy(desc(waves.opensAt))
      .all();
    const counts = await waveCounts(
      db,
      p,
      survey.id,
      opened.map((w) => w.id),
    );
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

  // New detractors over the month under review.
  const m = managerScope(p);
  const detractors = await getNewDetractors(db, {
    fromMs: zonedMidnightUtc(period.from, timeZone),
    toMs: zonedMidnightUtc(period.to, timeZone),
    manager: m,
    limit: 10,
  });

  const followups = await followupSummary(db, p, today);
  const atRisk = await listAccounts(db, p, { status: "at_risk", limit: 20, today, timeZone, ...(survey ? { surveyId: survey.id } : {}) });

  // The Retention page's views in this scope, through the same stored results (services/metricCache.ts),
  // so a review reads them back instead of every account: retention over the last complete quarter,
  // and what satisfaction is worth.
  const view: ViewScope = { scope: m, timeZone, now, record: opts.record };
  const thisQuarter = bucketOfDate(today, "quarter");
  const lastQuarter = addMonths(thisQuarter, -3);
  const retention = await retentionView(db, view, RetentionQuerySchema.parse({ interval: "quarter", from: lastQuarter, to: thisQuarter }));
  const q = retention.points[0];
  const worth = survey ? await valueView(db, view, ValueByCategoryQuerySchema.parse({ surveyId: survey.id, periods: "auto" }), survey) : null;
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
      const pr = await goalProgress(db, g, p, timeZone, now);
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
    value,
    retention: q ? { quarter: q.label, startCount: q.startCount, crr: q.crr, nrr: q.nrr, complete: q.complete } : null,
    goals: bins,
  };
}

export type Digest = Awaited<ReturnType<typeof buildDigest>>;
