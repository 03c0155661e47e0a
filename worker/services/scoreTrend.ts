/** Picks the rollups when they can answer, the raw scan otherwise, and builds the trend. */
import type { SurveyKind } from "../db/schema";
import { badRequest } from "../lib/errors";
import { getScoreHistograms } from "../db/queries/getScoreHistograms";
import { getScoreHistogramsRaw } from "../db/queries/getScoreHistogramsRaw";
import type { ScoreFilter } from "../db/queries/scoreFilter";
import type { Db } from "../env";
import { bucketOfDate, bucketsBetween, localDate, nextBucket, previousBucket, type Interval } from "../metrics/buckets";
import { buildTrend } from "../metrics/trend";
import { readRollupZone } from "./rollupZone";

export interface TrendRequest {
  surveyId: string;
  kind: SurveyKind;
  interval: Interval;
  from?: string;
  to?: string;
  timeZone: string;
  filters: ScoreFilter[];
}

export const MAX_BUCKETS = 240;
const DEFAULT_BUCKETS: Record<Interval, number> = { month: 12, quarter: 8, half: 4 };

/**
 * Bucket list for a request: defaults to the last 12 months / 8 quarters / 4 halves before `to`
 * (today), never before 1970. At most `limit` buckets are listed (callers pass their maximum + 1).
 */
export function requestedBuckets(interval: Interval, timeZone: string, from?: string, to?: string, now = Date.now(), limit = Infinity) {
  const end = to ?? nextBucket(bucketOfDate(localDate(now, timeZone), interval), interval);
  const start = from ?? defaultStart(end, interval);
  return start === null ? [] : bucketsBetween(start, end, interval, limit);
}

const EPOCH = "1970-01-01";

/** First of the default number of buckets that start before `end` (not before 1970); null if none does. */
function defaultStart(end: string, interval: Interval): string | null {
  if (end <= EPOCH) return null;
  const containing = bucketOfDate(end, interval);
  let b = containing < end ? containing : previousBucket(containing, interval);
  for (let i = 1; i < DEFAULT_BUCKETS[interval] && b > EPOCH; i++) b = previousBucket(b, interval);
  return b;
}

/** requestedBuckets, refused (400 `range_too_large`, on `from`) past `max` buckets. */
export function bucketsFor(interval: Interval, tz: string, from?: string, to?: string, max = MAX_BUCKETS) {
  const buckets = requestedBuckets(interval, tz, from, to, Date.now(), max + 1);
  if (buckets.length > max) throw badRequest("range_too_large", `At most ${max} buckets per request`, "from");
  return buckets;
}

/**
 * The rollups answer when they are built in the requested zone (not mid-rebuild after a change of
 * TIMEZONE, worker/jobs/rebucket.ts) and at most one filter is set; the raw path answers the rest,
 * exactly, at the cost of reading every answer in the range.
 */
export async function scoreTrend(db: Db, req: TrendRequest) {
  const buckets = requestedBuckets(req.interval, req.timeZone, req.from, req.to);
  if (buckets.length === 0) return { source: "rollups" as const, buckets, ...buildTrend(req.kind, req.interval, [], new Map()) };
  const q = {
    surveyId: req.surveyId,
    interval: req.interval,
    fromBucket: buckets[0]!,
    toBucket: nextBucket(buckets.at(-1)!, req.interval),
    filters: req.filters,
  };
  const useRollups = req.filters.length <= 1 && (await readRollupZone(db.$client)).zone === req.timeZone;
  const histograms = useRollups
    ? await getScoreHistograms(db, q)
    : await getScoreHistogramsRaw(db, { ...q, timeZone: req.timeZone });
  return {
    source: useRollups ? ("rollups" as const) : ("raw" as const),
    buckets,
    ...buildTrend(req.kind, req.interval, buckets, histograms),
  };
}
