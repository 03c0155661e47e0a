/** Resolving "who answered" into a contact row, creating the contact when it is new. */
import { and, eq, notExists } from "drizzle-orm";
import { accounts, contacts, responses } from "../db/schema";
import type { Db } from "../env";
import { newId } from "../lib/ids";

export interface ContactRef {
  id?: string;
  email?: string;
  name?: string;
  account?: string;
}

/** The contact plus the account attributes a response records (segment and manager at the time). */
export interface ResolvedContact {
  contactId: string;
  accountId: string | null;
  segment: string | null;
  managerUserId: string | null;
}

export async function contactWithAccount(db: Db, contactId: string): Promise<ResolvedContact | null> {
  const row = await db
    .select({
      contactId: contacts.id,
      accountId: contacts.accountId,
      segment: accounts.segment,
      managerUserId: accounts.managerUserId,
    })
    .from(contacts)
    .leftJoin(accounts, eq(accounts.id, contacts.accountId))
    .where(eq(contacts.id, contactId))
    .get();
  return row ?? null;
}

export async function findContactId(db: Db, ref: ContactRef): Promise<string | null> {
  if (ref.id !== undefined) {
    const byId = await db.select({ id: contacts.id }).from(contacts).where(eq(contacts.externalId, ref.id)).get();
    if (byId) return byId.id;
  }
  if (ref.email !== undefined) {
    const byEmail = await db.select({ id: contacts.id }).from(contacts).where(eq(contacts.email, ref.email.toLowerCase())).get();
    if (byEmail) return byEmail.id;
  }
  return null;
}

/**
 * Finds the contact by your id, then by email; creates it when unknown (linked to the account
 * whose external id is `ref.account`, when that account exists). Safe under concurrent calls:
 * the unique indexes decide, and the loser reads the winner's row.
 */
export async function findOrCreateContact(db: Db, ref: ContactRef): Promise<ResolvedContact & { created: boolean }> {
  let id = await findContactId(db, ref);
  let created = false;
  if (!id) {
    const account = ref.account ? await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.externalId, ref.account)).get() : undefined;
    const fresh = newId("ctc");
    const inserted = await db
      .insert(contacts)
      .values({
        id: fresh,
        externalId: ref.id ?? null,
        email: ref.email?.toLowerCase() ?? null,
        name: ref.name ?? null,
        accountId: account?.id ?? null,
        createdAt: new Date(),
        updatedAt: new Date(),
      })
      .onConflictDoNothing()
      .returning({ id: contacts.id })
      .all();
    id = await findContactId(db, ref);
    created = inserted.length > 0 && id === fresh;
  }
  const resolved = id ? await contactWithAccount(db, id) : null;
  if (!resolved) throw new Error("contact vanished while being created");
  return { ...resolved, created };
}

/**
 * Undoes a contact that a refused request created: a refused answer leaves no trace. Only while
 * no answer points at it (a concurrent request may have filed one under it meanwhile).
 */
export async function dropUnusedContact(db: Db, contactId: string): Promise<void> {
  await db
    .delete(contacts)
    .where(and(eq(contacts.id, contactId), notExists(db.select({ one: responses.id }).from(responses).where(eq(responses.contactId, contactId)))))
    .run();
}

/** API view of a contact. */
export const contactView = (c: typeof contacts.$inferSelect) => ({
  id: c.id,
  externalId: c.externalId,
  accountId: c.accountId,
  email: c.email,
  name: c.name,
  locale: c.locale,
  unsubscribedAt: c.unsubscribedAt?.toISOString() ?? null,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
});
