/**
 * What people do for themselves without being signed in: open and accept an invitation (which
 * signs them in), ask for a password reset link, and set a new password through it. Public
 * routes: the link's token is the credential. Failed token uses count against the caller's IP
 * (the login's limit), though 160-bit tokens cannot be guessed anyway.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";
import { body, error, errors, json, jsonBody, PUBLIC, router } from "../lib/openapi";
import { jsonOnly } from "../middleware/jsonOnly";
import { acceptInvitation, invitationByToken } from "../auth/invitations";
import { confirmReset, requestReset, resetAvailable, resetUnavailable } from "../auth/passwordResets";
import { LOGIN_PER_IP, release, reserve } from "../auth/rateLimit";
import { startSession } from "../auth/sessions";
import { userView } from "../auth/users";
import { emailConfigured } from "../lib/emailApi";
import { SignedInSchema } from "../schemas/auth";
import {
  AcceptInvitationSchema,
  AuthOptionsSchema,
  InvitationPreviewSchema,
  ResetConfirmSchema,
  ResetRequestSchema,
  TokenSchema,
} from "../schemas/invitations";

const tags = ["auth"];
// Cloudflare sets CF-Connecting-IP at its edge; locally it is absent and all share "local".
const ipOf = (c: Context<AppEnv>) => c.req.header("cf-connecting-ip") ?? "local";

const tokenErrors = {
  404: error("`invalid_token`: unknown, already used, replaced or revoked"),
  410: error("`token_expired`"),
  429: error("`rate_limited`: too many failed links from this address"),
};

/** Runs a token use under the IP's failure budget: a failure keeps its reservation, a success hands it back. */
async function withTokenBudget<T>(c: Context<AppEnv>, use: () => Promise<T>): Promise<T> {
  const key = `token:ip:${ipOf(c)}`;
  const slot = await reserve(c.var.db, [{ key, max: LOGIN_PER_IP.max }], LOGIN_PER_IP.windowMs, Date.now());
  if (slot === null) {
    c.header("Retry-After", String(LOGIN_PER_IP.windowMs / 1000));
    throw new ApiError(429, "rate_limited", "Too many invalid links; try again in 15 minutes");
  }
  const result = await use();
  await release(c.var.db, key, slot);
  return result;
}

const options = createRoute({
  method: "get",
  path: "/options",
  summary: "What the sign-in page may offer: password reset by e-mail, e-mailed invitations",
  tags,
  security: PUBLIC,
  responses: { 200: json(AuthOptionsSchema, "The options") },
});

const preview = createRoute({
  method: "post",
  path: "/invitation",
  summary: "The invitation a link opens (e-mail, role, expiry), before accepting it",
  tags,
  security: PUBLIC,
  middleware: [jsonBody(1024)] as const,
  request: { body: body(TokenSchema) },
  responses: { 200: json(InvitationPreviewSchema, "The invitation"), ...errors(400), ...tokenErrors, 413: error("Body over 1 KiB") },
});

const accept = createRoute({
  method: "post",
  path: "/invitation/accept",
  summary: "Accept an invitation: choose a name and password, become a user with the invited role, signed in (JSON body only)",
  tags,
  security: PUBLIC,
  middleware: [jsonOnly, jsonBody(4096)] as const,
  request: { body: body(AcceptInvitationSchema) },
  responses: {
    201: json(SignedInSchema, "Signed in"),
    ...errors(400),
    ...tokenErrors,
    409: error("`email_taken`: a user with this e-mail appeared meanwhile"),
    413: error("Body over 4 KiB"),
    415: error("`unsupported_media_type`: not application/json"),
  },
});

const requestRoute = createRoute({
  method: "post",
  path: "/password-reset",
  summary: "Ask for a password reset link by e-mail: the same answer whether or not the address has an account",
  tags,
  security: PUBLIC,
  middleware: [jsonBody(1024)] as const,
  request: { body: body(ResetRequestSchema) },
  responses: {
    202: json(z.object({ ok: z.literal(true) }), "If the address belongs to an active user, a link is on its way"),
    ...errors(400),
    409: error("`reset_unavailable`: no e-mail API (or no PUBLIC_URL) is configured; an admin resets passwords"),
    413: error("Body over 1 KiB"),
    429: error("`rate_limited`: 3 requests per e-mail, 20 per IP, an hour"),
  },
});

const confirm = createRoute({
  method: "post",
  path: "/password-reset/confirm",
  summary: "Set a new password through a reset link: every session of the user ends; sign in afterwards",
  tags,
  security: PUBLIC,
  middleware: [jsonBody(4096)] as const,
  request: { body: body(ResetConfirmSchema) },
  responses: {
    200: json(z.object({ email: z.string() }), "Changed: sign in with the new password"),
    ...errors(400),
    ...tokenErrors,
    403: error("`account_disabled`"),
    409: error("`reset_unavailable`"),
    413: error("Body over 4 KiB"),
  },
});

export const selfServiceRoute = router()
  .openapi(options, (c) => c.json({ passwordReset: resetAvailable(c.env), email: emailConfigured(c.env) }, 200))

  .openapi(preview, async (c) => {
    const inv = await withTokenBudget(c, () => invitationByToken(c.var.db, c.req.valid("json").token));
    return c.json({ email: inv.email, role: inv.role, locale: inv.locale, expiresAt: inv.expiresAt.toISOString() }, 200);
  })

  .openapi(accept, async (c) => {
    const { token, name, password } = c.req.valid("json");
    const user = await withTokenBudget(c, () => acceptInvitation(c.var.db, token, { name, password }));
    const { csrfToken } = await startSession(c, user.id);
    return c.json({ user: userView(user), csrfToken }, 201);
  })

  .openapi(requestRoute, async (c) => {
    const send = await requestReset(c.var.db, c.env, c.req.valid("json"), ipOf(c));
    // After the answer: the time the e-mail API takes must not tell a known address from an unknown one.
    if (send) c.executionCtx.waitUntil(send());
    return c.json({ ok: true as const }, 202);
  })

  .openapi(confirm, async (c) => {
    if (!resetAvailable(c.env)) throw resetUnavailable();
    const { token, password } = c.req.valid("json");
    return c.json(await withTokenBudget(c, () => confirmReset(c.var.db, token, password)), 200);
  });
