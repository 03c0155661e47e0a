/**
 * Bounces from the email provider, authenticated by the shared secret EMAIL_WEBHOOK_SECRET
 * (`Authorization: Bearer …`). By email, the contact's latest sent invitation is the one marked.
 * Bounced invitations leave the response-rate denominator.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError, unauthorized } from "../lib/errors";
import { timingSafeEqual } from "../lib/ids";
import { body, error, errors, json, jsonBody, router } from "../lib/openapi";
import { BounceSchema } from "../schemas/waves";
import { rawBatch } from "../services/rawBatch";

/** The provider's shared secret, checked before the body is read. */
const providerSecret = createMiddleware<AppEnv>(async (c, next) => {
  const secret = c.env.EMAIL_WEBHOOK_SECRET;
  if (!secret) throw new ApiError(404, "not_found", "Bounce reporting is not configured");
  const m = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
  if (!m || !timingSafeEqual(m[1]!, secret)) throw unauthorized("Wrong or missing bounce secret");
  await next();
});

const bounces = createRoute({
  method: "post",
  path: "/bounces",
  summary: "Bounces from the email provider, authenticated by the shared secret EMAIL_WEBHOOK_SECRET (Bearer)",
  tags: ["waves"],
  security: [{ bearer: [] }],
  middleware: [providerSecret, jsonBody(256 * 1024)] as const,
  request: { body: body(BounceSchema) },
  responses: {
    200: json(
      z.object({ recorded: z.number().int(), unknown: z.number().int() }),
      "How many invitations were marked, and how many bounces matched none",
    ),
    ...errors(400),
    401: error("Wrong or missing secret"),
    404: error("No secret configured"),
    413: error("Body over 256 KiB"),
  },
});

export const emailRoute = router().openapi(bounces, async (c) => {
  const input = c.req.valid("json");
  const now = Date.now();
  const results = await rawBatch(
    c.var.db,
    input.bounces.map((b) =>
      b.invitationId
        ? sql`UPDATE invitations SET status = 'bounced', bounced_at = ${now}, last_error = ${b.reason ?? "bounced"} WHERE id = ${b.invitationId}`
        : sql`UPDATE invitations SET status = 'bounced', bounced_at = ${now}, last_error = ${b.reason ?? "bounced"}
              WHERE id = (SELECT i.id FROM invitations i JOIN contacts c ON c.id = i.contact_id
                          WHERE c.email = ${b.email!.toLowerCase()} AND i.status = 'sent' ORDER BY i.sent_at DESC LIMIT 1)`,
    ),
  );
  const recorded = results.filter((r) => (r.meta.changes ?? 0) > 0).length;
  return c.json({ recorded, unknown: input.bounces.length - recorded }, 200);
});
