/**
 * The half-years a set of surveys' answers span, bucketed in `timeZone` by the trend's own
 * bucketing (metrics/buckets.ts), as a common table expression `halves (lo, hi, bucket)`: the
 * instants [lo, hi) of each half and its label. The slow paths of a time-zone rebuild
 * (worker/jobs/rebucket.ts) join `responses` to it, so SQLite assigns each answer its half in the
 * requested zone and the Worker receives sums, not answers.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../env";
import { bucketOf, bucketsBetween, nextBucket, zonedMidnightUtc } from "../../metrics/buckets";

/** `surveys`: a parenthesised list or subquery of survey ids, e.g. sql`(${id})`. */
export async function zonedHalves(db: Db, surveys: SQL, timeZone: string): Promise<SQL> {
  // The first and last answer of each survey through responses_survey_created_idx.
  const span = await db.get<{ lo: number | null; hi: number | null }>(sql`
    SELECT min(lo) AS lo, max(hi) AS hi FROM (
      SELECT (SELECT min(created_at) FROM responses WHERE survey_id = s.id) AS lo,
             (SELECT max(created_at) FROM responses WHERE survey_id = s.id) AS hi
      FROM surveys s WHERE s.id IN ${surveys})`);
  const halves =
    span?.lo == null || span.hi == null
      ? []
      : bucketsBetween(bucketOf(span.lo, "half", timeZone), nextBucket(bucketOf(span.hi, "half", timeZone), "half"), "half").map((b) => [
          zonedMidnightUtc(b, timeZone),
          zonedMidnightUtc(nextBucket(b, "half"), timeZone),
          b,
        ]);
  return sql`halves (lo, hi, bucket) AS (
      SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(${JSON.stringify(halves)}))`;
}
