/**
 * What a respondent's browser may know about a survey: its wording in one locale, its look and
 * its scale. Never the signing secret, the allowed origins or anything about other people.
 */
import type { SurveyKind, SurveyTexts, surveys } from "../db/schema";
import { SCORE_RANGE } from "../lib/scales";
import { pickLocale, surveyTexts, type Locale } from "../locales";

type Survey = typeof surveys.$inferSelect;
export type Category = "detractor" | "passive" | "promoter";

/**
 * Highest detractor and highest passive score per kind, which words the follow-up question:
 * NPS 0–6 / 7–8 / 9–10 (METRICS.md), CSAT 1–2 / 3 / 4–5 (4–5 = satisfied), CES 1–3 / 4 / 5–7.
 */
export const CATEGORY_CUTS: Record<SurveyKind, readonly [number, number]> = {
  nps: [6, 8],
  csat: [2, 3],
  ces: [3, 4],
};

export function categoryOf(kind: SurveyKind, score: number): Category {
  const [d, p] = CATEGORY_CUTS[kind];
  return score <= d ? "detractor" : score <= p ? "passive" : "promoter";
}

/** The page's `lang`, then the browser's languages, when we speak one; else the survey's default. */
export function surveyLocale(survey: Survey, candidates: (string | null | undefined)[]): Locale {
  return pickLocale(candidates, pickLocale([survey.defaultLocale]));
}

export interface PublicSurvey {
  id: string;
  kind: SurveyKind;
  locale: Locale;
  scale: readonly [number, number];
  cuts: readonly [number, number];
  theme: Survey["theme"];
  texts: Required<SurveyTexts>;
}

export function publicSurvey(survey: Survey, locale: Locale): PublicSurvey {
  return {
    id: survey.id,
    kind: survey.kind,
    locale,
    scale: SCORE_RANGE[survey.kind],
    cuts: CATEGORY_CUTS[survey.kind],
    theme: survey.theme,
    texts: surveyTexts(survey.kind, locale, survey.texts),
  };
}
