/**
 * The same histograms computed from `responses` directly: any time zone, any filter combination.
 * It reads every response in the range, so it is the slow path (and the benchmark's "raw scan"),
 * and the oracle the tests hold the rollups to.
 */
import { and, eq, gte, lt, type SQL } from "drizzle-orm";
import type { Db } from "../../env";
import { bucketOf, zonedMidnightUtc, type Interval } from "../../metrics/buckets";
import { emptyHistogram, type Histogram } from "../../metrics/histogram";
import { responses } from "../schema";
import type { ScoreFilter } from "./scoreFilter";

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
}

export async function getScoreHistogramsRaw(db: Db, q: RawHistogramQuery): Promise<Map<string, Histogram>> {
  const rows = await db
    .select({ id: responses.id, contactId: responses.contactId, score: responses.score, createdAt: responses.createdAt })
    .from(responses)
    .where(
      and(
        eq(responses.surveyId, q.surveyId),
        gte(responses.createdAt, new Date(zonedMidnightUtc(q.fromBucket, q.timeZone))),
        lt(responses.createdAt, new Date(zonedMidnightUtc(q.toBucket, q.timeZone))),
        ...q.filters.map((f) => eq(COLUMN[f.dim], f.value)),
        q.where,
      ),
    )
    .all();
  const latest = latestPerBucket(rows, q.interval, q.timeZone);
  const out = new Map<string, Histogram>();
  for (const { bucket, score } of latest) {
    const h = out.get(bucket) ?? emptyHistogram();
    h[score]! += 1;
    out.set(bucket, h);
  }
  return out;
}

/**
 * The answers that count (METRICS.md): the latest per member (a contact, or the anonymous answer
 * itself) per bucket of `interval` in `timeZone`, ties broken by id as the triggers do.
 */
export function latestPerBucket<T extends { id: string; contactId: string | null; createdAt: Date }>(
  rows: T[],
  interval: Interval,
  timeZone: string,
): (T & { bucket: string })[] {
  const latest = new Map<string, T & { bucket: string }>();
  for (const r of rows) {
    const at = r.createdAt.getTime();
    const bucket = bucketOf(at, interval, timeZone);
    const key = `${bucket}|${r.contactId ?? `r:${r.id}`}`;
    const prev = latest.get(key);
    if (!prev || at > prev.createdAt.getTime() || (at === prev.createdAt.getTime() && r.id > prev.id)) latest.set(key, { ...r, bucket });
  }
  return [...latest.values()];
}
