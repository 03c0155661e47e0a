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
