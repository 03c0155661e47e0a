/** GET /api/v1/surveys/:surveyId/metrics: totals and the zero-filled trend of one survey. */
import { createRoute } from "@hono/zod-openapi";
import type { z } from "zod";
import type { ScoreFilter } from "../db/queries/scoreFilter";
import type { Principal } from "../env";
import { errors, json, KEY_OR_SESSION, params, router } from "../lib/openapi";
import { workspaceTz } from "../lib/timezone";
import { nextBucket } from "../metrics/buckets";
import { SMALL_N } from "../metrics/nps";
import type { Trend } from "../metrics/trend";
import { requireAuth } from "../middleware/auth";
import { heavyReadErrors, spendHeavyRead } from "../middleware/heavyRead";
import { MetricsQuerySchema, MetricsSchema } from "../schemas/metrics";
import { assertOwnManagerFilter, managerScope } from "../services/scope";
import { bucketsFor, hasWaves, scoreTrend, waveTrend } from "../services/scoreTrend";
import { findSurvey } from "../services/surveys";

const metrics = createRoute({
  method: "get",
  path: "/{surveyId}/metrics",
  summary:
    "Totals (NPS with 95 % interval, CSAT, CES) and the zero-filled trend by wave, month, quarter or half-year (default: by wave for a survey with waves, else by month); each point's change against the previous bucket with answers, and `tooFew` below `smallN` answers",
  tags: ["metrics"],
  security: KEY_OR_SESSION,
  middleware: [requireAuth()] as const,
  request: { params: params("surveyId"), query: MetricsQuerySchema },
  responses: {
    200: json(
      MetricsSchema,
      "`source`: rollups, the raw scan for another time zone or two filters, or waves (the wave rows of the rollups and the cube)",
    ),
    ...errors(400, 401, 403, 404),
    ...heavyReadErrors,
  },
});

export const metricsRoute = router().openapi(metrics, async (c) => {
  const q = c.req.valid("query");
  const survey = await findSurvey(c.var.db, c.req.valid("param").surveyId);
  const timeZone = q.tz ?? workspaceTz(c.env);
  const filters = scoreFilters(c.var.principal, q);
  const interval = q.interval ?? ((await hasWaves(c.var.db, survey.id)) ? "wave" : "month");
  const base = { surveyId: survey.id, kind: survey.kind, interval, timeZone, filters, smallN: SMALL_N };
  if (interval === "wave") {
    const trend = await waveTrend(c.var.db, { surveyId: survey.id, kind: survey.kind, from: q.from, to: q.to, timeZone, filters });
    return c.json(metricsBody(base, trend.waves[0]?.opensOn ?? null, null, trend.source, trend, trend.waves), 200);
  }
  bucketsFor(interval, timeZone, q.from, q.to);
  // The rollups are built in the workspace's zone; another zone reads the range's answers.
  if (timeZone !== workspaceTz(c.env)) await spendHeavyRead(c);
  const trend = await scoreTrend(c.var.db, { surveyId: survey.id, kind: survey.kind, interval, from: q.from, to: q.to, timeZone, filters });
  const to = trend.buckets.length ? nextBucket(trend.buckets.at(-1)!, interval) : null;
  return c.json(metricsBody(base, trend.buckets[0] ?? null, to, trend.source, trend, null), 200);
});

interface WaveRef {
  id: string;
  period: string;
  opensOn: string;
  closesAt: string;
}

/** One response shape whatever the grouping (`waves` lists the waves of a by-wave trend, else null). */
function metricsBody<B>(
  base: B,
  from: string | null,
  to: string | null,
  source: "rollups" | "cube" | "raw" | "waves",
  trend: Trend,
  waves: WaveRef[] | null,
) {
  return { ...base, from, to, source, totals: trend.totals, trend: trend.points, waves };
}

/** The query's breakdown filters, plus a manager's own scope (another manager's is a 403). */
function scoreFilters(p: Principal, q: z.infer<typeof MetricsQuerySchema>): ScoreFilter[] {
  const filters: ScoreFilter[] = [];
  for (const dim of ["segment", "manager", "account", "channel", "locale"] as const) {
    const value = q[dim];
    if (value !== undefined) filters.push({ dim, value });
  }
  const scope = managerScope(p);
  if (scope !== null) {
    assertOwnManagerFilter(p, q.manager);
    if (q.manager === undefined) filters.push({ dim: "manager", value: scope });
  }
  return filters;
}
