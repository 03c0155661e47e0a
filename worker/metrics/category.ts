/**
 * The category of one score, for every survey kind, so comments can be filtered and detractors
 * followed up whatever the scale.
 * - NPS 0–10: promoter 9–10, passive 7–8, detractor 0–6 (METRICS.md).
 * - CSAT 1–5: promoter (satisfied) 4–5, passive 3, detractor 1–2.
 * - CES 1–7: promoter (easy) 5–7, passive 4, detractor 1–3.
 * The SQL twin is worker/db/queries/scoreCategory.ts; test/api/comments.test.ts pins both.
 */
import type { SurveyKind } from "../db/schema";
import type { NpsCategory } from "./nps";

export const CATEGORIES = ["promoter", "passive", "detractor"] as const;

/** Lowest promoter score and lowest passive score per kind. */
export const CATEGORY_BOUNDS: Record<SurveyKind, { promoter: number; passive: number }> = {
  nps: { promoter: 9, passive: 7 },
  csat: { promoter: 4, passive: 3 },
  ces: { promoter: 5, passive: 4 },
};

export function scoreCategory(kind: SurveyKind, score: number): NpsCategory {
  const b = CATEGORY_BOUNDS[kind];
  if (score >= b.promoter) return "promoter";
  if (score >= b.passive) return "passive";
  return "detractor";
}
