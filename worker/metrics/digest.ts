/**
 * The monthly review's pure parts (docs/METRICS.md, "The monthly review").
 */
import { localDate, zonedMidnightUtc } from "./buckets";
import type { GoalStatus } from "./goals";

/** Below this many answers a headline NPS says "too few answers" (defined with the NPS maths). */
export { SMALL_N } from "./nps";

export const REVIEW_BINS = ["works", "could_do_better", "costs_more"] as const;
export type ReviewBin = (typeof REVIEW_BINS)[number];

/**
 * The seed's monthly sort of results: a goal that is on track *works*; one moving towards its
 * target too slowly *could do better*; one off track (moving away, no data, deadline passed) is
 * effort that *costs more than it is worth* as things stand, and needs a decision.
 */
export function reviewBin(status: GoalStatus): ReviewBin {
  return status === "on_track" ? "works" : status === "could_do_better" ? "could_do_better" : "costs_more";
}

/** The month a review covers: the calendar month before `month` (`YYYY-MM`), as [from, to). */
export function reviewPeriod(month: string): { from: string; to: string; label: string } {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const py = m === 1 ? y - 1 : y;
  const pm = m === 1 ? 12 : m - 1;
  const label = `${py}-${String(pm).padStart(2, "0")}`;
  return { from: `${label}-01`, to: `${month}-01`, label };
}

/** The review lists this many accounts at risk, with their total and a link to the rest. */
export const AT_RISK_SHOWN = 20;

/**
 * Where the review of a month stands: the end of the month reviewed (midnight starting `period.to`
 * in the zone), or `now` while that month still runs. `ms` is the instant (answers before it
 * count), `day` the local date starting at it (the first day after the month).
 */
export function reviewEnd(period: { to: string }, timeZone: string, now: number): { ms: number; day: string } {
  const ms = Math.min(now, zonedMidnightUtc(period.to, timeZone));
  return { ms, day: localDate(ms, timeZone) };
}
