/**
 * Score histograms per value of one dimension (segment, manager, account, channel, locale),
 * summed over a range of buckets. Unscoped callers read `rollups` (one row per value and bucket);
 * a manager's view reads `counted` restricted to their accounts, because the rollups keep one
 * dimension at a time and cannot answer "segments, within my book". Labels come from the
 * accounts and users tables.
 */
import { and, eq, gte, lt, sql, type AnyColumn, type SQL } from "drizzle-orm";
import type { Db } from "../../env";
import type { Histogram } from "../../metrics/histogram";
import { accounts, counted, rollups, users } from "../schema";

export const BREAKDOWN_DIMS = ["segment", "manager", "account", "channel", "locale"] as const;
export type BreakdownDim = (typeof BREAKDOWN_DIMS)[number];

export interface BreakdownQuery {
  surveyId: string;
  by: BreakdownDim;
  interval: "month" | "quarter" | "half";
  fromBucket: string;
  toBucket: string;
  /** A manager's id: only their accounts' answers (counted path). */
  managerScope: string | null;
}

export interface BreakdownRow {
  value: string;
  label: string | null;
  histogram: Histogram;
}

const COUNTED_COLUMN = {
  segment: counted.segment,
  manager: counted.managerUserId,
  account: counted.accountId,
  channel: counted.channel,
  locale: counted.locale,
} as const;

export async function getBreakdown(db: Db, q: BreakdownQuery): Promise<BreakdownRow[]> {
  const rows = q.managerScope === null ? await fromRollups(db, q) : await fromCounted(db, q, q.managerScope);
  return rows.map((r) => ({
    value: r.value,
    label: r.accountName ?? r.userName ?? null,
    histogram: [r.s0, r.s1, r.s2, r.s3, r.s4, r.s5, r.s6, r.s7, r.s8, r.s9, r.s10].map(Number),
  }));
}

// Labels: an account's name, a manager's name (or email), joined only for those dimensions.
// For the other dimensions the join condition is the constant false: no label, no fan-out.
const labelJoins = (valueColumn: AnyColumn, by: BreakdownDim) => ({
  account: by === "account" ? eq(accounts.id, valueColumn) : sql`0`,
  user: by === "manager" ? eq(users.id, valueColumn) : sql`0`,
});

async function fromRollups(db: Db, q: BreakdownQuery) {
  const j = labelJoins(rollups.dimValue, q.by);
  const sum = (col: AnyColumn) => sql<number>`sum(${col})`;
  return db
    .select({
      value: rollups.dimValue,
      accountName: sql<string | null>`max(${accounts.name})`,
      userName: sql<string | null>`max(coalesce(nullif(${users.name}, ''), ${users.email}))`,
      s0: sum(rollups.s0), s1: sum(rollups.s1), s2: sum(rollups.s2), s3: sum(rollups.s3),
      s4: sum(rollups.s4), s5: sum(rollups.s5), s6: sum(rollups.s6), s7: sum(rollups.s7),
      s8: sum(rollups.s8), s9: sum(rollups.s9), s10: sum(rollups.s10),
    })
    .from(rollups)
    .leftJoin(accounts, j.account)
    .leftJoin(users, j.user)
    .where(
      and(
        eq(rollups.surveyId, q.surveyId),
        eq(rollups.interval, q.interval),
        eq(rollups.dim, q.by),
        gte(rollups.bucket, q.fromBucket),
        lt(rollups.bucket, q.toBucket),
      ),
    )
    .groupBy(rollups.dimValue)
    .all();
}

async function fromCounted(db: Db, q: BreakdownQuery, manager: string) {
  const col = COUNTED_COLUMN[q.by];
  const j = labelJoins(col, q.by);
  const bin = (s: number) => sql<number>`sum(${counted.score} = ${s})`;
  return db
    .select({
      value: sql<string>`${col}`,
      accountName: sql<string | null>`max(${accounts.name})`,
      userName: sql<string | null>`max(coalesce(nullif(${users.name}, ''), ${users.email}))`,
      s0: bin(0), s1: bin(1), s2: bin(2), s3: bin(3), s4: bin(4), s5: bin(5),
      s6: bin(6), s7: bin(7), s8: bin(8), s9: bin(9), s10: bin(10),
    })
    .from(counted)
    .leftJoin(accounts, j.account)
    .leftJoin(users, j.user)
    .where(
      and(
        eq(counted.surveyId, q.surveyId),
        eq(counted.interval, q.interval),
        gte(counted.bucket, q.fromBucket),
        lt(counted.bucket, q.toBucket),
        eq(counted.managerUserId, manager),
        sql`${col} IS NOT NULL`,
      ),
    )
    .groupBy(col)
    .all();
}
