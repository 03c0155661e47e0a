/**
 * Retention metrics (METRICS.md, Retention; Account-level NPS), mounted under /api/v1/metrics:
 *   GET /retention               CRR, churn, NRR, GRR per month / quarter / half-year
 *   GET /cohorts                 share of each start-quarter cohort still active k quarters on
 *   GET /retention-by-category   do detractor accounts churn more? (n per group)
 *   GET /value-by-category       revenue retention, customer value and MRR at risk by category
 *   GET /accounts                account-level NPS with "no answer" counted
 * Every figure is limited to the caller's accounts (a manager sees their book only).
 */
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { accountWhere, type AccountFilter } from "../db/queries/accountFilter";
import { getAccountScores, getAccountsActiveBetween } from "../db/queries/getAccountScores";
import type { AppEnv } from "../env";
import { badRequest } from "../lib/errors";
import { errors, json, KEY_OR_SESSION, router } from "../lib/openapi";
import { workspaceTz } from "../lib/timezone";
import { accountNps } from "../metrics/accountNps";
import { nextBucket } from "../metrics/buckets";
import { requireAuth } from "../middleware/auth";
import { heavyRead, heavyReadErrors } from "../middleware/heavyRead";
import {
  AccountsMetricsQuerySchema,
  AccountsMetricsSchema,
  CohortsQuerySchema,
  CohortsSchema,
  RetentionByCategoryQuerySchema,
  RetentionByCategorySchema,
  RetentionQuerySchema,
  RetentionSchema,
  ValueByCategoryQuerySchema,
  ValueByCategorySchema,
} from "../schemas/retention";
import { byCategoryView, cohortsView, retentionView, valueView, type ViewScope } from "../services/retentionViews";
import { assertOwnManagerFilter, managerScope } from "../services/scope";
import { bucketsFor } from "../services/scoreTrend";
import { findSurvey } from "../services/surveys";

type Ctx = Context<AppEnv>;

/** The caller's scope for the cached views; a manager asking for another's book is refused. */
function viewScope(c: Ctx, f: AccountFilter): ViewScope {
  assertOwnManagerFilter(c.var.principal, f.manager);
  return { scope: managerScope(c.var.principal), timeZone: workspaceTz(c.env), now: Date.now() };
}

/** The caller's scope plus the requested filters; a manager asking for another's book is refused. */
function scopedAccounts(c: Ctx, f: AccountFilter) {
  assertOwnManagerFilter(c.var.principal, f.manager);
  return accountWhere(c.var.principal, f);
}

async function npsSurvey(c: Ctx, id: string) {
  const survey = await findSurvey(c.var.db, id);
  if (survey.kind !== "nps") {
    throw badRequest("not_nps", "Account categories need an NPS survey", "surveyId");
  }
  return survey;
}

const tags = ["retention"];
const scopeErrors = {
  ...errors(400, 401),
  403: { ...errors(403)[403], description: "A manager asking for another manager's accounts" },
  ...heavyReadErrors,
};

const retention = createRoute({
  method: "get",
  path: "/retention",
  summary: "Customer retention rate, churn, NRR and GRR per month, quarter or half-year (docs/METRICS.md, Retention)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth(), heavyRead] as const,
  request: { query: RetentionQuerySchema },
  responses: { 200: json(RetentionSchema, "One point per period"), ...scopeErrors },
});

const cohorts = createRoute({
  method: "get",
  path: "/cohorts",
  summary: "Share of each start-quarter cohort still active k quarters on",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth(), heavyRead] as const,
  request: { query: CohortsQuerySchema },
  responses: { 200: json(CohortsSchema, "One row per cohort"), ...scopeErrors },
});

const byCategory = createRoute({
  method: "get",
  path: "/retention-by-category",
  summary: "Retention over the next H months of promoter, passive, detractor and silent accounts, per wave or half-year, with n and 95 % intervals",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth(), heavyRead] as const,
  request: { query: RetentionByCategoryQuerySchema },
  responses: { 200: json(RetentionByCategorySchema, "Per period, and pooled over complete periods"), ...scopeErrors, ...errors(404) },
});

const value = createRoute({
  method: "get",
  path: "/value-by-category",
  summary:
    "What satisfaction is worth: per NPS category NRR/GRR over 6 and 12 months, expected lifetime and customer value, and the MRR at risk, each with n and a 95 % interval (docs/METRICS.md)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth(), heavyRead] as const,
  request: { query: ValueByCategoryQuerySchema },
  responses: { 200: json(ValueByCategorySchema, "Pooled over the periods whose horizon is over"), ...scopeErrors, ...errors(404) },
});

const accounts = createRoute({
  method: "get",
  path: "/accounts",
  summary: "Account-level NPS: each account's mean and category, no answer counted",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth(), heavyRead] as const,
  request: { query: AccountsMetricsQuerySchema },
  responses: { 200: json(AccountsMetricsSchema, "Accounts in scope"), ...scopeErrors, ...errors(404) },
});

export const retentionRoute = router()
  .openapi(retention, async (c) => c.json(await retentionView(c.var.db, viewScope(c, c.req.valid("query")), c.req.valid("query")), 200))
  .openapi(cohorts, async (c) => c.json(await cohortsView(c.var.db, viewScope(c, c.req.valid("query")), c.req.valid("query")), 200))
  .openapi(byCategory, async (c) => {
    const q = c.req.valid("query");
    const v = viewScope(c, q);
    return c.json(await byCategoryView(c.var.db, v, q, await npsSurvey(c, q.surveyId)), 200);
  })
  .openapi(value, async (c) => {
    const q = c.req.valid("query");
    const v = viewScope(c, q);
    return c.json(await valueView(c.var.db, v, q, await npsSurvey(c, q.surveyId)), 200);
  })
  .openapi(accounts, async (c) => {
    const q = c.req.valid("query");
    const survey = await npsSurvey(c, q.surveyId);
    const buckets = bucketsFor("month", workspaceTz(c.env), q.from, q.to);
    const where = scopedAccounts(c, q);
    if (buckets.length === 0) {
      return c.json(
        {
          surveyId: survey.id,
          from: null,
          to: null,
          accounts: [],
          counts: { promoter: 0, passive: 0, detractor: 0, no_answer: 0 },
          nps: null,
          total: 0,
          truncated: false,
        },
        200,
      );
    }
    const from = buckets[0]!;
    const to = nextBucket(buckets.at(-1)!, "month");
    const [active, rows] = await Promise.all([
      getAccountsActiveBetween(c.var.db, where, from, to),
      getAccountScores(c.var.db, { surveyId: survey.id, fromBucket: from, toBucket: to, where, timeZone: workspaceTz(c.env) }),
    ]);
    const names = new Map<string, string>(active.map((a) => [a.id, a.name]));
    for (const r of rows) names.set(r.accountId, r.accountName);
    const result = accountNps(
      rows,
      active.map((a) => a.id),
    );
    const listed = result.accounts.filter((a) => q.category === undefined || a.category === q.category);
    return c.json(
      {
        surveyId: survey.id,
        from,
        to,
        accounts: listed.slice(0, q.limit).map((a) => ({ ...a, name: names.get(a.accountId) ?? null })),
        counts: result.counts,
        nps: result.nps,
        total: listed.length,
        truncated: listed.length > q.limit,
      },
      200,
    );
  });
