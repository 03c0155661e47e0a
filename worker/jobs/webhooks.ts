/**
 * Webhooks: events are queued in `webhook_deliveries` and sent, signed, with retries.
 *
 * Enqueueing sits on the answer's hot path. With no active webhook (most workspaces) it costs
 * nothing: the "none" is cached per isolate for 10 s. Otherwise it is ONE group-committed
 * statement: an INSERT … SELECT over the active webhooks subscribed to the event.
 * Sending happens later: right after the answer through `waitUntil` when the caller offers it,
 * and from the cron (`runWebhookDeliveries`) for retries.
 *
 * Each request carries
 *   Barometre-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>
 *   Barometre-Event, Barometre-Delivery (the delivery id: receivers de-duplicate on it)
 * A non-2xx answer, a redirect (never followed), a network error or a 10 s timeout is a failure,
 * recorded with a generic reason ("HTTP 500", "redirect refused", "connection failed", "timeout");
 * a URL that fails worker/lib/publicUrl.ts is never connected to ("address refused"). Attempt k waits
 * retryDelayMs(k) (2 min doubling, capped at 12 h) and the delivery is given up after
 * MAX_ATTEMPTS (10, about 17 hours). docs/SECURITY.md shows how to verify a signature.
 *
 * `format: "slack"` hooks get Slack's incoming-webhook payload `{ text }` instead of JSON events;
 * a manager's personal alert hook (users.slack_webhook_url) is a slack hook with `user_id` set,
 * which receives only events about the accounts that manager manages.
 */
import { and, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import { createDb } from "../db/client";
import type * as schema from "../db/schema";
import { accounts, contacts, type surveys, webhookDeliveries, webhooks, type users } from "../db/schema";
import type { Db, Env } from "../env";
import { newId, newSecret } from "../lib/ids";
import { dispatchDeliveries, queueOf, sweepUnqueued, webhookQueue } from "./webhookQueue";
import { attemptDelivery, type Claimed, type Hook } from "./webhookSend";
import { groupCommit } from "../services/groupCommit";
import { categoryOf as scoreCategory } from "../domain/categories";

export type WebhookEvent = (typeof schema.WEBHOOK_EVENTS)[number];
type Survey = typeof surveys.$inferSelect;
type Response = typeof schema.responses.$inferSelect;

export const MAX_ATTEMPTS = 10;
const BATCH = 25;
/** A claimed delivery is hidden this long, so two overlapping runs never send it twice. */
const LEASE_MS = 2 * 60_000;

/** Wait after the k-th failed attempt (k ≥ 1): 2 min, 4, 8 … capped at 12 h. */
export const retryDelayMs = (attempts: number) => Math.min(2 * 60_000 * 2 ** (attempts - 1), 12 * 3600_000);

export interface QueuedEvent {
  event: WebhookEvent;
  data: Record<string, unknown>;
}

/**
 * Queues `events` for every active webhook subscribed to them (one statement). `managerUserId`
 * is the manager of the account concerned: personal hooks of other managers are skipped.
 * Returns the ids of the queued deliveries (usually none: most workspaces have few webhooks).
 */
export async function enqueueEvents(
  db: Db,
  events: QueuedEvent[],
  managerUserId: string | null,
  now = Date.now(),
  defer?: (work: Promise<unknown>) => void,
): Promise<string[]> {
  if (events.length === 0 || !(await hasActiveWebhooks(db, now))) return [];
  const createdAt = new Date(now).toISOString();
  const rows: unknown[] = [];
  const eventIds: string[] = [];
  const selects = events.map((e) => {
    const id = newId("evt");
    eventIds.push(id);
    rows.push(id, e.event, JSON.stringify({ id, event: e.event, createdAt, data: e.data }));
    return "SELECT ? AS id, ? AS event, ? AS payload";
  });
  // Group-committed with the answers of concurrent requests (one D1 batch, see groupCommit.ts).
  // Placeholders bind in text order: timestamps, then the event rows, then the manager.
  const stmt = db.$client.prepare(enqueueSql(selects)).bind(now, now, ...rows, managerUserId);
  const res = await groupCommit(db.$client, stmt, { defer });
  // A second run finds the first one's deliveries (if it committed) and inserts nothing: one
  // delivery per hook and event. Those deliveries are still this call's to hand to the queue.
  const queued = res.rerun ? await deliveriesOf(db, eventIds) : (res.results as { id: string; event: string }[]);
  // Recorded in D1 above; with a queue, sent from there (after the answer when `defer` is given).
  const queue = webhookQueue();
  if (queue && queued.length > 0) {
    const work = dispatchDeliveries(db, queue, queued);
    if (defer) defer(work);
    else await work;
  }
  return queued.map((r) => r.id);
}

function enqueueSql(selects: string[]): string {
  // The WHERE clause also keeps SQLite from reading ON CONFLICT as part of the join.
  return `INSERT INTO webhook_deliveries (id, webhook_id, event_id, event, payload, status, attempts, next_attempt_at, created_at)
    SELECT 'whd_' || lower(hex(randomblob(10))), w.id, ev.id, ev.event, ev.payload, 'pending', 0, ?, ?
    FROM webhooks w
    JOIN (${selects.join(" UNION ALL ")}) ev
      ON EXISTS (SELECT 1 FROM json_each(w.events) j WHERE j.value = ev.event)
    WHERE w.active = 1 AND (w.user_id IS NULL OR w.user_id = ?)
    ON CONFLICT (event_id, webhook_id) DO NOTHING
    RETURNING id, event`;
}

/** The deliveries of these events not yet handed to the queue (after a statement ran twice). */
async function deliveriesOf(db: Db, eventIds: string[]): Promise<{ id: string; event: string }[]> {
  return db
    .select({ id: webhookDeliveries.id, event: webhookDeliveries.event })
    .from(webhookDeliveries)
    .where(and(inArray(webhookDeliveries.eventId, eventIds), isNull(webhookDeliveries.queuedAt)))
    .all();
}

// Most workspaces have no webhook: remembering that per isolate keeps the answer's hot path at
// one statement. A webhook created in another isolate is seen within ACTIVE_TTL_MS; changes made
// through this isolate's API are seen at once (invalidateWebhookCache).
const ACTIVE_TTL_MS = 10_000;
let activeCache: { value: boolean; until: number } | null = null;

export async function hasActiveWebhooks(db: Db, now = Date.now()): Promise<boolean> {
  if (activeCache && activeCache.until > now) return activeCache.value;
  const row = await db.select({ id: webhooks.id }).from(webhooks).where(eq(webhooks.active, true)).limit(1).get();
  activeCache = { value: row !== undefined, until: now + ACTIVE_TTL_MS };
  return activeCache.value;
}

export const invalidateWebhookCache = () => void (activeCache = null);

/** What a response event says about the response (the same shape for every event). */
function responseData(survey: Survey, r: Response) {
  return {
    survey: { id: survey.id, name: survey.name, kind: survey.kind },
    response: {
      id: r.id,
      score: r.score,
      category: scoreCategory(survey.kind, r.score),
      comment: r.comment,
      locale: r.locale,
      channel: r.channel,
      contactId: r.contactId,
      accountId: r.accountId,
      segment: r.segment,
      managerUserId: r.managerUserId,
      waveId: r.waveId,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    },
  };
}

/**
 * Queues the events of a response write: `response.created` or `response.updated`, plus
 * `response.detractor` when the answer becomes a detractor (on creation, or when a changed score
 * crosses into the detractor range; adding a comment does not alert twice).
 */
export async function enqueueResponseEvents(
  db: Db,
  survey: Survey,
  response: Response,
  change: { created: boolean; previousScore?: number | null },
  defer?: (work: Promise<unknown>) => void,
): Promise<string[]> {
  const data = responseData(survey, response);
  const events: QueuedEvent[] = [{ event: change.created ? "response.created" : "response.updated", data }];
  const isDetractor = scoreCategory(survey.kind, response.score) === "detractor";
  const wasDetractor = !change.created && change.previousScore != null && scoreCategory(survey.kind, change.previousScore) === "detractor";
  if (isDetractor && (change.created || (change.previousScore != null && !wasDetractor))) {
    events.push({ event: "response.detractor", data });
  }
  return enqueueEvents(db, events, response.managerUserId, Date.now(), defer);
}

/** For the unsubscribe path (accounts branch): queues `contact.unsubscribed`. */
export async function enqueueContactUnsubscribed(db: Db, contactId: string, now = Date.now()): Promise<string[]> {
  const row = await db
    .select({
      id: contacts.id,
      externalId: contacts.externalId,
      email: contacts.email,
      accountId: contacts.accountId,
      managerUserId: accounts.managerUserId,
    })
    .from(contacts)
    .leftJoin(accounts, eq(accounts.id, contacts.accountId))
    .where(eq(contacts.id, contactId))
    .get();
  if (!row) return [];
  const { managerUserId, ...contact } = row;
  return enqueueEvents(db, [{ event: "contact.unsubscribed", data: { contact } }], managerUserId ?? null, now);
}

/** Keeps a user's personal Slack alert hook in step with `users.slack_webhook_url`. */
export async function syncPersonalAlertHook(db: Db, user: typeof users.$inferSelect): Promise<void> {
  const id = `whk_user_${user.id}`;
  invalidateWebhookCache();
  if (!user.slackWebhookUrl) {
    await db.delete(webhooks).where(eq(webhooks.id, id));
    return;
  }
  await db
    .insert(webhooks)
    .values({
      id,
      url: user.slackWebhookUrl,
      secret: newSecret("whsec_"), // Slack ignores signatures; the column wants one
      events: ["response.detractor"],
      format: "slack",
      active: user.disabledAt === null,
      userId: user.id,
    })
    .onConflictDoUpdate({ target: webhooks.id, set: { url: user.slackWebhookUrl, active: user.disabledAt === null } });
}

// ---------------------------------------------------------------------------------------------
// Sending
// ---------------------------------------------------------------------------------------------

export { signatureHeader } from "./webhookSend";

/** Without a queue (or for a manual send): one attempt, and the cron's retry schedule in D1. */
async function sendOne(db: Db, d: Claimed, hook: Hook | undefined, now: number): Promise<boolean> {
  const { ok, error, permanent } = await attemptDelivery(db, d, hook);
  const attempts = d.attempts + 1;
  if (ok) {
    await db
      .update(webhookDeliveries)
      .set({ status: "delivered", attempts, deliveredAt: new Date(now), lastError: null })
      .where(eq(webhookDeliveries.id, d.id));
    return true;
  }
  const giveUp = attempts >= MAX_ATTEMPTS || permanent;
  await db
    .update(webhookDeliveries)
    .set({
      status: giveUp ? "failed" : "pending",
      attempts,
      lastError: error,
      nextAttemptAt: new Date(now + retryDelayMs(attempts)),
    })
    .where(eq(webhookDeliveries.id, d.id));
  return false;
}

/**
 * Claims up to `limit` due deliveries (one UPDATE … RETURNING, so overlapping runs split the
 * work) and sends them in parallel. Returns how many were attempted and delivered.
 */
export async function deliverDue(
  db: Db,
  now: number,
  opts: { limit?: number; deliveryIds?: string[] } = {},
): Promise<{ attempted: number; delivered: number }> {
  const only = opts.deliveryIds?.length
    ? sql`AND id IN (${sql.join(
        opts.deliveryIds.map((i) => sql`${i}`),
        sql`, `,
      )})`
    : sql``;
  const claimed = (await db.all(sql`
    UPDATE webhook_deliveries SET next_attempt_at = ${now + LEASE_MS}
    WHERE id IN (
      SELECT id FROM webhook_deliveries
      WHERE status = 'pending' AND next_attempt_at <= ${now} ${only}
      ORDER BY next_attempt_at LIMIT ${opts.limit ?? BATCH})
    RETURNING id, webhook_id AS webhookId, event, payload, attempts`)) as Claimed[];
  if (claimed.length === 0) return { attempted: 0, delivered: 0 };
  const hookIds = [...new Set(claimed.map((d) => d.webhookId))];
  const hooks = new Map((await db.select().from(webhooks).where(inArray(webhooks.id, hookIds)).all()).map((h) => [h.id, h]));
  const results = await Promise.all(claimed.map((d) => sendOne(db, d, hooks.get(d.webhookId), now)));
  return { attempted: claimed.length, delivered: results.filter(Boolean).length };
}

/** Cron entry: sends due deliveries in batches (bounded per run), then forgets old ones. */
export async function runWebhookDeliveries(env: Env, now: number): Promise<{ attempted: number; delivered: number; queued: number }> {
  const db = createDb(env.DB);
  const total = { attempted: 0, delivered: 0, queued: 0 };
  // With a queue, the queue retries; the cron only queues what never reached it.
  const queue = queueOf(env);
  if (queue) total.queued = await sweepUnqueued(db, queue, now, env);
  for (let i = 0; i < 8 && !queue; i++) {
    const r = await deliverDue(db, now);
    total.attempted += r.attempted;
    total.delivered += r.delivered;
    if (r.attempted < BATCH) break;
  }
  // Delivered or abandoned deliveries are kept 30 days for the admin page, then dropped.
  await db
    .delete(webhookDeliveries)
    .where(and(inArray(webhookDeliveries.status, ["delivered", "failed"]), lt(webhookDeliveries.createdAt, new Date(now - 30 * 86400_000))));
  return total;
}
