/**
 * Webhook deliveries through Cloudflare Queues (wrangler.toml: `barometre-webhooks` and its
 * dead-letter queue `barometre-webhooks-dlq`).
 *
 * 1. The answer's write records each delivery in D1 (`webhook_deliveries`, jobs/webhooks.ts) in
 *    the same step as ever: D1 is the record, a queue message only says "send delivery X".
 * 2. `dispatchDeliveries` puts one message per delivery on the queue (after the answer, through
 *    waitUntil) and stamps `queued_at`. Detractor alerts are delayed DETRACTOR_WAIT seconds, so
 *    the comment typed just after the score is in the alert (the payload is refreshed at send).
 *    If the queue is unavailable, nothing is lost: `queued_at` stays empty and the cron's
 *    `sweepUnqueued` queues it later.
 * 3. `consumeWebhooks` sends each delivery once per message, logs the attempt
 *    (`webhook_attempts`), and on failure asks the queue to retry it after an exponential delay
 *    (base × 2^(attempt−1), capped at 12 h, Queues' own limit). Ten tries in all (max_retries 9).
 * 4. After the last try, Queues moves the message to the dead-letter queue; `consumeDeadLetters`
 *    marks the delivery `failed`, which the admin page lists and can replay.
 * A message whose delivery is no longer pending (delivered, replayed by hand, erased) is dropped.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { env as workerEnv } from "cloudflare:workers";
import { createDb } from "../db/client";
import { inList } from "../db/queries/inList";
import { webhookDeliveries, webhooks } from "../db/schema";
import type { Db, Env, WebhookMessage } from "../env";
import { attemptDelivery, type Claimed } from "./webhookSend";

export const WEBHOOK_QUEUE_NAME = "barometre-webhooks";
export const WEBHOOK_DLQ_NAME = "barometre-webhooks-dlq";
/** Queues' longest delay for a message or a retry. */
const MAX_DELAY_S = 12 * 3600;
/** Queues' most messages in one sendBatch (also at most 256 KB: a message here is one delivery id). */
const SEND_BATCH = 100;
/** A claimed delivery is hidden this long, so a duplicate message never sends it twice. */
const LEASE_MS = 2 * 60_000;

const numberVar = (v: string | undefined, fallback: number) => (v !== undefined && v !== "" && Number.isFinite(Number(v)) ? Number(v) : fallback);
/** First retry delay in seconds (WEBHOOK_RETRY_BASE_SECONDS, default 120: 2 min, 4, 8 … like the cron). */
export const retryBaseSeconds = (env: Partial<Env>) => numberVar(env.WEBHOOK_RETRY_BASE_SECONDS, 120);
/** How long a detractor alert waits for the comment (WEBHOOK_DETRACTOR_WAIT_SECONDS, default 60). */
export const detractorWaitSeconds = (env: Partial<Env>) => numberVar(env.WEBHOOK_DETRACTOR_WAIT_SECONDS, 60);

/** Longest retry delay (WEBHOOK_RETRY_MAX_SECONDS, default and at most 12 h, Queues' limit). */
export const retryMaxSeconds = (env: Partial<Env>) => Math.min(numberVar(env.WEBHOOK_RETRY_MAX_SECONDS, MAX_DELAY_S), MAX_DELAY_S);

export const queueRetryDelay = (base: number, attempt: number, max = MAX_DELAY_S) => Math.min(Math.round(base * 2 ** (attempt - 1)), max);

/**
 * The webhook queue, if wrangler.toml binds one and WEBHOOK_DELIVERY is not "direct" (the
 * answer's waitUntil plus the cron's retries: for a deployment without Queues; the workerd test
 * suite pins that path, test/e2e the queue).
 */
export const queueOf = (env: Partial<Env>): Queue<WebhookMessage> | undefined => (env.WEBHOOK_DELIVERY === "direct" ? undefined : env.WEBHOOK_QUEUE);
export const webhookQueue = () => queueOf(workerEnv as unknown as Env);

/**
 * Puts deliveries on the queue and stamps them queued. Throws nothing: a queue that refuses
 * leaves them for the sweep. Returns how many were queued.
 */
export async function dispatchDeliveries(
  db: Db,
  queue: Queue<WebhookMessage>,
  deliveries: { id: string; event: string }[],
  env: Partial<Env> = workerEnv as unknown as Env,
): Promise<number> {
  if (deliveries.length === 0) return 0;
  const wait = detractorWaitSeconds(env);
  let queued = 0;
  // Queues takes at most SEND_BATCH messages per sendBatch; each part is stamped once sent, so a
  // refusal midway leaves only the rest for the sweep.
  for (let i = 0; i < deliveries.length; i += SEND_BATCH) {
    const part = deliveries.slice(i, i + SEND_BATCH);
    try {
      await queue.sendBatch(
        part.map((d) => ({
          body: { deliveryId: d.id },
          contentType: "json" as const,
          ...(d.event === "response.detractor" && wait > 0 ? { delaySeconds: Math.min(wait, MAX_DELAY_S) } : {}),
        })),
      );
    } catch (e) {
      console.error(
        JSON.stringify({
          level: "error",
          msg: "webhook queue unavailable; the cron sweep will queue these",
          deliveries: deliveries.slice(i).map((d) => d.id),
          error: String(e),
        }),
      );
      return queued;
    }
    await db
      .update(webhookDeliveries)
      .set({ queuedAt: new Date() })
      .where(
        inList(
          webhookDeliveries.id,
          part.map((d) => d.id),
        ),
      );
    queued += part.length;
  }
  return queued;
}

/**
 * Cron: queues what was recorded but never queued (the queue was unavailable), older than a
 * minute so an answer's own dispatch is not raced, and re-queues pending deliveries whose message
 * must have been lost (nothing happened for an hour past their due time).
 */
export async function sweepUnqueued(db: Db, queue: Queue<WebhookMessage>, now: number, env?: Partial<Env>): Promise<number> {
  const rows = await db
    .select({ id: webhookDeliveries.id, event: webhookDeliveries.event })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.status, "pending"),
        sql`((${webhookDeliveries.queuedAt} IS NULL AND ${webhookDeliveries.createdAt} <= ${now - 60_000})
          OR ${webhookDeliveries.nextAttemptAt} <= ${now - 3600_000})`,
      ),
    )
    .limit(500)
    .all();
  // A re-queued delivery is due now, so its claim does not wait for a stale retry time.
  if (rows.length > 0) {
    await db
      .update(webhookDeliveries)
      .set({ nextAttemptAt: new Date(now) })
      .where(
        inList(
          webhookDeliveries.id,
          rows.map((r) => r.id),
        ),
      );
  }
  return dispatchDeliveries(
    db,
    queue,
    rows.map((r) => ({ id: r.id, event: "sweep" })),
    env,
  );
}

/** Claims a pending delivery for one send (or nothing, if it is not pending or another holds it). */
async function claim(db: Db, id: string, now: number): Promise<Claimed | undefined> {
  const rows = (await db.all(sql`
    UPDATE webhook_deliveries SET next_attempt_at = ${now + LEASE_MS}
    WHERE id = ${id} AND status = 'pending' AND next_attempt_at <= ${now + 30_000}
    RETURNING id, webhook_id AS webhookId, event, payload, attempts`)) as Claimed[];
  return rows[0];
}

export async function consumeWebhooks(batch: MessageBatch<WebhookMessage>, env: Env): Promise<void> {
  const db: Db = createDb(env.DB);
  const base = retryBaseSeconds(env);
  await Promise.all(
    batch.messages.map(async (msg) => {
      const id = typeof msg.body?.deliveryId === "string" ? msg.body.deliveryId : null;
      const now = Date.now();
      const d = id ? await claim(db, id, now) : undefined;
      if (!d) return msg.ack();
      const hook = await db.select().from(webhooks).where(eq(webhooks.id, d.webhookId)).get();
      const result = await attemptDelivery(db, d, hook);
      const attempts = d.attempts + 1;
      if (result.ok) {
        await db
          .update(webhookDeliveries)
          .set({ status: "delivered", attempts, deliveredAt: new Date(), lastError: null })
          .where(eq(webhookDeliveries.id, d.id));
        return msg.ack();
      }
      if (result.permanent) {
        await db.update(webhookDeliveries).set({ status: "failed", attempts, lastError: result.error }).where(eq(webhookDeliveries.id, d.id));
        return msg.ack();
      }
      const delay = queueRetryDelay(base, attempts, retryMaxSeconds(env));
      await db
        .update(webhookDeliveries)
        .set({ attempts, lastError: result.error, nextAttemptAt: new Date(Date.now() + delay * 1000) })
        .where(eq(webhookDeliveries.id, d.id));
      // After max_retries, Queues hands the message to the dead-letter queue instead.
      msg.retry({ delaySeconds: delay });
    }),
  );
}

/** The dead-letter queue's consumer: the last try failed, the delivery is failed (replayable). */
export async function consumeDeadLetters(batch: MessageBatch<WebhookMessage>, env: Env): Promise<void> {
  const db: Db = createDb(env.DB);
  const ids = batch.messages.map((m) => m.body?.deliveryId).filter((x): x is string => typeof x === "string");
  if (ids.length > 0) {
    await db
      .update(webhookDeliveries)
      .set({ status: "failed" })
      .where(and(inArray(webhookDeliveries.id, ids), eq(webhookDeliveries.status, "pending")));
  }
  batch.ackAll();
}
