/**
 * What a respondent's browser may know about a survey: its wording in one locale, its look and
 * its scale. Never the signing secret, the allowed origins or anything about other people.
 */
import type { SurveyKind, SurveyTexts, surveys } from "../db/schema";
import { CATEGORY_CUTS, SCORE_RANGE } from "../domain/categories";
import { pickLocale, surveyTexts, type Locale } from "../locales";

type Survey = typeof surveys.$inferSelect;
// The category words the follow-up question; its rule is worker/domain/categories.ts.
export { type Category, CATEGORY_CUTS, categoryOf } from "../domain/categories";

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
