/**
 * The cron's sweep queues the deliveries a queue outage left unqueued. After an outage there can be
 * hundreds: the sweep reads up to 500, and both D1 (at most 100 bound parameters per statement)
 * and Queues (at most 100 messages per sendBatch) must take them in parts, or the sweep fails on
 * every run and the deliveries are never sent.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import type { WebhookMessage } from "../../worker/env";
import { sweepUnqueued } from "../../worker/jobs/webhookQueue";
import { ADMIN, api } from "../helpers";

const N = 250;

/** A queue producer that keeps what it is sent and refuses, as Queues does, a batch of more than 100. */
function recordingQueue() {
  const sent: WebhookMessage[] = [];
  const queue = {
    async send(body: WebhookMessage) {
      sent.push(body);
    },
    async sendBatch(messages: Iterable<MessageSendRequest<WebhookMessage>>) {
      const list = [...messages];
      if (list.length > 100) throw new Error(`sendBatch of ${list.length} messages: at most 100`);
      sent.push(...list.map((m) => m.body));
    },
  };
  return { queue: queue as unknown as Queue<WebhookMessage>, sent };
}

describe("the sweep of unqueued webhook deliveries", () => {
  it("queues 250 deliveries left by an outage, in parts, and stamps every one", async () => {
    const hook = await api("/api/v1/webhooks", { headers: ADMIN, body: { url: "http://127.0.0.1:9/hook", events: ["response.created"] } });
    expect(hook.status).toBe(201);
    const now = Date.now();
    const ids = Array.from({ length: N }, (_, i) => `whd_sweep_${String(i).padStart(3, "0")}`);
    await env.DB.prepare(
      `INSERT INTO webhook_deliveries (id, webhook_id, event, payload, status, attempts, next_attempt_at, created_at)
       SELECT value, ?, 'response.created', '{}', 'pending', 0, ?, ? FROM json_each(?)`,
    )
      .bind(hook.body.id, now - 120_000, now - 120_000, JSON.stringify(ids))
      .run();
    const { queue, sent } = recordingQueue();
    expect(await sweepUnqueued(createDb(env.DB), queue, now, { WEBHOOK_DETRACTOR_WAIT_SECONDS: "0" })).toBe(N);
    expect(new Set(sent.map((m) => m.deliveryId))).toEqual(new Set(ids));
    const left = await env.DB.prepare("SELECT count(*) AS n FROM webhook_deliveries WHERE webhook_id = ? AND queued_at IS NULL")
      .bind(hook.body.id)
      .first();
    expect(left).toEqual({ n: 0 });
    // Nothing left for the next run.
    expect(await sweepUnqueued(createDb(env.DB), queue, now + 60_000, {})).toBe(0);
  });
});
