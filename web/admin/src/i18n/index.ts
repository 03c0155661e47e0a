/**
 * Interface language: English and French dictionaries in files (add a locale by adding a file
 * and a line below). The choice is the user's (saved in localStorage), else the browser's.
 */
import { useSubscription } from "../store";
import en from "./en";
import fr from "./fr";

export type Key = keyof typeof en;
export const LOCALES = { en, fr } as const;
export type Locale = keyof typeof LOCALES;

const stored = (() => {
  try {
    return localStorage.getItem("bm_locale");
  } catch {
    return null;
  }
})();
let locale: Locale = stored === "fr" || stored === "en" ? stored : navigator.language?.toLowerCase().startsWith("fr") ? "fr" : "en";
document.documentElement.lang = locale;
const listeners = new Set<() => void>();

export const getLocale = () => locale;

export function setLocale(l: Locale) {
  locale = l;
  document.documentElement.lang = l;
  try {
    localStorage.setItem("bm_locale", l);
  } catch {
    /* private mode: the choice lasts for this page */
  }
  listeners.forEach((f) => f());
}

/** Translates `key`, replacing `{name}` with vars.name. */
export function t(key: Key, vars?: Record<string, string | number>): string {
  const s: string = LOCALES[locale][key] ?? en[key];
  return vars ? s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? "")) : s;
}

/** Re-renders the caller when the language changes. */
export function useLocale(): Locale {
  useSubscription(listeners, () => locale);
  return locale;
}
