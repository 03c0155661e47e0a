/**
 * Score histograms per wave: the answers tied to each wave (`responses.wave_id`), a member (a
 * contact, or an anonymous answer on its own) counting once with their latest answer in the wave,
 * and a filter selecting among those latest answers (docs/METRICS.md, "By wave"), as for months.
 *
 * A wave is a bucket of its own in `counted` (interval 'wave', bucket = the wave id;
 * migrations/0014_wave_buckets.sql), so `rollups` (no filter, or an account) and `cube` (any set of
 * channel, locale, segment, manager) answer with a few rows per wave, whatever the number of
 * answers. An account combined with another filter reads that account's answers in the waves
 * (through `responses_account_created_idx`) and its contacts' other answers there, as
 * getScoreHistogramsRaw does for months.
 */
import { and, eq, lt, sql } from "drizzle-orm";
import type { Db } from "../../env";
import type { Histogram } from "../../metrics/histogram";
import { cube, responses, rollups } from "../schema";
import { CUBE_COLUMN, cubeSums, summarySource, type CubeDim } from "./cubeSeries";
import { rollupHistogram } from "./getScoreHistograms";
import { COLUMN, histogramsOf } from "./getScoreHistogramsRaw";
import { latestCounts } from "./latestCounts";
import type { ScoreFilter } from "./scoreFilter";
import { inList } from "./inList";

export interface WaveHistogramQuery {
  surveyId: string;
  waveIds: string[];
  /** All must hold (a manager's scope is one more `manager` filter). */
  filters: ScoreFilter[];
  /**
   * Only the answers given before this instant (ms): a wave as it stood then (the monthly review
   * of a month that ended while the wave was open). The stored rows hold every answer, so this
   * reads `responses`.
   */
  before?: number;
}

/** Where a by-wave read comes from (summarySource, the same rule as for months). */
export const waveSource = (filters: ScoreFilter[]) => summarySource(filters) ?? ("raw" as const);

export async function getWaveHistograms(db: Db, q: WaveHistogramQuery): Promise<Map<string, Histogram>> {
  if (q.waveIds.length === 0) return new Map();
  if (q.before !== undefined) return getWaveHistogramsRaw(db, q);
  const source = waveSource(q.filters);
  if (source === "rollups") {
    const f = q.filters[0];
    const rows = await db
      .select()
      .from(rollups)
      .where(
        and(
          eq(rollups.surveyId, q.surveyId),
          eq(rollups.interval, "wave"),
          eq(rollups.dim, f?.dim ?? "all"),
          eq(rollups.dimValue, f?.value ?? ""),
          inList(rollups.bucket, q.waveIds),
        ),
      )
      .all();
    return new Map(rows.filter((r) => r.n > 0).map((r) => [r.bucket, rollupHistogram(r)]));
  }
  if (source === "cube") {
    const rows = await db
      .select({ bucket: cube.bucket, ...cubeSums() })
      .from(cube)
      .where(
        and(
          eq(cube.surveyId, q.surveyId),
          eq(cube.interval, "wave"),
          inList(cube.bucket, q.waveIds),
          ...q.filters.map((f) => eq(CUBE_COLUMN[f.dim as CubeDim], f.value)),
        ),
      )
      .groupBy(cube.bucket)
      .all();
    return new Map(rows.filter((r) => Number(r.n) > 0).map((r) => [r.bucket, rollupHistogram(r)]));
  }
  return getWaveHistogramsRaw(db, q);
}

/**
 * The same from `responses`, for an account combined with other filters (and the oracle of the
 * tests). `+` keeps SQLite on the account's index rather than the wave's (every answer of the wave).
 */
export async function getWaveHistogramsRaw(db: Db, q: WaveHistogramQuery): Promise<Map<string, Histogram>> {
  if (q.waveIds.length === 0) return new Map();
  const byAccount = q.filters.some((f) => f.dim === "account");
  const before = q.before === undefined ? undefined : lt(responses.createdAt, new Date(q.before));
  const inWaves = byAccount
    ? and(sql`+${responses.surveyId} = ${q.surveyId}`, inList(sql`+${responses.waveId}`, q.waveIds), before)
    : and(eq(responses.surveyId, q.surveyId), inList(responses.waveId, q.waveIds), before);
  // The other answers in these waves of the contacts found (one of them may be their latest
  // there) are read through the contact index: `+` keeps SQLite off the wave's index.
  const theirScope = and(sql`+${responses.surveyId} = ${q.surveyId}`, inList(sql`+${responses.waveId}`, q.waveIds), before)!;
  const counts = await latestCounts(db, {
    scope: theirScope,
    matching: and(inWaves, ...q.filters.map((f) => eq(COLUMN[f.dim], f.value)))!,
    filtered: q.filters.length > 0,
    buckets: "wave",
  });
  return histogramsOf(counts, (c) => c.bucket);
}
