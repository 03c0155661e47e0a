/**
 * The Delighted-compatible surface's data: which survey it speaks for, people (contacts), their
 * survey requests, responses written and changed by an integration, and Delighted's views of them.
 * See docs/INTEGRATIONS.md for the mapping and its choices.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import { contacts, responses, settings, surveyRequests, surveys } from "../db/schema";
import type { Db, Principal } from "../env";
import { editKeyHash } from "../lib/editToken";
import { newId } from "../lib/ids";
import { bucketOf } from "../metrics/buckets";
import { checkScore, notifyWebhooks, type ResponseRow } from "./recordResponse";
import { contactWithAccount } from "./contacts";
import { rawBatch } from "./rawBatch";
import { invalid, unix, V1Error } from "../lib/v1";

type Survey = typeof surveys.$inferSelect;
export type ContactRow = typeof contacts.$inferSelect;

/** Settings key naming the survey the /v1 surface speaks for. */
export const V1_SURVEY_SETTING = "delighted.survey_id";

/**
 * The survey behind /v1: the one set in the workspace setting `delighted.survey_id`
 * (`PUT /api/v1/integrations/delighted`), else the oldest active NPS survey. Delighted had one
 * survey per project; an integration written for it cannot name one.
 */
export async function v1Survey(db: Db): Promise<Survey> {
  const setting = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, V1_SURVEY_SETTING)).get();
  if (typeof setting?.value === "string") {
    const chosen = await db.select().from(surveys).where(eq(surveys.id, setting.value)).get();
    if (chosen && chosen.status !== "archived") return chosen;
  }
  const first = await db
    .select()
    .from(surveys)
    .where(and(eq(surveys.kind, "nps"), eq(surveys.status, "active")))
    .orderBy(asc(surveys.createdAt), asc(surveys.id))
    .limit(1)
    .get();
  if (!first) throw invalid("survey", "no NPS survey is mapped to the Delighted-compatible API: create one, or set it in Settings");
  return first;
}

/**
 * What lets an integration change the responses it created: an edit token derived from its API
 * key. Respondent tokens never contain ':' (lib/editToken.ts), so this one cannot be presented
 * through the public endpoints; another key, even an admin's, cannot change these answers.
 */
export const integrationEditToken = (p: Principal) => `v1:${p.keyId ?? "bootstrap"}`;

// ---------------------------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------------------------

export interface PersonRow {
  id: string;
  name: string | null;
  email: string | null;
  createdAt: number;
  phone: string | null;
  lastSentAt: number | null;
  lastRespondedAt: number | null;
  nextScheduledAt: number | null;
}

/** Columns of a person, with the dates Delighted shows, for `WHERE`/`ORDER` fragments given. */
export function peopleQuery(where: ReturnType<typeof sql>, tail: ReturnType<typeof sql>) {
  return sql`SELECT c.id, c.name, c.email, c.created_at AS createdAt,
      json_extract(c.traits, '$.phone_number') AS phone,
      (SELECT max(i.sent_at) FROM invitations i WHERE i.contact_id = c.id) AS lastSentAt,
      (SELECT max(r.created_at) FROM responses r WHERE r.contact_id = c.id) AS lastRespondedAt,
      (SELECT min(q.send_at) FROM survey_requests q WHERE q.contact_id = c.id AND q.status = 'pending') AS nextScheduledAt
    FROM contacts c WHERE ${where} ${tail}`;
}

export const personView = (p: PersonRow) => ({
  id: p.id,
  name: p.name,
  email: p.email,
  created_at: unix(p.createdAt),
  phone_number: p.phone,
  last_sent_at: unix(p.lastSentAt),
  last_responded_at: unix(p.lastRespondedAt),
  next_survey_scheduled_at: unix(p.nextScheduledAt),
});

export async function personById(db: Db, id: string): Promise<PersonRow | undefined> {
  return (await db.all<PersonRow>(peopleQuery(sql`c.id = ${id}`, sql``)))[0];
}

/** `123`, `email:a@b.c` or `phone_number:+33…` (the Node client's `delete({email})`). */
export async function findPerson(db: Db, ident: string): Promise<ContactRow | undefined> {
  const [kind, ...rest] = ident.includes(":") ? ident.split(":") : ["id", ident];
  const value = rest.join(":") || ident;
  if (kind === "email") return db.select().from(contacts).where(eq(contacts.email, value.trim().toLowerCase())).get();
  if (kind === "phone_number") {
    // People may share a number (a company's switchboard): a number held by several names no one,
    // and guessing would file an answer, or an erasure, under the wrong person.
    const found = await db.select().from(contacts).where(sql`json_extract(${contacts.traits}, '$.phone_number') = ${value.trim()}`).limit(2).all();
    if (found.length > 1) throw invalid("person", "this phone number belongs to several people: name them by id or email");
    return found[0];
  }
  if (kind === "id") return db.select().from(contacts).where(eq(contacts.id, value)).get();
  throw new V1Error(404, "Person not found");
}

export interface UpsertPerson {
  email?: string;
  phone_number?: string;
  name?: string;
  properties?: Record<string, string>;
  email_update?: string;
  phone_number_update?: string;
}

/**
 * Finds the person by email, or by phone number when no email is given, creating them when new;
 * name, phone and properties update the contact (properties merge into its traits; `locale` also
 * sets its locale). An unknown email with a known phone number is a new person: colleagues share
 * switchboard numbers, and matching on the number wrote one person's name over another's and sent
 * the survey to the other's address.
 */
export async function upsertPerson(db: Db, p: UpsertPerson): Promise<ContactRow> {
  const email = p.email?.toLowerCase();
  let row = email ? await findPerson(db, `email:${email}`) : undefined;
  if (!row && !email && p.phone_number) {
    row = await findPerson(db, `phone_number:${p.phone_number}`).catch((e: unknown) => {
      throw e instanceof V1Error && e.status === 422 ? invalid("phone_number", "belongs to several people: send their email") : e;
    });
  }
  const traits: Record<string, unknown> = { ...(row?.traits ?? {}), ...(p.properties ?? {}) };
  const phone = p.phone_number_update ?? p.phone_number;
  if (phone) traits.phone_number = phone;
  const locale = p.properties?.locale && /^[a-z]{2}(-[A-Z]{2})?$/.test(p.properties.locale) ? p.properties.locale : undefined;
  const now = new Date();
  if (row) {
    const newEmail = p.email_update?.toLowerCase() ?? row.email;
    if (newEmail !== row.email && newEmail) {
      const taken = await findPerson(db, `email:${newEmail}`);
      if (taken && taken.id !== row.id) throw invalid("email_update", "is already taken by another person");
    }
    return (await db
      .update(contacts)
      .set({ email: newEmail, name: p.name ?? row.name, traits, ...(locale ? { locale } : {}), updatedAt: now })
      .where(eq(contacts.id, row.id))
      .returning()
      .get())!;
  }
  const inserted = await db
    .insert(contacts)
    .values({ id: newId("ctc"), email: email ?? null, name: p.name ?? null, traits, locale: locale ?? null, createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .returning()
    .get();
  // A concurrent request created the same email first: theirs is the person.
  return inserted ?? (await upsertPerson(db, p));
}

/** Schedules a survey for the person `delaySeconds` from now, unless they unsubscribed. */
export async function scheduleSurvey(
  db: Db,
  survey: Survey,
  person: ContactRow,
  delaySeconds: number,
  props: Record<string, string> | undefined,
  now = Date.now(),
): Promise<number | null> {
  if (person.unsubscribedAt) return null;
  const sendAt = now + delaySeconds * 1000;
  await db.insert(surveyRequests).values({
    id: newId("sqr"),
    surveyId: survey.id,
    contactId: person.id,
    sendAt: new Date(sendAt),
    properties: props ?? null,
    createdAt: new Date(now),
  });
  return sendAt;
}

/** Cancels the person's pending survey requests (and invitations made from them, not yet sent). */
export async function cancelPending(db: Db, contactId: string): Promise<number> {
  const [inv, req] = await rawBatch(db, [
    sql`UPDATE invitations SET status = 'failed', last_error = 'canceled'
      WHERE status = 'pending' AND id IN (SELECT invitation_id FROM survey_requests WHERE contact_id = ${contactId} AND invitation_id IS NOT NULL)`,
    sql`UPDATE survey_requests SET status = 'canceled' WHERE contact_id = ${contactId} AND status = 'pending'`,
  ]);
  return (inv?.meta.changes ?? 0) + (req?.meta.changes ?? 0);
}

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

export function responseView(r: ResponseRow, person: PersonRow | string | null, base: string) {
  return {
    id: r.id,
    person: typeof person === "string" || person === null ? (person ?? r.contactId) : personView(person),
    survey_type: "nps",
    score: r.score,
    comment: r.comment,
    permalink: `${base}/admin/responses/${encodeURIComponent(r.id)}`,
    created_at: unix(r.createdAt),
    updated_at: unix(r.updatedAt),
    person_properties: r.properties ?? {},
    notes: [],
    tags: [],
    additional_answers: [],
  };
}

export interface V1ResponseInput {
  person: ContactRow;
  score: number;
  comment?: string | null;
  properties?: Record<string, string>;
  /** Instant of the answer (ms); its buckets follow it. */
  at: number;
}

/** Records an answer given through an integration: channel "api", editable by that integration. */
export async function createV1Response(
  db: Db,
  survey: Survey,
  principal: Principal,
  input: V1ResponseInput,
  tz: string,
  defer?: (work: Promise<unknown>) => void,
): Promise<ResponseRow> {
  try {
    checkScore(survey, input.score);
  } catch {
    throw invalid("score", "must be an integer from 0 to 10");
  }
  const who = await contactWithAccount(db, input.person.id);
  const at = new Date(input.at);
  const row = (await db
    .insert(responses)
    .values({
      id: crypto.randomUUID(),
      surveyId: survey.id,
      contactId: input.person.id,
      score: input.score,
      comment: input.comment?.trim() || null,
      locale: input.person.locale ?? survey.defaultLocale,
      channel: "api",
      accountId: who?.accountId ?? null,
      segment: who?.segment ?? null,
      managerUserId: who?.managerUserId ?? null,
      bucketMonth: bucketOf(input.at, "month", tz),
      bucketQuarter: bucketOf(input.at, "quarter", tz),
      bucketHalf: bucketOf(input.at, "half", tz),
      properties: input.properties && Object.keys(input.properties).length ? input.properties : null,
      editKeyHash: await editKeyHash(integrationEditToken(principal)),
      createdAt: at,
      updatedAt: at,
    })
    .returning()
    .get())!;
  await notifyWebhooks(db, survey, row, { created: true }, defer);
  return row;
}

/**
 * Changes a response for the integration that created it (same API key, write scope): no edit
 * window, since the integration acts for the workspace, but no other caller's answers.
 */
export async function updateV1Response(
  db: Db,
  survey: Survey,
  principal: Principal,
  id: string,
  patch: { score?: number; comment?: string | null; properties?: Record<string, string> | null },
  defer?: (work: Promise<unknown>) => void,
): Promise<ResponseRow> {
  const existing = await db
    .select()
    .from(responses)
    .where(and(eq(responses.id, id), eq(responses.surveyId, survey.id)))
    .get();
  if (!existing) throw new V1Error(404, "Survey response not found");
  if (existing.editKeyHash !== (await editKeyHash(integrationEditToken(principal)))) {
    throw new V1Error(403, "Only the integration (API key) that created this response may change it");
  }
  if (patch.score !== undefined) {
    try {
      checkScore(survey, patch.score);
    } catch {
      throw invalid("score", "must be an integer from 0 to 10");
    }
  }
  const set: Partial<typeof responses.$inferInsert> = { updatedAt: new Date() };
  if (patch.score !== undefined) set.score = patch.score;
  if (patch.comment !== undefined) set.comment = patch.comment?.trim() || null;
  if (patch.properties !== undefined)
    set.properties = patch.properties && Object.keys(patch.properties).length ? { ...(existing.properties ?? {}), ...patch.properties } : null;
  const row = (await db.update(responses).set(set).where(eq(responses.id, id)).returning().get())!;
  await notifyWebhooks(db, survey, row, { created: false, previousScore: existing.score }, defer);
  return row;
}
