/**
 * The four account-proportional views (retention, cohorts, retention by category, customer value
 * by category) for a scope: what the routes and the monthly review answer and what the hourly cron
 * computes ahead of readers (jobs/warmMetrics.ts). Each goes through metricCache, so all share the
 * stored results and their exactness rules; the maths stays in metrics/retention.ts and
 * metrics/customerValue.ts.
 */
import type { z } from "@hono/zod-openapi";
import { accountWhereInScope } from "../db/queries/accountFilter";
import { getCohorts } from "../db/queries/getCohorts";
import { getRetention } from "../db/queries/getRetention";
import { getClosedWaves } from "../db/queries/getRetentionByCategory";
import type { surveys } from "../db/schema";
import type { Db } from "../env";
import { bucketLabel, localDate, nextBucket } from "../metrics/buckets";
import { minDate } from "../metrics/calendar";
import { cohortRetention, retentionByCategory, retentionSeries, retentionSeriesDates } from "../metrics/retention";
import type { CohortsQuerySchema, RetentionByCategoryQuerySchema, RetentionQuerySchema, ValueByCategoryQuerySchema } from "../schemas/retention";
import { cachedMetric } from "./metricCache";
import { categoryPeriods, satisfactionValue } from "./satisfactionValue";
import { bucketsFor } from "./scoreTrend";

/** Who reads (a manager's id, or null for every account), in which zone, when. */
export interface ViewScope {
  scope: string | null;
  timeZone: string;
  now: number;
  /** False for the cron's computations: only people's reads keep a view on the warm-up list. */
  record?: boolean;
  /** Told when a view is computed rather than read back from metric_cache. */
  onCompute?: () => void;
}

type Survey = typeof surveys.$inferSelect;

/** What reproduces a read: its validated query and scope (metric_demand.params). */
const params = (v: ViewScope, query: object) => (v.record === false ? undefined : { query, scope: v.scope });

/** Today's date in the workspace zone: the "as of" of every retention figure. */
const asOfDate = (v: ViewScope) => localDate(v.now, v.timeZone);

export async function retentionView(db: Db, v: ViewScope, q: z.output<typeof RetentionQuerySchema>) {
  const buckets = bucketsFor(q.interval, v.timeZone, q.from, q.to);
  const where = accountWhereInScope(v.scope, q);
  const asOf = asOfDate(v);
  const periods = buckets.map((b) => ({ bucket: b, label: bucketLabel(b, q.interval), start: b, end: nextBucket(b, q.interval) }));
  return cachedMetric(
    db,
    {
      kind: "retention",
      key: { ...q, buckets: [buckets[0], buckets.at(-1)], scope: v.scope, tz: v.timeZone },
      asOf,
      readsUntil: (r) => r.points.at(-1)?.measuredAt ?? asOf,
      params: params(v, q),
      onCompute: v.onCompute,
    },
    async () => {
      const accounts =
        periods.length === 0
          ? []
          : await getRetention(db, {
              where,
              activeFrom: periods[0]!.start,
              activeUntil: minDate(periods.at(-1)!.start, asOf),
              mrrDates: retentionSeriesDates(periods, asOf),
            });
      return {
        interval: q.interval,
        from: periods[0]?.start ?? null,
        to: periods.at(-1)?.end ?? null,
        asOf,
        points: retentionSeries(accounts, periods, asOf),
      };
    },
  );
}

/** Cohort tables go out at most 20 years. */
const MAX_COHORTS = 80;

export async function cohortsView(db: Db, v: ViewScope, q: z.output<typeof CohortsQuerySchema>) {
  const buckets = bucketsFor("quarter", v.timeZone, q.from, q.to, MAX_COHORTS);
  const where = accountWhereInScope(v.scope, q);
  const asOf = asOfDate(v);
  const from = buckets[0];
  const to = buckets.length ? nextBucket(buckets.at(-1)!, "quarter") : undefined;
  return cachedMetric(
    db,
    {
      kind: "cohorts",
      key: { ...q, from, to, scope: v.scope, tz: v.timeZone },
      asOf,
      readsUntil: () => asOf,
      params: params(v, q),
      onCompute: v.onCompute,
    },
    async () => {
      const accounts = from ? await getCohorts(db, { where, startedFrom: from, startedBefore: to }) : [];
      return { from: from ?? null, to: to ?? null, asOf, cohorts: cohortRetention(accounts, asOf) };
    },
  );
}

/**
 * How a view by category is stored: which waves have closed decides its periods (and "auto" picks
 * waves once one has), so they are part of its key (a cheap read of the survey's waves); it is
 * dropped by the survey's answers (metricCache) and read as of today.
 */
async function categorySpec(db: Db, kind: "by_category" | "value", v: ViewScope, q: CategoryQuery, survey: Survey) {
  const closed =
    q.periods === "half" ? [] : (await getClosedWaves(db, survey.id, v.now)).map((w) => [w.id, w.opensAt.getTime(), w.closesAt.getTime()]);
  const asOf = asOfDate(v);
  return {
    kind,
    key: { ...q, closed, scope: v.scope, tz: v.timeZone },
    asOf,
    surveyId: survey.id,
    readsUntil: () => asOf,
    params: params(v, q),
    onCompute: v.onCompute,
  };
}

type CategoryQuery = z.output<typeof RetentionByCategoryQuerySchema> | z.output<typeof ValueByCategoryQuerySchema>;

/** `survey` is the NPS survey `q.surveyId` names, found and checked by the caller. */
export async function byCategoryView(db: Db, v: ViewScope, q: z.output<typeof RetentionByCategoryQuerySchema>, survey: Survey) {
  const where = accountWhereInScope(v.scope, q);
  const spec = await categorySpec(db, "by_category", v, q, survey);
  const asOf = spec.asOf;
  return cachedMetric(db, spec, async () => {
    const { mode, periods } = await categoryPeriods(db, { surveyId: survey.id, where, asked: q.periods, timeZone: v.timeZone, asOf, now: v.now });
    const accounts = periods.length ? await getCohorts(db, { where }) : [];
    const result = retentionByCategory(accounts, periods, q.horizonMonths, asOf);
    return { surveyId: survey.id, mode, horizonMonths: q.horizonMonths, asOf, ...result };
  });
}

/**
 * What satisfaction is worth (services/satisfactionValue.ts). Reads what retention by category
 * reads (the survey's answers in closed periods, the accounts) and the MRR history as retention
 * does, so the triggers drop it on either kind of change (migrations/0021). Every date it reads
 * is on or before the as-of date. `survey` as for byCategoryView.
 */
export async function valueView(db: Db, v: ViewScope, q: z.output<typeof ValueByCategoryQuerySchema>, survey: Survey) {
  const where = accountWhereInScope(v.scope, q);
  const spec = await categorySpec(db, "value", v, q, survey);
  const asOf = spec.asOf;
  return cachedMetric(db, spec, async () => {
    const worth = await satisfactionValue(db, { surveyId: survey.id, where, asked: q.periods, timeZone: v.timeZone, asOf, now: v.now });
    return { surveyId: survey.id, asOf, ...worth };
  });
}
