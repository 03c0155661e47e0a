import { z } from "zod";
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
