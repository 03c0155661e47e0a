/** Webhook shapes. */
import { z } from "@hono/zod-openapi";
import { WEBHOOK_EVENTS } from "../db/schema";
import { deliveryPolicy } from "../lib/deliveryPolicy";
import { deliveryUrlProblem } from "../lib/publicUrl";

/**
 * Where deliveries go (webhooks and Slack alert URLs): a public https:// URL, never a private,
 * local or reserved address (worker/lib/publicUrl.ts); plain http:// to this machine only where
 * ALLOW_LOCAL_DELIVERY_URLS is set (local development and tests).
 */
export const deliveryUrl = z
  .string()
  .max(500)
  .superRefine((s, ctx) => {
    const problem = deliveryUrlProblem(s, deliveryPolicy());
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const events = z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length);

export const CreateWebhookSchema = z
  .object({
    url: deliveryUrl,
    events,
    format: z.enum(["generic", "slack"]).default("generic"),
    /** Standard Webhooks headers by default; `barometre` for receivers of the older header. */
    signing: z.enum(["standard", "barometre"]).default("standard"),
    active: z.boolean().default(true),
  })
  .strict();

export const PatchWebhookSchema = z
  .object({
    url: deliveryUrl.optional(),
    events: events.optional(),
    format: z.enum(["generic", "slack"]).optional(),
    active: z.boolean().optional(),
    /** true: a new secret is made and shown once in the answer. */
    rotateSecret: z.literal(true).optional(),
  })
  .strict();

export const WebhookSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    format: z.enum(["generic", "slack"]),
    signing: z.enum(["standard", "barometre"]).openapi({ description: "`standard`: Standard Webhooks headers" }),
    active: z.boolean(),
    createdAt: z.string(),
  })
  .openapi("Webhook");

/** A webhook with its signing secret: at creation, and when it is rotated. */
export const WebhookWithSecretSchema = WebhookSchema.extend({
  secret: z.string().openapi({ description: "HMAC signing secret, shown this once" }),
});

export const WebhookListSchema = z.object({
  data: z.array(
    WebhookSchema.extend({
      pending: z.number().int(),
      failed: z.number().int(),
      lastDeliveredAt: z.string().nullable(),
    }),
  ),
});

export const DeliverySchema = z
  .object({
    id: z.string(),
    event: z.string(),
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable().openapi({ description: "While pending" }),
    lastError: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("WebhookDelivery");

/** One attempt at sending a delivery. */
export const AttemptSchema = z.object({
  attempt: z.number().int(),
  ok: z.boolean(),
  error: z.string().nullable(),
  durationMs: z.number().int(),
  at: z.string(),
});
