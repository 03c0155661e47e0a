/**
 * Survey kinds, their scales and the score categories: the one definition that the metrics, the
 * SQL, the public survey, the webhooks, the seed and the admin page all derive from.
 * - NPS 0–10: promoter 9–10, passive 7–8, detractor 0–6 (METRICS.md).
 * - CSAT 1–5: promoter (satisfied) 4–5, passive 3, detractor 1–2.
 * - CES 1–7: promoter (easy) 5–7, passive 4, detractor 1–3.
 * Pure and dependency-free on purpose: the admin page imports this file as it is. The SQL twin
 * (`categorySql`) lives in worker/db/queries/scoreCategory.ts and is built from these numbers;
 * the follow-up triggers (migrations/0005) hard-code them, and test/unit/categories.test.ts
 * holds both to this module.
 */

export const SURVEY_KINDS = ["nps", "csat", "ces"] as const;
export type SurveyKind = (typeof SURVEY_KINDS)[number];

export const CATEGORIES = ["promoter", "passive", "detractor"] as const;
export type Category = (typeof CATEGORIES)[number];

/** Valid scores per kind, both ends included. */
export const SCORE_RANGE: Record<SurveyKind, readonly [min: number, max: number]> = {
  nps: [0, 10],
  csat: [1, 5],
  ces: [1, 7],
};

/**
 * Lowest promoter score and lowest passive score per kind. Written as lower bounds (`≥`) so that
 * the same rule classifies a mean (an account's 7.4 is passive, METRICS.md "Account-level NPS").
 */
export const CATEGORY_BOUNDS: Record<SurveyKind, { readonly promoter: number; readonly passive: number }> = {
  nps: { promoter: 9, passive: 7 },
  csat: { promoter: 4, passive: 3 },
  ces: { promoter: 5, passive: 4 },
};

/** The same bounds as the highest detractor and highest passive whole score (the widget's wording). */
export const CATEGORY_CUTS = Object.fromEntries(
  SURVEY_KINDS.map((k) => [k, [CATEGORY_BOUNDS[k].passive - 1, CATEGORY_BOUNDS[k].promoter - 1] as const]),
) as Record<SurveyKind, readonly [detractorMax: number, passiveMax: number]>;

/** The category of a score, or of a mean of scores, on a kind's scale. */
export function categoryOf(kind: SurveyKind, score: number): Category {
  const b = CATEGORY_BOUNDS[kind];
  if (score >= b.promoter) return "promoter";
  if (score >= b.passive) return "passive";
  return "detractor";
}

/** Whole scores of a kind's scale that fall in a category, lowest first. */
export function scoresIn(kind: SurveyKind, category: Category): number[] {
  const [min, max] = SCORE_RANGE[kind];
  return Array.from({ length: max - min + 1 }, (_, i) => min + i).filter((s) => categoryOf(kind, s) === category);
}

export const isValidScore = (kind: SurveyKind, score: number) =>
  Number.isInteger(score) && score >= SCORE_RANGE[kind][0] && score <= SCORE_RANGE[kind][1];
