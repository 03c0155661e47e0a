/**
 * GDPR: everything we hold on one person (export), and erasure. Table by table (db/schema.ts):
 * - about the person, deleted: the contact (its traits, unsubscribe date), its responses with
 *   their comments, answers and properties (the rollup triggers then take them out of every
 *   metric), the follow-ups of those responses and their notes, dismissals, invitations (their
 *   bounce errors quote the address), survey requests from /v1/people (with the properties given
 *   then; deleted with the contact by their foreign key's cascade), and our stored webhook events
 *   about the person (answers, unsubscribe), pending or sent;
 * - free text about something else that may quote the person (QUOTING below): follow-up notes on
 *   other answers, import reports (`email x@y already on row 2`), audit details, other webhook
 *   payloads and errors, other invitations' errors. Their email, name and external id are
 *   replaced by `[erased]` there; the rest of the text stays, and JSON stays valid JSON;
 * - never personal: users, sessions, keys, settings, surveys, waves, goals, webhooks (admin
 *   data), accounts (companies), counted/rollups (scores by contact id, kept by the triggers).
 * Everything happens in one atomic batch, and leaves an audit row that names no one (ids, counts).
 */
import { and, eq, getTableName, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { BatchItem } from "drizzle-orm/batch";
import {
  accounts,
  auditLog,
  contacts,
  dismissals,
  followupNotes,
  followups,
  importJobs,
  invitations,
  responses,
  surveyRequests,
  webhookDeliveries,
} from "../db/schema";
import type { Db } from "../env";
import { newId } from "../lib/ids";
import { inList } from "../db/queries/inList";

export const ERASED = "[erased]";

interface Quoting {
  table: SQLiteTable & { id: SQLiteColumn };
  /** The drizzle property, for the update. */
  key: string;
  column: SQLiteColumn;
  /** The text is a JSON document: quotes are replaced inside its strings only. */
  json: boolean;
}

/** Columns holding text about something else that may quote a person. */
const QUOTING: Quoting[] = [
  { table: followupNotes, key: "body", column: followupNotes.body, json: false },
  { table: importJobs, key: "errors", column: importJobs.errors, json: true },
  { table: auditLog, key: "details", column: auditLog.details, json: true },
  { table: webhookDeliveries, key: "payload", column: webhookDeliveries.payload, json: true },
  { table: webhookDeliveries, key: "lastError", column: webhookDeliveries.lastError, json: false },
  { table: invitations, key: "lastError", column: invitations.lastError, json: false },
];

/**
 * Shorter values are not looked for in free text: one or two characters identify no one, and
 * replacing them would shred unrelated text (an external id `42` in every row number).
 */
const MIN_QUOTED = 3;

type Contact = typeof contacts.$inferSelect;

interface Needle {
  /** Finds candidate rows in SQL (the value and its JSON-escaped form, ASCII case folded). */
  forms: string[];
  re: RegExp;
}

function needlesOf(c: Contact): Needle[] {
  const values = [...new Set([c.email, c.name, c.externalId].map((v) => v?.trim() ?? "").filter((v) => v.length >= MIN_QUOTED))];
  return values.map((v) => ({
    forms: [...new Set([v, JSON.stringify(v).slice(1, -1)])],
    re: new RegExp(v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi"),
  }));
}

const scrubText = (s: string, needles: Needle[]) => needles.reduce((t, n) => t.replace(n.re, ERASED), s);

/** Replaces the quotes inside the string values of a JSON document (keys and structure kept). */
function scrubJson(v: unknown, needles: Needle[]): unknown {
  if (typeof v === "string") return scrubText(v, needles);
  if (Array.isArray(v)) return v.map((x) => scrubJson(x, needles));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrubJson(x, needles)]));
  return v;
}

interface Mention {
  table: string;
  column: string;
  id: string;
  text: string;
  place: Quoting;
}

/** Rows of the QUOTING columns that quote the person (case-insensitively for ASCII). */
async function findMentions(db: Db, needles: Needle[]): Promise<Mention[]> {
  if (needles.length === 0) return [];
  const forms = needles.flatMap((n) => n.forms);
  const found = await Promise.all(
    QUOTING.map(async (place) => {
      const hit = sql.join(
        forms.map((f) => sql`instr(lower(${place.column}), lower(${f})) > 0`),
        sql` OR `,
      );
      // Selected through sql`` so JSON columns come back as their stored text.
      const rows = await db
        .select({ id: place.table.id, text: sql<string>`${place.column}` })
        .from(place.table)
        .where(hit)
        .all();
      return rows.map((r) => ({ table: getTableName(place.table), column: place.column.name, id: r.id as string, text: r.text, place }));
    }),
  );
  // The regex decides: instr's lower() folds A–Z only, the regex is what scrubbing will replace.
  return found.flat().filter((m) => needles.some((n) => new RegExp(n.re.source, "i").test(m.text)));
}

function scrubbed(m: Mention, needles: Needle[]): string {
  if (m.place.json) {
    try {
      return JSON.stringify(scrubJson(JSON.parse(m.text), needles));
    } catch {
      /* not JSON after all: scrub it as text */
    }
  }
  return scrubText(m.text, needles);
}

/**
 * Quotes of the person in records about something else: the person's own notes, invitations and
 * webhook events are exported and deleted whole, so they are left out here.
 */
async function quotesElsewhere(db: Db, contact: Contact): Promise<Mention[]> {
  const [mentions, own] = await Promise.all([
    findMentions(db, needlesOf(contact)),
    db.all<{ k: string }>(sql`
      SELECT 'followup_notes:' || id AS k FROM followup_notes WHERE response_id IN (SELECT id FROM responses WHERE contact_id = ${contact.id})
      UNION ALL SELECT 'invitations:' || id FROM invitations WHERE contact_id = ${contact.id}
      UNION ALL SELECT 'webhook_deliveries:' || id FROM webhook_deliveries WHERE ${aboutContact(contact.id)}`),
  ]);
  const mine = new Set(own.map((r) => r.k));
  return mentions.filter((m) => !mine.has(`${m.table}:${m.id}`));
}

/** Webhook deliveries whose payload is about this contact (payload shapes: worker/jobs/webhooks.ts). */
const aboutContact = (contactId: string) =>
  sql`(json_valid(${webhookDeliveries.payload}) AND (json_extract(${webhookDeliveries.payload}, '$.data.response.contactId') = ${contactId}
       OR json_extract(${webhookDeliveries.payload}, '$.data.contact.id') = ${contactId}))`;

/**
 * The follow-up notes among `mentions` that sit on answers of accounts `manager` manages. A
 * manager's export keeps only those: the other quoting places are admin records (import reports,
 * audit details, webhook deliveries, other people's invitations), and notes on another manager's
 * answers are theirs, whatever name or e-mail they happen to quote.
 */
async function mentionsInScope(db: Db, mentions: Mention[], manager: string): Promise<Mention[]> {
  const noteIds = mentions.filter((m) => m.place.table === followupNotes).map((m) => m.id);
  if (noteIds.length === 0) return [];
  const visible = await db
    .select({ id: followupNotes.id })
    .from(followupNotes)
    .innerJoin(responses, eq(responses.id, followupNotes.responseId))
    .innerJoin(accounts, eq(accounts.id, responses.accountId))
    .where(and(inList(followupNotes.id, noteIds), eq(accounts.managerUserId, manager)))
    .all();
  const ids = new Set(visible.map((v) => v.id));
  return mentions.filter((m) => m.place.table === followupNotes && ids.has(m.id));
}

/** Everything held on the person; `manager` (a manager's own id) narrows `mentions` to their scope. */
export async function exportContact(db: Db, contactId: string, manager: string | null = null) {
  const contact = await db.select().from(contacts).where(eq(contacts.id, contactId)).get();
  if (!contact) return null;
  const [account, answers, closed, invited, requested, events, mentions] = await Promise.all([
    contact.accountId
      ? db
          .select({ id: accounts.id, externalId: accounts.externalId, name: accounts.name })
          .from(accounts)
          .where(eq(accounts.id, contact.accountId))
          .get()
      : Promise.resolve(undefined),
    db.select().from(responses).where(eq(responses.contactId, contactId)).orderBy(responses.createdAt).all(),
    db.select().from(dismissals).where(eq(dismissals.contactId, contactId)).orderBy(dismissals.createdAt).all(),
    // The token is a credential, not information about the person: it stays out of the export.
    db
      .select({
        id: invitations.id,
        surveyId: invitations.surveyId,
        waveId: invitations.waveId,
        status: invitations.status,
        sentAt: invitations.sentAt,
        bouncedAt: invitations.bouncedAt,
        lastError: invitations.lastError,
        createdAt: invitations.createdAt,
      })
      .from(invitations)
      .where(eq(invitations.contactId, contactId))
      .orderBy(invitations.createdAt)
      .all(),
    // Delighted-style requests (/v1/people) keep the properties given at the time: the person's data.
    db.select().from(surveyRequests).where(eq(surveyRequests.contactId, contactId)).orderBy(surveyRequests.createdAt).all(),
    db
      .select({
        id: webhookDeliveries.id,
        event: webhookDeliveries.event,
        payload: webhookDeliveries.payload,
        status: webhookDeliveries.status,
        createdAt: webhookDeliveries.createdAt,
      })
      .from(webhookDeliveries)
      .where(aboutContact(contactId))
      .orderBy(webhookDeliveries.createdAt)
      .all(),
    quotesElsewhere(db, contact).then((found) => (manager === null ? found : mentionsInScope(db, found, manager))),
  ]);
  const ids = answers.map((r) => r.id);
  const [follow, notes] = ids.length
    ? await Promise.all([
        db.select().from(followups).where(inList(followups.responseId, ids)).all(),
        db.select().from(followupNotes).where(inList(followupNotes.responseId, ids)).all(),
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
    surveyRequests: requested,
    webhookEvents: events,
    /** Other records quoting the person's email, name or external id (import reports, notes…). */
    mentions: mentions.map(({ table, column, id, text }) => ({ table, column, id, text })),
  };
}

export async function eraseContact(db: Db, contactId: string, actor: string) {
  const contact = await db.select().from(contacts).where(eq(contacts.id, contactId)).get();
  const needles = contact ? needlesOf(contact) : [];
  const [counts, mentions] = await Promise.all([
    db.get<{ responses: number; dismissals: number; invitations: number; webhookDeliveries: number }>(sql`
      SELECT (SELECT count(*) FROM responses WHERE contact_id = ${contactId}) AS responses,
             (SELECT count(*) FROM dismissals WHERE contact_id = ${contactId}) AS dismissals,
             (SELECT count(*) FROM invitations WHERE contact_id = ${contactId}) AS invitations,
             (SELECT count(*) FROM webhook_deliveries WHERE ${aboutContact(contactId)}) AS webhookDeliveries`),
    contact ? quotesElsewhere(db, contact) : Promise.resolve([]),
  ]);
  const mine = sql`(SELECT id FROM responses WHERE contact_id = ${contactId})`;
  // Quotes are scrubbed after the deletes, so rows deleted anyway are simply not there any more.
  // The new text goes in through sql`` so drizzle does not JSON-encode it a second time.
  const scrubs = mentions.map((m) =>
    db
      .update(m.place.table)
      .set({ [m.place.key]: sql`${scrubbed(m, needles)}` })
      .where(eq(m.place.table.id, m.id)),
  );
  const stmts: BatchItem<"sqlite">[] = [
    db.delete(followupNotes).where(sql`${followupNotes.responseId} IN ${mine}`),
    db.delete(followups).where(sql`${followups.responseId} IN ${mine}`),
    // The normal delete path: the rollup triggers take the answers out of every metric.
    db.delete(responses).where(eq(responses.contactId, contactId)),
    db.delete(dismissals).where(eq(dismissals.contactId, contactId)),
    db.delete(invitations).where(eq(invitations.contactId, contactId)),
    db.delete(webhookDeliveries).where(aboutContact(contactId)),
    db.delete(contacts).where(eq(contacts.id, contactId)),
    ...scrubs,
    db.insert(auditLog).values({
      id: newId("aud"),
      actor,
      action: "contact.erase",
      target: contactId,
      details: { ...counts, quotesScrubbed: mentions.length },
      createdAt: new Date(),
    }),
  ];
  await db.batch(stmts as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  return { ...counts, quotesScrubbed: mentions.length };
}
