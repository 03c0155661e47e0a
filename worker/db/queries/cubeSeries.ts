/**
 * Which table answers a set of filters, and the `cube` pieces its readers share. `rollups` keep
 * the whole survey (`all`) and one account at a time; `cube` keeps every combination of channel,
 * locale, segment and manager, so any of those filters, alone or together, is a sum over its
 * rows. An account combined with anything else takes the raw path, bounded by that account's
 * answers (`responses_account_created_idx`).
 */
import { and, eq, gte, lt, sql, type AnyColumn } from "drizzle-orm";
import { cube } from "../schema";
import type { HistogramQuery, ScoreFilter } from "./scoreFilter";

export const CUBE_COLUMN = {
  channel: cube.channel,
  locale: cube.locale,
  segment: cube.segment,
  manager: cube.manager,
} as const;

export type CubeDim = keyof typeof CUBE_COLUMN;

const inCube = (f: ScoreFilter): f is ScoreFilter & { dim: CubeDim } => f.dim in CUBE_COLUMN;

/** "rollups" for no filter or one account, "cube" for any channel/locale/segment/manager set, else null (raw). */
export function summarySource(filters: ScoreFilter[]): "rollups" | "cube" | null {
  if (filters.length === 0 || (filters.length === 1 && filters[0]!.dim === "account")) return "rollups";
  return filters.every(inCube) ? "cube" : null;
}

/** The cube rows of one survey and interval matching every filter (bucket range left to the caller). */
export function cubeSeries(q: Pick<HistogramQuery, "surveyId" | "interval" | "filters">) {
  return and(
    eq(cube.surveyId, q.surveyId),
    eq(cube.interval, q.interval),
    ...q.filters.map((f) => {
      if (!inCube(f)) throw new Error(`the cube has no ${f.dim}`);
      return eq(CUBE_COLUMN[f.dim], f.value);
    }),
  );
}

/** [fromBucket, toBucket) on the cube's bucket. */
export const cubeRange = (q: Pick<HistogramQuery, "fromBucket" | "toBucket">) => and(gte(cube.bucket, q.fromBucket), lt(cube.bucket, q.toBucket));

const total = (col: AnyColumn) => sql<number>`sum(${col})`;

/** Summed histogram columns, to select next to a GROUP BY over cube rows. */
export const cubeSums = () => ({
  n: total(cube.n),
  s0: total(cube.s0),
  s1: total(cube.s1),
  s2: total(cube.s2),
  s3: total(cube.s3),
  s4: total(cube.s4),
  s5: total(cube.s5),
  s6: total(cube.s6),
  s7: total(cube.s7),
  s8: total(cube.s8),
  s9: total(cube.s9),
  s10: total(cube.s10),
});
