import type { SurveyKind } from "../db/schema";

/** Valid scores per survey kind: NPS 0–10, CSAT 1–5, CES 1–7. */
export const SCORE_RANGE: Record<SurveyKind, readonly [min: number, max: number]> = {
  nps: [0, 10],
  csat: [1, 5],
  ces: [1, 7],
};

export const isValidScore = (kind: SurveyKind, score: number) =>
  Number.isInteger(score) && score >= SCORE_RANGE[kind][0] && score <= SCORE_RANGE[kind][1];
