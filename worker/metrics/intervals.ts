/**
 * 95 % intervals for CSAT and CES, so every breakdown row carries n and an interval whatever the
 * survey kind (NPS has its own adjusted-Wald interval in nps.ts).
 */
import { countBetween, histogramMean, histogramTotal, type Histogram } from "./histogram";
import { Z95, type Interval95 } from "./nps";

/**
 * Wilson score interval of a proportion k/n, in percent: unlike the plain Wald interval it stays
 * inside [0, 100] and does not collapse to a point at 0 % or 100 % with small n.
 */
export function wilsonPercent(k: number, n: number): Interval95 | null {
  const w = wilson(k, n);
  return w && { low: 100 * w.low, high: 100 * w.high };
}

/** Wilson score interval of k/n as a share (0–1); null when n = 0. */
export function wilson(k: number, n: number): Interval95 | null {
  if (n === 0) return null;
  const p = k / n;
  const z2 = Z95 * Z95;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (Z95 / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

/**
 * 95 % interval of the difference of two independent proportions k1/n1 − k2/n2 (Newcombe 1998,
 * method 10: the hybrid of the two Wilson intervals). Unlike the Wald interval it behaves with
 * small groups and rates near 0 or 1, which is what retention by category has. Null if a group
 * is empty.
 */
export function newcombeDifference(k1: number, n1: number, k2: number, n2: number): Interval95 | null {
  const a = wilson(k1, n1);
  const b = wilson(k2, n2);
  if (!a || !b) return null;
  const p1 = k1 / n1;
  const p2 = k2 / n2;
  const d = p1 - p2;
  return {
    low: d - Math.sqrt((p1 - a.low) ** 2 + (b.high - p2) ** 2),
    high: d + Math.sqrt((a.high - p1) ** 2 + (p2 - b.low) ** 2),
  };
}

/** Normal-approximation interval of the mean score (sample standard deviation); null if n < 2. */
export function meanInterval(h: Histogram): Interval95 | null {
  const n = histogramTotal(h);
  const mean = histogramMean(h);
  if (n < 2 || mean === null) return null;
  const ss = h.reduce((t, count, score) => t + count * (score - mean) ** 2, 0);
  const margin = Z95 * Math.sqrt(ss / (n - 1) / n);
  return { low: mean - margin, high: mean + margin };
}

/** CSAT: Wilson interval of the share of 4–5 (percent). */
export const csatInterval = (h: Histogram) => wilsonPercent(countBetween(h, 4, 5), histogramTotal(h));
