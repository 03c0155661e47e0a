/**
 * Retention metrics (METRICS.md, Retention; Account-level NPS), mounted under /api/v1/metrics:
 *   GET /retention               CRR, churn, NRR, GRR per month / quarter / half-year
 *   GET /cohorts                 share of each start-quarter cohort still active k quarters on
 *   GET /retention-by-category   do detractor accounts churn more? (n per group)
 *   GET /value-by-category       revenue retention, customer value and MRR at risk by category
 *   GET /accounts                account-level NPS with "no answer" counted
 * Every figure is limited to the caller's accounts (a manager sees their book only).
 */
import { Hono, type Context } from "hono";
import { accountWhere, type AccountFilter } from "../db/queries/accountFilter";
import { getAccountScores, getAccountsActiveBetween } from "../db/queries/getAccountScores";
import { getCohorts } from "../db/queries/getCohorts";
import { getRetention } from "../db/queries/getRetention";
import type { AppEnv } from "../env";
import { badRequest } from "../lib/errors";
import { parseQuery } from "../lib/validate";
import { accountNps } from "../metrics/accountNps";
import { bucketLabel, localDate, nextBucket } from "../metrics/buckets";
import { minDate } from "../metrics/calendar";
import { cohortRetention, retentionByCategory, retentionSeries } from "../metrics/retention";
import { requireAuth } from "../middleware/auth";
import {
  AccountsMetricsQuerySchema,
  CohortsQuerySchema,
  RetentionByCategoryQuerySchema,
  RetentionQuerySchema,
  ValueByCategoryQuerySchema,
} from "../schemas/retention";
import { categoryPeriods, satisfactionValue } from "../services/satisfactionValue";
import { assertOwnManagerFilter } from "../services/scope";
import { MAX_BUCKETS, requestedBuckets } from "../services/scoreTrend";
import { findSurvey } from "./surveys";

type Ctx = Context<AppEnv>;

export const workspaceTz = (c: Ctx) => c.env.TIMEZONE || "UTC";
/** Today's date in the workspace zone: the "as of" of every retention figure. */
export const today = (c: Ctx) => localDate(Date.now(), workspaceTz(c));

/** The caller's scope plus the requested filters; a manager asking for another's book is refused. */
export function scopedAccounts(c: Ctx, f: AccountFilter) {
  assertOwnManagerFilter(c.var.principal, f.manager);
  return accountWhere(c.var.principal, f);
}

export function bucketsFor(interval: "month" | "quarter" | "half", tz: string, from?: string, to?: string, max = MAX_BUCKETS) {
  const buckets = requestedBuckets(interval, tz, from, to, Date.now(), max + 1);
  if (buckets.length > max) throw badRequest("range_too_large", `At most ${max} buckets per request`, "from");
  return buckets;
}

async function npsSurvey(c: Ctx, id: string) {
  const survey = await findSurvey(c.var.db, id);
  if (survey.kind !== "nps") {
    throw badRequest("not_nps", "Account categories need an NPS survey", "surveyId");
  }
  return survey;
}

/** Cohort tables go out at most 20 years. */
const MAX_COHORTS = 80;

export const retentionRoute = new Hono<AppEnv>()
  .get("/retention", requireAuth(), async (c) => {
    const q = parseQuery(c, RetentionQuerySchema);
    const buckets = bucketsFor(q.interval, workspaceTz(c), q.from, q.to);
    const where = scopedAccounts(c, q);
    const asOf = today(c);
    const periods = buckets.map((b) => ({ bucket: b, label: bucketLabel(b, q.interval), start: b, end: nextBucket(b, q.interval) }));
    const accounts =
      periods.length === 0
        ? []
        : await getRetention(c.var.db, {
            where,
            activeFrom: periods[0]!.start,
            activeUntil: minDate(periods.at(-1)!.start, asOf),
          });
    return c.json({
      interval: q.interval,
      from: periods[0]?.start ?? null,
      to: periods.at(-1)?.end ?? null,
      asOf,
      points: retentionSeries(accounts, periods, asOf),
    });
  })
  .get("/cohorts", requireAuth(), async (c) => {
    const q = parseQuery(c, CohortsQuerySchema);
    const buckets = bucketsFor("quarter", workspaceTz(c), q.from, q.to, MAX_COHORTS);
    const where = scopedAccounts(c, q);
    const asOf = today(c);
    const from = buckets[0];
    const to = buckets.length ? nextBucket(buckets.at(-1)!, "quarter") : undefined;
    const accounts = from ? await getCohorts(c.var.db, { where, startedFrom: from, startedBefore: to }) : [];
    return c.json({ from: from ?? null, to: to ?? null, asOf, cohorts: cohortRetention(accounts, asOf) });
  })
  .get("/retention-by-category", requireAuth(), async (c) => {
    const q = parseQuery(c, RetentionByCategoryQuerySchema);
    const survey = await npsSurvey(c, q.surveyId);
    const where = scopedAccounts(c, q);
    const asOf = today(c);
    const { mode, periods } = await categoryPeriods(c.var.db, { surveyId: survey.id, where, asked: q.periods, timeZone: workspaceTz(c), asOf, now: Date.now() });
    const accounts = periods.length ? await getCohorts(c.var.db, { where }) : [];
    const result = retentionByCategory(accounts, periods, q.horizonMonths, asOf);
    return c.json({ surveyId: survey.id, mode, horizonMonths: q.horizonMonths, asOf, ...result });
  })
  .get("/value-by-category", requireAuth(), async (c) => {
    const q = parseQuery(c, ValueByCategoryQuerySchema);
    const survey = await npsSurvey(c, q.surveyId);
    const where = scopedAccounts(c, q);
    const value = await satisfactionValue(c.var.db, { surveyId: survey.id, where, asked: q.periods, timeZone: workspaceTz(c), asOf: today(c), now: Date.now() });
    return c.json({ surveyId: survey.id, asOf: today(c), ...value });
  })
  .get("/accounts", requireAuth(), async (c) => {
    const q = parseQuery(c, AccountsMetricsQuerySchema);
    const survey = await npsSurvey(c, q.surveyId);
    const buckets = bucketsFor("month", workspaceTz(c), q.from, q.to);
    const where = scopedAccounts(c, q);
    if (buckets.length === 0) {
      return c.json({ surveyId: survey.id, from: null, to: null, accounts: [], counts: { promoter: 0, passive: 0, detractor: 0, no_answer: 0 }, nps: null, total: 0, truncated: false });
    }
    const from = buckets[0]!;
    const to = nextBucket(buckets.at(-1)!, "month");
    const [active, rows] = await Promise.all([
      getAccountsActiveBetween(c.var.db, where, from, to),
      getAccountScores(c.var.db, { surveyId: survey.id, fromBucket: from, toBucket: to, where }),
    ]);
    const names = new Map<string, string>(active.map((a) => [a.id, a.name]));
    for (const r of rows) names.set(r.accountId, r.accountName);
    const result = accountNps(rows, active.map((a) => a.id));
    const listed = result.accounts.filter((a) => q.category === undefined || a.category === q.category);
    return c.json({
      surveyId: survey.id,
      from,
      to,
      accounts: listed.slice(0, q.limit).map((a) => ({ ...a, name: names.get(a.accountId) ?? null })),
      counts: result.counts,
      nps: result.nps,
      total: listed.length,
      truncated: listed.length > q.limit,
    });
  });
