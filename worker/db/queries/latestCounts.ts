/**
 * The answers that count, counted by SQLite (docs/METRICS.md): per bucket, each member's latest
 * answer (a contact, or the anonymous answer itself; ties broken by id, as the triggers do), kept
 * when it matches the filters, then counted per bucket, score (and value, for a breakdown). The
 * raw paths of the trend, the waves and the breakdown (another time zone mid-rebuild, an account
 * combined with other filters, a bucket as it stood before an instant) read this: a few rows per
 * bucket reach the Worker, not the answers (until 2026-12-01 every answer of the range did: at
 * 1,000,000 answers hundreds of MB, past a production isolate's 128 MB, docs/SCALING.md).
 *
 * A filter selects among the answers that count, as the rollups do: a member's latest answer in
 * the bucket counts under its own channel, locale, segment…, so a contact who answered by e-mail
 * and then on the widget counts for the widget only. So with a filter the candidates are the
 * matching answers and the other answers in `scope` of the contacts found (through the contact
 * index), one of which may be their latest and hide the match; without one, the matching answers.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../env";
import type { Interval } from "../../metrics/buckets";
import { responses } from "../schema";
import { zonedBuckets } from "./zonedBuckets";

export interface LatestCountsQuery {
  /** Where a contact's other answers are looked for: the range or the waves (and `before`). */
  scope: SQL;
  /** The answers that count when they are their member's latest: within `scope`, with the filters. */
  matching: SQL;
  /** `matching` narrower than `scope` (a filter or a caller's scope). */
  filtered: boolean;
  /** Calendar buckets in a zone over the local dates [from, to), or the answer's wave. */
  buckets: { interval: Interval; timeZone: string; from: string; to: string } | "wave";
  /** A column of `responses` to count by as well (the breakdown's value). */
  by?: SQL;
}

export interface LatestCount {
  bucket: string;
  value: string | null;
  score: number;
  n: number;
}

export async function latestCounts(db: Db, q: LatestCountsQuery): Promise<LatestCount[]> {
  const cols = sql`${responses.id} AS id, ${responses.contactId} AS contact_id, ${responses.score} AS score,
    ${responses.createdAt} AS created_at, ${responses.waveId} AS wave_id, ${q.by ?? sql`NULL`} AS value`;
  // Anonymous answers have no other answers: they are their own member.
  const candidates = q.filtered
    ? sql`SELECT ${cols}, coalesce((${q.matching}), 0) AS hit FROM ${responses}
        WHERE ${q.scope} AND ${responses.contactId} IN (SELECT ${responses.contactId} FROM ${responses} WHERE ${q.matching} AND ${responses.contactId} IS NOT NULL)
      UNION ALL
      SELECT ${cols}, 1 AS hit FROM ${responses} WHERE ${q.matching} AND ${responses.contactId} IS NULL`
    : sql`SELECT ${cols}, 1 AS hit FROM ${responses} WHERE ${q.matching}`;
  const calendar = q.buckets === "wave" ? null : q.buckets;
  const bucketed = calendar
    ? sql`SELECT b.bucket, c.* FROM candidates c JOIN buckets b ON c.created_at >= b.lo AND c.created_at < b.hi`
    : sql`SELECT c.wave_id AS bucket, c.* FROM candidates c WHERE c.wave_id IS NOT NULL`;
  return db.all<LatestCount>(sql`WITH ${calendar ? sql`${zonedBuckets(calendar.interval, calendar.timeZone, calendar.from, calendar.to)},` : sql``}
    candidates AS (${candidates}),
    ranked AS (
      SELECT bucket, value, score, hit,
        row_number() OVER (PARTITION BY bucket, coalesce(contact_id, 'r:' || id) ORDER BY created_at DESC, id DESC) AS rn
      FROM (${bucketed}))
    SELECT bucket, value, score, count(*) AS n FROM ranked WHERE rn = 1 AND hit GROUP BY bucket, value, score`);
}
