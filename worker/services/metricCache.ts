/**
 * Results of the account-proportional metrics (retention, cohorts, retention by category, customer
 * value by category) kept per request in `metric_cache`, so a repeated read costs one row instead
 * of every account in scope. The pure functions in metrics/retention.ts and metrics/customerValue.ts
 * stay the only definition: a miss computes through them as before and stores the body.
 *
 * Exactness: triggers (migrations/0012, their kinds widened by 0021) delete every stored result a
 * write could alter (an account or MRR change by the date it takes effect; an answer by when it
 * was given) and bump a generation counter (1: accounts and MRR, 2: answers that can fall in a
 * closed period). A result is stored only if the generations it depends on are the ones read
 * before computing it, so a result computed from a snapshot that a concurrent write made stale is
 * answered but never kept. The key holds the as-of date, so nothing outlives its day; older days
 * are dropped on the next store. docs/SCALING.md says what a cold read costs.
 */
import { and, eq, lt, sql } from "drizzle-orm";
import { metricCache, metricCacheGen, metricDemand } from "../db/schema";
import type { Db } from "../env";

export type CachedKind = "retention" | "cohorts" | "by_category" | "value";

/**
 * The kinds that read answers (their categories): also stale after a change to an answer that can
 * fall in a closed period (generation 2). Every kind reads accounts (generation 1); which kinds the
 * MRR history and the answers drop is the triggers' lists (migrations/0021).
 */
const READS_ANSWERS: Record<CachedKind, boolean> = { retention: false, cohorts: false, by_category: true, value: true };

export interface CacheSpec<T> {
  kind: CachedKind;
  /** Everything the result depends on besides the data: query, scope, time zone, as-of date… */
  key: Record<string, unknown>;
  asOf: string;
  /** By category: the survey whose answers give the categories. */
  surveyId?: string;
  /** The latest date whose account state the result read. */
  readsUntil: (result: T) => string;
  /**
   * What reproduces this read (its validated query and scope), for the cron's warm-up: recorded
   * in `metric_demand` on the first read of each day. Left out by the warm-up itself.
   */
  params?: Record<string, unknown>;
  /** Told when the result is computed rather than read back (the warm-up counts its work). */
  onCompute?: () => void;
}

/** Stable key text: the kind, then the fields sorted by name (undefined ones left out). */
export function cacheKey(kind: CachedKind, key: Record<string, unknown>): string {
  const fields = Object.keys(key)
    .filter((k) => key[k] !== undefined)
    .sort()
    .map((k) => [k, key[k]]);
  return `${kind}:${JSON.stringify(fields)}`;
}

export async function cachedMetric<T>(db: Db, spec: CacheSpec<T>, compute: () => Promise<T>): Promise<T> {
  const key = cacheKey(spec.kind, { ...spec.key, asOf: spec.asOf });
  const demandKey = spec.params ? cacheKey(spec.kind, spec.params) : "";
  // One batch: the stored body and the generations from the same snapshot, and the day this
  // read was last recorded for the warm-up.
  const [hit, gens, demand] = await db.batch([
    db.select({ body: metricCache.body }).from(metricCache).where(eq(metricCache.key, key)),
    db.select().from(metricCacheGen),
    db.select({ readOn: metricDemand.readOn }).from(metricDemand).where(eq(metricDemand.key, demandKey)),
  ]);
  if (spec.params && demand[0]?.readOn !== spec.asOf) {
    await db
      .insert(metricDemand)
      .values({ key: demandKey, kind: spec.kind, params: spec.params, readOn: spec.asOf })
      .onConflictDoUpdate({ target: metricDemand.key, set: { params: spec.params, readOn: spec.asOf } });
  }
  if (hit[0]) return JSON.parse(hit[0].body) as T;
  const computedAt = Date.now();
  spec.onCompute?.();
  const result = await compute();
  const gen = (id: number) => gens.find((g) => g.id === id)?.n ?? -1;
  const answersToo = READS_ANSWERS[spec.kind];
  await db.delete(metricCache).where(and(lt(metricCache.asOf, spec.asOf), eq(metricCache.kind, spec.kind)));
  await db.run(sql`
      INSERT OR REPLACE INTO metric_cache (key, kind, survey_id, as_of, reads_until, computed_at, body)
      SELECT ${key}, ${spec.kind}, ${spec.surveyId ?? null}, ${spec.asOf}, ${spec.readsUntil(result)}, ${computedAt}, ${JSON.stringify(result)}
      WHERE (SELECT n FROM metric_cache_gen WHERE id = 1) = ${gen(1)}
        AND (${answersToo ? 1 : 0} = 0 OR (SELECT n FROM metric_cache_gen WHERE id = 2) = ${gen(2)})`);
  return result;
}
