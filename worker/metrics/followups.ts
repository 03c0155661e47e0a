/**
 * Follow-up deadlines (docs/METRICS.md, "Follow-ups"). Pure: dates are ISO `YYYY-MM-DD` strings.
 * The SQL twin of addWorkingDays is in migrations/0005_followup_triggers.sql (the trigger that
 * creates each item); test/api/followups.loop.test.ts holds the trigger to addWorkingDays.
 */

const DAY = 86_400_000;
const toMs = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const toIso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The n-th working day (Monday–Friday) strictly after `iso`. An answer given on a weekend counts
 * from the Friday before, so Saturday + 2 = Tuesday, as does Friday + 2.
 */
export function addWorkingDays(iso: string, n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError("n must be a positive integer");
  let ms = toMs(iso);
  const w = new Date(ms).getUTCDay();
  if (w === 6) ms -= DAY;
  if (w === 0) ms -= 2 * DAY;
  const wf = w === 0 || w === 6 ? 5 : w;
  const rest = n % 5;
  const days = 7 * Math.floor(n / 5) + rest + (wf + rest > 5 ? 2 : 0);
  return toIso(ms + days * DAY);
}

/** Overdue: not resolved, and today is after the due day (the due day itself is still on time). */
export function isOverdue(status: string, dueOn: string | null, today: string): boolean {
  return status !== "resolved" && dueOn !== null && today > dueOn;
}

/** The first working day (Monday–Friday) of the month of `iso`: when the monthly review goes out. */
export function firstWorkingDayOfMonth(iso: string): string {
  const first = toMs(`${iso.slice(0, 7)}-01`);
  const w = new Date(first).getUTCDay();
  return toIso(first + (w === 6 ? 2 : w === 0 ? 1 : 0) * DAY);
}
