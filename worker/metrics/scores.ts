/** CSAT (1–5) and CES (1–7) summaries (METRICS.md). */
import { countBetween, histogramMean, histogramTotal, type Histogram } from "./histogram";

export interface CsatSummary {
  n: number;
  /** Share of 4 and 5, in percent; null without responses. */
  csat: number | null;
  mean: number | null;
}

export function csat(h: Histogram): CsatSummary {
  const n = histogramTotal(h);
  return { n, csat: n === 0 ? null : (100 * countBetween(h, 4, 5)) / n, mean: histogramMean(h) };
}

export interface CesSummary {
  n: number;
  mean: number | null;
  /** Share of 5–7 ("easy"), in percent; null without responses. */
  easy: number | null;
}

export function ces(h: Histogram): CesSummary {
  const n = histogramTotal(h);
  return { n, mean: histogramMean(h), easy: n === 0 ? null : (100 * countBetween(h, 5, 7)) / n };
}
