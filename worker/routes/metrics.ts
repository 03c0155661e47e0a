/** GET /api/v1/surveys/:surveyId/metrics: totals and the zero-filled trend of one survey. */
import { createRoute } from "@hono/zod-openapi";
import type { ScoreFilter } from "../db/queries/scoreFilter";
import { errors, json, KEY_OR_SESSION, params, router } from "../lib/openapi";
import { workspaceTz } from "../lib/timezone";
import { nextBucket } from "../metrics/buckets";
import { requireAuth } from "../middleware/auth";
import { MetricsQuerySchema, MetricsSchema } from "../schemas/metrics";
import { assertOwnManagerFilter, managerScope } from "../services/scope";
import { bucketsFor, scoreTrend } from "../services/scoreTrend";
import { findSurvey } from "../services/surveys";

const metrics = createRoute({
  method: "get",
  path: "/{surveyId}/metrics",
  summary: "Totals (NPS with 95 % interval, CSAT, CES) and the zero-filled trend by month, quarter or half-year",
  tags: ["metrics"],
  security: KEY_OR_SESSION,
  middleware: [requireAuth()] as const,
  request: { params: params("surveyId"), query: MetricsQuerySchema },
  responses: {
    200: json(MetricsSchema, "`source`: rollups, or the raw scan for another time zone or two filters"),
    ...errors(400, 401, 403, 404),
  },
});

export const metricsRoute = router().openapi(metrics, async (c) => {
  const q = c.req.valid("query");
  const survey = await findSurvey(c.var.db, c.req.valid("param").surveyId);
  const timeZone = q.tz ?? workspaceTz(c.env);
  bucketsFor(q.interval, timeZone, q.from, q.to);
  const filters: ScoreFilter[] = [];
  for (const dim of ["segment", "manager", "account", "channel", "locale"] as const) {
    const value = q[dim];
    if (value !== undefined) filters.push({ dim, value });
  }
  const scope = managerScope(c.var.principal);
  if (scope !== null) {
    assertOwnManagerFilter(c.var.principal, q.manager);
    if (q.manager === undefined) filters.push({ dim: "manager", value: scope });
  }
  const trend = await scoreTrend(c.var.db, {
    surveyId: survey.id,
    kind: survey.kind,
    interval: q.interval,
    from: q.from,
    to: q.to,
    timeZone,
    filters,
  });
  return c.json(
    {
      surveyId: survey.id,
      kind: survey.kind,
      interval: q.interval,
      timeZone,
      from: trend.buckets[0] ?? null,
      to: trend.buckets.length ? nextBucket(trend.buckets.at(-1)!, q.interval) : null,
      filters,
      source: trend.source,
      totals: trend.totals,
      trend: trend.points,
    },
    200,
  );
});
