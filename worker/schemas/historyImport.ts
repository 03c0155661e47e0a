/** The query of the history import (docs/IMPORT.md, "History"). */
import { z } from "@hono/zod-openapi";

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
          if (v && typeof v === "object" && !Array.isArray(v) && Object.values(v).every((x) => typeof x === "string"))
            return v as Record<string, string>;
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

/** The finished history import (services/historyImport.ts HistoryReport). */
export const HistoryReportSchema = z
  .object({
    id: z.string(),
    kind: z.literal("history"),
    status: z.enum(["done", "failed"]),
    processedRows: z.number().int(),
    okRows: z.number().int(),
    errorRows: z.number().int(),
    created: z.number().int().openapi({ description: "Answers added by this import" }),
    unchanged: z.number().int().openapi({ description: "Valid rows that were there already (a re-import)" }),
    errors: z.array(z.object({ row: z.number().int(), field: z.string(), code: z.string(), message: z.string() })),
  })
  .openapi("HistoryReport");
