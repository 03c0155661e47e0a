/**
 * What `counted` holds for one survey and interval once the rollups are built in `timeZone`,
 * computed from `responses`: each member's latest answer per bucket (the trend's raw path's own
 * bucketing, latestPerBucket), with the account it was given for. The views that read `counted`
 * directly (account-level NPS, retention by category and customer value per half-year) read this
 * instead while a time-zone rebuild runs (worker/jobs/rebucket.ts): `counted` then holds buckets
 * of two zones, this holds those of the requested one. It reads every answer of the range (of the
 * survey when no range is given), so it is the slow path, taken only during a rebuild.
 */
import { and, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../env";
import { type Interval, zonedMidnightUtc } from "../../metrics/buckets";
import { accounts, responses } from "../schema";
import { latestPerBucket } from "./getScoreHistogramsRaw";

export interface CountedRawQuery {
  surveyId: string;
  interval: Interval;
  timeZone: string;
  /** Bucket starts in `timeZone`: [fromBucket, toBucket); both absent: every answer of the survey. */
  fromBucket?: string;
  toBucket?: string;
  /** A condition on `accounts` (scope, filters): the rows it accepts have `inScope`. */
  where: SQL | undefined;
}

export interface CountedRawRow {
  bucket: string;
  /** The contact, or `r:<response id>` for an anonymous answer, as in `counted`. */
  member: string;
  /** The account the answer was given for, when it exists (as `counted` joined to `accounts`). */
  accountId: string | null;
  accountName: string | null;
  /** The account passes `where` (always, without one; never, without an account). */
  inScope: boolean;
  score: number;
  at: number;
  responseId: string;
}

export async function getCountedRaw(db: Db, q: CountedRawQuery): Promise<CountedRawRow[]> {
  // Every answer in range, whatever its account: a scope chooses accounts, never which of a
  // contact's answers counts (docs/METRICS.md), so the latest is taken before the scope applies.
  const rows = await db
    .select({
      id: responses.id,
      contactId: responses.contactId,
      score: responses.score,
      createdAt: responses.createdAt,
      accountId: accounts.id,
      accountName: accounts.name,
      inScope: q.where === undefined ? sql<number>`${accounts.id} IS NOT NULL` : sql<number>`coalesce(${q.where}, 0)`,
    })
    .from(responses)
    .leftJoin(accounts, eq(accounts.id, responses.accountId))
    .where(
      and(
        eq(responses.surveyId, q.surveyId),
        q.fromBucket === undefined ? undefined : gte(responses.createdAt, new Date(zonedMidnightUtc(q.fromBucket, q.timeZone))),
        q.toBucket === undefined ? undefined : lt(responses.createdAt, new Date(zonedMidnightUtc(q.toBucket, q.timeZone))),
      ),
    )
    .all();
  return latestPerBucket(rows, q.interval, q.timeZone).map((r) => ({
    bucket: r.bucket,
    member: r.contactId ?? `r:${r.id}`,
    accountId: r.accountId,
    accountName: r.accountName,
    inScope: r.accountId !== null && Boolean(r.inScope),
    score: r.score,
    at: r.createdAt.getTime(),
    responseId: r.id,
  }));
}
