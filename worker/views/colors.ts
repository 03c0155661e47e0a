/** Colour helpers for server-rendered pages and emails (the widget has its own, smaller copy). */
import { SURVEY_DEFAULTS } from "../domain/vocabulary";

const DEFAULT = SURVEY_DEFAULTS.theme.color;

/** The survey colour, re-checked here because it lands inside CSS, where HTML escaping is no help. */
export const safeColor = (c: string | undefined) => (c && /^#[0-9a-f]{6}$/i.test(c) ? c : DEFAULT);

/** Near-black or white, whichever reads better on `hex` (WCAG relative luminance). */
export function textOn(hex: string): string {
  const ch = (i: number) => {
    const v = parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * ch(1) + 0.7152 * ch(3) + 0.0722 * ch(5);
  // Contrast with white is 1.05/(l+.05), with #111 it is (l+.05)/0.0564: pick the larger.
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.0564 ? "#fff" : "#111";
}
