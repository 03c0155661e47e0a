/** The query of the history import (docs/IMPORT.md, "History"). */
import { z } from "zod";

export const HISTORY_SOURCES = ["delighted", "formbricks", "typeform", "generic"] as const;

const propertyKey = z.string().trim().min(1).max(100);
export const HistoryQuerySchema = z
  .object({
    surveyId: z.string().min(1).max(64),
    source: z.enum(HISTORY_SOURCES).default("generic"),
    columns: z
      .string()
      .max(20_000)
      .transform((s, ctx) => {
        try {
          const v = JSON.parse(s);
          if (v && typeof v === "object" && !Array.isArray(v) && Object.values(v).every((x) => typeof x === "string")) return v as Record<string, string>;
        } catch {
          /* below */
        }
        ctx.addIssue({ code: "custom", message: 'must be a JSON object like {"Header": "email"}' });
        return z.NEVER;
      })
      .optional(),
    accountProperty: propertyKey.optional(),
    segmentProperty: propertyKey.optional(),
  })
  .strict();

