/**
 * `account_standings` as it will be once the rollups are built in `timeZone`, for the accounts
 * list while a time-zone rebuild runs (worker/jobs/rebucket.ts): the stored table is kept from
 * `counted`, which then holds half-years of two zones. This computes it from `responses`, as a
 * table expression with the stored table's columns and one row per account, so the list's queries
 * read it in the stored table's place:
 * - each answer goes to its half-year in `timeZone`, the boundaries computed by the trend's own
 *   bucketing over the halves the NPS answers span (zonedBuckets.ts);
 * - each member's latest answer per survey and half counts (ties broken by id, as the triggers
 *   and latestCounts.ts do);
 * - an account's standing is what the triggers of migrations/0012_account_standings.sql compute
 *   from those rows: the mean of its latest half with answers, of the half before, and the time
 *   of its latest answer there.
 * All of it in SQLite, so the Worker holds one page, not the answers; but every read of the list
 * reads every answer of the NPS survey(s): the slow path, taken only during a rebuild.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../env";
import { zonedHalves } from "./zonedBuckets";

/** `standingsOf` as in the stored table: an NPS survey's id, or '' for every NPS survey together. */
export async function rawStandingsTable(db: Db, standingsOf: string, timeZone: string): Promise<SQL> {
  const surveys = standingsOf === "" ? sql`(SELECT id FROM surveys WHERE kind = 'nps')` : sql`(${standingsOf})`;
  const halves = await zonedHalves(db, surveys, timeZone);
  return sql`(WITH ${halves},
    latest AS (
      SELECT r.account_id, r.score, r.created_at, h.bucket,
        row_number() OVER (PARTITION BY r.survey_id, coalesce(r.contact_id, 'r:' || r.id), h.bucket ORDER BY r.created_at DESC, r.id DESC) AS rn
      FROM responses r JOIN buckets h ON r.created_at >= h.lo AND r.created_at < h.hi
      WHERE r.survey_id IN ${surveys}),
    per_half AS MATERIALIZED (
      SELECT account_id, bucket, avg(score) AS mean, max(created_at) AS last_at,
        row_number() OVER (PARTITION BY account_id ORDER BY bucket DESC) AS hn
      FROM latest WHERE rn = 1 AND account_id IS NOT NULL GROUP BY account_id, bucket)
    SELECT acc.id AS account_id, ${standingsOf} AS survey_id, l.mean AS last_score, p.mean AS previous_score,
      l.mean - p.mean AS change, l.last_at AS last_at
    FROM accounts acc LEFT JOIN per_half l ON l.account_id = acc.id AND l.hn = 1 LEFT JOIN per_half p ON p.account_id = acc.id AND p.hn = 2)`;
}
