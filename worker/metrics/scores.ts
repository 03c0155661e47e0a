/** CSAT (1–5) and CES (1–7) summaries, and the significance of a change between two buckets (METRICS.md). */
import { countBetween, histogramMean, histogramTotal, type Histogram } from "./histogram";
import { type NpsChange, Z95 } from "./nps";

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

/**
 * Change of a share (points) from `before` to `after`, significant when it is larger than the
 * half-width of the 95 % Agresti–Caffo interval of the difference of two proportions (one success
 * and one failure added to each side, so it stays sensible at 0 % or 100 % and small n):
 * `100 · 1.959964 · √(p̃₁(1 − p̃₁)/(n₁ + 2) + p̃₂(1 − p̃₂)/(n₂ + 2))`, `p̃ = (x + 1)/(n + 2)`, x the
 * scores in [lo, hi]. Null when either side has no responses.
 */
function shareChange(before: Histogram, after: Histogram, lo: number, hi: number): NpsChange | null {
  const n1 = histogramTotal(before);
  const n2 = histogramTotal(after);
  if (n1 === 0 || n2 === 0) return null;
  const x1 = countBetween(before, lo, hi);
  const x2 = countBetween(after, lo, hi);
  const part = (x: number, n: number) => {
    const p = (x + 1) / (n + 2);
    return (p * (1 - p)) / (n + 2);
  };
  const threshold = 100 * Z95 * Math.sqrt(part(x1, n1) + part(x2, n2));
  const delta = (100 * x2) / n2 - (100 * x1) / n1;
  return { delta, threshold, significant: Math.abs(delta) > threshold };
}

/** The CSAT headline's change: the share of 4–5, in points. */
export const csatChange = (before: Histogram, after: Histogram) => shareChange(before, after, 4, 5);

/** The CES headline's change: the share of 5–7 ("easy"), in points, as the overview shows it. */
export const cesChange = (before: Histogram, after: Histogram) => shareChange(before, after, 5, 7);
