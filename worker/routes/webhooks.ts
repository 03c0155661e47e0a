/**
 * Workspace webhooks (admins only: URLs and secrets are credentials):
 *   GET    /api/v1/webhooks                       → {data:[…, pending, failed, lastDeliveredAt]}
 *   POST   /api/v1/webhooks                       {url, events, format?, active?} → with `secret`, shown once
 *   PATCH  /api/v1/webhooks/:id                   {url?, events?, format?, active?, rotateSecret?}
 *   DELETE /api/v1/webhooks/:id
 *   GET    /api/v1/webhooks/:id/deliveries        the last 50 deliveries
 *   POST   /api/v1/webhooks/:id/test              sends a signed `webhook.test` event now
 *   POST   /api/v1/webhooks/:id/deliveries/:deliveryId/retry   sends a delivery again now
 * Managers' personal Slack hooks (users.slack_webhook_url) are managed through users, not here.
 */
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { Hono } from "hono";
import { webhookAttempts, webhookDeliveries, webhooks } from "../db/schema";
import type { AppEnv, Db } from "../env";
import { notFound } from "../lib/errors";
import { newId, newSecret } from "../lib/ids";
import { urlOrigin } from "../lib/publicUrl";
import { newStandardSecret } from "../lib/standardWebhooks";
import { readBody } from "../lib/validate";
import { requireAuth } from "../middleware/auth";
import { audit } from "../auth/audit";
import { deliverDue, invalidateWebhookCache } from "../jobs/webhooks";
import { CreateWebhookSchema, PatchWebhookSchema } from "../schemas/webhooks";

type WebhookRow = typeof webhooks.$inferSelect;
type DeliveryRow = typeof webhookDeliveries.$inferSelect;

const webhookView = (w: WebhookRow) => ({
  id: w.id,
  url: w.url,
  events: w.events,
  format: w.format,
  signing: w.signing,
  active: w.active,
  createdAt: w.createdAt.toISOString(),
});

const deliveryView = (d: DeliveryRow) => ({
  id: d.id,
  event: d.event,
  status: d.status,
  attempts: d.attempts,
  nextAttemptAt: d.status === "pending" ? d.nextAttemptAt.toISOString() : null,
  lastError: d.lastError,
  deliveredAt: d.deliveredAt?.toISOString() ?? null,
  createdAt: d.createdAt.toISOString(),
});

/** Standard Webhooks verifiers want base64 after `whsec_`; the older format used base32. */
const newHookSecret = (signing: WebhookRow["signing"]) => (signing === "standard" ? newStandardSecret() : newSecret("whsec_"));

async function findWebhook(db: Db, id: string): Promise<WebhookRow> {
  const row =
    id.length <= 64
      ? await db.select().from(webhooks).where(and(eq(webhooks.id, id), isNull(webhooks.userId))).get()
      : undefined;
  if (!row) throw notFound("Webhook");
  return row;
}

async function deliverNow(db: Db, deliveryId: string) {
  await deliverDue(db, Date.now(), { deliveryIds: [deliveryId], limit: 1 });
  const row = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId)).get();
  return deliveryView(row!);
}

export const webhooksRoute = new Hono<AppEnv>()
  .use(requireAuth("admin"))
  // Any change here may turn webhooks on or off: the answer path must not trust its cached "none".
  .use(async (c, next) => {
    await next();
    if (c.req.method !== "GET") invalidateWebhookCache();
  })
  .get("/", async (c) => {
    // Qualified by hand: drizzle leaves single-table columns unqualified, which the subqueries would capture.
    const rows = await c.var.db
      .select({
        hook: webhooks,
        pending: sql<number>`(SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = "webhooks"."id" AND d.status = 'pending')`,
        failed: sql<number>`(SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = "webhooks"."id" AND d.status = 'failed')`,
        lastDeliveredAt: sql<number | null>`(SELECT max(delivered_at) FROM webhook_deliveries d WHERE d.webhook_id = "webhooks"."id")`,
      })
      .from(webhooks)
      .where(isNull(webhooks.userId))
      .orderBy(desc(webhooks.createdAt))
      .all();
    return c.json({
      data: rows.map((r) => ({
        ...webhookView(r.hook),
        pending: Number(r.pending),
        failed: Number(r.failed),
        lastDeliveredAt: r.lastDeliveredAt ? new Date(Number(r.lastDeliveredAt)).toISOString() : null,
      })),
    });
  })

  .post("/", async (c) => {
    const body = await readBody(c, CreateWebhookSchema, 8192);
    const secret = newHookSecret(body.signing);
    const row = await c.var.db
      .insert(webhooks)
      .values({ id: newId("whk"), secret, ...body })
      .returning()
      .get();
    await audit(c.var.db, c.var.principal, "webhook.create", row.id, { url: urlOrigin(row.url), events: row.events });
    return c.json({ ...webhookView(row), secret }, 201);
  })

  .patch("/:id", async (c) => {
    const hook = await findWebhook(c.var.db, c.req.param("id"));
    const { rotateSecret, ...body } = await readBody(c, PatchWebhookSchema, 8192);
    const secret = rotateSecret ? newHookSecret(hook.signing) : undefined;
    const changes = { ...body, ...(secret ? { secret } : {}) };
    // An empty PATCH changes nothing (as for goals); drizzle refuses an UPDATE without a SET.
    if (Object.keys(changes).length === 0) return c.json(webhookView(hook));
    const row = await c.var.db
      .update(webhooks)
      .set(changes)
      .where(eq(webhooks.id, hook.id))
      .returning()
      .get();
    if (body.url !== undefined || secret) {
      await audit(c.var.db, c.var.principal, "webhook.update", hook.id, { url: urlOrigin(row!.url), urlChanged: row!.url !== hook.url, secretRotated: Boolean(secret) });
    }
    return c.json({ ...webhookView(row!), ...(secret ? { secret } : {}) });
  })

  .delete("/:id", async (c) => {
    const hook = await findWebhook(c.var.db, c.req.param("id"));
    await c.var.db.delete(webhooks).where(eq(webhooks.id, hook.id));
    await audit(c.var.db, c.var.principal, "webhook.delete", hook.id, { url: urlOrigin(hook.url) });
    return c.body(null, 204);
  })

  .get("/:id/deliveries", async (c) => {
    const hook = await findWebhook(c.var.db, c.req.param("id"));
    const rows = await c.var.db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.webhookId, hook.id))
      .orderBy(desc(webhookDeliveries.createdAt))
      .limit(50)
      .all();
    return c.json({ data: rows.map(deliveryView) });
  })

  .get("/:id/deliveries/:deliveryId/attempts", async (c) => {
    const hook = await findWebhook(c.var.db, c.req.param("id"));
    const deliveryId = c.req.param("deliveryId").slice(0, 64);
    const delivery = await c.var.db
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.webhookId, hook.id)))
      .get();
    if (!delivery) throw notFound("Delivery");
    const rows = await c.var.db.select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, deliveryId)).orderBy(webhookAttempts.attempt, webhookAttempts.createdAt).all();
    return c.json({
      data: rows.map((a) => ({ attempt: a.attempt, ok: a.ok, error: a.error, durationMs: a.durationMs, at: a.createdAt.toISOString() })),
    });
  })

  .post("/:id/test", async (c) => {
    const hook = await findWebhook(c.var.db, c.req.param("id"));
    const id = newId("whd");
    const now = Date.now();
    const payload = JSON.stringify({ id: newId("evt"), event: "webhook.test", createdAt: new Date(now).toISOString(), data: { webhookId: hook.id } });
    await c.var.db.insert(webhookDeliveries).values({ id, webhookId: hook.id, event: "webhook.test", payload, nextAttemptAt: new Date(now) });
    return c.json(await deliverNow(c.var.db, id));
  })

  .post("/:id/deliveries/:deliveryId/retry", async (c) => {
    const hook = await findWebhook(c.var.db, c.req.param("id"));
    const deliveryId = c.req.param("deliveryId");
    const row =
      deliveryId.length <= 64
        ? await c.var.db
            .update(webhookDeliveries)
            .set({ status: "pending", nextAttemptAt: new Date() })
            .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.webhookId, hook.id)))
            .returning()
            .get()
        : undefined;
    if (!row) throw notFound("Delivery");
    return c.json(await deliverNow(c.var.db, deliveryId));
  });
