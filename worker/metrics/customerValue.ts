/**
 * What satisfaction is worth (docs/METRICS.md, "What satisfaction is worth"): for the accounts of
 * each NPS category at the end of a period, their revenue retention over the next H months, their
 * customer value V = mean MRR × expected lifetime, and the MRR at risk. Pure: accounts, periods
 * and categories in, figures with n and 95 % intervals out.
 */
import { addMonths } from "./calendar";
import { wilson } from "./intervals";
import { Z95, type Interval95 } from "./nps";
import { ACCOUNT_CATEGORIES, isActive, mrrAt, type AccountCategory, type AccountWithMrr, type CategoryPeriodInput } from "./retention";

/** Expected lifetime cap, in months, when (almost) nobody churned: 10 years. */
export const LIFETIME_CAP_MONTHS = 120;

/** One account-period: MRR at the period's end (s) and H months later (e; 0 if churned by then). */
export interface ValueSample {
  mrrStart: number;
  mrrEnd: number;
  retained: boolean;
}

/**
 * Ratio of sums Σy / Σx with its 95 % interval by the delta method (the usual interval of a ratio
 * estimator): var ≈ Σ (yᵢ − R·xᵢ)² / (n (n − 1) x̄²). Null when Σx = 0; no interval when n < 2.
 */
export function ratioEstimate(pairs: { x: number; y: number }[]): { value: number | null; ci95: Interval95 | null } {
  const n = pairs.length;
  const sx = pairs.reduce((t, p) => t + p.x, 0);
  const sy = pairs.reduce((t, p) => t + p.y, 0);
  if (sx === 0) return { value: null, ci95: null };
  const r = sy / sx;
  if (n < 2) return { value: r, ci95: null };
  const meanX = sx / n;
  const ss = pairs.reduce((t, p) => t + (p.y - r * p.x) ** 2, 0);
  const margin = Z95 * Math.sqrt(ss / (n * (n - 1) * meanX * meanX));
  return { value: r, ci95: { low: Math.max(0, r - margin), high: r + margin } };
}

/** Mean with a normal 95 % interval (sample standard deviation), the low end kept ≥ 0 for money. */
export function meanEstimate(xs: number[]): { value: number | null; ci95: Interval95 | null } {
  const n = xs.length;
  if (n === 0) return { value: null, ci95: null };
  const mean = xs.reduce((t, x) => t + x, 0) / n;
  if (n < 2) return { value: mean, ci95: null };
  const sd = Math.sqrt(xs.reduce((t, x) => t + (x - mean) ** 2, 0) / (n - 1));
  const margin = (Z95 * sd) / Math.sqrt(n);
  return { value: mean, ci95: { low: Math.max(0, mean - margin), high: mean + margin } };
}

/**
 * Expected lifetime in months from the share retained over H months: monthly churn
 * c = 1 − CRR_H^(1/H), L = min(1/c, cap); L = cap when nobody churned (c = 0).
 * Increasing in CRR, so an interval of CRR maps to an interval of L end to end.
 */
export function lifetimeMonths(crr: number, horizonMonths: number, cap = LIFETIME_CAP_MONTHS): number {
  const c = 1 - crr ** (1 / horizonMonths);
  return c <= 0 ? cap : Math.min(1 / c, cap);
}

export interface GroupValue {
  /** Account-periods in the group. */
  n: number;
  retained: number;
  crr: number | null;
  crrCi95: Interval95 | null;
  nrr: number | null;
  nrrCi95: Interval95 | null;
  grr: number | null;
  grrCi95: Interval95 | null;
  /** Mean MRR at the period's end, cents. */
  meanMrr: number | null;
  meanMrrCi95: Interval95 | null;
  /** 1 − CRR_H^(1/H). */
  monthlyChurn: number | null;
  lifetimeMonths: number | null;
  lifetimeCi95: Interval95 | null;
  /** V = mean MRR × L, cents. */
  value: number | null;
  valueCi95: Interval95 | null;
}

/**
 * A group's figures. Intervals: Wilson for CRR; delta method for NRR and GRR (GRR capped at 1);
 * L from the CRR interval's ends; V from [mean low × L low, mean high × L high] — the product of
 * two 95 % intervals, so wider than a 95 % interval of V (conservative, documented).
 */
export function groupValue(samples: ValueSample[], horizonMonths: number, cap = LIFETIME_CAP_MONTHS): GroupValue {
  const n = samples.length;
  const retained = samples.filter((s) => s.retained).length;
  const nrr = ratioEstimate(samples.map((s) => ({ x: s.mrrStart, y: s.mrrEnd })));
  const grr = ratioEstimate(samples.map((s) => ({ x: s.mrrStart, y: Math.min(s.mrrStart, s.mrrEnd) })));
  const mean = meanEstimate(samples.map((s) => s.mrrStart));
  const crr = n === 0 ? null : retained / n;
  const crrCi95 = wilson(retained, n);
  const life = crr === null ? null : lifetimeMonths(crr, horizonMonths, cap);
  const lifeCi = crrCi95 && { low: lifetimeMonths(crrCi95.low, horizonMonths, cap), high: lifetimeMonths(crrCi95.high, horizonMonths, cap) };
  const value = life === null || mean.value === null ? null : mean.value * life;
  return {
    n,
    retained,
    crr,
    crrCi95,
    nrr: nrr.value,
    nrrCi95: nrr.ci95,
    grr: grr.value,
    grrCi95: grr.ci95 && { low: grr.ci95.low, high: Math.min(1, grr.ci95.high) },
    meanMrr: mean.value,
    meanMrrCi95: mean.ci95,
    monthlyChurn: crr === null ? null : 1 - crr ** (1 / horizonMonths),
    lifetimeMonths: life,
    lifetimeCi95: lifeCi,
    value,
    valueCi95: mean.ci95 && lifeCi ? { low: mean.ci95.low * lifeCi.low, high: mean.ci95.high * lifeCi.high } : null,
  };
}

export interface ValueByCategory {
  horizonMonths: number;
  /** Periods whose horizon is over (only those are pooled). */
  periods: { period: string; label: string; end: string; horizonEnd: string }[];
  groups: Record<AccountCategory, GroupValue>;
  /** V(promoter) − V(detractor), cents, with the conservative interval [Vp low − Vd high, Vp high − Vd low]. */
  promoterMinusDetractor: { value: number | null; ci95: Interval95 | null };
}

/**
 * Every date valueByCategory over `horizons` and mrrAtRisk as of `asOf` read an account's MRR at
 * (for getRetention's `mrrDates`): each period's end and its horizons' ends, and `asOf`.
 */
export const valueDates = (periods: { end: string }[], horizons: readonly number[], asOf: string): string[] => [
  ...periods.flatMap((p) => [p.end, ...horizons.map((h) => addMonths(p.end, h))]),
  asOf,
];

/**
 * Pools the account-periods of every period whose horizon is over: for each account active at a
 * period's end, its category in that period (no answer is a group), MRR then and H months later.
 */
export function valueByCategory(
  accounts: AccountWithMrr[],
  periods: CategoryPeriodInput[],
  horizonMonths: number,
  asOf: string,
  cap = LIFETIME_CAP_MONTHS,
): ValueByCategory {
  const samples = Object.fromEntries(ACCOUNT_CATEGORIES.map((c) => [c, [] as ValueSample[]])) as Record<AccountCategory, ValueSample[]>;
  const used: ValueByCategory["periods"] = [];
  for (const p of periods) {
    const horizonEnd = addMonths(p.end, horizonMonths);
    if (horizonEnd > asOf) continue;
    used.push({ period: p.period, label: p.label, end: p.end, horizonEnd });
    for (const a of accounts) {
      if (!isActive(a, p.end)) continue;
      const retained = isActive(a, horizonEnd);
      samples[p.categories.get(a.id) ?? "no_answer"].push({ mrrStart: mrrAt(a, p.end), mrrEnd: retained ? mrrAt(a, horizonEnd) : 0, retained });
    }
  }
  const groups = Object.fromEntries(ACCOUNT_CATEGORIES.map((c) => [c, groupValue(samples[c], horizonMonths, cap)])) as Record<
    AccountCategory,
    GroupValue
  >;
  const p = groups.promoter;
  const d = groups.detractor;
  return {
    horizonMonths,
    periods: used,
    groups,
    promoterMinusDetractor: {
      value: p.value === null || d.value === null ? null : p.value - d.value,
      ci95: p.valueCi95 && d.valueCi95 ? { low: p.valueCi95.low - d.valueCi95.high, high: p.valueCi95.high - d.valueCi95.low } : null,
    },
  };
}

export interface MrrAtRisk {
  /** The period whose categories are used (the latest one), or null without any. */
  period: string | null;
  /** Σ MRR today of the accounts active today whose category in that period is detractor, cents. */
  detractor: { n: number; mrr: number };
  /** The same for active accounts that did not answer in it (shown apart: silence is not a score). */
  noAnswer: { n: number; mrr: number };
  /**
   * Expected loss over the horizon: detractor MRR × (1 − CRR_H of detractors, pooled), with the
   * interval from the Wilson interval of that CRR; null without a measured detractor CRR.
   */
  expectedLoss: { value: number; ci95: Interval95 | null } | null;
}

/**
 * MRR at risk: an exact sum (no sampling: every account's MRR is known), with n; the uncertain
 * part is how much of it will go, given by `expectedLoss`.
 */
export function mrrAtRisk(accounts: AccountWithMrr[], latest: CategoryPeriodInput | null, today: string, detractorCrr: GroupValue | null): MrrAtRisk {
  const detractor = { n: 0, mrr: 0 };
  const noAnswer = { n: 0, mrr: 0 };
  if (latest) {
    for (const a of accounts) {
      if (!isActive(a, today)) continue;
      const cat = latest.categories.get(a.id) ?? "no_answer";
      const bin = cat === "detractor" ? detractor : cat === "no_answer" ? noAnswer : null;
      if (bin) {
        bin.n++;
        bin.mrr += mrrAt(a, today);
      }
    }
  }
  const crr = detractorCrr?.crr ?? null;
  const ci = detractorCrr?.crrCi95 ?? null;
  return {
    period: latest?.period ?? null,
    detractor,
    noAnswer,
    expectedLoss:
      crr === null
        ? null
        : { value: detractor.mrr * (1 - crr), ci95: ci && { low: detractor.mrr * (1 - ci.high), high: detractor.mrr * (1 - ci.low) } },
  };
}
