/**
 * A zero-filled trend from per-bucket histograms, with each bucket's change from the previous
 * bucket that has answers (marked significant or not), and the totals over the range.
 */
import type { SurveyKind } from "../db/schema";
import { bucketLabel, type Interval } from "./buckets";
import { addHistograms, emptyHistogram, histogramTotal, type Histogram } from "./histogram";
import { npsChange, npsCountsFromHistogram, SMALL_N, type NpsChange } from "./nps";
import { cesChange, csatChange } from "./scores";
import { summarize, type Summary } from "./summary";

export interface TrendPoint {
  bucket: string;
  label: string;
  summary: Summary;
  /**
   * Change of the headline (NPS, CSAT share, CES mean) from the previous bucket that has answers
   * (`comparedWith`), never from an empty neighbour; null when this bucket or every earlier one is empty.
   */
  change: NpsChange | null;
  /** Label of the bucket the change is measured against. */
  comparedWith: string | null;
  /** 0 < n < SMALL_N: too few answers to say anything; the page says so instead of the number. */
  tooFew: boolean;
}

export interface Trend {
  points: TrendPoint[];
  /**
   * Over the whole range: the sum of the buckets, so a contact counts once per bucket
   * (docs/METRICS.md explains the choice).
   */
  totals: Summary;
}

/** A bucket given by its key, its label and its histogram (a wave, or the bucket before a range). */
export interface LabelledHistogram {
  bucket: string;
  label: string;
  histogram: Histogram;
}

export const tooFewAnswers = (n: number) => n > 0 && n < SMALL_N;

/** The headline's change and its significance: NPS points, CSAT share points, CES mean. */
function changeOf(kind: SurveyKind, before: Histogram, after: Histogram): NpsChange | null {
  if (kind === "nps") return npsChange(npsCountsFromHistogram(before), npsCountsFromHistogram(after));
  return kind === "csat" ? csatChange(before, after) : cesChange(before, after);
}

/**
 * `before`: the latest bucket before the range that has answers, so the first bucket of a range
 * has a change too (METRICS.md, "Comparisons and small samples").
 */
export function buildTrend(
  kind: SurveyKind,
  interval: Interval,
  buckets: string[],
  histograms: Map<string, Histogram>,
  before: LabelledHistogram | null = null,
): Trend {
  return buildLabelledTrend(
    kind,
    buckets.map((bucket) => ({ bucket, label: bucketLabel(bucket, interval), histogram: histograms.get(bucket) ?? emptyHistogram() })),
    before,
  );
}

/** The same over buckets that carry their own labels (waves). */
export function buildLabelledTrend(kind: SurveyKind, buckets: LabelledHistogram[], before: LabelledHistogram | null = null): Trend {
  let total = emptyHistogram();
  let previous = before && histogramTotal(before.histogram) > 0 ? before : null;
  const points = buckets.map(({ bucket, label, histogram: h }) => {
    total = addHistograms(total, h);
    const n = histogramTotal(h);
    const change = previous && n > 0 ? changeOf(kind, previous.histogram, h) : null;
    const comparedWith = change ? previous!.label : null;
    if (n > 0) previous = { bucket, label, histogram: h };
    return { bucket, label, summary: summarize(kind, h), change, comparedWith, tooFew: tooFewAnswers(n) };
  });
  return { points, totals: summarize(kind, total) };
}
