/**
 * Dashboard filters live in the URL query (?period=12m&interval=quarter&survey=…&segment=…&manager=…)
 * so a link, a reload or the back button keeps them, and the CSV export reuses them as they are.
 */
import type { Route } from "./router";

export const PERIODS = ["6m", "12m", "24m", "36m", "custom"] as const;
/** Calendar groupings; the overview also groups by wave (`wave`, its default for surveys with waves). */
export const INTERVALS = ["month", "quarter", "half"] as const;
export type Interval = (typeof INTERVALS)[number];
export type Grouping = Interval | "wave";

export interface Filters {
  period: (typeof PERIODS)[number];
  from?: string;
  to?: string;
  /** Calendar interval for pages that only have those (retention, breakdowns); "half" by default. */
  interval: Interval;
  /** What the URL asked for, `wave` included; undefined: the survey's default (wave when it has waves). */
  grouping?: Grouping;
  survey?: string;
  segment?: string;
  manager?: string;
}

const pad = (n: number) => String(n).padStart(2, "0");
const ISO = /^\d{4}-\d{2}-\d{2}$/;

export function readFilters(q: URLSearchParams): Filters {
  const period = (PERIODS as readonly string[]).includes(q.get("period") ?? "") ? (q.get("period") as Filters["period"]) : "24m";
  const asked = q.get("interval") ?? "";
  const interval = (INTERVALS as readonly string[]).includes(asked) ? (asked as Interval) : "half";
  const grouping = asked === "wave" || (INTERVALS as readonly string[]).includes(asked) ? (asked as Grouping) : undefined;
  const opt = (k: string) => q.get(k)?.trim() || undefined;
  const f: Filters = { period, interval, grouping, survey: opt("survey"), segment: opt("segment"), manager: opt("manager") };
  if (period === "custom") {
    const from = opt("from");
    const to = opt("to");
    if (from && ISO.test(from)) f.from = from;
    if (to && ISO.test(to)) f.to = to;
  }
  return f;
}

export const filtersOf = (r: Route) => readFilters(r.query);

/** The [from, to) dates the API gets: a preset counts whole months back from this one. */
export function range(f: Filters, now = new Date()): { from?: string; to?: string } {
  if (f.period === "custom") return { from: f.from, to: f.from && f.to && f.to <= f.from ? undefined : f.to };
  const months = Number.parseInt(f.period, 10);
  const d = new Date(now.getFullYear(), now.getMonth() - months + 1, 1);
  return { from: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-01` };
}

/** Query for metric / comment / export endpoints. */
export function apiFilters(f: Filters) {
  return { ...range(f), segment: f.segment, manager: f.manager };
}

/**
 * `v` (from the URL or a form control) as one of `values`, the API's enum for that field;
 * undefined when it is not one, so a hand-edited URL drops the filter instead of a 400.
 */
export const oneOf = <T extends string>(values: readonly T[], v: unknown): T | undefined =>
  (values as readonly unknown[]).includes(v) ? (v as T) : undefined;
