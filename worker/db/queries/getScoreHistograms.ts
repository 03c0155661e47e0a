/**
 * Score histograms per bucket from the rollups: one indexed range read of at most one row per
 * bucket, whatever the number of responses. Handles no filter or a single filter; for several
 * filters at once, use getScoreHistogramsRaw.
 */
import { and, eq, gte, lt } from "drizzle-orm";
import type { Db } from "../../env";
import type { Histogram } from "../../metrics/histogram";
import { rollups } from "../schema";
import type { HistogramQuery } from "./scoreFilter";

/** The rollup rows of one survey, interval and (single) filter: the primary key's prefix. */
export function rollupSeries(q: Pick<HistogramQuery, "surveyId" | "interval" | "filters">) {
  if (q.filters.length > 1) throw new Error("rollups answer one filter at a time");
  const f = q.filters[0];
  return and(
    eq(rollups.surveyId, q.surveyId),
    eq(rollups.interval, q.interval),
    eq(rollups.dim, f?.dim ?? "all"),
    eq(rollups.dimValue, f?.value ?? ""),
  );
}

export const rollupHistogram = (r: typeof rollups.$inferSelect): Histogram => [r.s0, r.s1, r.s2, r.s3, r.s4, r.s5, r.s6, r.s7, r.s8, r.s9, r.s10];

export async function getScoreHistograms(db: Db, q: HistogramQuery): Promise<Map<string, Histogram>> {
  const rows = await db
    .select()
    .from(rollups)
    .where(and(rollupSeries(q), gte(rollups.bucket, q.fromBucket), lt(rollups.bucket, q.toBucket)))
    .all();
  return new Map(rows.map((r) => [r.bucket, rollupHistogram(r)]));
}
