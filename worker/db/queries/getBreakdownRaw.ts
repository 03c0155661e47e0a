/**
 * getBreakdown's answer computed from `responses` in any time zone: what the breakdown reads
 * while the rollups are being rebuilt in a new zone (worker/jobs/rebucket.ts). It reads every
 * answer of the range in SQLite (latestCounts.ts), so it is the slow path; the rules are the same (a contact counts once per
 * bucket, with their latest answer, then its value), and the tests hold both paths to each other.
 */
import { and, eq, gte, inArray, isNotNull, lt, sql } from "drizzle-orm";
import type { Db } from "../../env";
import { zonedMidnightUtc } from "../../metrics/buckets";
import { accounts, responses, users } from "../schema";
import type { BreakdownQuery, BreakdownRow } from "./breakdownTypes";
import { COLUMN, histogramsOf } from "./getScoreHistogramsRaw";
import { latestCounts } from "./latestCounts";

export async function getBreakdownRaw(db: Db, q: BreakdownQuery & { timeZone: string }): Promise<BreakdownRow[]> {
  const col = COLUMN[q.by];
  const inRange = and(
    eq(responses.surveyId, q.surveyId),
    gte(responses.createdAt, new Date(zonedMidnightUtc(q.fromBucket, q.timeZone))),
    lt(responses.createdAt, new Date(zonedMidnightUtc(q.toBucket, q.timeZone))),
  )!;
  // The answers with a value (of the manager's book) and the same contacts' other answers in the
  // range: a member's latest answer in the bucket counts, under its own value (none: in no group)
  // and its own manager, as in the cube. Filtering first would count an older answer instead.
  const counts = await latestCounts(db, {
    scope: inRange,
    matching: and(inRange, isNotNull(col), q.managerScope === null ? undefined : eq(responses.managerUserId, q.managerScope))!,
    filtered: true,
    buckets: { interval: q.interval, timeZone: q.timeZone, from: q.fromBucket, to: q.toBucket },
    by: sql`${col}`,
  });
  const byValue = histogramsOf(counts, (c) => c.value!);
  const labels = await labelsOf(db, q.by, [...byValue.keys()]);
  return [...byValue].map(([value, histogram]) => ({ value, label: labels.get(value) ?? null, histogram }));
}

async function labelsOf(db: Db, by: BreakdownQuery["by"], ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (by !== "account" && by !== "manager") return out;
  // D1 binds at most 100 parameters per statement.
  for (let i = 0; i < ids.length; i += 90) {
    const chunk = ids.slice(i, i + 90);
    const rows =
      by === "account"
        ? await db.select({ id: accounts.id, label: accounts.name }).from(accounts).where(inArray(accounts.id, chunk)).all()
        : (await db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(inArray(users.id, chunk)).all()).map((u) => ({
            id: u.id,
            label: u.name || u.email,
          }));
    for (const r of rows) out.set(r.id, r.label);
  }
  return out;
}
