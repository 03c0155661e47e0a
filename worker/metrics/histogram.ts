/**
 * A score histogram: counts[i] = how many counted responses gave score i (0–10).
 * Every per-bucket metric (NPS, CSAT, CES, means) derives from it, so the SQL only sums counts.
 */
export type Histogram = number[];

export const emptyHistogram = (): Histogram => Array.from({ length: 11 }, () => 0);

export function histogramFromScores(scores: Iterable<number>): Histogram {
  const h = emptyHistogram();
  for (const s of scores) {
    if (!Number.isInteger(s) || s < 0 || s > 10) throw new RangeError(`score out of range: ${s}`);
    h[s]! += 1;
  }
  return h;
}

export function addHistograms(a: Histogram, b: Histogram): Histogram {
  return a.map((v, i) => v + (b[i] ?? 0));
}

export const histogramTotal = (h: Histogram): number => h.reduce((t, v) => t + v, 0);

/** Count of responses whose score lies in [lo, hi]. */
export function countBetween(h: Histogram, lo: number, hi: number): number {
  let n = 0;
  for (let s = lo; s <= hi; s++) n += h[s] ?? 0;
  return n;
}

/** Mean score, or null when there are no responses. */
export function histogramMean(h: Histogram): number | null {
  const n = histogramTotal(h);
  if (n === 0) return null;
  return h.reduce((t, v, s) => t + v * s, 0) / n;
}
