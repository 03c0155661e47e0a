/**
 * The latest bucket before a range that has answers, with its histogram: the first bucket of a
 * trend is compared with it (docs/METRICS.md, "Comparisons and small samples").
 * Rollups: one indexed read (`n > 0`, bucket descending, limit 1). Cube: the matching rows summed
 * per bucket, walking back from the range to the first bucket with answers. Raw path: the latest
 * answer before the range gives the bucket, which is then counted like any other.
 */
import { and, desc, eq, gt, lt } from "drizzle-orm";
import type { Db } from "../../env";
import { bucketOf, nextBucket, zonedMidnightUtc } from "../../metrics/buckets";
import type { Histogram } from "../../metrics/histogram";
import { cube, responses, rollups } from "../schema";
import { cubeSeries, cubeSums, summarySource } from "./cubeSeries";
import { rollupHistogram, rollupSeries } from "./getScoreHistograms";
import { getScoreHistogramsRaw, COLUMN, surveyIs, type RawHistogramQuery } from "./getScoreHistogramsRaw";
import type { HistogramQuery } from "./scoreFilter";

export interface BucketHistogram {
  bucket: string;
  histogram: Histogram;
}

export async function getRollupHistogramBefore(db: Db, q: Omit<HistogramQuery, "toBucket">): Promise<BucketHistogram | null> {
  if (summarySource(q.filters) === "cube") {
    const c = await db
      .select({ bucket: cube.bucket, ...cubeSums() })
      .from(cube)
      .where(and(cubeSeries(q), lt(cube.bucket, q.fromBucket)))
      .groupBy(cube.bucket)
      .having(({ n }) => gt(n, 0))
      .orderBy(desc(cube.bucket))
      .limit(1)
      .get();
    return c ? { bucket: c.bucket, histogram: rollupHistogram(c) } : null;
  }
  const r = await db
    .select()
    .from(rollups)
    .where(and(rollupSeries(q), lt(rollups.bucket, q.fromBucket), gt(rollups.n, 0)))
    .orderBy(desc(rollups.bucket))
    .limit(1)
    .get();
  return r ? { bucket: r.bucket, histogram: rollupHistogram(r) } : null;
}

export async function getRawHistogramBefore(db: Db, q: Omit<RawHistogramQuery, "toBucket">): Promise<BucketHistogram | null> {
  // The latest matching answer gives a bucket; when a later answer of the same member (with other
  // attributes) took its place there, that bucket is empty for these filters: look further back.
  let before = q.fromBucket;
  for (;;) {
    const latest = await db
      .select({ createdAt: responses.createdAt })
      .from(responses)
      .where(
        and(
          surveyIs(q.surveyId, q.filters),
          lt(responses.createdAt, new Date(zonedMidnightUtc(before, q.timeZone))),
          ...q.filters.map((f) => eq(COLUMN[f.dim], f.value)),
          q.where,
        ),
      )
      .orderBy(desc(responses.createdAt))
      .limit(1)
      .get();
    if (!latest) return null;
    const bucket = bucketOf(latest.createdAt.getTime(), q.interval, q.timeZone);
    const h = await getScoreHistogramsRaw(db, { ...q, fromBucket: bucket, toBucket: nextBucket(bucket, q.interval) });
    const histogram = h.get(bucket);
    if (histogram) return { bucket, histogram };
    before = bucket;
  }
}
