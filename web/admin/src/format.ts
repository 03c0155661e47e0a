/** Number and date formatting in the interface locale (Intl, no library). */
import { getLocale } from "./i18n";

const nf = (opts: Intl.NumberFormatOptions) => new Intl.NumberFormat(getLocale(), opts);

export const fmtInt = (n: number | null | undefined) => (n === null || n === undefined ? "—" : nf({ maximumFractionDigits: 0 }).format(n));
export const fmt1 = (n: number | null | undefined) =>
  n === null || n === undefined ? "—" : nf({ maximumFractionDigits: 1, minimumFractionDigits: 0 }).format(n);
export const fmtSigned = (n: number | null | undefined) =>
  n === null || n === undefined ? "—" : nf({ maximumFractionDigits: 1, signDisplay: "exceptZero" }).format(n);
export const fmtPct = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined ? "—" : nf({ maximumFractionDigits: digits }).format(n) + "\u202f%";
/** Ratios given as 0..1. */
export const fmtRatio = (r: number | null | undefined, digits = 0) => (r === null || r === undefined ? "—" : fmtPct(r * 100, digits));
export const fmtMoney = (cents: number | null | undefined) =>
  cents === null || cents === undefined ? "—" : nf({ style: "currency", currency: "EUR", maximumFractionDigits: 0 }).format(cents / 100);
export const fmtDate = (d: string | number | Date | null | undefined) =>
  d === null || d === undefined || d === "" ? "—" : new Intl.DateTimeFormat(getLocale(), { dateStyle: "medium" }).format(new Date(d));
export const fmtDateTime = (d: string | number | Date | null | undefined) =>
  d === null || d === undefined ? "—" : new Intl.DateTimeFormat(getLocale(), { dateStyle: "medium", timeStyle: "short" }).format(new Date(d));

export const fmtMonth = (d: string | number | Date) => new Intl.DateTimeFormat(getLocale(), { month: "short", year: "2-digit" }).format(new Date(d));

/** "2026-H1, "2026-Q3", "2026-07" → shorter, localised axis labels. */
export function bucketShort(label: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(label);
  if (m)
    return new Intl.DateTimeFormat(getLocale(), { month: "short", year: "2-digit", timeZone: "UTC" }).format(
      new Date(Date.UTC(+m[1]!, +m[2]! - 1, 1)),
    );
  return label.replace("-", " ");
}
