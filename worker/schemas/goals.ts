/**
 * KPI goals: a metric, a target and a deadline. Units: NPS in points (−100…100); CSAT, response
 * rate, CRR and NRR in percent (NRR may exceed 100); CES as the mean score (1…7).
 */
import { z } from "@hono/zod-openapi";
import { GOAL_METRICS } from "../db/schema";
import { GOAL_REASONS, GOAL_STATUSES } from "../metrics/goals";
import { isoDateUpTo, line } from "./common";

export type GoalMetric = (typeof GOAL_METRICS)[number];

export const TARGET_RANGE: Record<GoalMetric, readonly [number, number]> = {
  nps: [-100, 100],
  csat: [0, 100],
  ces: [1, 7],
  response_rate: [0, 100],
  crr: [0, 100],
  nrr: [0, 1000],
};

/** Which metrics are read from one survey (and of which kind). */
export const SURVEY_KIND_OF: Partial<Record<GoalMetric, "nps" | "csat" | "ces" | "any">> = {
  nps: "nps",
  csat: "csat",
  ces: "ces",
  response_rate: "any",
};

const GoalScopeSchema = z
  .object({
    segment: line(200).optional(),
    manager: line(200).optional(),
  })
  .strict();

const fields = {
  name: line(200),
  metric: z.enum(GOAL_METRICS),
  surveyId: line(100).nullable(),
  scope: GoalScopeSchema.nullable(),
  target: z.number().finite(),
  /** Long-term goals are real (2040), so deadlines may be up to 30 years ahead. */
  deadline: isoDateUpTo(30),
};

export const CreateGoalSchema = z.object({ ...fields, surveyId: fields.surveyId.optional(), scope: fields.scope.optional() }).strict();

export const PatchGoalSchema = z.object(fields).partial().strict();

export type GoalInput = {
  name: string;
  metric: GoalMetric;
  surveyId: string | null;
  scope: { segment?: string; manager?: string } | null;
  target: number;
  deadline: string;
};

/** A goal with its progress (services/goalProgress.ts). */
export const GoalSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    metric: z.enum(GOAL_METRICS),
    surveyId: z.string().nullable(),
    scope: GoalScopeSchema.nullable(),
    target: z.number(),
    deadline: z.string(),
    createdBy: z.string().nullable(),
    createdAt: z.iso.datetime(),
    current: z.number().nullable().openapi({ description: "The latest bucket's value" }),
    currentN: z.number().int().nullable().openapi({ description: "n behind `current`: answers, accounts at the start, or delivered invitations" }),
    tooFew: z.boolean().openapi({ description: "An NPS / CSAT / CES value from fewer than 20 answers (SMALL_N)" }),
    status: z.enum(GOAL_STATUSES),
    reason: z.enum(GOAL_REASONS),
    fit: z.object({ slopePerDay: z.number(), atDeadline: z.number(), reachesTargetOn: z.string().nullable(), points: z.number().int() }).nullable(),
    unit: z.enum(["points", "percent", "score"]),
    points: z.array(z.object({ period: z.string(), label: z.string(), value: z.number(), n: z.number().int() })),
  })
  .openapi("Goal");
