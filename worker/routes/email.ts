/**
 * Bounces from the email provider: POST /api/v1/email/bounces, authenticated by the shared secret
 * EMAIL_WEBHOOK_SECRET (`Authorization: Bearer …`). Body:
 *   { "bounces": [ { "invitationId": "inv_…" } | { "email": "a@b.c" }, "reason"?: "…" ] }
 * By email, the contact's latest sent invitation is the one marked. Bounced invitations leave the
 * response-rate denominator.
 */
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { ApiError, unauthorized } from "../lib/errors";
import { timingSafeEqual } from "../lib/ids";
import { readBody } from "../lib/validate";
import { line, text } from "../schemas/common";
import { rawBatch } from "../services/rawBatch";

export const BounceSchema = z
  .object({
    bounces: z
      .array(
        z
          .object({
            invitationId: line(60).optional(),
            email: z.email().max(254).optional(),
            reason: text(500).optional(),
          })
          .strict()
          .refine((b) => b.invitationId !== undefined || b.email !== undefined, "needs invitationId or email"),
      )
      .min(1)
      .max(500),
  })
  .strict();

export const emailRoute = new Hono<AppEnv>().post("/bounces", async (c) => {
  const secret = c.env.EMAIL_WEBHOOK_SECRET;
  if (!secret) throw new ApiError(404, "not_found", "Bounce reporting is not configured");
  const m = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
  if (!m || !timingSafeEqual(m[1]!, secret)) throw unauthorized("Wrong or missing bounce secret");
  const body = await readBody(c, BounceSchema, 256 * 1024);
  const now = Date.now();
  const results = await rawBatch(
    c.var.db,
    body.bounces.map((b) =>
      b.invitationId
        ? sql`UPDATE invitations SET status = 'bounced', bounced_at = ${now}, last_error = ${b.reason ?? "bounced"} WHERE id = ${b.invitationId}`
        : sql`UPDATE invitations SET status = 'bounced', bounced_at = ${now}, last_error = ${b.reason ?? "bounced"}
              WHERE id = (SELECT i.id FROM invitations i JOIN contacts c ON c.id = i.contact_id
                          WHERE c.email = ${b.email!.toLowerCase()} AND i.status = 'sent' ORDER BY i.sent_at DESC LIMIT 1)`,
    ),
  );
  const recorded = results.filter((r) => (r.meta.changes ?? 0) > 0).length;
  return c.json({ recorded, unknown: body.bounces.length - recorded });
});
