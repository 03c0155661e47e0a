/** CSV import: the columns each kind of file may have (docs/IMPORT.md). */
import { z } from "@hono/zod-openapi";
export const IMPORT_KINDS = ["accounts", "contacts"] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const IMPORT_COLUMNS: Record<ImportKind, { required: string[]; optional: string[] }> = {
  accounts: {
    required: ["external_id", "name", "started_on"],
    optional: ["manager_email", "segment", "plan", "mrr", "churned_on"],
  },
  contacts: {
    required: ["external_id"],
    optional: ["email", "name", "locale", "account_external_id"],
  },
};

/** Limits that keep one request inside a Worker's memory and CPU budget. */
export const IMPORT_LIMITS = {
  /** The duplicate checks keep every id and email seen (~230 bytes a contact row in V8): 200,000 rows ≈ 46 MB. */
  maxRows: 200_000,
  maxFieldChars: 2_000,
  maxRecordChars: 20_000,
  /** Errors kept in import_jobs.errors (the counts are always complete). */
  maxReportedErrors: 200,
  /** Rows per database batch. */
  batchRows: 250,
} as const;

/** An import job (services/csvImport.ts): progress while it runs, the per-row report when done. */
export const ImportJobSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["accounts", "contacts", "responses", "history"]),
    status: z.enum(["running", "done", "failed"]),
    processedRows: z.number().int(),
    okRows: z.number().int(),
    errorRows: z.number().int(),
    errors: z
      .array(z.object({ row: z.number().int(), field: z.string(), code: z.string(), message: z.string() }))
      .openapi({ description: `The first ${IMPORT_LIMITS.maxReportedErrors} errors (the counts are complete)` }),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi("ImportJob");
