/** GET /api/v1/surveys/:surveyId/metrics: totals and the zero-filled trend of one survey. */
import { Hono } from "hono";
import type { ScoreFilter } from "../db/queries/scoreFilter";
import type { z } from "zod";
import type { AppEnv, Principal } from "../env";
import { SMALL_N } from "../metrics/nps";
import type { Trend } from "../metrics/trend";
import { badRequest } from "../lib/errors";
import { nextBucket } from "../metrics/buckets";
import { parseQuery } from "../lib/validate";
import { requireAuth } from "../middleware/auth";
import { MetricsQuerySchema } from "../schemas/metrics";
import { assertOwnManagerFilter, managerScope } from "../services/scope";
import { hasWaves, MAX_BUCKETS, requestedBuckets, scoreTrend, waveTrend } from "../services/scoreTrend";
import { findSurvey } from "./surveys";

export const metricsRoute = new Hono<AppEnv>().get("/:surveyId/metrics", requireAuth(), async (c) => {
  const survey = await findSurvey(c.var.db, c.req.param("surveyId"));
  const q = parseQuery(c, MetricsQuerySchema);
  const workspaceTz = c.env.TIMEZONE || "UTC";
  const timeZone = q.tz ?? workspaceTz;
  const filters = scoreFilters(c.var.principal, q);
  const interval = q.interval ?? ((await hasWaves(c.var.db, survey.id)) ? "wave" : "month");
  const base = { surveyId: survey.id, kind: survey.kind, interval, timeZone, filters, smallN: SMALL_N };
  if (interval === "wave") {
    const trend = await waveTrend(c.var.db, { surveyId: survey.id, kind: survey.kind, from: q.from, to: q.to, timeZone, filters });
    return c.json(metricsBody(base, trend.waves[0]?.opensOn ?? null, null, trend.source, trend, trend.waves));
  }
  if (requestedBuckets(interval, timeZone, q.from, q.to, Date.now(), MAX_BUCKETS + 1).length > MAX_BUCKETS) {
    throw badRequest("range_too_large", `At most ${MAX_BUCKETS} buckets per request`, "from");
  }
  const trend = await scoreTrend(c.var.db, workspaceTz, { surveyId: survey.id, kind: survey.kind, interval, from: q.from, to: q.to, timeZone, filters });
  const to = trend.buckets.length ? nextBucket(trend.buckets.at(-1)!, interval) : null;
  return c.json(metricsBody(base, trend.buckets[0] ?? null, to, trend.source, trend, null));
});

interface WaveRef {
  id: string;
  period: string;
  opensOn: string;
  closesAt: string;
}

/** One response shape whatever the grouping (`waves` lists the waves of a by-wave trend, else null). */
function metricsBody<B>(base: B, from: string | null, to: string | null, source: "rollups" | "raw" | "waves", trend: Trend, waves: WaveRef[] | null) {
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
