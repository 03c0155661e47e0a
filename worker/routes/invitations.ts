/**
 * Inviting people by e-mail (admins): list the open invitations, invite, re-send (a new link; the
 * old one dies), revoke. The link is returned only when it was not e-mailed, for the admin to
 * pass on (shown once: only its hash is kept).
 */
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { body, empty, error, errors, json, jsonBody, KEY_OR_SESSION, params, router } from "../lib/openapi";
import { requireAuth } from "../middleware/auth";
import { createInvitation, listInvitations, resendInvitation, revokeInvitation } from "../auth/invitations";
import { CreateInvitationSchema, InvitationListSchema, InvitationSentSchema } from "../schemas/invitations";

const tags = ["users"];
const InvitationParams = params("invitationId");

/** Where links point: the configured public origin, else the origin the admin is using. */
const linkBase = (c: Context<AppEnv>) => c.env.PUBLIC_URL || new URL(c.req.url).origin;

const list = createRoute({
  method: "get",
  path: "/",
  summary: "Open invitations (pending or expired), newest first (admins)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin")] as const,
  responses: { 200: json(InvitationListSchema, "The invitations"), ...errors(401, 403) },
});

const create = createRoute({
  method: "post",
  path: "/",
  summary: "Invite someone by e-mail with a role (admins); the link is e-mailed, or returned once when e-mail is not configured",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin"), jsonBody(4096)] as const,
  request: { body: body(CreateInvitationSchema) },
  responses: {
    201: json(InvitationSentSchema, "Invited"),
    ...errors(400, 401, 403),
    409: error("`email_taken` (a user has this e-mail) or `invitation_pending` (re-send it instead)"),
    413: error("Body over 4 KiB"),
  },
});

const resend = createRoute({
  method: "post",
  path: "/{invitationId}/resend",
  summary: "Send a new link (7 more days); the previous link stops working (admins)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin")] as const,
  request: { params: InvitationParams },
  responses: {
    200: json(InvitationSentSchema, "Re-sent"),
    ...errors(401, 403, 404),
    409: error("`invitation_closed` (accepted or revoked) or `email_taken`"),
  },
});

const revoke = createRoute({
  method: "delete",
  path: "/{invitationId}",
  summary: "Revoke an invitation: its link stops working (admins)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin")] as const,
  request: { params: InvitationParams },
  responses: { 204: empty("Revoked (also when it already was)"), ...errors(401, 403, 404), 409: error("`invitation_closed`: already accepted") },
});

export const invitationsRoute = router()
  .openapi(list, async (c) => c.json({ data: await listInvitations(c.var.db) }, 200))
  .openapi(create, async (c) => c.json(await createInvitation(c.var.db, c.env, c.var.principal, c.req.valid("json"), linkBase(c)), 201))
  .openapi(resend, async (c) => c.json(await resendInvitation(c.var.db, c.env, c.var.principal, c.req.valid("param").invitationId, linkBase(c)), 200))
  .openapi(revoke, async (c) => {
    await revokeInvitation(c.var.db, c.var.principal, c.req.valid("param").invitationId);
    return c.body(null, 204);
  });
