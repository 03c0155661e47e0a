/**
 * Workspace webhooks (admins only: URLs and secrets are credentials): list with delivery counts,
 * create (the secret shown once), change or rotate the secret, delete, the last 50 deliveries, a
 * delivery's attempts, a signed `webhook.test` event sent now, a delivery sent again now.
 * Managers' personal Slack hooks (users.slack_webhook_url) are managed through users, not here.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import { webhookAttempts, webhookDeliveries, webhooks } from "../db/schema";
import type { AppEnv, Db } from "../env";
import { notFound } from "../lib/errors";
import { newId, newSecret } from "../lib/ids";
import { body, empty, error, errors, json, jsonBody, KEY_OR_SESSION, params, router } from "../lib/openapi";
import { urlOrigin } from "../lib/publicUrl";
import { newStandardSecret } from "../lib/standardWebhooks";
import { requireAuth } from "../middleware/auth";
import { audit } from "../auth/audit";
import { deliverDue, invalidateWebhookCache } from "../jobs/webhooks";
import {
  AttemptSchema,
  CreateWebhookSchema,
  DeliverySchema,
  PatchWebhookSchema,
  WebhookListSchema,
  WebhookSchema,
  WebhookWithSecretSchema,
} from "../schemas/webhooks";

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
      ? await db
          .select()
          .from(webhooks)
          .where(and(eq(webhooks.id, id), isNull(webhooks.userId)))
          .get()
      : undefined;
  if (!row) throw notFound("Webhook");
  return row;
}

async function deliverNow(db: Db, deliveryId: string) {
  await deliverDue(db, Date.now(), { deliveryIds: [deliveryId], limit: 1 });
  const row = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId)).get();
  return deliveryView(row!);
}

// Any change here may turn webhooks on or off: the answer path must not trust its cached "none".
const invalidatesCache = createMiddleware<AppEnv>(async (_c, next) => {
  await next();
  invalidateWebhookCache();
});
const admin = requireAuth("admin");

const tags = ["webhooks"];
const HookParams = params("webhookId");

const list = createRoute({
  method: "get",
  path: "/",
  summary: "List webhooks with delivery counts (admins)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [admin] as const,
  responses: { 200: json(WebhookListSchema, "Newest first"), ...errors(401, 403) },
});

const create = createRoute({
  method: "post",
  path: "/",
  summary: "Create a webhook (admins); the signing secret is shown once",
  tags,
  security: KEY_OR_SESSION,
  middleware: [admin, invalidatesCache, jsonBody(8192)] as const,
  request: { body: body(CreateWebhookSchema) },
  responses: { 201: json(WebhookWithSecretSchema, "The webhook and its `secret`"), ...errors(400, 401, 403, 413) },
});

const patch = createRoute({
  method: "patch",
  path: "/{webhookId}",
  summary: "Change a webhook, or rotate its secret (admins)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [admin, invalidatesCache, jsonBody(8192)] as const,
  request: { params: HookParams, body: body(PatchWebhookSchema) },
  responses: {
    200: json(WebhookSchema.extend({ secret: WebhookWithSecretSchema.shape.secret.optional() }), "The webhook (and `secret` when rotated)"),
    ...errors(400, 401, 403, 404, 413),
  },
});

const remove = createRoute({
  method: "delete",
  path: "/{webhookId}",
  summary: "Delete a webhook (admins)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [admin, invalidatesCache] as const,
  request: { params: HookParams },
  responses: { 204: empty("Deleted"), ...errors(401, 403, 404) },
});

const deliveries = createRoute({
  method: "get",
  path: "/{webhookId}/deliveries",
  summary: "The last 50 deliveries (admins)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [admin] as const,
  request: { params: HookParams },
  responses: { 200: json(z.object({ data: z.array(DeliverySchema) }), "Newest first"), ...errors(401, 403, 404) },
});

const test = createRoute({
  method: "post",
  path: "/{webhookId}/test",
  summary: "Send a signed `webhook.test` event now (admins)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [admin, invalidatesCache] as const,
  request: { params: HookParams },
  responses: { 200: json(DeliverySchema, "The delivery, after the attempt"), ...errors(401, 403, 404) },
});

const retry = createRoute({
  method: "post",
  path: "/{webhookId}/deliveries/{deliveryId}/retry",
  summary: "Send a delivery again now (admins)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [admin, invalidatesCache] as const,
  request: { params: params("webhookId", "deliveryId") },
  responses: {
    200: json(DeliverySchema, "The delivery, after the attempt"),
    ...errors(401, 403),
    404: error("No such webhook, or no such delivery of it"),
  },
});

const attempts = createRoute({
  method: "get",
  path: "/{webhookId}/deliveries/{deliveryId}/attempts",
  summary: "Every attempt of one delivery: number, outcome, error, duration (admins)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [admin] as const,
  request: { params: params("webhookId", "deliveryId") },
  responses: {
    200: json(z.object({ data: z.array(AttemptSchema) }), "Oldest first"),
    ...errors(401, 403),
    404: error("No such webhook, or no such delivery of it"),
  },
});

export const webhooksRoute = router()
  .openapi(list, async (c) => {
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
    return c.json(
      {
        data: rows.map((r) => ({
          ...webhookView(r.hook),
          pending: Number(r.pending),
          failed: Number(r.failed),
          lastDeliveredAt: r.lastDeliveredAt ? new Date(Number(r.lastDeliveredAt)).toISOString() : null,
        })),
      },
      200,
    );
  })

  .openapi(create, async (c) => {
    const body = c.req.valid("json");
    const secret = newHookSecret(body.signing);
    const row = await c.var.db
      .insert(webhooks)
      .values({ id: newId("whk"), secret, ...body })
      .returning()
      .get();
    await audit(c.var.db, c.var.principal, "webhook.create", row.id, { url: urlOrigin(row.url), events: row.events });
    return c.json({ ...webhookView(row), secret }, 201);
  })

  .openapi(patch, async (c) => {
    const hook = await findWebhook(c.var.db, c.req.valid("param").webhookId);
    const { rotateSecret, ...body } = c.req.valid("json");
    const secret = rotateSecret ? newHookSecret(hook.signing) : undefined;
    const changes = { ...body, ...(secret ? { secret } : {}) };
    // An empty PATCH changes nothing (as for goals); drizzle refuses an UPDATE without a SET.
    if (Object.keys(changes).length === 0) return c.json(webhookView(hook), 200);
    const row = await c.var.db.update(webhooks).set(changes).where(eq(webhooks.id, hook.id)).returning().get();
    if (body.url !== undefined || secret) {
      await audit(c.var.db, c.var.principal, "webhook.update", hook.id, {
        url: urlOrigin(row!.url),
        urlChanged: row!.url !== hook.url,
        secretRotated: Boolean(secret),
      });
    }
    return c.json({ ...webhookView(row!), ...(secret ? { secret } : {}) }, 200);
  })

  .openapi(remove, async (c) => {
    const hook = await findWebhook(c.var.db, c.req.valid("param").webhookId);
    await c.var.db.delete(webhooks).where(eq(webhooks.id, hook.id));
    await audit(c.var.db, c.var.principal, "webhook.delete", hook.id, { url: urlOrigin(hook.url) });
    return c.body(null, 204);
  })

  .openapi(deliveries, async (c) => {
    const hook = await findWebhook(c.var.db, c.req.valid("param").webhookId);
    const rows = await c.var.db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.webhookId, hook.id))
      .orderBy(desc(webhookDeliveries.createdAt))
      .limit(50)
      .all();
    return c.json({ data: rows.map(deliveryView) }, 200);
  })

  .openapi(attempts, async (c) => {
    const { webhookId, deliveryId } = c.req.valid("param");
    const hook = await findWebhook(c.var.db, webhookId);
    const delivery = await c.var.db
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.id, deliveryId.slice(0, 64)), eq(webhookDeliveries.webhookId, hook.id)))
      .get();
    if (!delivery) throw notFound("Delivery");
    const rows = await c.var.db
      .select()
      .from(webhookAttempts)
      .where(eq(webhookAttempts.deliveryId, delivery.id))
      .orderBy(webhookAttempts.attempt, webhookAttempts.createdAt)
      .all();
    return c.json(
      { data: rows.map((a) => ({ attempt: a.attempt, ok: a.ok, error: a.error, durationMs: a.durationMs, at: a.createdAt.toISOString() })) },
      200,
    );
  })

  .openapi(test, async (c) => {
    const hook = await findWebhook(c.var.db, c.req.valid("param").webhookId);
    const id = newId("whd");
    const now = Date.now();
    const payload = JSON.stringify({ id: newId("evt"), event: "webhook.test", createdAt: new Date(now).toISOString(), data: { webhookId: hook.id } });
    await c.var.db.insert(webhookDeliveries).values({ id, webhookId: hook.id, event: "webhook.test", payload, nextAttemptAt: new Date(now) });
    return c.json(await deliverNow(c.var.db, id), 200);
  })

  .openapi(retry, async (c) => {
    const { webhookId, deliveryId } = c.req.valid("param");
    const hook = await findWebhook(c.var.db, webhookId);
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
    return c.json(await deliverNow(c.var.db, deliveryId), 200);
  });
