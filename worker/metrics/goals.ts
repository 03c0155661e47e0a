/**
 * KPI goal status (METRICS.md, KPI goals): a goal is a metric, a target and a deadline.
 * - on_track: the latest value meets the target, or the least-squares line through the recent
 *   buckets reaches it on or before the deadline;
 * - could_do_better: the line moves towards the target but reaches it after the deadline;
 * - off_track: the line moves away (or is flat, or there is too little data to draw one), or the
 *   deadline has passed unmet.
 * Every goal metric in Baromètre is "higher is better"; the direction is a parameter all the same.
 */
import { dateOfDay } from "./calendar";

/** The three statuses, in order from best to worst (the API's enum and the page's labels). */
export const GOAL_STATUSES = ["on_track", "could_do_better", "off_track"] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];

/** Why a goal has its status (each has its sentence in the admin page's locale files). */
export const GOAL_REASONS = [
  "target_met",
  "fit_reaches_target",
  "fit_misses_deadline",
  "moving_away",
  "flat",
  "insufficient_data",
  "no_data",
  "deadline_passed",
] as const;
export type GoalReason = (typeof GOAL_REASONS)[number];

/** How many of the most recent non-empty buckets the line is fitted to. */
export const RECENT_BUCKETS = 6;

export interface GoalPoint {
  /** Position in time, in days (see calendar.dayNumber). */
  day: number;
  value: number;
}

export interface LinearFit {
  /** Change per day. */
  slope: number;
  /** Value of the line at `day`. */
  at: (day: number) => number;
}

/** Ordinary least squares; null with fewer than two distinct days. */
export function linearFit(points: GoalPoint[]): LinearFit | null {
  const n = points.length;
  if (n < 2) return null;
  // Centred on the means so that day numbers around 20 000 lose no precision.
  const mx = points.reduce((t, p) => t + p.day, 0) / n;
  const my = points.reduce((t, p) => t + p.value, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.day - mx) ** 2;
    sxy += (p.day - mx) * (p.value - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  return { slope, at: (day) => my + slope * (day - mx) };
}

export interface GoalInput {
  /** Bucket values in time order; empty buckets left out. Only the last `recent` are used. */
  points: GoalPoint[];
  target: number;
  deadlineDay: number;
  today: number;
  higherIsBetter?: boolean;
  recent?: number;
}

export interface GoalFit {
  /** Change per day of the fitted line. */
  slopePerDay: number;
  /** The line's value on the deadline. */
  atDeadline: number;
  /** First day (ISO date) the line meets the target, when it moves towards it; else null. */
  reachesTargetOn: string | null;
  /** How many buckets the line was fitted to. */
  points: number;
}

export interface GoalEvaluation {
  /** The latest bucket's value; null without data. */
  current: number | null;
  status: GoalStatus;
  reason: GoalReason;
  fit: GoalFit | null;
}

export function evaluateGoal(input: GoalInput): GoalEvaluation {
  const higher = input.higherIsBetter ?? true;
  const meets = (v: number) => (higher ? v >= input.target : v <= input.target);
  const pts = input.points.slice(-(input.recent ?? RECENT_BUCKETS));
  const current = pts.at(-1)?.value ?? null;
  const line = linearFit(pts);
  const fit: GoalFit | null = line && {
    slopePerDay: line.slope,
    atDeadline: line.at(input.deadlineDay),
    reachesTargetOn: null,
    points: pts.length,
  };
  const towards = line !== null && (higher ? line.slope > 0 : line.slope < 0);
  if (fit && towards) {
    // Solve at(day) = target; the line is monotone, so this is where it crosses.
    const day = pts.at(-1)!.day + (input.target - line.at(pts.at(-1)!.day)) / line.slope;
    fit.reachesTargetOn = dateOfDay(Math.ceil(Math.max(day, pts.at(-1)!.day)));
  }
  const result = (status: GoalStatus, reason: GoalReason): GoalEvaluation => ({ current, status, reason, fit });

  if (current === null) return result("off_track", "no_data");
  if (meets(current)) return result("on_track", "target_met");
  if (input.today > input.deadlineDay) return result("off_track", "deadline_passed");
  if (!line) return result("off_track", "insufficient_data");
  if (line.slope === 0) return result("off_track", "flat");
  if (!towards) return result("off_track", "moving_away");
  return meets(fit!.atDeadline) ? result("on_track", "fit_reaches_target") : result("could_do_better", "fit_misses_deadline");
}
