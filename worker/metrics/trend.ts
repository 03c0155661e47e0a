/**
 * A zero-filled trend from per-bucket histograms, with each bucket's change from the one before
 * (marked significant or not for NPS), and the totals over the range.
 */
import type { SurveyKind } from "../db/schema";
import { bucketLabel, type Interval } from "./buckets";
import { addHistograms, emptyHistogram, type Histogram } from "./histogram";
import { npsChange, npsCountsFromHistogram, type NpsChange } from "./nps";
import { summarize, type Summary } from "./summary";

export interface TrendPoint {
  bucket: string;
  label: string;
  summary: Summary;
  /** NPS surveys: change from the previous bucket; null when either side has no responses. */
  change: NpsChange | null;
}

export interface Trend {
  points: TrendPoint[];
  /**
   * Over the whole range: the sum of the buckets, so a contact counts once per bucket
   * (docs/METRICS.md explains the choice).
   */
  totals: Summary;
}

export function buildTrend(
  kind: SurveyKind,
  interval: Interval,
  buckets: string[],
  histograms: Map<string, Histogram>,
): Trend {
  let total = emptyHistogram();
  let previous: Histogram | null = null;
  const points = buckets.map((bucket) => {
    const h = histograms.get(bucket) ?? emptyHistogram();
    total = addHistograms(total, h);
    const change =
      kind === "nps" && previous ? npsChange(npsCountsFromHistogram(previous), npsCountsFromHistogram(h)) : null;
    previous = h;
    return { bucket, label: bucketLabel(bucket, interval), summary: summarize(kind, h), change };
  });
  return { points, totals: summarize(kind, total) };
}
