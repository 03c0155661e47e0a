/**
 * Counted scores of identified contacts, by account, in a range of monthly buckets (the latest
 * answer per contact per month; accountNps keeps the latest of those), plus the accounts active
 * in the range (they are "no answer" when silent).
 */
import { and, asc, eq, gt, gte, isNull, lt, or, type SQL } from "drizzle-orm";
import type { Db } from "../../env";
import type { ScoredAnswer } from "../../metrics/accountNps";
import { accounts, counted } from "../schema";

export interface AccountScoresQuery {
  surveyId: string;
  /** Monthly bucket starts: [fromBucket, toBucket). */
  fromBucket: string;
  toBucket: string;
  where: SQL | undefined;
}

export async function getAccountScores(db: Db, q: AccountScoresQuery): Promise<(ScoredAnswer & { accountName: string })[]> {
  const rows = await db
    .select({
      member: counted.member,
      accountId: accounts.id,
      accountName: accounts.name,
      score: counted.score,
      at: counted.createdAt,
      responseId: counted.responseId,
    })
    .from(counted)
    .innerJoin(accounts, eq(accounts.id, counted.accountId))
    .where(
      and(
        eq(counted.surveyId, q.surveyId),
        eq(counted.interval, "month"),
        gte(counted.bucket, q.fromBucket),
        lt(counted.bucket, q.toBucket),
        q.where,
      ),
    )
    .all();
  return rows;
}

/** Accounts active at some time in [from, to): started before `to`, not churned by `from`. */
export async function getAccountsActiveBetween(db: Db, where: SQL | undefined, from: string, to: string) {
  return db
    .select({ id: accounts.id, name: accounts.name, segment: accounts.segment, managerUserId: accounts.managerUserId })
    .from(accounts)
    .where(and(where, lt(accounts.startedOn, to), or(isNull(accounts.churnedOn), gt(accounts.churnedOn, from))))
    .orderBy(asc(accounts.name), asc(accounts.id))
    .all();
}
