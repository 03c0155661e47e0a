/**
 * Recording an answer: the one write path for the widget, the link page and the API.
 * The score is saved the moment it arrives; a later call with the same id updates the same row
 * (comment, changed score), so a retried request never creates a second response.
 */
import { and, eq, sql } from "drizzle-orm";
import { invitations, responses, waves, type Channel, type surveys } from "../db/schema";
import type { Db } from "../env";
import { ApiError, badRequest } from "../lib/errors";
import { isValidScore, SCORE_RANGE } from "../lib/scales";
import { pickLocale } from "../locales";
import { bucketOf } from "../metrics/buckets";
import type { SubmitResponse } from "../schemas/responses";
import { contactWithAccount, dropUnusedContact, findOrCreateContact, type ResolvedContact } from "./contacts";
import { EDIT_WINDOW_MS, editKeyHash, newEditToken } from "../lib/editToken";
import { groupCommit } from "./groupCommit";
import { answerInsert, answerInsertForInvitation, type AnswerRow } from "../db/queries/answerInsert";
import { deliverDue, enqueueResponseEvents, hasActiveWebhooks } from "../jobs/webhooks";
import { webhookQueue } from "../jobs/webhookQueue";
import { trustedContact } from "./identity";

type Survey = typeof surveys.$inferSelect;
export type ResponseRow = typeof responses.$inferSelect;

export function checkScore(survey: Survey, score: number): void {
  if (!isValidScore(survey.kind, score)) {
    const [lo, hi] = SCORE_RANGE[survey.kind];
    throw badRequest("invalid_score", `score must be an integer from ${lo} to ${hi} for a ${survey.kind} survey`, "score");
  }
}

interface Identity {
  contact: ResolvedContact | null;
  /** A contact this request created, undone if the answer is then refused. */
  createdContactId: string | null;
  invitationId: string | null;
  waveId: string | null;
}

/**
 * The invitation behind a token, if its wave still takes answers: a closed wave's answers are
 * history, so an old link can neither add an answer to it nor change one (410 `wave_closed`).
 */
export async function openInvitation(db: Db, survey: Survey, token: string, now: number) {
  const inv = await db
    .select({
      id: invitations.id,
      contactId: invitations.contactId,
      waveId: invitations.waveId,
      surveyId: invitations.surveyId,
      waveStatus: waves.status,
      closesAt: waves.closesAt,
    })
    .from(invitations)
    .innerJoin(waves, eq(waves.id, invitations.waveId))
    .where(eq(invitations.token, token))
    .get();
  if (!inv || inv.surveyId !== survey.id) throw badRequest("invalid_token", "Unknown invitation token", "token");
  if (inv.waveStatus !== "open" || inv.closesAt.getTime() <= now) {
    throw new ApiError(410, "wave_closed", "This survey round has closed; its answers can no longer change", "token");
  }
  return inv;
}

async function resolveIdentity(db: Db, survey: Survey, input: SubmitResponse, now: number): Promise<Identity> {
  if (input.token) {
    const inv = await openInvitation(db, survey, input.token, now);
    const contact = await contactWithAccount(db, inv.contactId);
    return { contact, createdContactId: null, invitationId: inv.id, waveId: inv.waveId };
  }
  if (!input.contact) return { contact: null, createdContactId: null, invitationId: null, waveId: null };
  const claim = await trustedContact(survey, input.contact, input.signature);
  const contact = await findOrCreateContact(db, claim);
  return { contact, createdContactId: contact.created ? contact.contactId : null, invitationId: null, waveId: null };
}

export interface RecordOptions {
  timeZone: string;
  /** Decided by the endpoint that took the answer, never by the caller (docs/SECURITY.md). */
  channel: Channel;
  now?: number;
  /** `executionCtx.waitUntil`: lets webhooks go out right after the answer instead of at the next cron. */
  defer?: (work: Promise<unknown>) => void;
}

/**
 * Queues the webhook events of a response write and, given `defer`, sends them after the answer
 * has been returned. Costs nothing while no webhook is active (a per-isolate cached check); with
 * webhooks, one group-committed INSERT … SELECT. A webhook problem never fails the answer: it is
 * saved already, and the cron retries deliveries.
 */
export async function notifyWebhooks(
  db: Db,
  survey: Survey,
  response: ResponseRow,
  change: { created: boolean; previousScore?: number | null },
  defer?: (work: Promise<unknown>) => void,
): Promise<void> {
  try {
    const ids = await enqueueResponseEvents(db, survey, response, change, defer);
    // Without a queue, the first attempt runs right after the answer; the cron retries.
    if (ids.length > 0 && defer && !webhookQueue()) {
      defer(deliverDue(db, Date.now(), { deliveryIds: ids }).catch((e) => console.error("webhook delivery", String(e))));
    }
  } catch (e) {
    console.error(JSON.stringify({ level: "error", msg: "webhook enqueue failed", responseId: response.id, error: String(e) }));
  }
}

export async function recordResponse(
  db: Db,
  survey: Survey,
  input: SubmitResponse,
  opts: RecordOptions,
): Promise<{ response: ResponseRow; created: boolean; editToken?: string }> {
  checkScore(survey, input.score);
  const now = opts.now ?? Date.now();
  const who = await resolveIdentity(db, survey, input, now);
  try {
    return await insertOrAmend(db, survey, input, who, opts, now);
  } catch (e) {
    // A refused answer leaves no trace, not even the contact it would have created.
    if (who.createdContactId) await dropUnusedContact(db, who.createdContactId);
    throw e;
  }
}

async function insertOrAmend(
  db: Db,
  survey: Survey,
  input: SubmitResponse,
  who: Identity,
  opts: RecordOptions,
  now: number,
): Promise<{ response: ResponseRow; created: boolean; editToken?: string }> {
  const at = new Date(now);
  const tz = opts.timeZone;
  const editToken = input.editToken ?? newEditToken();
  const values = {
    id: input.id,
    surveyId: survey.id,
    contactId: who.contact?.contactId ?? null,
    invitationId: who.invitationId,
    waveId: who.waveId,
    score: input.score,
    comment: input.comment?.trim() || null,
    answers: input.answers ?? null,
    locale: pickLocale([input.locale], pickLocale([survey.defaultLocale])),
    channel: opts.channel,
    accountId: who.contact?.accountId ?? null,
    segment: who.contact?.segment ?? null,
    managerUserId: who.contact?.managerUserId ?? null,
    bucketMonth: bucketOf(now, "month", tz),
    bucketQuarter: bucketOf(now, "quarter", tz),
    bucketHalf: bucketOf(now, "half", tz),
    properties: input.properties ?? null,
    editKeyHash: await editKeyHash(editToken),
    createdAt: at,
    updatedAt: at,
  } satisfies AnswerRow;
  // Insert first: a new answer costs one statement, committed together with the answers of
  // concurrent requests (group commit). A conflict means the id exists already (a retry, or the
  // comment arriving): then it is an amendment of that same response, if the caller may make it.
  // Through an invitation, one answer per invitation: the INSERT also yields to an answer the
  // invitation has already (the link opened in two tabs, or on a phone and then a laptop).
  const insert =
    values.invitationId !== null
      ? answerInsertForInvitation(db.$client, { ...values, invitationId: values.invitationId })
      : answerInsert(db.$client, values);
  const inserted = await groupCommit(db.$client, insert, { defer: opts.defer });
  // A second run of the INSERT finds the row of the first if that one committed (its reply lost):
  // this request's own answer, whatever token it carries, so still a creation (webhooks included).
  const own = inserted.results.length > 0 ? values : inserted.rerun ? await ownInsert(db, values) : null;
  if (own) {
    await notifyWebhooks(db, survey, own, { created: true }, opts.defer);
    return { response: own satisfies ResponseRow, created: true, editToken };
  }
  const proof = { editToken: input.editToken, invitationId: who.invitationId, now, defer: opts.defer };
  let updated = await updateResponse(db, survey, input.id, input, proof);
  if (!updated && who.invitationId !== null) {
    // This id is new, but the invitation was answered under another: that answer is the one this
    // person is changing (the invitation's live token is the proof, as when the link is reopened).
    const given = await invitationAnswer(db, who);
    if (given) updated = await updateResponse(db, survey, given, input, proof);
  }
  if (!updated) throw new ApiError(409, "id_conflict", "This response id belongs to another survey", "id");
  return { response: updated, created: false };
}

/**
 * The row this request's INSERT wrote, if it is stored: same id and survey, the edit key of this
 * request's token and this request's creation instant. A retry of the answer is another request:
 * another instant (and, without a token of its own, another key).
 */
async function ownInsert(db: Db, values: AnswerRow): Promise<ResponseRow | null> {
  const row = await db
    .select()
    .from(responses)
    .where(
      and(
        eq(responses.id, values.id),
        eq(responses.surveyId, values.surveyId),
        eq(responses.editKeyHash, values.editKeyHash ?? ""),
        eq(responses.createdAt, values.createdAt),
      ),
    )
    .get();
  return row ?? null;
}

/** The id of the answer given through `who`'s invitation, if any. */
async function invitationAnswer(db: Db, who: Identity): Promise<string | null> {
  if (who.invitationId === null || !who.contact) return null;
  const row = await db
    .select({ id: responses.id })
    .from(responses)
    .where(and(eq(responses.contactId, who.contact.contactId), eq(responses.invitationId, who.invitationId)))
    .get();
  return row?.id ?? null;
}

/** What entitles a caller to change an existing answer (see editToken.ts). */
export interface EditProof {
  editToken?: string;
  /** The invitation the caller holds a live token of (its wave is open: checked by the caller). */
  invitationId?: string | null;
  now?: number;
  defer?: (work: Promise<unknown>) => void;
}

type Patch = { score?: number; comment?: string; answers?: Record<string, string> };

/** True when applying `patch` would change nothing: a plain retry, harmless without proof. */
function changesNothing(row: ResponseRow, patch: Patch): boolean {
  if (patch.score !== undefined && patch.score !== row.score) return false;
  if (patch.comment !== undefined && (patch.comment.trim() || null) !== row.comment) return false;
  if (patch.answers !== undefined) {
    const stored = row.answers ?? {};
    if (Object.entries(patch.answers).some(([k, v]) => stored[k] !== v)) return false;
  }
  return true;
}

/**
 * Adds the comment (or extra answers, or a changed score) to a response of `survey`, for its
 * creator only: the caller shows the answer's edit token (within the edit window) or the live
 * invitation it was given through. Null when `survey` has no response with that id. A request
 * that would change nothing succeeds without proof (a retry); any other change without proof is
 * 403 `edit_not_allowed`, and a closed wave or an expired token 409 `edit_window_closed`.
 */
export async function updateResponse(db: Db, survey: Survey, id: string, patch: Patch, proof: EditProof = {}): Promise<ResponseRow | null> {
  if (patch.score !== undefined) checkScore(survey, patch.score);
  const now = proof.now ?? Date.now();
  // The old score tells whether a change makes a new detractor: read only when the score is sent
  // and a webhook listens (retries and score changes; a comment alone never reads it).
  const previousScore =
    patch.score !== undefined && (await hasActiveWebhooks(db))
      ? ((await db.select({ score: responses.score }).from(responses).where(eq(responses.id, id)).get())?.score ?? null)
      : undefined;
  const set: Partial<typeof responses.$inferInsert> = { updatedAt: new Date(now) };
  if (patch.score !== undefined) set.score = patch.score;
  if (patch.comment !== undefined) set.comment = patch.comment.trim() || null;
  if (patch.answers !== undefined) {
    set.answers = sql`json_patch(coalesce(${responses.answers}, '{}'), ${JSON.stringify(patch.answers)})` as never;
  }
  const hash = proof.editToken ? await editKeyHash(proof.editToken) : null;
  // One statement on the usual path (the widget's comment arriving with its token): the proof is
  // part of the WHERE clause, so no one can slip a change between a check and the write.
  // Without any proof the WHERE clause cannot match (a NULL hash or invitation equals nothing):
  // skip the statement and go straight to saying why (an API retry without its token costs one
  // round trip instead of two).
  const provable = hash !== null || proof.invitationId != null;
  const row = !provable
    ? undefined
    : await db
        .update(responses)
        .set(set)
        .where(
          sql`${responses.id} = ${id} AND ${responses.surveyId} = ${survey.id}
        AND ((${responses.editKeyHash} = ${hash} AND ${responses.createdAt} > ${now - EDIT_WINDOW_MS})
          OR ${responses.invitationId} = ${proof.invitationId ?? null})
        AND (${responses.waveId} IS NULL OR ${responses.waveId} IN
          (SELECT ${waves.id} FROM ${waves} WHERE ${waves.status} = 'open' AND ${waves.closesAt} > ${now}))`,
        )
        .returning()
        .get();
  if (row) {
    await notifyWebhooks(db, survey, row, { created: false, previousScore: previousScore ?? row.score }, proof.defer);
    return row;
  }
  // Nothing written: say why.
  const existing = await db.select().from(responses).where(eq(responses.id, id)).get();
  if (!existing || existing.surveyId !== survey.id) return null;
  if (changesNothing(existing, patch)) return existing;
  const tokenMatches = hash !== null && existing.editKeyHash === hash;
  const byInvitation = proof.invitationId != null && existing.invitationId === proof.invitationId;
  if (tokenMatches || byInvitation) {
    throw new ApiError(409, "edit_window_closed", "This answer can no longer be changed", "editToken");
  }
  throw new ApiError(403, "edit_not_allowed", "Only the respondent who gave this answer may change it", "editToken");
}

export function responseView(r: ResponseRow) {
  return {
    id: r.id,
    surveyId: r.surveyId,
    contactId: r.contactId,
    accountId: r.accountId,
    waveId: r.waveId,
    score: r.score,
    comment: r.comment,
    answers: r.answers,
    locale: r.locale,
    channel: r.channel,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
