/** Contact API shapes (list query, PATCH, bulk upsert). */
import { z } from "@hono/zod-openapi";
import { line, locale } from "./common";
import { externalId, MAX_BULK_ROWS } from "./accounts";

export const email = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());
const name = line(200);

export const ContactListQuery = z.object({
  q: line(200, { min: 0 }).optional(),
  accountId: line(60).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.string().max(600).optional(),
});

export const PatchContactSchema = z
  .object({
    externalId: externalId.nullable(),
    email: email.nullable(),
    name: name.nullable(),
    locale: locale.nullable(),
    accountId: line(60).nullable(),
    /** true unsubscribes now; false re-subscribes (only do that with the person's consent). */
    unsubscribed: z.boolean(),
  })
  .partial()
  .strict();
export type PatchContact = z.infer<typeof PatchContactSchema>;

/** One row of `POST /contacts/bulk`, keyed by externalId; omitted fields are left as they are. */
export const ContactUpsertSchema = z
  .object({
    externalId,
    email: email.nullable().optional(),
    name: name.nullable().optional(),
    locale: locale.nullable().optional(),
    /** The account's external id; null detaches the contact. */
    accountExternalId: externalId.nullable().optional(),
  })
  .strict();
export type ContactUpsert = z.infer<typeof ContactUpsertSchema>;

export const ContactBulkSchema = z
  .object({ contacts: z.array(z.unknown()).min(1).max(MAX_BULK_ROWS) })
  .strict();
