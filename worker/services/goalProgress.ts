/**
 * Where a KPI goal stands: the recent values of its metric, read within the goal's scope and the
 * caller's (a manager sees their own book), then evaluateGoal (metrics/goals.ts) for the status.
 * - nps / csat / ces: the survey's quarterly values over the last RECENT_BUCKETS quarters
 *   (rollups or the cube for any segment and manager scope, services/scoreTrend.ts);
 * - crr / nrr: the last RECENT_BUCKETS complete quarters;
 * - response_rate: the last RECENT_BUCKETS closed waves with delivered invitations.
 * Each value sits at the middle of its period (a wave at its close) on the time axis.
 */
import { eq } from "drizzle-orm";
import { accountWhere } from "../db/queries/accountFilter";
import { getResponseRates } from "../db/queries/getResponseRates";
import { getScoreHistogramsRaw } from "../db/queries/getScoreHistogramsRaw";
import { getRetention } from "../db/queries/getRetention";
import type { ScoreFilter } from "../db/queries/scoreFilter";
import { type goals, surveys } from "../db/schema";
import type { Db, Principal } from "../env";
import { bucketLabel, bucketOfDate, bucketsBetween, localDate, nextBucket, zonedMidnightUtc } from "../metrics/buckets";
import { addMonths, dayNumber } from "../metrics/calendar";
import { evaluateGoal, RECENT_BUCKETS, type GoalEvaluation } from "../metrics/goals";
import { SMALL_N } from "../metrics/nps";
import { retentionSeries, retentionSeriesDates } from "../metrics/retention";
import { buildTrend } from "../metrics/trend";
import { managerScope } from "./scope";
import { scoreTrend } from "./scoreTrend";

type GoalRow = typeof goals.$inferSelect;

export interface GoalPointView {
  period: string;
  label: string;
  value: number;
  /** Responses, accounts at the start, or delivered invitations behind the value. */
  n: number;
}

export type GoalProgress = GoalEvaluation & {
  unit: "points" | "percent" | "score";
  points: GoalPointView[];
  /** n behind `current` (answers, accounts at the start, or delivered invitations); null without data. */
  currentN: number | null;
  /** An NPS / CSAT / CES value from fewer than SMALL_N answers: the page says "too few answers". */
  tooFew: boolean;
};

export const GOAL_UNIT = {
  nps: "points",
  csat: "percent",
  ces: "score",
  response_rate: "percent",
  crr: "percent",
  nrr: "percent",
} as const;

/**
 * Quarterly points as they stood at `before`: the ended quarters from the stored rollups, the
 * running one from the answers given before `before` (getScoreHistogramsRaw, bounded by that
 * quarter's answers up to then).
 */
async function pointsAsOf(
  db: Db,
  q: { survey: typeof surveys.$inferSelect; from: string; thisQuarter: string; timeZone: string; filters: ScoreFilter[]; before: number },
) {
  const ended = await scoreTrend(db, {
    surveyId: q.survey.id,
    kind: q.survey.kind,
    interval: "quarter",
    from: q.from,
    to: q.thisQuarter,
    timeZone: q.timeZone,
    filters: q.filters,
  });
  const running = await getScoreHistogramsRaw(db, {
    surveyId: q.survey.id,
    interval: "quarter",
    fromBucket: q.thisQuarter,
    toBucket: nextBucket(q.thisQuarter, "quarter"),
    filters: q.filters,
    timeZone: q.timeZone,
    before: q.before,
  });
  return [...ended.points, ...buildTrend(q.survey.kind, "quarter", [q.thisQuarter], running).points];
}

const midDay = (start: string, end: string) => (dayNumber(start) + dayNumber(end)) / 2;

/** The manager the figures are limited to: the goal's own, else the caller's when a manager. */
function effectiveManager(goal: GoalRow, p: Principal): string | undefined {
  return managerScope(p) ?? goal.scope?.manager ?? undefined;
}

/**
 * `before`: judge the goal as it stood at this past instant (the monthly review of a past month):
 * `now` is then the instant's last millisecond, and the quarter running at it counts only the
 * answers given before it (the stored quarters hold every answer since; they answer the quarters
 * that had ended).
 */
export async function goalProgress(
  db: Db,
  goal: GoalRow,
  principal: Principal,
  timeZone: string,
  now = Date.now(),
  opts: { before?: number } = {},
): Promise<GoalProgress> {
  const asOf = localDate(now, timeZone);
  const manager = effectiveManager(goal, principal);
  const segment = goal.scope?.segment ?? undefined;
  const thisQuarter = bucketOfDate(asOf, "quarter");
  let points: (GoalPointView & { day: number })[] = [];

  if (goal.metric === "nps" || goal.metric === "csat" || goal.metric === "ces") {
    const survey = goal.surveyId ? await db.select().from(surveys).where(eq(surveys.id, goal.surveyId)).get() : undefined;
    if (survey) {
      const filters: ScoreFilter[] = [];
      if (segment !== undefined) filters.push({ dim: "segment", value: segment });
      if (manager !== undefined) filters.push({ dim: "manager", value: manager });
      const from = addMonths(thisQuarter, -3 * (RECENT_BUCKETS - 1));
      // A quarter that had ended by `before` is whole in the rollups: only a running one is read raw.
      const running = opts.before !== undefined && zonedMidnightUtc(nextBucket(thisQuarter, "quarter"), timeZone) > opts.before;
      const trendPoints =
        !running || opts.before === undefined
          ? (
              await scoreTrend(db, {
                surveyId: survey.id,
                kind: survey.kind,
                interval: "quarter",
                from,
                to: nextBucket(thisQuarter, "quarter"),
                timeZone,
                filters,
              })
            ).points
          : await pointsAsOf(db, { survey, from, thisQuarter, timeZone, filters, before: opts.before });
      for (const p of trendPoints) {
        const s = p.summary as { n: number; nps?: number | null; csat?: number | null; mean: number | null };
        const value = goal.metric === "nps" ? s.nps : goal.metric === "csat" ? s.csat : s.mean;
        if (s.n > 0 && value !== null && value !== undefined) {
          points.push({ period: p.bucket, label: p.label, value, n: s.n, day: midDay(p.bucket, nextBucket(p.bucket, "quarter")) });
        }
      }
    }
  } else if (goal.metric === "crr" || goal.metric === "nrr") {
    const quarters = bucketsBetween(addMonths(thisQuarter, -3 * RECENT_BUCKETS), thisQuarter, "quarter");
    const periods = quarters.map((b) => ({ bucket: b, label: bucketLabel(b, "quarter"), start: b, end: nextBucket(b, "quarter") }));
    const accounts = await getRetention(db, {
      where: accountWhere(principal, { segment, manager }),
      activeFrom: periods[0]!.start,
      activeUntil: periods.at(-1)!.start,
      mrrDates: retentionSeriesDates(periods, asOf),
    });
    for (const p of retentionSeries(accounts, periods, asOf)) {
      const value = goal.metric === "crr" ? p.crr : p.nrr;
      if (p.complete && value !== null) {
        points.push({ period: p.bucket, label: p.label, value: 100 * value, n: p.startCount, day: midDay(p.start, p.end) });
      }
    }
  } else if (goal.metric === "response_rate" && goal.surveyId) {
    const waves = await getResponseRates(db, goal.surveyId, accountWhere(principal, { segment, manager }), now);
    points = waves
      .filter((w) => w.delivered > 0)
      .map((w) => {
        const closed = localDate(w.closesAt.getTime(), timeZone);
        return { period: w.period, label: w.period, value: (100 * w.responded) / w.delivered, n: w.delivered, day: dayNumber(closed) };
      });
  }

  points = points.slice(-RECENT_BUCKETS);
  const evaluation = evaluateGoal({
    points,
    target: goal.target,
    deadlineDay: dayNumber(goal.deadline),
    today: dayNumber(asOf),
  });
  const currentN = points.at(-1)?.n ?? null;
  const scoreMetric = goal.metric === "nps" || goal.metric === "csat" || goal.metric === "ces";
  return {
    ...evaluation,
    unit: GOAL_UNIT[goal.metric],
    points: points.map(({ day: _day, ...p }) => p),
    currentN,
    tooFew: scoreMetric && currentN !== null && currentN < SMALL_N,
  };
}
