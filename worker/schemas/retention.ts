/** Query shapes of the retention, cohort, account-level and breakdown metrics (bounded, strict). */
import { z } from "zod";
import { BREAKDOWN_DIMS } from "../db/queries/getBreakdown";
import { ACCOUNT_CATEGORIES } from "../metrics/retention";
import { isoDate, line } from "./common";

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
