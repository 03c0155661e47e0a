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

export const RAW_COLUMN = {
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
        ...q.filters.map((f) => eq(RAW_COLUMN[f.dim], f.value)),
        q.where,
      ),
    )
    .all();
  // Latest response per member (contact, or the anonymous response itself) per bucket.
  const latest = new Map<string, { at: number; id: string; score: number; bucket: string }>();
  for (const r of rows) {
    const at = r.createdAt.getTime();
    const bucket = bucketOf(at, q.interval, q.timeZone);
    const key = `${bucket}|${r.contactId ?? `r:${r.id}`}`;
    const prev = latest.get(key);
    if (!prev || at > prev.at || (at === prev.at && r.id > prev.id)) latest.set(key, { at, id: r.id, score: r.score, bucket });
  }
  const out = new Map<string, Histogram>();
  for (const { bucket, score } of latest.values()) {
    const h = out.get(bucket) ?? emptyHistogram();
    h[score]! += 1;
    out.set(bucket, h);
  }
  return out;
}
