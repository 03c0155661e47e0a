/** NPS, its adjusted-Wald 95 % interval and significance of a change (METRICS.md). */
import { CATEGORY_BOUNDS, categoryOf, SCORE_RANGE, type Category } from "../domain/categories";
import { countBetween, type Histogram } from "./histogram";

/**
 * Below this many answers a headline NPS says "too few answers" instead of a big number: at
 * n = 20 the 95 % interval is already about ±35 points wide (docs/METRICS.md).
 */
export const SMALL_N = 20;

/** z for a two-sided 95 % interval. */
export const Z95 = 1.959964;

export type NpsCategory = Category;

/** Promoter 9–10, passive 7–8, detractor 0–6. Also used for account means (≥ 9, ≥ 7). */
export const npsCategory = (score: number): NpsCategory => categoryOf("nps", score);

const NPS = CATEGORY_BOUNDS.nps;
const [NPS_MIN, NPS_MAX] = SCORE_RANGE.nps;

export interface NpsCounts {
  promoters: number;
  passives: number;
  detractors: number;
}

export const npsCountsFromHistogram = (h: Histogram): NpsCounts => ({
  promoters: countBetween(h, NPS.promoter, NPS_MAX),
  passives: countBetween(h, NPS.passive, NPS.promoter - 1),
  detractors: countBetween(h, NPS_MIN, NPS.passive - 1),
});

/** `100 · (P − D) / n`; null (not 0) when nobody answered. */
export function nps({ promoters, passives, detractors }: NpsCounts): number | null {
  const n = promoters + passives + detractors;
  if (n === 0) return null;
  return (100 * (promoters - detractors)) / n;
}

/**
 * Adjusted-Wald variance term (Rocks 2016): n' = n + 3, p' = (P + 0.75)/n', d' = (D + 0.75)/n',
 * v = (p' + d' − (p' − d')²) / n'. Defined for n = 0 too (it is then wide, not undefined).
 */
export function npsAdjustedWald({ promoters, passives, detractors }: NpsCounts) {
  const n1 = promoters + passives + detractors + 3;
  const p = (promoters + 0.75) / n1;
  const d = (detractors + 0.75) / n1;
  const variance = (p + d - (p - d) ** 2) / n1;
  return { center: 100 * (p - d), variance };
}

export interface Interval95 {
  low: number;
  high: number;
}

/** 95 % interval, clamped to [−100, 100]; null when nobody answered. */
export function npsInterval(counts: NpsCounts): Interval95 | null {
  if (counts.promoters + counts.passives + counts.detractors === 0) return null;
  const { center, variance } = npsAdjustedWald(counts);
  const margin = 100 * Z95 * Math.sqrt(variance);
  return { low: Math.max(-100, center - margin), high: Math.min(100, center + margin) };
}

export interface NpsChange {
  delta: number;
  /** Half-width of the 95 % interval of the difference. */
  threshold: number;
  significant: boolean;
}

/**
 * Change from `before` to `after`: significant when |NPS₁ − NPS₂| > 1.959964 · √(v₁ + v₂) · 100.
 * Null when either side has no responses.
 */
export function npsChange(before: NpsCounts, after: NpsCounts): NpsChange | null {
  const a = nps(before);
  const b = nps(after);
  if (a === null || b === null) return null;
  const threshold = Z95 * Math.sqrt(npsAdjustedWald(before).variance + npsAdjustedWald(after).variance) * 100;
  const delta = b - a;
  return { delta, threshold, significant: Math.abs(delta) > threshold };
}
