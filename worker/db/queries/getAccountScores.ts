/**
 * Counted scores of identified contacts, by account, in a range of monthly buckets (the latest
 * answer per contact per month; accountNps keeps the latest of those), plus the accounts active
 * in the range (they are "no answer" when silent).
 *
 * With a scope or filter (`where` on accounts), a row counts only if it is its contact's latest
 * answer in the whole range, whatever account that later answer was given for: a filter chooses
 * the accounts shown, never which of a contact's answers counts (docs/METRICS.md). Without this, a
 * contact who moved to an account outside the filter and answered again would still count, with
 * the older answer, for the first account, and that account's score would depend on the filter.
 *
 * While the rollups are not built in the requested zone (a time-zone rebuild under way,
 * worker/jobs/rebucket.ts), `counted` mixes two zones' months: the answers are then read from
 * `responses` and bucketed in the requested zone (getCountedRaw), the same rules applied.
 */
import { and, asc, eq, gt, gte, isNotNull, isNull, lt, notLike, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../env";
import type { ScoredAnswer } from "../../metrics/accountNps";
import { latestPerMember } from "../../metrics/accountNps";
import { readRollupZone } from "../../services/rollupZone";
import { accounts, counted, responses } from "../schema";
import { getCountedRaw } from "./countedRaw";

export interface AccountScoresQuery {
  surveyId: string;
  /** Monthly bucket starts: [fromBucket, toBucket). */
  fromBucket: string;
  toBucket: string;
  where: SQL | undefined;
  /** The zone the months are in (the workspace's). */
  timeZone: string;
}

export type AccountScoreRow = Omit<ScoredAnswer, "accountId"> & { accountId: string | null; accountName: string | null };

/**
 * Without a `where`, the identified contacts' answers given for no account come too (accountId
 * null): latestForAccounts needs them to know that such a contact's latest answer counts for no
 * account. Anonymous answers (members `r:…`) never belong to an account and are left out.
 */
export async function getAccountScores(db: Db, q: AccountScoresQuery): Promise<AccountScoreRow[]> {
  // Read together, so that the usual path costs no extra round trip for the zone.
  const [zone, rows] = await Promise.all([readRollupZone(db.$client), fromCounted(db, q)]);
  return zone.zone === q.timeZone ? rows : getAccountScoresRaw(db, q);
}

async function fromCounted(db: Db, q: AccountScoresQuery): Promise<AccountScoreRow[]> {
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
    .leftJoin(accounts, eq(accounts.id, counted.accountId))
    .where(
      and(
        eq(counted.surveyId, q.surveyId),
        eq(counted.interval, "month"),
        gte(counted.bucket, q.fromBucket),
        lt(counted.bucket, q.toBucket),
        q.where === undefined ? or(isNotNull(accounts.id), notLike(counted.member, "r:%")) : and(q.where, latestInRange(q.surveyId, q.toBucket)),
      ),
    )
    .all();
  return rows;
}

/**
 * The same from `responses`, in `q.timeZone`. Without a `where`, every identified contact's
 * monthly rows (those without an account included, as above); with one, each contact's latest
 * answer in the range, kept when its account is in scope: what the rows above come to once
 * latestForAccounts has taken each contact's latest.
 */
async function getAccountScoresRaw(db: Db, q: AccountScoresQuery): Promise<AccountScoreRow[]> {
  const rows = await getCountedRaw(db, {
    surveyId: q.surveyId,
    interval: "month",
    timeZone: q.timeZone,
    fromBucket: q.fromBucket,
    toBucket: q.toBucket,
    where: q.where,
  });
  const shaped = (r: (typeof rows)[number]): AccountScoreRow => ({
    member: r.member,
    accountId: r.accountId,
    accountName: r.accountName,
    score: r.score,
    at: r.at,
    responseId: r.responseId,
  });
  if (q.where === undefined) return rows.filter((r) => r.accountId !== null || !r.member.startsWith("r:")).map(shaped);
  return latestPerMember(rows.filter((r) => !r.member.startsWith("r:")))
    .filter((r) => r.inScope)
    .map(shaped);
}

/**
 * No later answer of the same contact to the survey, for another account, before the range ends
 * (ties broken by response id, as everywhere). A later answer for the same account is among the
 * rows and wins in accountNps anyway; naming `accounts.id` also makes SQLite test this only for
 * the rows that passed the scope (one probe of responses_contact_created_idx each), not for every
 * counted row of the range. `later` is an alias, so the outer tables stay in scope.
 */
function latestInRange(surveyId: string, toBucket: string): SQL {
  return sql`NOT EXISTS (SELECT 1 FROM ${responses} AS later
    WHERE later.contact_id = ${counted.member} AND later.survey_id = ${surveyId}
      AND later.created_at >= ${counted.createdAt} AND later.bucket_month < ${toBucket}
      AND (later.created_at > ${counted.createdAt} OR later.id > ${counted.responseId})
      AND later.account_id IS NOT ${accounts.id})`;
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
