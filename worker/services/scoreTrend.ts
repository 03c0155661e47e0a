/** Picks the rollups or the cube when they can answer, the raw scan otherwise, and builds the trend. */
import type { SurveyKind } from "../db/schema";
import { asc, eq, sql } from "drizzle-orm";
import { waves, type SurveyKind as Kind } from "../db/schema";
import { getRawHistogramBefore, getRollupHistogramBefore } from "../db/queries/getHistogramBefore";
import { badRequest } from "../lib/errors";
import { getScoreHistograms } from "../db/queries/getScoreHistograms";
import { getWaveHistograms } from "../db/queries/getWaveHistograms";
import { getScoreHistogramsRaw } from "../db/queries/getScoreHistogramsRaw";
import { summarySource } from "../db/queries/cubeSeries";
import type { ScoreFilter } from "../db/queries/scoreFilter";
import type { Db } from "../env";
import { bucketOfDate, bucketsBetween, localDate, nextBucket, previousBucket, type Interval } from "../metrics/buckets";
import { bucketLabel as labelOf } from "../metrics/buckets";
import { emptyHistogram } from "../metrics/histogram";
import { buildLabelledTrend, buildTrend } from "../metrics/trend";
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
 * The rollups (no filter, an account) or the cube (any set of channel, locale, segment, manager
 * filters) answer when they are built in the requested zone (not mid-rebuild after a change of
 * TIMEZONE, worker/jobs/rebucket.ts); the raw path answers the rest exactly: another zone, or an
 * account combined with other filters (then bounded by that account's answers).
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
  const stored = summarySource(req.filters);
  const useRollups = stored !== null && (await readRollupZone(db.$client)).zone === req.timeZone;
  const [histograms, before] = useRollups
    ? await Promise.all([getScoreHistograms(db, q), getRollupHistogramBefore(db, q)])
    : await Promise.all([getScoreHistogramsRaw(db, { ...q, timeZone: req.timeZone }), getRawHistogramBefore(db, { ...q, timeZone: req.timeZone })]);
  return {
    source: useRollups ? stored : ("raw" as const),
    buckets,
    ...buildTrend(req.kind, req.interval, buckets, histograms, before && { ...before, label: labelOf(before.bucket, req.interval) }),
  };
}

/** At most this many earlier waves are read to find the one the first wave is compared with. */
const WAVE_LOOKBACK = 24;

/**
 * The trend by wave: one point per wave of the survey whose opening day (local, `timeZone`) is in
 * [from, to), oldest first (the latest MAX_BUCKETS); the first one is compared with the latest
 * earlier wave that has answers.
 */
export async function waveTrend(db: Db, req: Omit<TrendRequest, "interval"> & { kind: Kind }) {
  const all = await db.select().from(waves).where(eq(waves.surveyId, req.surveyId)).orderBy(asc(waves.opensAt), asc(waves.period)).all();
  const day = (w: (typeof all)[number]) => localDate(w.opensAt.getTime(), req.timeZone);
  const inRange = all.filter((w) => (!req.from || day(w) >= req.from) && (!req.to || day(w) < req.to)).slice(-MAX_BUCKETS);
  const firstIdx = inRange.length ? all.indexOf(inRange[0]!) : all.length;
  const earlier = all.slice(Math.max(0, firstIdx - WAVE_LOOKBACK), firstIdx);
  const histograms = await getWaveHistograms(db, {
    surveyId: req.surveyId,
    waveIds: [...earlier, ...inRange].map((w) => w.id),
    filters: req.filters,
  });
  const prior = earlier.findLast((w) => histograms.has(w.id));
  const trend = buildLabelledTrend(
    req.kind,
    inRange.map((w) => ({ bucket: w.period, label: w.period, histogram: histograms.get(w.id) ?? emptyHistogram() })),
    prior ? { bucket: prior.period, label: prior.period, histogram: histograms.get(prior.id)! } : null,
  );
  return {
    source: "waves" as const,
    waves: inRange.map((w) => ({ id: w.id, period: w.period, opensOn: day(w), closesAt: w.closesAt.toISOString() })),
    ...trend,
  };
}

/**
 * Whether a survey is answered through waves (at least one answer tied to one of its waves):
 * those surveys are grouped by wave unless the caller asks otherwise. A survey whose waves have
 * no answer yet (answered on the widget only) stays by month. Two indexed lookups, no scan.
 */
export async function hasWaves(db: Db, surveyId: string) {
  const row = await db.get<{ yes: number }>(
    sql`SELECT 1 AS yes FROM waves w WHERE w.survey_id = ${surveyId} AND EXISTS (SELECT 1 FROM responses r WHERE r.wave_id = w.id) LIMIT 1`,
  );
  return row !== undefined && row !== null;
}
