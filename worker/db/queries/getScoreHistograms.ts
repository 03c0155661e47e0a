/**
 * Score histograms per bucket from the rollups or the cube: an indexed range read whatever the
 * number of responses. `rollups` answer no filter or an account (at most one row per bucket); the
 * cube answers any combination of channel, locale, segment and manager (a sum of the matching
 * rows per bucket, bounded by the combinations that exist, not by answers). For an account
 * combined with other filters, use getScoreHistogramsRaw (cubeSeries.ts, summarySource).
 */
import { and, eq, gte, lt } from "drizzle-orm";
import type { Db } from "../../env";
import type { Histogram } from "../../metrics/histogram";
import { cube, rollups } from "../schema";
import { cubeRange, cubeSeries, cubeSums, summarySource } from "./cubeSeries";
import type { HistogramQuery } from "./scoreFilter";

/** The rollup rows of one survey, interval and filter (none, or an account): the primary key's prefix. */
export function rollupSeries(q: Pick<HistogramQuery, "surveyId" | "interval" | "filters">) {
  if (summarySource(q.filters) !== "rollups") throw new Error("rollups answer no filter or one account");
  const f = q.filters[0];
  return and(
    eq(rollups.surveyId, q.surveyId),
    eq(rollups.interval, q.interval),
    eq(rollups.dim, f?.dim ?? "all"),
    eq(rollups.dimValue, f?.value ?? ""),
  );
}

type Counts = Pick<typeof rollups.$inferSelect, "s0" | "s1" | "s2" | "s3" | "s4" | "s5" | "s6" | "s7" | "s8" | "s9" | "s10">;

/** The eleven counts of a rollup row or of summed cube rows (SQLite may hand sums back as strings). */
export const rollupHistogram = (r: Counts): Histogram => [r.s0, r.s1, r.s2, r.s3, r.s4, r.s5, r.s6, r.s7, r.s8, r.s9, r.s10].map(Number);

export async function getScoreHistograms(db: Db, q: HistogramQuery): Promise<Map<string, Histogram>> {
  if (summarySource(q.filters) === "cube") {
    const rows = await db
      .select({ bucket: cube.bucket, ...cubeSums() })
      .from(cube)
      .where(and(cubeSeries(q), cubeRange(q)))
      .groupBy(cube.bucket)
      .all();
    return new Map(rows.filter((r) => Number(r.n) > 0).map((r) => [r.bucket, rollupHistogram(r)]));
  }
  const rows = await db
    .select()
    .from(rollups)
    .where(and(rollupSeries(q), gte(rollups.bucket, q.fromBucket), lt(rollups.bucket, q.toBucket)))
    .all();
  return new Map(rows.map((r) => [r.bucket, rollupHistogram(r)]));
}
