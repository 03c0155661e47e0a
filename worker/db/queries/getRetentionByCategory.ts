/**
 * The answers that give accounts their category, per period, for retention by NPS category:
 * - half-years: the `counted` rows of the survey's half buckets (latest answer per contact);
 * - waves: every identified answer given in a wave (tied to it by invitation, or given inside its
 *   window without one); accountNps keeps each contact's latest.
 * Only answers linked to an account in the caller's scope. Rows, no rates.
 *
 * A scope or filter chooses accounts, never which answer of a contact counts (docs/METRICS.md):
 * half-years read `counted`, already each contact's latest whatever the account; in a wave, with a
 * `where`, an answer is kept only if its contact gave no later one in that wave, so a contact who
 * moved to an account outside the filter and answered again does not count for the first account.
 */
import { and, asc, eq, gte, isNotNull, isNull, lt, lte, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../env";
import type { ScoredAnswer } from "../../metrics/accountNps";
import { readRollupZone } from "../../services/rollupZone";
import { accounts, counted, responses, waves } from "../schema";
import { getCountedRaw } from "./countedRaw";

export type PeriodAnswer = ScoredAnswer & { period: string };

/**
 * Half-years in `timeZone` (the workspace's). While the rollups are not built in it (a time-zone
 * rebuild under way, worker/jobs/rebucket.ts), `counted` mixes two zones' halves: the answers are
 * then read from `responses` and bucketed in `timeZone` (getCountedRaw), every half of the survey.
 */
export async function getHalfYearAnswers(db: Db, surveyId: string, where: SQL | undefined, timeZone: string): Promise<PeriodAnswer[]> {
  // Read together, so that the usual path costs no extra round trip for the zone.
  const [zone, rows] = await Promise.all([readRollupZone(db.$client), halfYearsFromCounted(db, surveyId, where)]);
  if (zone.zone === timeZone) return rows;
  const raw = await getCountedRaw(db, { surveyId, interval: "half", timeZone, where });
  return raw
    .filter((r) => r.inScope)
    .map((r) => ({ period: r.bucket, member: r.member, accountId: r.accountId!, score: r.score, at: r.at, responseId: r.responseId }));
}

async function halfYearsFromCounted(db: Db, surveyId: string, where: SQL | undefined): Promise<PeriodAnswer[]> {
  return db
    .select({
      period: counted.bucket,
      member: counted.member,
      accountId: accounts.id,
      score: counted.score,
      at: counted.createdAt,
      responseId: counted.responseId,
    })
    .from(counted)
    .innerJoin(accounts, eq(accounts.id, counted.accountId))
    .where(and(eq(counted.surveyId, surveyId), eq(counted.interval, "half"), where))
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
 * Identified answers in closed waves. Without a `where`, those given for no account come too
 * (accountId null), so that latestForAccounts knows when a contact's latest answer in a wave
 * counts for no account.
 */
export async function getWaveAnswers(
  db: Db,
  surveyId: string,
  where: SQL | undefined,
  nowMs: number,
): Promise<(Omit<PeriodAnswer, "accountId"> & { accountId: string | null })[]> {
  // Two indexed reads instead of one join with OR, which SQLite answers by scanning every
  // response of the survey: answers tied to a closed wave (responses_wave_idx), then answers
  // without a wave inside a closed wave's window (responses_survey_created_idx).
  const select = {
    period: waves.id,
    member: responses.contactId,
    accountId: accounts.id,
    score: responses.score,
    at: responses.createdAt,
    responseId: responses.id,
  };
  const closed = and(
    eq(waves.surveyId, surveyId),
    lte(waves.closesAt, new Date(nowMs)),
    isNotNull(responses.contactId),
    where,
    where === undefined ? undefined : latestInWave,
  );
  const [tied, inWindow] = await Promise.all([
    db
      .select(select)
      .from(waves)
      .innerJoin(responses, eq(responses.waveId, waves.id))
      .leftJoin(accounts, eq(accounts.id, responses.accountId))
      .where(closed)
      .all(),
    db
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
      .where(closed)
      .all(),
  ]);
  return [...tied, ...inWindow].map((r) => ({ ...r, member: r.member!, at: r.at.getTime() }));
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
