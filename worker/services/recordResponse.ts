/**
 * Recording an answer: the one write path for the widget, the link page and the API.
 * The score is saved the moment it arrives; a later call with the same id updates the same row
 * (comment, changed score), so a retried request never creates a second response.
 */
import { eq, sql } from "drizzle-orm";
import { invitations, responses, type Channel, type surveys } from "../db/schema";
import type { Db } from "../env";
import { ApiError, badRequest } from "../lib/errors";
import { isValidScore, SCORE_RANGE } from "../lib/scales";
import { pickLocale } from "../locales";
import { bucketOf } from "../metrics/buckets";
import type { SubmitResponse } from "../schemas/responses";
import { contactWithAccount, findOrCreateContact, type ResolvedContact } from "./contacts";
import { groupCommit } from "./groupCommit";
import { deliverDue, enqueueResponseEvents, hasActiveWebhooks } from "../jobs/webhooks";
import { verifyIdentity } from "./identity";

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
  invitationId: string | null;
  waveId: string | null;
}

async function resolveIdentity(db: Db, survey: Survey, input: SubmitResponse): Promise<Identity> {
  if (input.token) {
    const inv = await db
      .select({ id: invitations.id, contactId: invitations.contactId, waveId: invitations.waveId, surveyId: invitations.surveyId })
      .from(invitations)
      .where(eq(invitations.token, input.token))
      .get();
    if (!inv || inv.surveyId !== survey.id) throw badRequest("invalid_token", "Unknown invitation token", "token");
    return { contact: await contactWithAccount(db, inv.contactId), invitationId: inv.id, waveId: inv.waveId };
  }
  if (!input.contact) return { contact: null, invitationId: null, waveId: null };
  await verifyIdentity(survey, input.contact, input.signature);
  return { contact: await findOrCreateContact(db, input.contact), invitationId: null, waveId: null };
}

export interface RecordOptions {
  timeZone: string;
  defaultChannel: Channel;
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
async function notifyWebhooks(
  db: Db,
  survey: Survey,
  response: ResponseRow,
  change: { created: boolean; previousScore?: number | null },
  defer?: (work: Promise<unknown>) => void,
): Promise<void> {
  try {
    const ids = await enqueueResponseEvents(db, survey, response, change);
    if (ids.length > 0 && defer) {
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
): Promise<{ response: ResponseRow; created: boolean }> {
  checkScore(survey, input.score);
  const who = await resolveIdentity(db, survey, input);
  const now = opts.now ?? Date.now();
  const at = new Date(now);
  const tz = opts.timeZone;
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
      channel: input.channel ?? opts.defaultChannel,
      accountId: who.contact?.accountId ?? null,
      segment: who.contact?.segment ?? null,
      managerUserId: who.contact?.managerUserId ?? null,
      bucketMonth: bucketOf(now, "month", tz),
      bucketQuarter: bucketOf(now, "quarter", tz),
      bucketHalf: bucketOf(now, "half", tz),
      properties: input.properties ?? null,
      createdAt: at,
      updatedAt: at,
    } satisfies typeof responses.$inferInsert;
  // Insert first: a new answer costs one statement, committed together with the answers of
  // concurrent requests (group commit). A conflict means the id exists already (a retry, or the
  // comment arriving): then it is an update of that same response.
  const query = db
    .insert(responses)
    .values(values)
    .onConflictDoNothing({ target: responses.id })
    .returning({ id: responses.id })
    .toSQL();
  const inserted = await groupCommit(db.$client, db.$client.prepare(query.sql).bind(...query.params));
  if (inserted.results.length > 0) {
    await notifyWebhooks(db, survey, values, { created: true }, opts.defer);
    return { response: values satisfies ResponseRow, created: true };
  }
  const updated = await updateResponse(db, survey, input.id, input, { defer: opts.defer });
  if (!updated) throw new ApiError(409, "id_conflict", "This response id belongs to another survey", "id");
  return { response: updated, created: false };
}

/** Adds the comment (or extra answers, or a changed score) to a response of `survey`; null if none. */
export async function updateResponse(
  db: Db,
  survey: Survey,
  id: string,
  patch: { score?: number; comment?: string; answers?: Record<string, string> },
  opts: { defer?: (work: Promise<unknown>) => void } = {},
): Promise<ResponseRow | null> {
  if (patch.score !== undefined) checkScore(survey, patch.score);
  // The old score tells whether a change makes a new detractor: read only when the score is sent
  // and a webhook listens (retries and score changes; a comment alone never reads it).
  const previousScore =
    patch.score !== undefined && (await hasActiveWebhooks(db))
      ? ((await db.select({ score: responses.score }).from(responses).where(eq(responses.id, id)).get())?.score ?? null)
      : undefined;
  const set: Partial<typeof responses.$inferInsert> = { updatedAt: new Date() };
  if (patch.score !== undefined) set.score = patch.score;
  if (patch.comment !== undefined) set.comment = patch.comment.trim() || null;
  if (patch.answers !== undefined) {
    set.answers = sql`json_patch(coalesce(${responses.answers}, '{}'), ${JSON.stringify(patch.answers)})` as never;
  }
  const row = await db
    .update(responses)
    .set(set)
    .where(sql`${responses.id} = ${id} AND ${responses.surveyId} = ${survey.id}`)
    .returning()
    .get();
  if (row) await notifyWebhooks(db, survey, row, { created: false, previousScore: previousScore ?? row.score }, opts.defer);
  return row ?? null;
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
