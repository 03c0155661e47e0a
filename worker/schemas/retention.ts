/** Query shapes of the retention, cohort, account-level and breakdown metrics (bounded, strict). */
import { z } from "@hono/zod-openapi";
import { BREAKDOWN_DIMS } from "../db/queries/getBreakdown";
import { ACCOUNT_CATEGORIES } from "../metrics/retention";
import { SURVEY_KINDS } from "../db/schema";
import { isoDate, line } from "./common";
import { Interval95Schema, SummarySchema } from "./metrics";

const id = line(200);
const range = {
  from: isoDate.optional(),
  to: isoDate.optional(),
};
const fromBeforeTo = (q: { from?: string; to?: string }) => !q.from || !q.to || q.from < q.to;
const orderMessage = { message: "from must be before to", path: ["from"] };

export const RetentionQuerySchema = z
  .object({
    ...range,
    interval: z.enum(["month", "quarter", "half"]).default("quarter"),
    /** Admins and viewers may narrow to a segment or a manager's book; managers see their own. */
    segment: id.optional(),
    manager: id.optional(),
  })
  .strict()
  .refine(fromBeforeTo, orderMessage);

export const CohortsQuerySchema = z
  .object({ ...range, segment: id.optional(), manager: id.optional() })
  .strict()
  .refine(fromBeforeTo, orderMessage);

export const RetentionByCategoryQuerySchema = z
  .object({
    surveyId: id,
    horizonMonths: z.coerce.number().int().min(1).max(36).default(6),
    /** wave: the survey's closed waves; half: half-years; auto: waves when there are any. */
    periods: z.enum(["auto", "wave", "half"]).default("auto"),
    segment: id.optional(),
    manager: id.optional(),
  })
  .strict();

/** What satisfaction is worth: no horizon to choose, it answers for 6 and 12 months. */
export const ValueByCategoryQuerySchema = z
  .object({
    surveyId: id,
    periods: z.enum(["auto", "wave", "half"]).default("auto"),
    segment: id.optional(),
    manager: id.optional(),
  })
  .strict();

export const AccountsMetricsQuerySchema = z
  .object({
    surveyId: id,
    ...range,
    category: z.enum(ACCOUNT_CATEGORIES).optional(),
    segment: id.optional(),
    manager: id.optional(),
    limit: z.coerce.number().int().min(1).max(5000).default(1000),
  })
  .strict()
  .refine(fromBeforeTo, orderMessage);

export const BreakdownQuerySchema = z
  .object({
    surveyId: id,
    by: z.enum(BREAKDOWN_DIMS),
    ...range,
    interval: z.enum(["month", "quarter", "half"]).default("month"),
    limit: z.coerce.number().int().min(1).max(5000).default(1000),
  })
  .strict()
  .refine(fromBeforeTo, orderMessage);

// ---- Responses -----------------------------------------------------------------------------

const date = z.string().openapi({ description: "YYYY-MM-DD" });
const period = { bucket: z.string(), label: z.string(), start: date, end: date };

export const RetentionSchema = z
  .object({
    interval: z.enum(["month", "quarter", "half"]),
    from: date.nullable(),
    to: date.nullable(),
    asOf: date,
    points: z.array(
      z.object({
        ...period,
        startCount: z.number().int(),
        retained: z.number().int(),
        crr: z.number().nullable(),
        churnRate: z.number().nullable(),
        mrrStart: z.number().int(),
        mrrEnd: z.number().int(),
        nrr: z.number().nullable(),
        grr: z.number().nullable(),
        complete: z.boolean(),
        measuredAt: date,
      }),
    ),
  })
  .openapi("Retention");

export const CohortsSchema = z
  .object({
    from: date.nullable(),
    to: date.nullable(),
    asOf: date,
    cohorts: z.array(
      z.object({ cohort: date, label: z.string(), size: z.number().int(), retained: z.array(z.number().int()), retention: z.array(z.number()) }),
    ),
  })
  .openapi("Cohorts");

const group = z.object({ n: z.number().int(), retained: z.number().int().nullable(), rate: z.number().nullable() });
const groups = z.object({ promoter: group, passive: group, detractor: group, no_answer: group });
const ci = Interval95Schema.nullable();
const intervals = z.object({ promoter: ci, passive: ci, detractor: ci, no_answer: ci, promoterMinusDetractor: ci });

export const RetentionByCategorySchema = z
  .object({
    surveyId: z.string(),
    mode: z.enum(["wave", "half"]),
    horizonMonths: z.number().int(),
    asOf: date,
    periods: z.array(
      z.object({
        period: z.string(),
        label: z.string(),
        end: date,
        horizonEnd: date,
        complete: z.boolean(),
        groups,
        promoterMinusDetractor: z.number().nullable(),
        ci95: intervals,
      }),
    ),
    pooled: z.object({ groups, promoterMinusDetractor: z.number().nullable(), ci95: intervals, periods: z.number().int() }),
  })
  .openapi("RetentionByCategory");

const groupValue = z.object({
  n: z.number().int(),
  retained: z.number().int(),
  crr: z.number().nullable(),
  crrCi95: ci,
  nrr: z.number().nullable(),
  nrrCi95: ci,
  grr: z.number().nullable(),
  grrCi95: ci,
  meanMrr: z.number().nullable().openapi({ description: "Cents" }),
  meanMrrCi95: ci,
  monthlyChurn: z.number().nullable(),
  lifetimeMonths: z.number().nullable(),
  lifetimeCi95: ci,
  value: z.number().nullable().openapi({ description: "Customer value V = mean MRR × lifetime, cents" }),
  valueCi95: ci,
});
const moneyBin = z.object({ n: z.number().int(), mrr: z.number().openapi({ description: "Cents" }) });

/** The MRR of detractor and silent accounts, and the loss it is expected to bring. */
export const MrrAtRiskSchema = z.object({
  period: z.string().nullable(),
  horizonMonths: z.number().int(),
  detractor: moneyBin,
  noAnswer: moneyBin,
  expectedLoss: z.object({ value: z.number(), ci95: ci }).nullable(),
});

export const ValueByCategorySchema = z
  .object({
    surveyId: z.string(),
    asOf: date,
    mode: z.enum(["wave", "half"]),
    lifetimeCapMonths: z.number().int(),
    horizons: z.array(
      z.object({
        horizonMonths: z.number().int(),
        periods: z.array(z.object({ period: z.string(), label: z.string(), end: date, horizonEnd: date })),
        groups: z.object({ promoter: groupValue, passive: groupValue, detractor: groupValue, no_answer: groupValue }),
        promoterMinusDetractor: z.object({ value: z.number().nullable(), ci95: ci }),
      }),
    ),
    mrrAtRisk: MrrAtRiskSchema,
  })
  .openapi("ValueByCategory");

export const AccountsMetricsSchema = z
  .object({
    surveyId: z.string(),
    from: date.nullable(),
    to: date.nullable(),
    accounts: z.array(
      z.object({
        accountId: z.string(),
        name: z.string().nullable(),
        mean: z.number().nullable(),
        category: z.enum(ACCOUNT_CATEGORIES),
        n: z.number().int(),
      }),
    ),
    counts: z.object({ promoter: z.number().int(), passive: z.number().int(), detractor: z.number().int(), no_answer: z.number().int() }),
    nps: z.number().nullable(),
    total: z.number().int(),
    truncated: z.boolean(),
  })
  .openapi("AccountsMetrics");

export const BreakdownSchema = z
  .object({
    surveyId: z.string(),
    kind: z.enum(SURVEY_KINDS),
    by: z.enum(BREAKDOWN_DIMS),
    interval: z.enum(["month", "quarter", "half"]),
    from: z.string().nullable(),
    to: z.string().nullable(),
    source: z.enum(["rollups", "cube", "counted"]),
    total: z.number().int(),
    truncated: z.boolean(),
    groups: z.array(z.object({ value: z.string(), label: z.string(), summary: SummarySchema, ci95: ci })),
  })
  .openapi("Breakdown");
