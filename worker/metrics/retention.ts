/**
 * Customer and revenue retention, cohorts, and retention by NPS category (METRICS.md, Retention).
 * Pure: the queries hand over accounts (start, churn, MRR history) and these functions count.
 * Dates are `YYYY-MM-DD` and compare as text. Choices METRICS.md leaves open are in
 * docs/METRICS.md ("Retention", "Retention by NPS category").
 */
import { bucketLabel, bucketOfDate } from "./buckets";
import { addMonths } from "./calendar";
import { newcombeDifference, wilson } from "./intervals";
import type { Interval95, NpsCategory } from "./nps";

export interface AccountSpan {
  id: string;
  startedOn: string;
  churnedOn: string | null;
}

/** One row of `account_mrr`: this MRR is in force from `effectiveOn` until the next row. */
export interface MrrChange {
  effectiveOn: string;
  mrrCents: number;
}

export interface AccountWithMrr extends AccountSpan {
  /** The account's current MRR: used only when it has no history at all. */
  mrrCents: number;
  /** Any order; read through mrrAt. */
  mrrHistory: MrrChange[];
}

/** Active at t: `started_on ≤ t` and (`churned_on` empty or `churned_on > t`). */
export function isActive(a: AccountSpan, t: string): boolean {
  return a.startedOn <= t && (a.churnedOn === null || a.churnedOn > t);
}

const ratio = (num: number, den: number) => (den === 0 ? null : num / den);

export interface CustomerRetention {
  /** S: accounts active at s. */
  startCount: number;
  /** Of S, those still active at e. */
  retained: number;
  /** retained / S; null when S = 0 (nobody to retain is not 0 % retention). */
  crr: number | null;
  churnRate: number | null;
}

/**
 * CRR over [s, e) = retained / S. Accounts that start inside the period are not in S, so one that
 * starts and churns inside it counts nowhere.
 */
export function customerRetention(accounts: Iterable<AccountSpan>, s: string, e: string): CustomerRetention {
  let startCount = 0;
  let retained = 0;
  for (const a of accounts) {
    if (!isActive(a, s)) continue;
    startCount++;
    if (isActive(a, e)) retained++;
  }
  const crr = ratio(retained, startCount);
  return { startCount, retained, crr, churnRate: crr === null ? null : 1 - crr };
}

/**
 * MRR in force at t, whether or not the account is active then: the latest history row effective
 * on or before t; before the first row, the first row (the history may start after the contract);
 * no history at all, the account's current MRR.
 */
export function mrrAt(a: AccountWithMrr, t: string): number {
  if (a.mrrHistory.length === 0) return a.mrrCents;
  let best: MrrChange | null = null;
  let first: MrrChange = a.mrrHistory[0]!;
  for (const h of a.mrrHistory) {
    if (h.effectiveOn < first.effectiveOn) first = h;
    if (h.effectiveOn <= t && (best === null || h.effectiveOn > best.effectiveOn)) best = h;
  }
  return (best ?? first).mrrCents;
}

export interface RevenueRetention {
  /** Σ MRR(s) over the accounts active at s, in cents. */
  mrrStart: number;
  /** Σ MRR(e) over the same accounts (0 for those churned by e), in cents. */
  mrrEnd: number;
  /** Σ MRR(e) / Σ MRR(s); null when Σ MRR(s) = 0. */
  nrr: number | null;
  /** Σ min(MRR(e), MRR(s)) / Σ MRR(s): expansion does not offset losses. */
  grr: number | null;
}

export function revenueRetention(accounts: Iterable<AccountWithMrr>, s: string, e: string): RevenueRetention {
  let mrrStart = 0;
  let mrrEnd = 0;
  let kept = 0;
  for (const a of accounts) {
    if (!isActive(a, s)) continue;
    const atStart = mrrAt(a, s);
    const atEnd = isActive(a, e) ? mrrAt(a, e) : 0;
    mrrStart += atStart;
    mrrEnd += atEnd;
    kept += Math.min(atStart, atEnd);
  }
  return { mrrStart, mrrEnd, nrr: ratio(mrrEnd, mrrStart), grr: ratio(kept, mrrStart) };
}

export interface RetentionPeriod {
  bucket: string;
  label: string;
  /** [start, end) */
  start: string;
  end: string;
}

export interface RetentionPoint extends RetentionPeriod, CustomerRetention, RevenueRetention {
  /** False when `end` is after `asOf`: the figures are then measured at `asOf` (to date). */
  complete: boolean;
  /** The date the end state was read at: `end`, or `asOf` for a period still running. */
  measuredAt: string;
}

/** Every date retentionSeries(…, periods, asOf) reads an account's MRR at (for getRetention's `mrrDates`). */
export const retentionSeriesDates = (periods: RetentionPeriod[], asOf: string): string[] => [...periods.flatMap((p) => [p.start, p.end]), asOf];

/**
 * One point per period. A period still running is measured to date (at `asOf`) and marked
 * incomplete; a period that starts after `asOf` has nothing to measure and is left out.
 */
export function retentionSeries(accounts: AccountWithMrr[], periods: RetentionPeriod[], asOf: string): RetentionPoint[] {
  const out: RetentionPoint[] = [];
  for (const p of periods) {
    if (p.start > asOf) continue;
    const complete = p.end <= asOf;
    const measuredAt = complete ? p.end : asOf;
    out.push({
      ...p,
      ...customerRetention(accounts, p.start, measuredAt),
      ...revenueRetention(accounts, p.start, measuredAt),
      complete,
      measuredAt,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Cohorts
// ---------------------------------------------------------------------------------------------

export interface Cohort {
  /** Start of the quarter the cohort started in (`2026-01-01`). */
  cohort: string;
  label: string;
  size: number;
  /** retained[k]: members still active k quarters (3k months) after their own start date. */
  retained: number[];
  /** retained[k] / size. */
  retention: number[];
}

/** How many quarters a cohort row goes out to, at most (ten years). */
export const MAX_COHORT_QUARTERS = 40;

/**
 * Accounts grouped by the quarter they started in. Column k is the share of the cohort active
 * on the date 3k months after each account's own start (so column 0 is 1 unless an account
 * churned on its first day). Column k appears only once that date has passed for every member,
 * so no cell mixes measured and unmeasured accounts. Accounts starting after `asOf` are left out.
 */
export function cohortRetention(accounts: Iterable<AccountSpan>, asOf: string, maxQuarters = MAX_COHORT_QUARTERS): Cohort[] {
  const groups = new Map<string, AccountSpan[]>();
  for (const a of accounts) {
    if (a.startedOn > asOf) continue;
    const q = bucketOfDate(a.startedOn, "quarter");
    const g = groups.get(q);
    if (g) g.push(a);
    else groups.set(q, [a]);
  }
  return [...groups.keys()].sort().map((cohort) => {
    const members = groups.get(cohort)!;
    const latestStart = members.reduce((m, a) => (a.startedOn > m ? a.startedOn : m), members[0]!.startedOn);
    const retained: number[] = [];
    for (let k = 0; k <= maxQuarters && addMonths(latestStart, 3 * k) <= asOf; k++) {
      retained.push(members.filter((a) => isActive(a, addMonths(a.startedOn, 3 * k))).length);
    }
    return {
      cohort,
      label: bucketLabel(cohort, "quarter"),
      size: members.length,
      retained,
      retention: retained.map((r) => r / members.length),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Retention by NPS category
// ---------------------------------------------------------------------------------------------

export const ACCOUNT_CATEGORIES = ["promoter", "passive", "detractor", "no_answer"] as const;
export type AccountCategory = NpsCategory | "no_answer";

export interface CategoryGroup {
  /** Accounts active at the period's end with this category. */
  n: number;
  /** Of those, still active at the horizon; null while the horizon has not been reached. */
  retained: number | null;
  /** retained / n; null when n = 0 or the horizon has not been reached. */
  rate: number | null;
}

export type CategoryGroups = Record<AccountCategory, CategoryGroup>;

/**
 * 95 % intervals (shares, 0–1): Wilson for each group's rate, Newcombe's hybrid score interval
 * for promoter − detractor. Null where the rate is null. They say how much a difference between
 * groups of 20 accounts can be trusted.
 */
export type CategoryIntervals = Record<AccountCategory | "promoterMinusDetractor", Interval95 | null>;

export interface CategoryPeriodInput {
  period: string;
  label: string;
  /** The date the categories are read at: the wave's close, or the half-year's end. */
  end: string;
  /** Category of each account that answered in the period (mean of its contacts' scores). */
  categories: ReadonlyMap<string, NpsCategory>;
}

export interface CategoryPeriodResult {
  period: string;
  label: string;
  end: string;
  horizonEnd: string;
  /** False while horizonEnd is after asOf: n is known, retention is not yet. */
  complete: boolean;
  groups: CategoryGroups;
  /** Promoter rate − detractor rate (a share, not points); null when either is null. */
  promoterMinusDetractor: number | null;
  ci95: CategoryIntervals;
}

export interface RetentionByCategory {
  periods: CategoryPeriodResult[];
  /** Complete periods only, summed: an account counts once per period it was active at the end of. */
  pooled: { groups: CategoryGroups; promoterMinusDetractor: number | null; ci95: CategoryIntervals; periods: number };
}

const emptyGroups = (): CategoryGroups => ({
  promoter: { n: 0, retained: 0, rate: null },
  passive: { n: 0, retained: 0, rate: null },
  detractor: { n: 0, retained: 0, rate: null },
  no_answer: { n: 0, retained: 0, rate: null },
});

function finish(groups: CategoryGroups, complete: boolean) {
  for (const c of ACCOUNT_CATEGORIES) {
    const g = groups[c];
    if (!complete) g.retained = null;
    g.rate = g.retained === null ? null : ratio(g.retained, g.n);
  }
  const p = groups.promoter.rate;
  const d = groups.detractor.rate;
  return p === null || d === null ? null : p - d;
}

function intervals(groups: CategoryGroups): CategoryIntervals {
  const w = (g: CategoryGroup) => (g.retained === null ? null : wilson(g.retained, g.n));
  const { promoter: p, detractor: d } = groups;
  return {
    promoter: w(p),
    passive: w(groups.passive),
    detractor: w(d),
    no_answer: w(groups.no_answer),
    promoterMinusDetractor: p.retained === null || d.retained === null ? null : newcombeDifference(p.retained, p.n, d.retained, d.n),
  };
}

/**
 * For each period: the accounts active at its end, grouped by their category in it (no answer
 * is a group of its own), and how many of each group are still active `horizonMonths` later.
 * Accounts already churned at the period's end are not in any group: there is nothing left to
 * retain. A horizon still in the future keeps n but leaves retained and rate null.
 */
export function retentionByCategory(
  accounts: AccountSpan[],
  periods: CategoryPeriodInput[],
  horizonMonths: number,
  asOf: string,
): RetentionByCategory {
  const pooled = emptyGroups();
  let pooledPeriods = 0;
  const out = periods.map((p) => {
    const horizonEnd = addMonths(p.end, horizonMonths);
    const complete = horizonEnd <= asOf;
    const groups = emptyGroups();
    for (const a of accounts) {
      if (!isActive(a, p.end)) continue;
      const g = groups[p.categories.get(a.id) ?? "no_answer"];
      g.n++;
      if (isActive(a, horizonEnd)) g.retained!++;
    }
    if (complete) {
      pooledPeriods++;
      for (const c of ACCOUNT_CATEGORIES) {
        pooled[c].n += groups[c].n;
        pooled[c].retained! += groups[c].retained!;
      }
    }
    const promoterMinusDetractor = finish(groups, complete);
    return { period: p.period, label: p.label, end: p.end, horizonEnd, complete, groups, promoterMinusDetractor, ci95: intervals(groups) };
  });
  const pooledDiff = finish(pooled, true);
  return {
    periods: out,
    pooled: { groups: pooled, promoterMinusDetractor: pooledDiff, ci95: intervals(pooled), periods: pooledPeriods },
  };
}
