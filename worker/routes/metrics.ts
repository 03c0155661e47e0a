/** GET /api/v1/surveys/:surveyId/metrics: totals and the zero-filled trend of one survey. */
import { Hono } from "hono";
import type { ScoreFilter } from "../db/queries/scoreFilter";
import type { AppEnv } from "../env";
import { badRequest } from "../lib/errors";
import { nextBucket } from "../metrics/buckets";
import { parseQuery } from "../lib/validate";
import { requireAuth } from "../middleware/auth";
import { MetricsQuerySchema } from "../schemas/metrics";
import { assertOwnManagerFilter, managerScope } from "../services/scope";
import { MAX_BUCKETS, requestedBuckets, scoreTrend } from "../services/scoreTrend";
import { findSurvey } from "./surveys";

export const metricsRoute = new Hono<AppEnv>().get("/:surveyId/metrics", requireAuth(), async (c) => {
  const survey = await findSurvey(c.var.db, c.req.param("surveyId"));
  const q = parseQuery(c, MetricsQuerySchema);
  const workspaceTz = c.env.TIMEZONE || "UTC";
  const timeZone = q.tz ?? workspaceTz;
  if (requestedBuckets(q.interval, timeZone, q.from, q.to, Date.now(), MAX_BUCKETS + 1).length > MAX_BUCKETS) {
    throw badRequest("range_too_large", `At most ${MAX_BUCKETS} buckets per request`, "from");
  }
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
  const trend = await scoreTrend(c.var.db, workspaceTz, {
    surveyId: survey.id,
    kind: survey.kind,
    interval: q.interval,
    from: q.from,
    to: q.to,
    timeZone,
    filters,
  });
  return c.json({
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
  });
});
