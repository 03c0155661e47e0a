/** Contact API shapes (list query, PATCH, bulk upsert). */
import { z } from "@hono/zod-openapi";
import { cursor, line, locale } from "./common";
import { bulkRow, externalId, MAX_BULK_ROWS } from "./accounts";

export const email = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());
const name = line(200);

export const ContactListQuery = z.object({
  q: line(200, { min: 0 }).optional(),
  accountId: line(60).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: cursor,
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

export const ContactBulkSchema = z.object({ contacts: z.array(bulkRow(ContactUpsertSchema)).min(1).max(MAX_BULK_ROWS) }).strict();

/** A contact (services/contacts.ts contactView). */
export const ContactSchema = z
  .object({
    id: z.string(),
    externalId: z.string().nullable(),
    accountId: z.string().nullable(),
    email: z.string().nullable(),
    name: z.string().nullable(),
    locale: z.string().nullable(),
    unsubscribedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Contact");

export const ContactListSchema = z.object({
  data: z.array(ContactSchema),
  next: z.string().nullable().openapi({ description: "Pass as `before` for the next page; null on the last" }),
});

/** Rows as stored (every column; dates as ISO strings). */
const rows = z.array(z.record(z.string(), z.unknown()));

/** GDPR access (services/contactsGdpr.ts exportContact): everything held on the person. */
export const ContactExportSchema = z
  .object({
    exportedAt: z.string(),
    contact: z.record(z.string(), z.unknown()),
    account: z.object({ id: z.string(), externalId: z.string().nullable(), name: z.string() }).nullable(),
    responses: rows,
    followups: rows,
    followupNotes: rows,
    dismissals: rows,
    invitations: rows,
    surveyRequests: rows.openapi({
      description: "Surveys scheduled for the person through /v1/people (when, status, the properties given then)",
    }),
    webhookEvents: rows,
    mentions: z.array(z.object({ table: z.string(), column: z.string(), id: z.string(), text: z.string() })).openapi({
      description: "Other records quoting the person's email, name or external id (import reports, notes…)",
    }),
  })
  .openapi("ContactExport");

/** GDPR erasure: what was deleted or scrubbed. */
export const ContactErasedSchema = z.object({
  erased: z.literal(true),
  id: z.string(),
  responses: z.number().int(),
  dismissals: z.number().int(),
  invitations: z.number().int(),
  webhookDeliveries: z.number().int(),
  quotesScrubbed: z.number().int(),
});
