/** Account API shapes (list query, PATCH, bulk upsert). Bounded lengths and ranges everywhere. */
import { z } from "@hono/zod-openapi";
import { error, errors, json } from "../lib/openapi";
import { cursor, isoDate, line } from "./common";

export const externalId = line(200);
const name = line(200);
const label = line(100);
export const userId = line(60);
/** Up to 10 million a month in cents is plenty; negative MRR makes no sense. */
export const mrrCents = z.number().int().min(0).max(1_000_000_000_00);

/** Sort keys of the accounts list; `-` sorts descending. Empty scores sort last either way. */
export const ACCOUNT_SORTS = ["name", "-name", "mrr", "-mrr", "score", "-score", "change", "-change", "last", "-last"] as const;
export type AccountSort = (typeof ACCOUNT_SORTS)[number];

export const AccountListQuery = z.object({
  q: line(200, { min: 0 }).optional(),
  segment: label.optional(),
  manager: userId.optional(),
  status: z.enum(["active", "churned", "at_risk"]).optional(),
  /** Restricts lastScore & co. to one NPS survey (default: every NPS survey). */
  surveyId: line(60).optional(),
  /** name, mrr, score (last half-year's mean), change, last (latest answer); `-name` … descending. */
  sort: z.enum(ACCOUNT_SORTS).default("name"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: cursor,
});

/** Fields an admin may change; `null` clears an optional field. */
export const PatchAccountSchema = z
  .object({
    externalId: externalId.nullable(),
    name,
    managerUserId: userId.nullable(),
    segment: label.nullable(),
    plan: label.nullable(),
    mrrCents,
    /** The date the new MRR takes effect (default: today in the workspace zone). */
    mrrEffectiveOn: isoDate,
    startedOn: isoDate,
    churnedOn: isoDate.nullable(),
  })
  .partial()
  .strict();

/** One row of `POST /accounts/bulk`: keyed by externalId; omitted fields are left as they are. */
export const AccountUpsertSchema = z
  .object({
    externalId,
    name: name.optional(),
    managerUserId: userId.nullable().optional(),
    /** Alternative to managerUserId, handy when the source system knows people by email. */
    managerEmail: z.email().max(254).nullable().optional(),
    segment: label.nullable().optional(),
    plan: label.nullable().optional(),
    mrrCents: mrrCents.optional(),
    mrrEffectiveOn: isoDate.optional(),
    startedOn: isoDate.optional(),
    churnedOn: isoDate.nullable().optional(),
  })
  .strict();
export type AccountUpsert = z.infer<typeof AccountUpsertSchema>;

export const MAX_BULK_ROWS = 1000;

/**
 * Rows are validated one by one (a bad row becomes an error result, the others are written), so
 * the envelope only checks the array; the document shows each row's schema all the same.
 */
export const bulkRow = (row: z.ZodType) => {
  const { $schema: _drop, ...doc } = z.toJSONSchema(row, { io: "input", unrepresentable: "any" });
  return z.unknown().openapi(doc as never);
};

export const AccountBulkSchema = z.object({ accounts: z.array(bulkRow(AccountUpsertSchema)).min(1).max(MAX_BULK_ROWS) }).strict();

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

const nps = z.number().nullable();

/** An account with its latest NPS standing (services/accounts.ts accountView). */
export const AccountSchema = z
  .object({
    id: z.string(),
    externalId: z.string().nullable(),
    name: z.string(),
    managerUserId: z.string().nullable(),
    segment: z.string().nullable(),
    plan: z.string().nullable(),
    mrrCents: z.number().int(),
    startedOn: z.string(),
    churnedOn: z.string().nullable(),
    lastScore: nps.openapi({ description: "Mean of the latest half-year's counted NPS answers, one decimal" }),
    lastCategory: z.enum(["promoter", "passive", "detractor"]).nullable(),
    previousScore: nps,
    change: nps,
    atRisk: z.boolean().openapi({ description: "A detractor, or down 3 points or more" }),
    lastResponseAt: z.string().nullable(),
  })
  .openapi("Account");

export const AccountListSchema = z.object({
  data: z.array(AccountSchema),
  next: z.string().nullable().openapi({ description: "Pass as `before` for the next page; null on the last" }),
});

/** Bulk upserts (accounts, contacts): one result per row, in request order (services/bulk.ts). */
export const BulkResultSchema = z
  .object({
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    errors: z.number().int(),
    results: z.array(
      z.union([
        z.object({ index: z.number().int(), externalId: z.string().nullable(), status: z.enum(["created", "updated", "unchanged"]), id: z.string() }),
        z.object({
          index: z.number().int(),
          externalId: z.string().nullable(),
          status: z.literal("error"),
          error: z.object({ code: z.string(), field: z.string(), message: z.string() }),
        }),
      ]),
    ),
  })
  .openapi("BulkResult");

/** Bulk bodies (accounts, contacts): 1,000 rows of up to a few hundred bytes each. */
export const BULK_MAX_BYTES = 2 * 1024 * 1024;

/** What both bulk routes answer. */
export const bulkResponses = {
  200: json(BulkResultSchema, "One result per row, in request order"),
  400: error("Envelope invalid (no rows, over 1,000 rows…)"),
  ...errors(401, 403),
  413: error("Body over 2 MB"),
};
