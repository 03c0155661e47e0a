/**
 * The hourly cron's warm-up of the retention views and customer value by category (which the
 * monthly review reads too). A stored result lives for its day and until a change drops it
 * (services/metricCache.ts), and computing one reads every account in scope (about a second at
 * 100,000 accounts: docs/SCALING.md). So the first reader of each day, and the first after an
 * import, used to wait for it. Now the cron computes again, ahead of them, every view
 * someone read in the last DEMAND_DAYS days (metric_demand) that has no result for today, through
 * the same functions and the same exactness rules as a read.
 *
 * Bounded: at most `max` computations a run, none started after WARM_BUDGET_MS, most recently
 * read first; the next run goes on.
 * Safe to run twice: a view already stored for today is read back, not computed.
 */
import { desc, eq, lt } from "drizzle-orm";
import { createDb } from "../db/client";
import { metricDemand } from "../db/schema";
import type { Db, Env } from "../env";
import { ApiError } from "../lib/errors";
import { workspaceTz } from "../lib/timezone";
import { localDate } from "../metrics/buckets";
import { dateOfDay, dayNumber } from "../metrics/calendar";
import { CohortsQuerySchema, RetentionByCategoryQuerySchema, RetentionQuerySchema, ValueByCategoryQuerySchema } from "../schemas/retention";
import { byCategoryView, cohortsView, retentionView, valueView, type ViewScope } from "../services/retentionViews";
import { findSurvey } from "../services/surveys";

/** A view not read for this many days is no longer computed ahead. */
export const DEMAND_DAYS = 14;
/** Computations per cron run (each reads every account in its scope: about 1 s at 100,000). */
export const MAX_WARM_PER_RUN = 12;
/**
 * Remembered views looked at per run, most recently read first: checking one that is stored
 * already is a D1 round trip too, and any signed-in user can make new ones by asking.
 */
export const MAX_CHECKED_PER_RUN = 200;
/**
 * No computation starts after this much of the run (ms): the cron's other jobs ran before, and an
 * invocation has 30 s of CPU by default. What is not done goes to the next run.
 */
export const WARM_BUDGET_MS = 15_000;

export interface WarmResult {
  computed: number;
  /** Views already stored for today. */
  fresh: number;
  /** Requests that can no longer be made (survey gone, query no longer valid): forgotten. */
  dropped: number;
}

type Demand = typeof metricDemand.$inferSelect;

/** The view a demand row reproduces; false when it can no longer be made. */
async function replay(db: Db, row: Demand, v: ViewScope): Promise<boolean> {
  const query = row.params.query;
  if (row.kind === "retention") {
    const q = RetentionQuerySchema.safeParse(query);
    if (q.success) await retentionView(db, v, q.data);
    return q.success;
  }
  if (row.kind === "cohorts") {
    const q = CohortsQuerySchema.safeParse(query);
    if (q.success) await cohortsView(db, v, q.data);
    return q.success;
  }
  if (row.kind === "value") {
    const q = ValueByCategoryQuerySchema.safeParse(query);
    const survey = q.success && (await npsSurvey(db, q.data.surveyId));
    if (q.success && survey) await valueView(db, v, q.data, survey);
    return !!survey;
  }
  const q = RetentionByCategoryQuerySchema.safeParse(query);
  const survey = q.success && (await npsSurvey(db, q.data.surveyId));
  if (q.success && survey) await byCategoryView(db, v, q.data, survey);
  return !!survey;
}

/** The NPS survey a view by category names; null when it is no longer one (gone: findSurvey's 404). */
async function npsSurvey(db: Db, id: string) {
  const survey = await findSurvey(db, id);
  return survey.kind === "nps" ? survey : null;
}

export async function warmMetrics(env: Pick<Env, "DB" | "TIMEZONE">, now: number, max = MAX_WARM_PER_RUN): Promise<WarmResult> {
  const stopAt = Date.now() + WARM_BUDGET_MS;
  const db = createDb(env.DB);
  const timeZone = workspaceTz(env);
  const since = dateOfDay(dayNumber(localDate(now, timeZone)) - DEMAND_DAYS);
  await db.delete(metricDemand).where(lt(metricDemand.readOn, since));
  const rows = await db.select().from(metricDemand).orderBy(desc(metricDemand.readOn), metricDemand.key).limit(MAX_CHECKED_PER_RUN).all();
  const result: WarmResult = { computed: 0, fresh: 0, dropped: 0 };
  for (const row of rows) {
    if (result.computed >= max || Date.now() > stopAt) break;
    let computed = false;
    const scope = typeof row.params.scope === "string" ? row.params.scope : null;
    const v: ViewScope = { scope, timeZone, now, record: false, onCompute: () => (computed = true) };
    let made: boolean;
    try {
      made = await replay(db, row, v);
    } catch (e) {
      // A survey deleted since: nothing to show, nothing to compute.
      if (!(e instanceof ApiError) || e.status >= 500) throw e;
      made = false;
    }
    if (!made) {
      await db.delete(metricDemand).where(eq(metricDemand.key, row.key));
      result.dropped++;
    } else if (computed) result.computed++;
    else result.fresh++;
  }
  return result;
}
