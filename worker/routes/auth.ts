/**
 * Signing in to the admin page: login sets the HttpOnly `bm_session` cookie and returns the CSRF
 * token; logout, who am I, one's own settings and password; and the bootstrap key's one-time
 * creation of the first admin.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq, sql } from "drizzle-orm";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { sessions, users } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError, forbidden } from "../lib/errors";
import { newId, timingSafeEqual } from "../lib/ids";
import { body, empty, error, errors, json, jsonBody, KEY_OR_SESSION, PUBLIC, router } from "../lib/openapi";
import { urlOrigin } from "../lib/publicUrl";
import { requireAuth } from "../middleware/auth";
import { jsonOnly } from "../middleware/jsonOnly";
import { audit } from "../auth/audit";
import { burnVerification, hashPassword, needsRehash, verifyPassword } from "../auth/password";
import { clear, LOGIN_PER_EMAIL, LOGIN_PER_IP, release, reserve } from "../auth/rateLimit";
import { CSRF_HEADER, clearSessionCookie, endAllSessions, sessionIdOf, startSession } from "../auth/sessions";
import { findUser, userView } from "../auth/users";
import { syncPersonalAlertHook } from "../jobs/webhooks";
import { BootstrapSchema, ChangePasswordSchema, LoginSchema, MeSchema, PatchMeSchema, SignedInSchema, UserSchema } from "../schemas/auth";
import { assertSurveyExists } from "../services/settings";

const invalidCredentials = () => new ApiError(401, "invalid_credentials", "Wrong e-mail or password");
const rateLimited = (c: Context) => {
  c.header("Retry-After", String(LOGIN_PER_EMAIL.windowMs / 1000));
  return new ApiError(429, "rate_limited", "Too many failed attempts; try again in 15 minutes");
};

/** The signed-in person behind a request (session or user-bound key); 403 for the bare bootstrap key. */
function actingUserId(c: { var: { principal: { userId: string | null } } }): string {
  const id = c.var.principal.userId;
  if (!id) throw forbidden("This key does not belong to a user");
  return id;
}

/** Checks on the caller that come before the body is read (so a 403 is a 403 whatever the body). */
const aUser = createMiddleware<AppEnv>(async (c, next) => {
  actingUserId(c);
  await next();
});
const aSession = createMiddleware<AppEnv>(async (c, next) => {
  actingUserId(c);
  if (c.var.principal.kind !== "session") throw forbidden("Change your password from a signed-in session");
  await next();
});
const theBootstrapKey = createMiddleware<AppEnv>(async (c, next) => {
  if (c.var.principal.kind !== "bootstrap") throw forbidden("Only the bootstrap key (ADMIN_API_KEY) can do this");
  await next();
});

const tags = ["auth"];
const csrf = error("`csrf_failed`: session calls must send X-CSRF-Token");
const UserBody = z.object({ user: UserSchema });

const login = createRoute({
  method: "post",
  path: "/login",
  summary: "Sign in: sets the HttpOnly `bm_session` cookie, returns the CSRF token (JSON body only)",
  tags,
  security: PUBLIC,
  middleware: [jsonOnly, jsonBody(4096)] as const,
  request: { body: body(LoginSchema) },
  responses: {
    200: json(SignedInSchema, "Signed in"),
    ...errors(400),
    401: error("`invalid_credentials`"),
    403: error("`account_disabled`"),
    413: error("Body over 4 KiB"),
    415: error("`unsupported_media_type`: not application/json"),
    429: error("`rate_limited` (5 failures per e-mail, 30 per IP, in 15 minutes)"),
  },
});

const logout = createRoute({
  method: "post",
  path: "/logout",
  summary: "Sign out (ends the session; needs X-CSRF-Token while it lives)",
  tags,
  security: PUBLIC,
  responses: { 204: empty("Signed out (also when there was no session)"), 403: csrf },
});

const me = createRoute({
  method: "get",
  path: "/me",
  summary: "Who is calling",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth()] as const,
  responses: { 200: json(MeSchema, "The caller"), ...errors(401) },
});

const patchMe = createRoute({
  method: "patch",
  path: "/me",
  summary: "Change one's own name, locale, Slack alert URL, digest opt-out, last survey",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth(), aUser, jsonBody()] as const,
  request: { body: body(PatchMeSchema) },
  responses: {
    200: json(UserBody, "The user"),
    ...errors(400, 401),
    403: error("A key without a user, or `csrf_failed`"),
    413: error("Body too large"),
  },
});

const password = createRoute({
  method: "post",
  path: "/password",
  summary: "Change one's own password from a session (ends every other session; a fresh cookie is set)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth(), aSession, jsonBody(4096)] as const,
  request: { body: body(ChangePasswordSchema) },
  responses: {
    200: json(SignedInSchema, "Changed; the new session's CSRF token"),
    ...errors(400),
    401: error("Not signed in, or `invalid_credentials`"),
    403: error("Not a session, or `csrf_failed`"),
    413: error("Body over 4 KiB"),
    429: error("`rate_limited`"),
  },
});

const bootstrap = createRoute({
  method: "post",
  path: "/bootstrap",
  summary: "Create the first admin (bootstrap key ADMIN_API_KEY only, while no admin exists)",
  tags,
  security: [{ bearer: [] }],
  middleware: [requireAuth("admin"), theBootstrapKey, jsonBody(4096)] as const,
  request: { body: body(BootstrapSchema) },
  responses: {
    201: json(UserBody, "The admin"),
    ...errors(400, 401),
    403: error("Not the bootstrap key"),
    409: error("`already_bootstrapped`"),
    413: error("Body over 4 KiB"),
  },
});

export const authRoute = router()
  .openapi(login, async (c) => {
    const body = c.req.valid("json");
    const db = c.var.db;
    const now = Date.now();
    // Cloudflare sets CF-Connecting-IP at its edge; locally it is absent and all share "local".
    const ip = c.req.header("cf-connecting-ip") ?? "local";
    const emailKey = `login:email:${body.email}`;
    const ipKey = `login:ip:${ip}`;
    // Every attempt counts as a failure until its password is found right: reserved first, in one
    // statement, so 60 parallel guesses cannot all be checked while the count still reads 4.
    const slot = await reserve(
      db,
      [
        { key: emailKey, max: LOGIN_PER_EMAIL.max },
        { key: ipKey, max: LOGIN_PER_IP.max },
      ],
      LOGIN_PER_EMAIL.windowMs,
      now,
    );
    if (slot === null) throw rateLimited(c);

    const user = await db.select().from(users).where(eq(users.email, body.email)).get();
    // Unknown e-mail: spend the same PBKDF2 time, give the same answer (no account enumeration).
    const ok = user ? await verifyPassword(body.password, user.passwordHash) : (await burnVerification(body.password), false);
    if (!user || !ok) throw invalidCredentials(); // the reservation stays: it is the failure

    // The right password: the e-mail's failures are forgotten and the IP gets its attempt back.
    await clear(db, emailKey);
    await release(db, ipKey, slot);
    // Only someone who knows the password learns that the account is disabled.
    if (user.disabledAt) throw new ApiError(403, "account_disabled", "This account is disabled");

    if (needsRehash(user.passwordHash!)) {
      await db
        .update(users)
        .set({ passwordHash: await hashPassword(body.password) })
        .where(eq(users.id, user.id));
    }
    const { csrfToken } = await startSession(c, user.id, now);
    return c.json({ user: userView(user), csrfToken }, 200);
  })

  .openapi(logout, async (c) => {
    const id = await sessionIdOf(c);
    const row = id ? await c.var.db.select({ csrfToken: sessions.csrfToken }).from(sessions).where(eq(sessions.id, id)).get() : undefined;
    if (row) {
      // A forged cross-site logout is a nuisance, not a breach, but the contract is uniform: check it.
      const sent = c.req.header(CSRF_HEADER);
      if (!sent || !timingSafeEqual(sent, row.csrfToken)) {
        throw new ApiError(403, "csrf_failed", "Missing or wrong X-CSRF-Token header");
      }
      await c.var.db.delete(sessions).where(eq(sessions.id, id!));
    }
    clearSessionCookie(c);
    return c.body(null, 204);
  })

  .openapi(me, async (c) => {
    const p = c.var.principal;
    const user = p.userId ? userView(await findUser(c.var.db, p.userId)) : null;
    return c.json({ user, csrfToken: p.csrfToken ?? null, role: p.role, kind: p.kind }, 200);
  })

  .openapi(patchMe, async (c) => {
    const userId = actingUserId(c);
    const body = c.req.valid("json");
    if (body.lastSurveyId) await assertSurveyExists(c.var.db, body.lastSurveyId, "lastSurveyId");
    const row = await c.var.db
      .update(users)
      .set({ ...body, updatedAt: new Date() })
      .where(eq(users.id, userId))
      .returning()
      .get();
    if (!row) throw forbidden();
    if (body.slackWebhookUrl !== undefined) {
      await syncPersonalAlertHook(c.var.db, row);
      // Where one's alerts go is a delivery URL like a webhook's: recorded (its origin only: the
      // path of a Slack URL is its secret).
      await audit(c.var.db, c.var.principal, "user.update", userId, { slackWebhookUrl: urlOrigin(body.slackWebhookUrl) });
    }
    return c.json({ user: userView(row) }, 200);
  })

  .openapi(password, async (c) => {
    const userId = actingUserId(c);
    const body = c.req.valid("json");
    const user = await findUser(c.var.db, userId);
    // A stolen session must not become a password oracle: failures count toward the login limit.
    const now = Date.now();
    const emailKey = `login:email:${user.email}`;
    const slot = await reserve(c.var.db, [{ key: emailKey, max: LOGIN_PER_EMAIL.max }], LOGIN_PER_EMAIL.windowMs, now);
    if (slot === null) throw rateLimited(c);
    if (!(await verifyPassword(body.currentPassword, user.passwordHash))) throw invalidCredentials();
    await release(c.var.db, emailKey, slot);
    await c.var.db
      .update(users)
      .set({ passwordHash: await hashPassword(body.newPassword), updatedAt: new Date() })
      .where(eq(users.id, userId));
    // Every session, this one included, dies; the caller gets a fresh one.
    await endAllSessions(c.var.db, userId);
    const { csrfToken } = await startSession(c, userId);
    return c.json({ user: userView(user), csrfToken }, 200);
  })

  .openapi(bootstrap, async (c) => {
    const body = c.req.valid("json");
    const passwordHash = await hashPassword(body.password);
    const id = newId("usr");
    // One statement, so two racing bootstraps cannot both create an admin.
    const res = await c.var.db.run(sql`
      INSERT INTO users (id, email, name, role, password_hash, locale)
      SELECT ${id}, ${body.email}, ${body.name ?? ""}, 'admin', ${passwordHash}, ${body.locale ?? "en"}
      WHERE NOT EXISTS (SELECT 1 FROM users WHERE role = 'admin')
        AND NOT EXISTS (SELECT 1 FROM users WHERE email = ${body.email})`);
    if (!res.meta.changes) {
      throw new ApiError(409, "already_bootstrapped", "An admin (or this e-mail) already exists; sign in instead");
    }
    const user = await c.var.db
      .select()
      .from(users)
      .where(and(eq(users.id, id)))
      .get();
    await audit(c.var.db, c.var.principal, "user.bootstrap", id, { email: body.email });
    return c.json({ user: userView(user!) }, 201);
  });
