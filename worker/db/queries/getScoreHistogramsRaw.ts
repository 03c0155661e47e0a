/**
 * The same histograms computed from `responses` directly: any time zone, any filter combination.
 * SQLite reads every response in the range (latestCounts.ts: each member's latest per bucket,
 * counted there), so it is the slow path (and the benchmark's "raw scan"), and the oracle the
 * tests hold the rollups to.
 */
import { and, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../env";
import { zonedMidnightUtc, type Interval } from "../../metrics/buckets";
import { emptyHistogram, type Histogram } from "../../metrics/histogram";
import { responses } from "../schema";
import type { ScoreFilter } from "./scoreFilter";
import { type LatestCount, latestCounts } from "./latestCounts";

export const COLUMN = {
  channel: responses.channel,
  locale: responses.locale,
  segment: responses.segment,
  manager: responses.managerUserId,
  account: responses.accountId,
} as const;

export interface RawHistogramQuery {
  surveyId: string;
  interval: Interval;
  fromBucket: string;
  toBucket: string;
  filters: ScoreFilter[];
  timeZone: string;
  /** Extra SQL condition on `responses` (a caller's scope). */
  where?: SQL;
  /** Only the answers given before this instant (ms): a bucket as it stood then. */
  before?: number;
}

/**
 * The survey condition. With an account filter, `+survey_id` keeps SQLite off the survey's index
 * (which it would otherwise pick: both indexes end in created_at) so that it reads one account's
 * answers through `responses_account_created_idx`, not the whole survey's.
 */
export const surveyIs = (surveyId: string, filters: ScoreFilter[]) =>
  filters.some((f) => f.dim === "account") ? sql`+${responses.surveyId} = ${surveyId}` : eq(responses.surveyId, surveyId);

export async function getScoreHistogramsRaw(db: Db, q: RawHistogramQuery): Promise<Map<string, Histogram>> {
  const inRange = and(
    surveyIs(q.surveyId, q.filters),
    gte(responses.createdAt, new Date(zonedMidnightUtc(q.fromBucket, q.timeZone))),
    lt(responses.createdAt, new Date(Math.min(zonedMidnightUtc(q.toBucket, q.timeZone), q.before ?? Number.POSITIVE_INFINITY))),
  )!;
  const counts = await latestCounts(db, {
    scope: inRange,
    matching: and(inRange, ...q.filters.map((f) => eq(COLUMN[f.dim], f.value)), q.where)!,
    filtered: q.filters.length > 0 || q.where !== undefined,
    buckets: { interval: q.interval, timeZone: q.timeZone, from: q.fromBucket, to: q.toBucket },
  });
  return histogramsOf(counts, (c) => c.bucket);
}

/** Counts (latestCounts) as one histogram per key: per bucket, or per value. */
export function histogramsOf(counts: LatestCount[], keyOf: (c: LatestCount) => string): Map<string, Histogram> {
  const out = new Map<string, Histogram>();
  for (const c of counts) {
    const key = keyOf(c);
    const h = out.get(key) ?? emptyHistogram();
    h[c.score]! += c.n;
    out.set(key, h);
  }
  return out;
}
