/**
 * Calendar arithmetic on `YYYY-MM-DD` dates (an account's start, a churn, a deadline). These are
 * dates people type, with no time of day and no time zone, so the maths stays in whole days.
 */
import { isoDate, parseIsoDate } from "./buckets";

const DAY_MS = 86_400_000;

function parts(date: string) {
  const d = parseIsoDate(date);
  if (!d) throw new RangeError(`not an ISO date: ${date}`);
  return d;
}

/**
 * `date` plus `months` calendar months, the day clamped to the target month's length
 * (2026-01-31 + 1 month = 2026-02-28), as contracts and billing count months.
 */
export function addMonths(date: string, months: number): string {
  const d = parts(date);
  const m0 = d.year * 12 + (d.month - 1) + months;
  const year = Math.floor(m0 / 12);
  const month = m0 - year * 12 + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return isoDate(year, month, Math.min(d.day, last));
}

/** Whole days since 1970-01-01 (a number a straight line can be fitted to). */
export function dayNumber(date: string): number {
  const d = parts(date);
  return Date.UTC(d.year, d.month - 1, d.day) / DAY_MS;
}

/** Inverse of dayNumber (the integer part). */
export function dateOfDay(day: number): string {
  const t = new Date(Math.floor(day) * DAY_MS);
  return isoDate(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** The earlier of two ISO dates (they compare as text). */
export const minDate = (a: string, b: string) => (a < b ? a : b);
