/**
 * Account-level NPS's sums (METRICS.md): for each account, the sum and number of its contacts'
 * counted scores, a contact counting once with their latest answer in a range of monthly buckets,
 * plus (below) the accounts active in the range (they are "no answer" when silent).
 *
 * The database takes each contact's latest answer (a window over the range's monthly `counted`
 * rows, ties broken by response id) and sums them per account, so one row per account reaches the
 * Worker. Until 2026-12-01 every monthly row of the range came to the Worker, which kept the
 * latest per contact: at 1,000,000 answers over two years that grew workerd by about 400 MB and
 * the isolate's heap past 240 MB, beyond a production Worker's 128 MB (docs/SCALING.md, "Memory
 * per request at scale").
 *
 * A contact's latest answer counts only for the account it was given for, and not at all when it
 * was given for none (anonymous answers, members `r:…`, never belong to an account). With a scope
 * or filter (`where` on accounts), a row counts only if it is its contact's latest answer in the
 * whole range, whatever account that later answer was given for: a filter chooses the accounts
 * shown, never which of a contact's answers counts (docs/METRICS.md). Without this, a contact who
 * moved to an account outside the filter and answered again would still count, with the older
 * answer, for the first account, and that account's score would depend on the filter.
 *
 * While the rollups are not built in the requested zone (a time-zone rebuild under way,
 * worker/jobs/rebucket.ts), `counted` mixes two zones' months: the answers are then read from
 * `responses` in the requested zone's range, the same rules applied.
 */
import { and, asc, gt, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../env";
import type { AccountSum } from "../../metrics/accountNps";
import { zonedMidnightUtc } from "../../metrics/buckets";
import { readRollupZone } from "../../services/rollupZone";
import { accounts, counted, responses } from "../schema";

export interface AccountScoresQuery {
  surveyId: string;
  /** Monthly bucket starts: [fromBucket, toBucket). */
  fromBucket: string;
  toBucket: string;
  where: SQL | undefined;
  /** The zone the months are in (the workspace's). */
  timeZone: string;
}

export type AccountScoreSum = AccountSum & { accountName: string };

export async function getAccountScores(db: Db, q: AccountScoresQuery): Promise<AccountScoreSum[]> {
  // Read together, so that the usual path costs no extra round trip for the zone.
  const [zone, rows] = await Promise.all([readRollupZone(db.$client), fromCounted(db, q)]);
  return zone.zone === q.timeZone ? rows : fromResponses(db, q);
}

/**
 * `ranked` gives, per row, its account (id and name, null without one), its score, whether the
 * scope takes it (`in_scope`) and its rank among its contact's rows, newest first (`rn`): the
 * contacts' latest rows that count, summed per account.
 */
async function sumLatest(db: Db, ranked: SQL): Promise<AccountScoreSum[]> {
  return db.all<AccountScoreSum>(sql`SELECT account_id AS accountId, max(account_name) AS accountName, sum(score) AS total, count(*) AS n
    FROM (${ranked}) WHERE rn = 1 AND account_id IS NOT NULL AND in_scope GROUP BY account_id ORDER BY account_id`);
}

async function fromCounted(db: Db, q: AccountScoresQuery): Promise<AccountScoreSum[]> {
  const inRange = sql`${counted.surveyId} = ${q.surveyId} AND ${counted.interval} = 'month'
    AND ${counted.bucket} >= ${q.fromBucket} AND ${counted.bucket} < ${q.toBucket} AND ${counted.member} NOT LIKE 'r:%'`;
  // With a scope, only its accounts' rows are ranked (a manager's book, not the whole range):
  // each is kept when no later answer of its contact went to another account (latestInRange),
  // and the latest of those kept is then the contact's latest answer of the range.
  const where = q.where === undefined ? inRange : sql`${inRange} AND ${q.where} AND ${latestInRange(q.surveyId, q.toBucket)}`;
  return sumLatest(
    db,
    sql`SELECT ${accounts.id} AS account_id, ${accounts.name} AS account_name, ${counted.score} AS score, 1 AS in_scope,
      row_number() OVER (PARTITION BY ${counted.member} ORDER BY ${counted.createdAt} DESC, ${counted.responseId} DESC) AS rn
    FROM ${counted} LEFT JOIN ${accounts} ON ${accounts.id} = ${counted.accountId} WHERE ${where}`,
  );
}

/** The same from `responses`, in `q.timeZone`: each identified contact's latest answer of the range, counted when its account is in scope. */
async function fromResponses(db: Db, q: AccountScoresQuery): Promise<AccountScoreSum[]> {
  const from = zonedMidnightUtc(q.fromBucket, q.timeZone);
  const to = zonedMidnightUtc(q.toBucket, q.timeZone);
  return sumLatest(
    db,
    sql`SELECT ${accounts.id} AS account_id, ${accounts.name} AS account_name, ${responses.score} AS score,
      ${q.where === undefined ? sql`1` : sql`coalesce(${q.where}, 0)`} AS in_scope,
      row_number() OVER (PARTITION BY ${responses.contactId} ORDER BY ${responses.createdAt} DESC, ${responses.id} DESC) AS rn
    FROM ${responses} LEFT JOIN ${accounts} ON ${accounts.id} = ${responses.accountId}
    WHERE ${responses.surveyId} = ${q.surveyId} AND ${responses.contactId} IS NOT NULL
      AND ${responses.createdAt} >= ${from} AND ${responses.createdAt} < ${to}`,
  );
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
