/** Webhook shapes. */
import { z } from "zod";
import { WEBHOOK_EVENTS } from "../db/schema";

/**
 * Where deliveries go: any https:// URL; plain http:// only to this machine (local development
 * and tests), so a production workspace never sends signed payloads in clear text.
 */
export const webhookUrl = z
  .string()
  .max(500)
  .refine((s) => {
    try {
      const u = new URL(s);
      if (u.username || u.password) return false;
      if (u.protocol === "https:") return true;
      return u.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(u.hostname);
    } catch {
      return false;
    }
  }, "must be an https:// URL (http:// only to localhost)");

const events = z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length);

export const CreateWebhookSchema = z
  .object({
    url: webhookUrl,
    events,
    format: z.enum(["generic", "slack"]).default("generic"),
    active: z.boolean().default(true),
  })
  .strict();

export const PatchWebhookSchema = z
  .object({
    url: webhookUrl.optional(),
    events: events.optional(),
    format: z.enum(["generic", "slack"]).optional(),
    active: z.boolean().optional(),
    /** true: a new secret is made and shown once in the answer. */
    rotateSecret: z.literal(true).optional(),
  })
  .strict();
