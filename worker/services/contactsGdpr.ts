/**
 * GDPR: everything we hold on one person (export), and erasure. Erasure deletes the person's
 * responses (the rollup triggers then take them out of every metric), follow-ups and their notes,
 * dismissals, invitations, our stored webhook events about them, then the contact, in one atomic batch, and leaves an audit row that
 * names no one (ids and counts only).
 */
import { eq, inArray, sql } from "drizzle-orm";
import { accounts, auditLog, contacts, dismissals, followupNotes, followups, invitations, responses, webhookDeliveries } from "../db/schema";
import type { Db } from "../env";
import { newId } from "../lib/ids";

export async function exportContact(db: Db, contactId: string) {
  const contact = await db.select().from(contacts).where(eq(contacts.id, contactId)).get();
  if (!contact) return null;
  const [account, answers, closed, invited] = await Promise.all([
    contact.accountId
      ? db.select({ id: accounts.id, externalId: accounts.externalId, name: accounts.name }).from(accounts).where(eq(accounts.id, contact.accountId)).get()
      : Promise.resolve(undefined),
    db.select().from(responses).where(eq(responses.contactId, contactId)).orderBy(responses.createdAt).all(),
    db.select().from(dismissals).where(eq(dismissals.contactId, contactId)).orderBy(dismissals.createdAt).all(),
    // The token is a credential, not information about the person: it stays out of the export.
    db
      .select({ id: invitations.id, surveyId: invitations.surveyId, waveId: invitations.waveId, status: invitations.status, sentAt: invitations.sentAt, bouncedAt: invitations.bouncedAt, createdAt: invitations.createdAt })
      .from(invitations)
      .where(eq(invitations.contactId, contactId))
      .orderBy(invitations.createdAt)
      .all(),
  ]);
  const ids = answers.map((r) => r.id);
  const [follow, notes] = ids.length
    ? await Promise.all([
        db.select().from(followups).where(inArray(followups.responseId, ids)).all(),
        db.select().from(followupNotes).where(inArray(followupNotes.responseId, ids)).all(),
      ])
    : [[], []];
  return {
    exportedAt: new Date().toISOString(),
    contact,
    account: account ?? null,
    responses: answers,
    followups: follow,
    followupNotes: notes,
    dismissals: closed,
    invitations: invited,
  };
}

/** Webhook deliveries whose payload is about this contact (payload shapes: worker/jobs/webhooks.ts). */
const aboutContact = (contactId: string) =>
  sql`(json_valid(${webhookDeliveries.payload}) AND (json_extract(${webhookDeliveries.payload}, '$.data.response.contactId') = ${contactId}
       OR json_extract(${webhookDeliveries.payload}, '$.data.contact.id') = ${contactId}))`;

export async function eraseContact(db: Db, contactId: string, actor: string) {
  const counts = await db.get<{ responses: number; dismissals: number; invitations: number; webhookDeliveries: number }>(sql`
    SELECT (SELECT count(*) FROM responses WHERE contact_id = ${contactId}) AS responses,
           (SELECT count(*) FROM dismissals WHERE contact_id = ${contactId}) AS dismissals,
           (SELECT count(*) FROM invitations WHERE contact_id = ${contactId}) AS invitations,
           (SELECT count(*) FROM webhook_deliveries WHERE ${aboutContact(contactId)}) AS webhookDeliveries`);
  const mine = sql`(SELECT id FROM responses WHERE contact_id = ${contactId})`;
  await db.batch([
    db.delete(followupNotes).where(sql`${followupNotes.responseId} IN ${mine}`),
    db.delete(followups).where(sql`${followups.responseId} IN ${mine}`),
    db.delete(responses).where(eq(responses.contactId, contactId)),
    db.delete(dismissals).where(eq(dismissals.contactId, contactId)),
    db.delete(invitations).where(eq(invitations.contactId, contactId)),
    // Our copies of webhook events about the person (their answers, comments, unsubscribe).
    db.delete(webhookDeliveries).where(aboutContact(contactId)),
    db.delete(contacts).where(eq(contacts.id, contactId)),
    db.insert(auditLog).values({ id: newId("aud"), actor, action: "contact.erase", target: contactId, details: { ...counts }, createdAt: new Date() }),
  ]);
  return counts;
}
