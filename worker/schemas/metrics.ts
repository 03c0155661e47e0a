import { z } from "@hono/zod-openapi";
import { SURVEY_KINDS } from "../db/schema";
import { isValidTimeZone } from "../metrics/buckets";
import { isoDate, line } from "./common";

const value = line(200).optional();

export const MetricsQuerySchema = z
  .object({
    /** Local dates in `tz`; the range is [from, to), widened to whole buckets. */
    from: isoDate.optional(),
    to: isoDate.optional(),
    /** Default: `wave` for a survey that has waves, else `month`. */
    interval: z.enum(["month", "quarter", "half", "wave"]).optional(),
    tz: z.string().max(64).refine(isValidTimeZone, "must be an IANA time zone like Europe/Paris").optional(),
    segment: value,
    manager: value,
    account: value,
    channel: value,
    locale: value,
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: "from must be before to", path: ["from"] });

// ---- Responses -----------------------------------------------------------------------------

export const Interval95Schema = z.object({ low: z.number(), high: z.number() }).openapi("Interval95");

/** metrics/summary.ts: counts by kind; NPS fields for NPS, `csat` for CSAT, `easy` for CES. */
export const SummarySchema = z
  .object({
    n: z.number().int(),
    histogram: z.array(z.number().int()).openapi({ description: "Counts of each score, index = score" }),
    mean: z.number().nullable(),
    promoters: z.number().int().optional(),
    passives: z.number().int().optional(),
    detractors: z.number().int().optional(),
    promotersPct: z.number().nullable().optional(),
    passivesPct: z.number().nullable().optional(),
    detractorsPct: z.number().nullable().optional(),
    nps: z.number().nullable().optional(),
    ci95: Interval95Schema.nullable().optional(),
    csat: z.number().nullable().optional(),
    easy: z.number().nullable().optional(),
  })
  .openapi("Summary");

export const NpsChangeSchema = z.object({ delta: z.number(), threshold: z.number(), significant: z.boolean() });

const interval = z.enum(["month", "quarter", "half", "wave"]);

export const MetricsSchema = z
  .object({
    surveyId: z.string(),
    kind: z.enum(SURVEY_KINDS),
    interval,
    timeZone: z.string(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    filters: z.array(z.object({ dim: z.enum(["segment", "manager", "account", "channel", "locale"]), value: z.string() })),
    source: z.enum(["rollups", "cube", "raw", "waves"]),
    /** Below this many answers a bucket is `tooFew` (docs/METRICS.md, SMALL_N). */
    smallN: z.number().int(),
    totals: SummarySchema,
    trend: z.array(
      z.object({
        bucket: z.string(),
        label: z.string(),
        summary: SummarySchema,
        change: NpsChangeSchema.nullable().openapi({
          description:
            "Change of the headline (NPS points; CSAT share of 4–5 and CES share of 5–7, in points) from the previous bucket with answers, with the 95 % threshold it must pass to be significant",
        }),
        comparedWith: z.string().nullable().openapi({ description: "Label of the previous bucket with answers the change is measured against" }),
        tooFew: z.boolean(),
      }),
    ),
    waves: z.array(z.object({ id: z.string(), period: z.string(), opensOn: z.string(), closesAt: z.string() })).nullable(),
  })
  .openapi("Metrics");
