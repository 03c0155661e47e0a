/**
 * Contacts (people at client accounts): list, one, change (admins), bulk upsert by external id
 * (admins), and the person's GDPR rights: access (admins, or the account's manager) and erasure
 * (admins). A manager asking for a contact outside their accounts gets 404, as if it did not exist.
 */
import { createRoute } from "@hono/zod-openapi";
import { eq, sql } from "drizzle-orm";
import { accounts, contacts } from "../db/schema";
import type { Db, Principal } from "../env";
import { enqueueContactUnsubscribed } from "../jobs/webhooks";
import { ApiError, badRequest, notFound } from "../lib/errors";
import { body, error, errors, json, jsonBody, KEY_OR_SESSION, params, router } from "../lib/openapi";
import { requireAuth } from "../middleware/auth";
import { BULK_MAX_BYTES, bulkResponses } from "../schemas/accounts";
import {
  ContactBulkSchema,
  ContactErasedSchema,
  ContactExportSchema,
  ContactListQuery,
  ContactListSchema,
  ContactSchema,
  ContactUpsertSchema,
  PatchContactSchema,
} from "../schemas/contacts";
import { runBulk } from "../services/bulk";
import { contactView } from "../services/contacts";
import { listContacts } from "../services/contactsList";
import { contactsInScope, managerScope } from "../services/scope";
import { eraseContact, exportContact } from "../services/contactsGdpr";
import { upsertContacts } from "../services/contactsUpsert";

type ContactRow = typeof contacts.$inferSelect;

async function contactInScope(db: Db, p: Principal, id: string): Promise<ContactRow> {
  const scope = contactsInScope(p);
  const row = await db
    .select()
    .from(contacts)
    .where(scope ? sql`${contacts.id} = ${id} AND ${scope}` : eq(contacts.id, id))
    .get();
  if (!row) throw notFound("Contact");
  return row;
}

const tags = ["contacts"];
const ContactParams = params("contactId");
const notHere = error("Not found (or outside a manager's accounts)");

const list = createRoute({
  method: "get",
  path: "/",
  summary: "Contacts (`?accountId&q&limit&before`); managers see their accounts' contacts only",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth()] as const,
  request: { query: ContactListQuery },
  responses: { 200: json(ContactListSchema, "One page, by id"), ...errors(400, 401) },
});

const bulk = createRoute({
  method: "post",
  path: "/bulk",
  summary: "Upsert up to 1,000 contacts by external id (admins); valid rows written, bad rows reported",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin"), jsonBody(BULK_MAX_BYTES)] as const,
  request: { body: body(ContactBulkSchema) },
  responses: bulkResponses,
});

const get = createRoute({
  method: "get",
  path: "/{contactId}",
  summary: "A contact",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth()] as const,
  request: { params: ContactParams },
  responses: { 200: json(ContactSchema, "The contact"), ...errors(401), 404: notHere },
});

const patch = createRoute({
  method: "patch",
  path: "/{contactId}",
  summary: "Change a contact (admins), including `unsubscribed`",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin"), jsonBody()] as const,
  request: { params: ContactParams, body: body(PatchContactSchema) },
  responses: {
    200: json(ContactSchema, "The contact"),
    400: error("Invalid input (`invalid_field` naming the field, `unknown_account`)"),
    ...errors(401, 403, 404),
    409: error("`email_taken`, `external_id_taken`: another contact has it"),
    413: error("Body too large"),
  },
});

const exportOne = createRoute({
  method: "get",
  path: "/{contactId}/export",
  summary: "GDPR access: everything held on the person (admins, or the account's manager), as a JSON download",
  tags: ["gdpr"],
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin", "manager")] as const,
  request: { params: ContactParams },
  responses: { 200: json(ContactExportSchema, "Everything held on the person"), ...errors(401, 403), 404: notHere },
});

const erase = createRoute({
  method: "post",
  path: "/{contactId}/erase",
  summary: "GDPR erasure (admins): responses, follow-ups, dismissals, invitations and the contact, in one transaction; audited without personal data",
  tags: ["gdpr"],
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin")] as const,
  request: { params: ContactParams },
  responses: { 200: json(ContactErasedSchema, "What was erased"), ...errors(401, 403, 404) },
});

export const contactsRoute = router()
  .openapi(list, async (c) => c.json(await listContacts(c.var.db, c.var.principal, c.req.valid("query")), 200))
  .openapi(bulk, async (c) => c.json(await runBulk(c.req.valid("json").contacts, ContactUpsertSchema, (rows) => upsertContacts(c.var.db, rows)), 200))
  .openapi(get, async (c) => c.json(contactView(await contactInScope(c.var.db, c.var.principal, c.req.valid("param").contactId)), 200))
  .openapi(patch, async (c) => {
    const db = c.var.db;
    const old = await contactInScope(db, c.var.principal, c.req.valid("param").contactId);
    const input = c.req.valid("json");
    if (input.accountId) {
      const a = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, input.accountId)).get();
      if (!a) throw badRequest("unknown_account", "No such account", "accountId");
    }
    for (const [field, col] of [
      ["email", contacts.email],
      ["externalId", contacts.externalId],
    ] as const) {
      const v = input[field];
      if (!v) continue;
      const clash = await db.select({ id: contacts.id }).from(contacts).where(eq(col, v)).get();
      if (clash && clash.id !== old.id)
        throw new ApiError(409, `${field === "email" ? "email" : "external_id"}_taken`, `Another contact has this ${field}`, field);
    }
    const { unsubscribed, ...fields } = input;
    const unsub = unsubscribed === undefined ? {} : { unsubscribedAt: unsubscribed ? (old.unsubscribedAt ?? new Date()) : null };
    const row = await db
      .update(contacts)
      .set({ ...fields, ...unsub, updatedAt: new Date() })
      .where(eq(contacts.id, old.id))
      .returning()
      .get();
    if (unsubscribed === true && old.unsubscribedAt === null) await enqueueContactUnsubscribed(db, old.id);
    return c.json(contactView(row!), 200);
  })
  .openapi(exportOne, async (c) => {
    const who = await contactInScope(c.var.db, c.var.principal, c.req.valid("param").contactId);
    const data = await exportContact(c.var.db, who.id, managerScope(c.var.principal));
    // Erased between the two reads: as gone as if it never existed.
    if (!data) throw notFound("Contact");
    c.header("Content-Disposition", `attachment; filename="contact-${who.id}.json"`);
    return c.json(data, 200);
  })
  .openapi(erase, async (c) => {
    const who = await contactInScope(c.var.db, c.var.principal, c.req.valid("param").contactId);
    const p = c.var.principal;
    const erased = await eraseContact(c.var.db, who.id, p.userId ?? p.kind);
    return c.json({ erased: true as const, id: who.id, ...erased }, 200);
  });
