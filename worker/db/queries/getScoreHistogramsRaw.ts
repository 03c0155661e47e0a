/**
 * The same histograms computed from `responses` directly: any time zone, any filter combination.
 * It reads every response in the range, so it is the slow path (and the benchmark's "raw scan"),
 * and the oracle the tests hold the rollups to.
 */
import { and, eq, gte, inArray, isNotNull, lt, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../env";
import { bucketOf, zonedMidnightUtc, type Interval } from "../../metrics/buckets";
import { emptyHistogram, type Histogram } from "../../metrics/histogram";
import { responses } from "../schema";
import type { ScoreFilter } from "./scoreFilter";

export const COLUMN = {
  channel: responses.channel,
  locale: responses.locale,
  segment: responses.segment,
  manager: responses.managerUserId,
  account: responses.accountId,
} as const;

export interface RawHistogramQuery {
  surveyId: string;
  interval: Interval;
  fromBucket: string;
  toBucket: string;
  filters: ScoreFilter[];
  timeZone: string;
  /** Extra SQL condition on `responses` (a caller's scope). */
  where?: SQL;
  /** Only the answers given before this instant (ms): a bucket as it stood then. */
  before?: number;
}

/**
 * The survey condition. With an account filter, `+survey_id` keeps SQLite off the survey's index
 * (which it would otherwise pick: both indexes end in created_at) so that it reads one account's
 * answers through `responses_account_created_idx`, not the whole survey's.
 */
export const surveyIs = (surveyId: string, filters: ScoreFilter[]) =>
  filters.some((f) => f.dim === "account") ? sql`+${responses.surveyId} = ${surveyId}` : eq(responses.surveyId, surveyId);

export async function getScoreHistogramsRaw(db: Db, q: RawHistogramQuery): Promise<Map<string, Histogram>> {
  const inRange = and(
    surveyIs(q.surveyId, q.filters),
    gte(responses.createdAt, new Date(zonedMidnightUtc(q.fromBucket, q.timeZone))),
    lt(responses.createdAt, new Date(Math.min(zonedMidnightUtc(q.toBucket, q.timeZone), q.before ?? Number.POSITIVE_INFINITY))),
  );
  const matching = and(inRange, ...q.filters.map((f) => eq(COLUMN[f.dim], f.value)), q.where);
  const cols = { id: responses.id, contactId: responses.contactId, score: responses.score, createdAt: responses.createdAt };
  const filtered = q.filters.length > 0 || q.where !== undefined;
  // A filter selects among the answers that count, as the rollups do: a member's latest answer in
  // the bucket counts under its own channel, locale, segment…, so a contact who answered by e-mail
  // and then on the widget counts for the widget only. So the other answers in the range of the
  // contacts found are read too (through the contact index), to know which answer is their latest.
  const { rows, theirs } = await answersAndTheirOthers(db, cols, inRange, matching, filtered);
  return histogramsOfLatest(rows, theirs, (r) => bucketOf(r.createdAt.getTime(), q.interval, q.timeZone));
}

/**
 * The answers matching `matching` and, when a filter narrows them (`filtered`), the other answers
 * in `scope` of the contacts found (through the contact index): a filter selects among the answers
 * that count, as the rollups do, so one of those others may be a contact's latest and hide the
 * match.
 */
export async function answersAndTheirOthers<C extends Record<string, unknown>>(
  db: Db,
  cols: C,
  scope: SQL | undefined,
  matching: SQL | undefined,
  filtered: boolean,
) {
  const [rows, theirs] = await Promise.all([
    db
      .select(cols as never)
      .from(responses)
      .where(matching)
      .all(),
    filtered
      ? db
          .select(cols as never)
          .from(responses)
          .where(
            and(
              scope,
              inArray(
                responses.contactId,
                db
                  .selectDistinct({ c: responses.contactId })
                  .from(responses)
                  .where(and(matching, isNotNull(responses.contactId))),
              ),
            ),
          )
          .all()
      : [],
  ]);
  return { rows, theirs } as { rows: Answer[]; theirs: Answer[] };
}

interface Answer {
  id: string;
  contactId: string | null;
  score: number;
  createdAt: Date;
}

/**
 * Histograms per bucket of the matched answers that count: the latest of each member per bucket
 * among `rows` and `theirs`, kept only when it is one of `rows` (latest first, then filter).
 * `bucketOfRow` null: the answer is in no bucket.
 */
export function histogramsOfLatest<T extends Answer>(rows: T[], theirs: T[], bucketOfRow: (r: T) => string | null): Map<string, Histogram> {
  const matched = new Set(rows.map((r) => r.id));
  const all = new Map([...rows, ...theirs].map((r) => [r.id, r]));
  const out = new Map<string, Histogram>();
  for (const { id, bucket, score } of latestPer([...all.values()], bucketOfRow)) {
    if (!matched.has(id)) continue;
    const h = out.get(bucket) ?? emptyHistogram();
    h[score]! += 1;
    out.set(bucket, h);
  }
  return out;
}

/**
 * The answers that count (METRICS.md): the latest per member (a contact, or the anonymous answer
 * itself) per bucket of `interval` in `timeZone`, ties broken by id as the triggers do.
 */
export function latestPerBucket<T extends { id: string; contactId: string | null; createdAt: Date }>(
  rows: T[],
  interval: Interval,
  timeZone: string,
): (T & { bucket: string })[] {
  return latestPer(rows, (r) => bucketOf(r.createdAt.getTime(), interval, timeZone));
}

/** The same for any bucketing (a wave: the answer's wave id); rows in no bucket are left out. */
export function latestPer<T extends { id: string; contactId: string | null; createdAt: Date }>(
  rows: T[],
  bucketOfRow: (r: T) => string | null,
): (T & { bucket: string })[] {
  const latest = new Map<string, T & { bucket: string }>();
  for (const r of rows) {
    const bucket = bucketOfRow(r);
    if (bucket === null) continue;
    const at = r.createdAt.getTime();
    const key = `${bucket}|${r.contactId ?? `r:${r.id}`}`;
    const prev = latest.get(key);
    if (!prev || at > prev.createdAt.getTime() || (at === prev.createdAt.getTime() && r.id > prev.id)) latest.set(key, { ...r, bucket });
  }
  return [...latest.values()];
}
