/** Account API shapes (list query, PATCH, bulk upsert). Bounded lengths and ranges everywhere. */
import { z } from "@hono/zod-openapi";
import { isoDate, line } from "./common";

export const externalId = line(200);
const name = line(200);
const label = line(100);
export const userId = line(60);
/** Up to 10 million a month in cents is plenty; negative MRR makes no sense. */
export const mrrCents = z.number().int().min(0).max(1_000_000_000_00);

export const AccountListQuery = z.object({
  q: line(200, { min: 0 }).optional(),
  segment: label.optional(),
  manager: userId.optional(),
  status: z.enum(["active", "churned", "at_risk"]).optional(),
  /** Restricts lastScore & co. to one NPS survey (default: every NPS survey). */
  surveyId: line(60).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** Opaque cursor: the previous page's `next`. */
  before: z.string().max(600).optional(),
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
export type PatchAccount = z.infer<typeof PatchAccountSchema>;

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

/** Rows are validated one by one (per-row results), so the envelope only checks the array. */
export const AccountBulkSchema = z
  .object({ accounts: z.array(z.unknown()).min(1).max(MAX_BULK_ROWS) })
  .strict();
