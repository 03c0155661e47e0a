/**
 * Contacts (people at client accounts):
 *   GET   /api/v1/contacts               list (?accountId&q&limit&before), scoped to a manager's accounts
 *   GET   /api/v1/contacts/:id
 *   PATCH /api/v1/contacts/:id           admin
 *   POST  /api/v1/contacts/bulk          admin, upsert up to 1,000 rows by external id
 *   GET   /api/v1/contacts/:id/export    admin, or the manager of the contact's account (GDPR access)
 *   POST  /api/v1/contacts/:id/erase     admin (GDPR erasure)
 * A manager asking for a contact outside their accounts gets 404, as if it did not exist.
 */
import { sql, type SQL } from "drizzle-orm";
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { accounts, contacts } from "../db/schema";
import type { AppEnv, Db, Principal } from "../env";
import { enqueueContactUnsubscribed } from "../jobs/webhooks";
import { ApiError, badRequest, notFound } from "../lib/errors";
import { parseQuery, readBody } from "../lib/validate";
import { requireAuth } from "../middleware/auth";
import { ContactBulkSchema, ContactListQuery, ContactUpsertSchema, PatchContactSchema } from "../schemas/contacts";
import { decodeCursor, encodeCursor } from "../services/accounts";
import { containsText } from "../db/queries/textSearch";
import { upsertContacts } from "../services/contactsUpsert";
import { eraseContact, exportContact } from "../services/contactsGdpr";
import { managerScope } from "../services/scope";
import { runBulk } from "../services/bulk";
import { contactView } from "../services/contacts";

type ContactRow = typeof contacts.$inferSelect;

/** Contacts a manager may see: those of the accounts they manage. */
function contactsInScope(p: Principal): SQL | undefined {
  const m = managerScope(p);
  return m === null ? undefined : sql`${contacts.accountId} IN (SELECT id FROM accounts WHERE manager_user_id = ${m})`;
}

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

export const contactsRoute = new Hono<AppEnv>()
  .get("/", requireAuth(), async (c) => {
    const q = parseQuery(c, ContactListQuery);
    const where: SQL[] = [sql`1 = 1`];
    const scope = contactsInScope(c.var.principal);
    if (scope) where.push(scope);
    if (q.accountId) where.push(sql`${contacts.accountId} = ${q.accountId}`);
    if (q.q) {
      where.push(containsText([contacts.name, contacts.email, contacts.externalId], q.q));
    }
    const cursor = decodeCursor(q.before, 1);
    if (cursor) where.push(sql`${contacts.id} > ${cursor[0]}`);
    const rows = await c.var.db
      .select()
      .from(contacts)
      .where(sql.join(where, sql` AND `))
      .orderBy(contacts.id)
      .limit(q.limit + 1)
      .all();
    const more = rows.length > q.limit;
    const page = more ? rows.slice(0, q.limit) : rows;
    return c.json({ data: page.map(contactView), next: more ? encodeCursor([page.at(-1)!.id]) : null });
  })
  .post("/bulk", requireAuth("admin"), async (c) => {
    const body = await readBody(c, ContactBulkSchema, 2 * 1024 * 1024);
    return c.json(await runBulk(body.contacts, ContactUpsertSchema, (rows) => upsertContacts(c.var.db, rows)));
  })
  .get("/:id", requireAuth(), async (c) => c.json(contactView(await contactInScope(c.var.db, c.var.principal, c.req.param("id")))))
  .patch("/:id", requireAuth("admin"), async (c) => {
    const db = c.var.db;
    const old = await contactInScope(db, c.var.principal, c.req.param("id"));
    const body = await readBody(c, PatchContactSchema);
    if (body.accountId) {
      const a = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, body.accountId)).get();
      if (!a) throw badRequest("unknown_account", "No such account", "accountId");
    }
    for (const [field, col] of [["email", contacts.email], ["externalId", contacts.externalId]] as const) {
      const v = body[field];
      if (!v) continue;
      const clash = await db.select({ id: contacts.id }).from(contacts).where(eq(col, v)).get();
      if (clash && clash.id !== old.id) throw new ApiError(409, `${field === "email" ? "email" : "external_id"}_taken`, `Another contact has this ${field}`, field);
    }
    const { unsubscribed, ...fields } = body;
    const unsub = unsubscribed === undefined ? {} : { unsubscribedAt: unsubscribed ? (old.unsubscribedAt ?? new Date()) : null };
    const row = await db
      .update(contacts)
      .set({ ...fields, ...unsub, updatedAt: new Date() })
      .where(eq(contacts.id, old.id))
      .returning()
      .get();
    if (unsubscribed === true && old.unsubscribedAt === null) await enqueueContactUnsubscribed(db, old.id);
    return c.json(contactView(row!));
  })
  .get("/:id/export", requireAuth("admin", "manager"), async (c) => {
    const who = await contactInScope(c.var.db, c.var.principal, c.req.param("id"));
    const data = await exportContact(c.var.db, who.id);
    c.header("Content-Disposition", `attachment; filename="contact-${who.id}.json"`);
    return c.json(data);
  })
  .post("/:id/erase", requireAuth("admin"), async (c) => {
    const who = await contactInScope(c.var.db, c.var.principal, c.req.param("id"));
    const p = c.var.principal;
    const erased = await eraseContact(c.var.db, who.id, p.userId ?? p.kind);
    return c.json({ erased: true, id: who.id, ...erased });
  });
