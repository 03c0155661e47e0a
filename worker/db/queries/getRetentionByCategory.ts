/**
 * What gives accounts their category, per period, for retention by NPS category: each account's
 * sum and number of counted scores (accountNps: its contacts' latest answers in the period), summed
 * by the database, so one row per period and account reaches the Worker:
 * - half-years: the `counted` rows of the survey's half buckets (latest answer per contact);
 * - waves: every identified answer given in a wave (tied to it by invitation, or given inside its
 *   window without one), each contact's latest kept.
 * Only answers linked to an account in the caller's scope. Sums, no rates.
 *
 * Until 2026-12-01 every answer of every period came to the Worker: at 1,000,000 answers the
 * half-year view grew workerd by about 400 MB and the isolate's heap to at least 104 MB, near a
 * production Worker's 128 MB (docs/SCALING.md, "Memory per request at scale").
 *
 * A scope or filter chooses accounts, never which answer of a contact counts (docs/METRICS.md):
 * half-years read `counted`, already each contact's latest whatever the account; in a wave, with a
 * `where`, an answer is kept only if its contact gave no later one in that wave, so a contact who
 * moved to an account outside the filter and answered again does not count for the first account.
 */
import { and, asc, eq, gte, isNotNull, isNull, lt, lte, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../env";
import type { AccountSum } from "../../metrics/accountNps";
import { readRollupZone } from "../../services/rollupZone";
import { accounts, counted, responses, waves } from "../schema";
import { zonedHalves } from "./zonedBuckets";

export type PeriodSum = AccountSum & { period: string };

/**
 * Half-years in `timeZone` (the workspace's). While the rollups are not built in it (a time-zone
 * rebuild under way, worker/jobs/rebucket.ts), `counted` mixes two zones' halves: the sums are
 * then computed from `responses`, bucketed in `timeZone` (halfYearSumsFromResponses: the slow
 * path, taken only during a rebuild).
 */
export async function getHalfYearSums(db: Db, surveyId: string, where: SQL | undefined, timeZone: string): Promise<PeriodSum[]> {
  // Read together, so that the usual path costs no extra round trip for the zone.
  const [zone, rows] = await Promise.all([readRollupZone(db.$client), halfYearSumsFromCounted(db, surveyId, where)]);
  return zone.zone === timeZone ? rows : halfYearSumsFromResponses(db, surveyId, where, timeZone);
}

/**
 * What `counted` will hold once built in `timeZone`, summed as halfYearSumsFromCounted does: each
 * member's latest answer per half (a contact, or the answer itself when anonymous; ties broken by
 * id, as the triggers do), taken among all the survey's answers before the scope chooses accounts.
 * Every answer of the survey is read, in SQLite: one row per half and account reaches the Worker.
 * (Until 2026-12-01 the answers themselves did, as many rows as the survey holds.)
 */
async function halfYearSumsFromResponses(db: Db, surveyId: string, where: SQL | undefined, timeZone: string): Promise<PeriodSum[]> {
  const halves = await zonedHalves(db, sql`(${surveyId})`, timeZone);
  return db.all<PeriodSum>(sql`WITH ${halves},
    latest AS (
      SELECT h.bucket, ${accounts.id} AS account_id, ${responses.score} AS score,
        ${where === undefined ? sql`1` : sql`coalesce(${where}, 0)`} AS in_scope,
        row_number() OVER (PARTITION BY coalesce(${responses.contactId}, 'r:' || ${responses.id}), h.bucket
          ORDER BY ${responses.createdAt} DESC, ${responses.id} DESC) AS rn
      FROM ${responses} JOIN buckets h ON ${responses.createdAt} >= h.lo AND ${responses.createdAt} < h.hi
      LEFT JOIN ${accounts} ON ${accounts.id} = ${responses.accountId}
      WHERE ${responses.surveyId} = ${surveyId})
    SELECT bucket AS period, account_id AS accountId, sum(score) AS total, count(*) AS n
    FROM latest WHERE rn = 1 AND account_id IS NOT NULL AND in_scope GROUP BY bucket, account_id`);
}

/** `counted` holds one row per contact and half: its latest answer there, so the sums are a GROUP BY. */
async function halfYearSumsFromCounted(db: Db, surveyId: string, where: SQL | undefined): Promise<PeriodSum[]> {
  return db
    .select({ period: counted.bucket, accountId: accounts.id, total: sql<number>`sum(${counted.score})`, n: sql<number>`count(*)` })
    .from(counted)
    .innerJoin(accounts, eq(accounts.id, counted.accountId))
    .where(and(eq(counted.surveyId, surveyId), eq(counted.interval, "half"), where))
    .groupBy(counted.bucket, accounts.id)
    .all();
}

/** The survey's waves that have closed by `nowMs` (open waves have no end to read categories at). */
export async function getClosedWaves(db: Db, surveyId: string, nowMs: number) {
  return db
    .select({ id: waves.id, period: waves.period, opensAt: waves.opensAt, closesAt: waves.closesAt })
    .from(waves)
    .where(and(eq(waves.surveyId, surveyId), lte(waves.closesAt, new Date(nowMs))))
    .orderBy(asc(waves.closesAt))
    .all();
}

/**
 * The sums of closed waves (`period` is the wave's id): per wave, each identified contact's latest
 * answer there (ties broken by response id), counted for the account it was given for, when it
 * was given for one.
 */
export async function getWaveSums(db: Db, surveyId: string, where: SQL | undefined, nowMs: number): Promise<PeriodSum[]> {
  // Two indexed reads instead of one join with OR, which SQLite answers by scanning every
  // response of the survey: answers tied to a closed wave (responses_wave_idx), then answers
  // without a wave inside a closed wave's window (responses_survey_created_idx).
  const select = {
    period: sql<string>`${waves.id}`.as("period"),
    member: sql<string>`${responses.contactId}`.as("member"),
    accountId: sql<string | null>`${accounts.id}`.as("account_id"),
    score: sql<number>`${responses.score}`.as("score"),
    at: sql<number>`${responses.createdAt}`.as("at"),
    responseId: sql<string>`${responses.id}`.as("response_id"),
  };
  const closed = and(
    eq(waves.surveyId, surveyId),
    lte(waves.closesAt, new Date(nowMs)),
    isNotNull(responses.contactId),
    where,
    where === undefined ? undefined : latestInWave,
  );
  const tied = db
    .select(select)
    .from(waves)
    .innerJoin(responses, eq(responses.waveId, waves.id))
    .leftJoin(accounts, eq(accounts.id, responses.accountId))
    .where(closed);
  const inWindow = db
    .select(select)
    .from(waves)
    .innerJoin(
      responses,
      and(
        eq(responses.surveyId, waves.surveyId),
        isNull(responses.waveId),
        gte(responses.createdAt, waves.opensAt),
        lt(responses.createdAt, waves.closesAt),
      ),
    )
    .leftJoin(accounts, eq(accounts.id, responses.accountId))
    .where(closed);
  const answers = tied.unionAll(inWindow).as("answers");
  return db.all<PeriodSum>(sql`SELECT period, account_id AS accountId, sum(score) AS total, count(*) AS n FROM (
      SELECT period, account_id, score, row_number() OVER (PARTITION BY period, member ORDER BY at DESC, response_id DESC) AS rn
      FROM ${answers})
    WHERE rn = 1 AND account_id IS NOT NULL GROUP BY period, account_id`);
}

/**
 * No later answer of the same contact in the same wave (tied to it, or without a wave inside its
 * window; ties broken by response id) for another account. A later one for the same account is
 * among the rows and wins in accountNps anyway; naming `accounts.id` also makes SQLite test this
 * only for the answers in scope (one probe of responses_contact_created_idx each). `later` is an
 * alias, so the outer tables stay in scope.
 */
const latestInWave = sql`NOT EXISTS (SELECT 1 FROM ${responses} AS later
  WHERE later.contact_id = ${responses.contactId} AND later.survey_id = ${responses.surveyId}
    AND later.created_at >= ${responses.createdAt} AND (later.created_at > ${responses.createdAt} OR later.id > ${responses.id})
    AND (later.wave_id = ${waves.id} OR (later.wave_id IS NULL AND later.created_at >= ${waves.opensAt} AND later.created_at < ${waves.closesAt}))
    AND later.account_id IS NOT ${accounts.id})`;
