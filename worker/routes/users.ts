/**
 * People who use the admin page (admins manage them):
 * the list (admins: everything; others: id, name and role of active users, to pick a manager
 * filter or an owner, no e-mail), creation (a one-time password if none is given), changes, and
 * password resets (one-time password; every session of the user ends).
 * The last enabled admin can be neither demoted nor disabled (nobody could undo it).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, isNull, ne, sql } from "drizzle-orm";
import { users } from "../db/schema";
import type { Db } from "../env";
import { ApiError } from "../lib/errors";
import { newId } from "../lib/ids";
import { body, error, errors, json, jsonBody, KEY_OR_SESSION, params, router } from "../lib/openapi";
import { urlOrigin } from "../lib/publicUrl";
import { requireAuth } from "../middleware/auth";
import { audit } from "../auth/audit";
import { hashPassword, oneTimePassword } from "../auth/password";
import { endAllSessions } from "../auth/sessions";
import { findUser, userView } from "../auth/users";
import { closeInvitationsFor } from "../auth/invitations";
import { syncPersonalAlertHook } from "../jobs/webhooks";
import { CreateUserSchema, PatchUserSchema, UserListSchema, UserSchema } from "../schemas/auth";

async function otherEnabledAdmins(db: Db, exceptId: string): Promise<number> {
  const row = await db
    .select({ n: sql<number>`count(*)` })
    .from(users)
    .where(and(eq(users.role, "admin"), isNull(users.disabledAt), ne(users.id, exceptId)))
    .get();
  return Number(row?.n ?? 0);
}

const tags = ["users"];
const UserParams = params("userId");
const UserBody = z.object({ user: UserSchema });

const list = createRoute({
  method: "get",
  path: "/",
  summary: "List users (admins: all fields; others: id, name and role of active users, no e-mail)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth()] as const,
  responses: { 200: json(UserListSchema, "The users"), ...errors(401) },
});

const create = createRoute({
  method: "post",
  path: "/",
  summary: "Create a user (admins); without a password, a one-time password is returned",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin"), jsonBody(8192)] as const,
  request: { body: body(CreateUserSchema) },
  responses: {
    201: json(UserBody.extend({ password: z.string().optional().openapi({ description: "One-time, when none was given" }) }), "The user"),
    ...errors(400, 401, 403),
    409: error("`email_taken`"),
    413: error("Body over 8 KiB"),
  },
});

const patch = createRoute({
  method: "patch",
  path: "/{userId}",
  summary: "Change role, name, locale, disabled, Slack alert URL (admins)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin"), jsonBody(8192)] as const,
  request: { params: UserParams, body: body(PatchUserSchema) },
  responses: {
    200: json(UserBody, "The user"),
    ...errors(400, 401, 403, 404),
    409: error("`last_admin`: the last enabled admin can be neither demoted nor disabled"),
    413: error("Body over 8 KiB"),
  },
});

const passwordReset = createRoute({
  method: "post",
  path: "/{userId}/password-reset",
  summary: "Reset a password (admins): one-time password, the user's sessions end",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin")] as const,
  request: { params: UserParams },
  responses: { 200: json(z.object({ password: z.string() }), "The one-time password"), ...errors(401, 403, 404) },
});

export const usersRoute = router()
  .openapi(list, async (c) => {
    if (c.var.principal.role === "admin") {
      const rows = await c.var.db.select().from(users).orderBy(asc(users.email)).all();
      return c.json({ data: rows.map(userView) }, 200);
    }
    const rows = await c.var.db
      .select({ id: users.id, name: users.name, role: users.role })
      .from(users)
      .where(isNull(users.disabledAt))
      .orderBy(asc(users.name), asc(users.id))
      .all();
    return c.json({ data: rows }, 200);
  })

  .openapi(create, async (c) => {
    const body = c.req.valid("json");
    const taken = await c.var.db.select({ id: users.id }).from(users).where(eq(users.email, body.email)).get();
    if (taken) throw new ApiError(409, "email_taken", "A user with this e-mail exists", "email");
    const password = body.password ?? oneTimePassword();
    const row = await c.var.db
      .insert(users)
      .values({
        id: newId("usr"),
        email: body.email,
        name: body.name ?? "",
        role: body.role,
        locale: body.locale ?? "en",
        slackWebhookUrl: body.slackWebhookUrl ?? null,
        passwordHash: await hashPassword(password),
      })
      .returning()
      .get();
    if (row.slackWebhookUrl) await syncPersonalAlertHook(c.var.db, row);
    await closeInvitationsFor(c.var.db, row.email);
    await audit(c.var.db, c.var.principal, "user.create", row.id, {
      email: row.email,
      role: row.role,
      slackWebhookUrl: urlOrigin(row.slackWebhookUrl),
    });
    return c.json({ user: userView(row), ...(body.password ? {} : { password }) }, 201);
  })

  .openapi(patch, async (c) => {
    const user = await findUser(c.var.db, c.req.valid("param").userId);
    const body = c.req.valid("json");
    const losesAdmin = user.role === "admin" && ((body.role && body.role !== "admin") || body.disabled === true);
    if (losesAdmin && !user.disabledAt && (await otherEnabledAdmins(c.var.db, user.id)) === 0) {
      throw new ApiError(409, "last_admin", "This is the last enabled admin", body.role ? "role" : "disabled");
    }
    const { disabled, ...rest } = body;
    const disabledAt = disabled === undefined ? {} : { disabledAt: disabled ? (user.disabledAt ?? new Date()) : null };
    const row = await c.var.db
      .update(users)
      .set({ ...rest, ...disabledAt, updatedAt: new Date() })
      .where(eq(users.id, user.id))
      .returning()
      .get();
    if (disabled) await endAllSessions(c.var.db, user.id);
    const changes = Object.fromEntries(
      Object.entries({
        role: body.role,
        disabled,
        slackWebhookUrl: body.slackWebhookUrl === undefined ? undefined : urlOrigin(body.slackWebhookUrl),
      }).filter(([, v]) => v !== undefined),
    );
    if (Object.keys(changes).length) await audit(c.var.db, c.var.principal, "user.update", user.id, changes);
    if (body.slackWebhookUrl !== undefined || disabled !== undefined) await syncPersonalAlertHook(c.var.db, row!);
    return c.json({ user: userView(row!) }, 200);
  })

  .openapi(passwordReset, async (c) => {
    const user = await findUser(c.var.db, c.req.valid("param").userId);
    const password = oneTimePassword();
    await c.var.db
      .update(users)
      .set({ passwordHash: await hashPassword(password), updatedAt: new Date() })
      .where(eq(users.id, user.id));
    await endAllSessions(c.var.db, user.id);
    await audit(c.var.db, c.var.principal, "user.password_reset", user.id);
    return c.json({ password }, 200);
  });
