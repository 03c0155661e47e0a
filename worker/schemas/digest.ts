/** The monthly review (services/digest.ts buildDigest): the request and the page's data. */
import { z } from "@hono/zod-openapi";
import { GOAL_METRICS } from "../db/schema";
import { REVIEW_BINS } from "../metrics/digest";
import { GOAL_REASONS, GOAL_STATUSES } from "../metrics/goals";
import { dateProblem, MIN_DATE } from "./common";
import { Interval95Schema, NpsChangeSchema } from "./metrics";
import { MrrAtRiskSchema } from "./retention";

export const DigestQuery = z
  .object({
    month: z
      .string()
      .regex(/^(19|20)\d\d-(0[1-9]|1[0-2])$/, "expected YYYY-MM")
      // The dates people type (common.ts): the month reviewed (the one before) starts on or after
      // 1970-01-01, and the month itself no later than 10 years from today.
      .refine((m) => m > MIN_DATE.slice(0, 7) && dateProblem(`${m}-01`) === null, `must be after ${MIN_DATE.slice(0, 7)} and at most 10 years ahead`)
      .optional(),
  })
  .strict();

const DigestGoal = z.object({
  id: z.string(),
  name: z.string(),
  metric: z.enum(GOAL_METRICS),
  target: z.number(),
  deadline: z.string(),
  current: z.number().nullable(),
  status: z.enum(GOAL_STATUSES),
  reason: z.enum(GOAL_REASONS),
  bin: z.enum(REVIEW_BINS),
});

export const DigestSchema = z
  .object({
    month: z.string(),
    period: z.object({ from: z.string(), to: z.string(), label: z.string() }),
    scope: z.enum(["manager", "workspace"]),
    asOf: z.string(),
    endsAt: z.string().openapi({ description: "The instant the review's figures stand at: the end of the month reviewed (now while it runs)" }),
    listsAsOf: z.string().openapi({ description: "Follow-ups and accounts at risk are read on this date (today), whatever the month" }),
    past: z.boolean().openapi({ description: "A month before the current one: its action lists are today's, not the month's" }),
    smallN: z.number().int().openapi({ description: "Below this many answers a figure is shown as too few" }),
    survey: z.object({ id: z.string(), name: z.string() }).nullable(),
    wave: z
      .object({
        period: z.string(),
        n: z.number().int(),
        tooFew: z.boolean(),
        nps: z.number().nullable(),
        ci95: Interval95Schema.nullable(),
        previous: z.object({ period: z.string(), n: z.number().int(), nps: z.number().nullable() }).nullable(),
        change: NpsChangeSchema.nullable(),
      })
      .nullable(),
    newDetractors: z.object({
      count: z.number().int(),
      silent: z.number().int(),
      items: z.array(
        z.object({
          responseId: z.string(),
          score: z.number().int(),
          comment: z.string().nullable(),
          createdAt: z.string(),
          account: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
        }),
      ),
    }),
    followups: z.object({
      asOf: z.string(),
      open: z.number().int(),
      overdue: z.number().int(),
      mine: z.number().int(),
      mineOverdue: z.number().int(),
      unassigned: z.number().int(),
    }),
    atRisk: z.array(
      z.object({ id: z.string(), name: z.string(), lastScore: z.number().nullable(), change: z.number().nullable(), mrrCents: z.number().int() }),
    ),
    atRiskTotal: z
      .number()
      .int()
      .openapi({ description: "Accounts at risk in scope (`atRisk` lists the first 20), counted up to 100: see atRiskMore" }),
    atRiskMore: z.boolean().openapi({ description: "More than atRiskTotal (100) accounts are at risk" }),
    value: z
      .object({
        horizonMonths: z.number().int(),
        mrrAtRisk: MrrAtRiskSchema,
        promoter: z.object({
          n: z.number().int(),
          value: z.number().nullable().openapi({ description: "Customer value, cents" }),
          ci95: Interval95Schema.nullable(),
        }),
        detractor: z.object({
          n: z.number().int(),
          value: z.number().nullable().openapi({ description: "Customer value, cents" }),
          ci95: Interval95Schema.nullable(),
        }),
        promoterMinusDetractor: z.object({ value: z.number().nullable(), ci95: Interval95Schema.nullable() }),
      })
      .nullable()
      .openapi({ description: "What satisfaction is worth in this scope (as on the Retention page); null without an NPS survey" }),
    retention: z
      .object({ quarter: z.string(), startCount: z.number().int(), crr: z.number().nullable(), nrr: z.number().nullable(), complete: z.boolean() })
      .nullable(),
    goals: z.object({ works: z.array(DigestGoal), could_do_better: z.array(DigestGoal), costs_more: z.array(DigestGoal) }),
  })
  .openapi("Digest");
