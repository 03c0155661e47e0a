/**
 * The periods accounts are categorised in, and what satisfaction is worth over them
 * (docs/METRICS.md, "Retention by NPS category" and "What satisfaction is worth"). Shared by the
 * Retention page's endpoints and the monthly review; the maths is in metrics/customerValue.ts.
 */
import type { SQL } from "drizzle-orm";
import { getClosedWaves, getHalfYearSums, getWaveSums, type PeriodSum } from "../db/queries/getRetentionByCategory";
import { getRetention } from "../db/queries/getRetention";
import type { Db } from "../env";
import { answeredCategories } from "../metrics/accountNps";
import { bucketLabel, localDate, nextBucket } from "../metrics/buckets";
import { LIFETIME_CAP_MONTHS, mrrAtRisk, valueByCategory, valueDates } from "../metrics/customerValue";
import type { CategoryPeriodInput } from "../metrics/retention";

export interface CategoryPeriodsQuery {
  surveyId: string;
  /** Scope and filters on `accounts`. */
  where: SQL | undefined;
  /** wave: the survey's closed waves; half: half-years; auto: waves when there are any. */
  asked: "auto" | "wave" | "half";
  timeZone: string;
  asOf: string;
  now: number;
}

/** Closed waves (their answers, categories at their close), or ended half-years with answers in scope. */
export async function categoryPeriods(db: Db, q: CategoryPeriodsQuery): Promise<{ mode: "wave" | "half"; periods: CategoryPeriodInput[] }> {
  const waves = q.asked === "half" ? [] : await getClosedWaves(db, q.surveyId, q.now);
  const mode = q.asked === "wave" || (q.asked === "auto" && waves.length > 0) ? "wave" : "half";
  const byPeriod = (rows: PeriodSum[]) => {
    const m = new Map<string, PeriodSum[]>();
    for (const r of rows) (m.get(r.period) ?? m.set(r.period, []).get(r.period)!).push(r);
    return m;
  };
  if (mode === "wave") {
    const sums = byPeriod(await getWaveSums(db, q.surveyId, q.where, q.now));
    return {
      mode,
      periods: waves.map((w) => ({
        period: w.period,
        label: w.period,
        end: localDate(w.closesAt.getTime(), q.timeZone),
        categories: answeredCategories(sums.get(w.id) ?? []),
      })),
    };
  }
  // Half-years that have ended and in which someone in scope answered.
  const sums = byPeriod(await getHalfYearSums(db, q.surveyId, q.where, q.timeZone));
  const periods = [...sums.keys()]
    .filter((b) => nextBucket(b, "half") <= q.asOf)
    .sort()
    .map((b) => ({ period: b, label: bucketLabel(b, "half"), end: nextBucket(b, "half"), categories: answeredCategories(sums.get(b)!) }));
  return { mode, periods };
}

/** Revenue retention and customer value are given over these horizons (months). */
export const VALUE_HORIZONS = [6, 12] as const;

export async function satisfactionValue(db: Db, q: CategoryPeriodsQuery) {
  const { mode, periods } = await categoryPeriods(db, q);
  const first = periods.reduce<string | null>((m, p) => (m === null || p.end < m ? p.end : m), null);
  const mrrDates = valueDates(periods, VALUE_HORIZONS, q.asOf);
  const accounts = first ? await getRetention(db, { where: q.where, activeFrom: first, activeUntil: q.asOf, mrrDates }) : [];
  const horizons = VALUE_HORIZONS.map((h) => valueByCategory(accounts, periods, h, q.asOf));
  // Who is a detractor now: the latest period's categories; how much may go: the 6-month retention of detractors.
  const latest = periods.reduce<CategoryPeriodInput | null>((m, p) => (m === null || p.end > m.end ? p : m), null);
  return {
    mode,
    lifetimeCapMonths: LIFETIME_CAP_MONTHS,
    horizons,
    mrrAtRisk: { ...mrrAtRisk(accounts, latest, q.asOf, horizons[0]!.groups.detractor), horizonMonths: VALUE_HORIZONS[0] },
  };
}
