/**
 * Calendar buckets in a time zone as a common table expression `buckets (lo, hi, bucket)`: the
 * instants [lo, hi) of each month, quarter or half-year by the trend's own bucketing
 * (metrics/buckets.ts) and its label. The raw paths join `responses` to it, so SQLite puts each
 * answer in its bucket in the requested zone and the Worker receives counts or sums, not answers
 * (latestCounts.ts; a time-zone rebuild's slow paths, worker/jobs/rebucket.ts).
 */
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../env";
import { bucketOf, bucketsBetween, type Interval, nextBucket, zonedMidnightUtc } from "../../metrics/buckets";

/** The buckets of `interval` from the one holding local date `from` to the last starting before `to`. */
export function zonedBuckets(interval: Interval, timeZone: string, from: string, to: string): SQL {
  const starts = bucketsBetween(from, to, interval);
  // Each bucket ends where the next begins: every edge is computed once (each costs a few Intl calls).
  const edges = [...starts, ...starts.slice(-1).map((b) => nextBucket(b, interval))].map((b) => zonedMidnightUtc(b, timeZone));
  const rows = starts.map((b, i) => [edges[i], edges[i + 1], b]);
  return sql`buckets (lo, hi, bucket) AS (
      SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(${JSON.stringify(rows)}))`;
}

/** The half-years a set of surveys' answers span. `surveys`: a parenthesised list or subquery of ids, e.g. sql`(${id})`. */
export async function zonedHalves(db: Db, surveys: SQL, timeZone: string): Promise<SQL> {
  // The first and last answer of each survey through responses_survey_created_idx.
  const span = await db.get<{ lo: number | null; hi: number | null }>(sql`
    SELECT min(lo) AS lo, max(hi) AS hi FROM (
      SELECT (SELECT min(created_at) FROM responses WHERE survey_id = s.id) AS lo,
             (SELECT max(created_at) FROM responses WHERE survey_id = s.id) AS hi
      FROM surveys s WHERE s.id IN ${surveys})`);
  if (span?.lo == null || span.hi == null) return zonedBuckets("half", timeZone, "2000-01-01", "2000-01-01");
  return zonedBuckets("half", timeZone, bucketOf(span.lo, "half", timeZone), nextBucket(bucketOf(span.hi, "half", timeZone), "half"));
}
