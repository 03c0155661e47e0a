/**
 * Score histograms per value of one dimension (segment, manager, account, channel, locale),
 * summed over a range of buckets. By channel, locale, segment or manager: a GROUP BY over the
 * cube's rows, for a manager's view restricted to their own rows (the cube holds every
 * combination, so "segments, within my book" is a filter like any other). By account: `rollups`
 * (one row per account and bucket), or for a manager's view `counted` restricted to their
 * accounts. Labels come from the accounts and users tables.
 */
import { and, eq, gte, lt, ne, sql, type AnyColumn, type SQL } from "drizzle-orm";
import type { Db } from "../../env";
import { readRollupZone } from "../../services/rollupZone";
import { accounts, counted, cube, rollups, users } from "../schema";
import type { BreakdownDim, BreakdownQuery, BreakdownRow } from "./breakdownTypes";
import { CUBE_COLUMN, cubeRange, cubeSeries, cubeSums } from "./cubeSeries";
import { getBreakdownRaw } from "./getBreakdownRaw";

export { BREAKDOWN_DIMS, type BreakdownDim } from "./breakdownTypes";

export type { BreakdownQuery, BreakdownRow } from "./breakdownTypes";

/** The table a breakdown reads (when the rollups are in the requested zone). */
export const breakdownSource = (q: Pick<BreakdownQuery, "by" | "managerScope">) =>
  q.by !== "account" ? ("cube" as const) : q.managerScope === null ? ("rollups" as const) : ("counted" as const);

export async function getBreakdown(db: Db, q: BreakdownQuery): Promise<BreakdownRow[]> {
  const timeZone = q.timeZone ?? "UTC";
  if ((await readRollupZone(db.$client)).zone !== timeZone) return getBreakdownRaw(db, { ...q, timeZone });
  const rows =
    q.by !== "account"
      ? await fromCube(db, q, q.by)
      : q.managerScope === null
        ? await fromRollups(db, q)
        : await accountsFromCounted(db, q, q.managerScope);
  return rows.map((r) => ({
    value: r.value,
    label: r.label ?? null,
    histogram: [r.s0, r.s1, r.s2, r.s3, r.s4, r.s5, r.s6, r.s7, r.s8, r.s9, r.s10].map(Number),
  }));
}

/**
 * Label of a group: an account's name, a manager's name (or email), looked up once per group by
 * a scalar subquery. (A LEFT JOIN on a constant-false condition for the other dimensions would
 * make SQLite scan the joined table for every row.)
 */
function labelOf(value: AnyColumn, by: BreakdownDim): SQL<string | null> {
  if (by === "account") return sql`(SELECT ${accounts.name} FROM ${accounts} WHERE ${accounts.id} = ${value})`;
  if (by === "manager") {
    return sql`(SELECT coalesce(nullif(${users.name}, ''), ${users.email}) FROM ${users} WHERE ${users.id} = ${value})`;
  }
  return sql`NULL`;
}

async function fromCube(db: Db, q: BreakdownQuery, by: Exclude<BreakdownDim, "account">) {
  const col = CUBE_COLUMN[by];
  const { n: _n, ...sums } = cubeSums();
  const scope = q.managerScope === null ? [] : [{ dim: "manager" as const, value: q.managerScope }];
  return (
    db
      .select({ value: col, label: labelOf(col, by), ...sums })
      .from(cube)
      // '' is "no segment" or "no manager": not a group, as NULL is not one in the other paths.
      .where(and(cubeSeries({ ...q, filters: scope }), cubeRange(q), ne(col, "")))
      .groupBy(col)
      .having(sql`sum(${cube.n}) > 0`)
      .all()
  );
}

async function fromRollups(db: Db, q: BreakdownQuery) {
  const sum = (col: AnyColumn) => sql<number>`sum(${col})`;
  return db
    .select({
      value: rollups.dimValue,
      label: labelOf(rollups.dimValue, q.by),
      s0: sum(rollups.s0),
      s1: sum(rollups.s1),
      s2: sum(rollups.s2),
      s3: sum(rollups.s3),
      s4: sum(rollups.s4),
      s5: sum(rollups.s5),
      s6: sum(rollups.s6),
      s7: sum(rollups.s7),
      s8: sum(rollups.s8),
      s9: sum(rollups.s9),
      s10: sum(rollups.s10),
    })
    .from(rollups)
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

/** By account within a manager's book: their accounts' counted answers (rollups hold no manager × account rows). */
async function accountsFromCounted(db: Db, q: BreakdownQuery, manager: string) {
  const col = counted.accountId;
  const bin = (s: number) => sql<number>`sum(${counted.score} = ${s})`;
  return db
    .select({
      value: sql<string>`${col}`,
      label: labelOf(col, q.by),
      s0: bin(0),
      s1: bin(1),
      s2: bin(2),
      s3: bin(3),
      s4: bin(4),
      s5: bin(5),
      s6: bin(6),
      s7: bin(7),
      s8: bin(8),
      s9: bin(9),
      s10: bin(10),
    })
    .from(counted)
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
