/** Locales: add one by adding a file beside this one and listing it here. */
import type { SurveyKind, SurveyTexts } from "../db/schema";
import { en } from "./en";
import { fr } from "./fr";

export const LOCALES = { en, fr } as const;
export type Locale = keyof typeof LOCALES;
export const isLocale = (l: string): l is Locale => Object.hasOwn(LOCALES, l);

/** Picks the best supported locale from candidates (`fr-CA` → `fr`), else `fallback`. */
export function pickLocale(candidates: (string | null | undefined)[], fallback: Locale = "en"): Locale {
  for (const c of candidates) {
    const base = c?.toLowerCase().split(/[-_]/)[0];
    if (base && isLocale(base)) return base;
  }
  return fallback;
}

/** A survey's texts in `locale`: its own wording over the built-in defaults. */
export function surveyTexts(kind: SurveyKind, locale: Locale, own: Record<string, SurveyTexts> | undefined): Required<SurveyTexts> {
  const base = LOCALES[locale][kind];
  const mine = own?.[locale] ?? {};
  return { ...base, ...mine, followUp: { ...base.followUp, ...mine.followUp } };
}
