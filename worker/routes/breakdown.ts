/**
 * GET /api/v1/metrics/breakdown?surveyId&by=segment|manager|account|channel|locale&from&to&interval
 * NPS / CSAT / CES per value of one dimension, summed over the range's buckets (a contact counts
 * once per bucket, as in the trend totals), each with n and a 95 % interval.
 */
import { createRoute } from "@hono/zod-openapi";
import { breakdownSource, getBreakdown } from "../db/queries/getBreakdown";
import { errors, json, KEY_OR_SESSION, router } from "../lib/openapi";
import { workspaceTz } from "../lib/timezone";
import { nextBucket } from "../metrics/buckets";
import { histogramTotal, type Histogram } from "../metrics/histogram";
import { csatInterval, meanInterval } from "../metrics/intervals";
import { npsCountsFromHistogram, npsInterval } from "../metrics/nps";
import { summarize } from "../metrics/summary";
import { requireAuth } from "../middleware/auth";
import { heavyReadErrors, spendHeavyRead } from "../middleware/heavyRead";
import { BreakdownQuerySchema, BreakdownSchema } from "../schemas/retention";
import { managerScope } from "../services/scope";
import { bucketsFor } from "../services/scoreTrend";
import { findSurvey } from "../services/surveys";
import type { SurveyKind } from "../db/schema";

/** NPS: adjusted-Wald on NPS; CSAT: Wilson on the share of 4–5; CES: on the mean. */
function interval95(kind: SurveyKind, h: Histogram) {
  if (kind === "nps") return npsInterval(npsCountsFromHistogram(h));
  if (kind === "csat") return csatInterval(h);
  return meanInterval(h);
}

const breakdown = createRoute({
  method: "get",
  path: "/breakdown",
  summary: "NPS, CSAT or CES per segment, manager, account, channel or locale, each with n and a 95 % interval",
  tags: ["metrics"],
  security: KEY_OR_SESSION,
  middleware: [requireAuth()] as const,
  request: { query: BreakdownQuerySchema },
  responses: { 200: json(BreakdownSchema, "Groups, largest first"), ...errors(400, 401, 404), ...heavyReadErrors },
});

export const breakdownRoute = router().openapi(breakdown, async (c) => {
  const q = c.req.valid("query");
  const survey = await findSurvey(c.var.db, q.surveyId);
  const buckets = bucketsFor(q.interval, workspaceTz(c.env), q.from, q.to);
  // One group per account: proportional to the accounts (1.6 s at 100,000), not to the page.
  if (q.by === "account") await spendHeavyRead(c);
  const scope = managerScope(c.var.principal);
  const from = buckets[0];
  const to = buckets.length ? nextBucket(buckets.at(-1)!, q.interval) : undefined;
  const rows =
    from && to
      ? await getBreakdown(c.var.db, {
          surveyId: survey.id,
          by: q.by,
          interval: q.interval,
          fromBucket: from,
          toBucket: to,
          managerScope: scope,
          timeZone: workspaceTz(c.env),
        })
      : [];
  const groups = rows
    .filter((r) => histogramTotal(r.histogram) > 0)
    .map((r) => ({
      value: r.value,
      label: r.label ?? r.value,
      summary: summarize(survey.kind, r.histogram),
      ci95: interval95(survey.kind, r.histogram),
    }))
    .sort((a, b) => b.summary.n - a.summary.n || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return c.json(
    {
      surveyId: survey.id,
      kind: survey.kind,
      by: q.by,
      interval: q.interval,
      from: from ?? null,
      to: to ?? null,
      source: breakdownSource({ by: q.by, managerScope: scope }),
      total: groups.length,
      truncated: groups.length > q.limit,
      groups: groups.slice(0, q.limit),
    },
    200,
  );
});
