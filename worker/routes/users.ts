/**
 * People who use the admin page (admins manage them):
 *   GET   /api/v1/users                      admins: everything; others: id, name and role of active
 *                                            users (to pick a manager filter or an owner), no e-mail
 *   POST  /api/v1/users                      → {user, password?} (a one-time password if none given)
 *   PATCH /api/v1/users/:id                  role, name, locale, disabled, Slack alert URL
 *   POST  /api/v1/users/:id/password-reset   → {password}: one-time, every session of the user ends
 * The last enabled admin can be neither demoted nor disabled (nobody could undo it).
 */
import { and, asc, eq, isNull, ne, sql } from "drizzle-orm";
import { Hono } from "hono";
import { users } from "../db/schema";
import type { AppEnv, Db } from "../env";
import { ApiError } from "../lib/errors";
import { newId } from "../lib/ids";
import { urlOrigin } from "../lib/publicUrl";
import { readBody } from "../lib/validate";
import { requireAuth } from "../middleware/auth";
import { audit } from "../auth/audit";
import { hashPassword, oneTimePassword } from "../auth/password";
import { endAllSessions } from "../auth/sessions";
import { findUser, userView } from "../auth/users";
import { syncPersonalAlertHook } from "../jobs/webhooks";
import { CreateUserSchema, PatchUserSchema } from "../schemas/auth";

async function otherEnabledAdmins(db: Db, exceptId: string): Promise<number> {
  const row = await db
    .select({ n: sql<number>`count(*)` })
    .from(users)
    .where(and(eq(users.role, "admin"), isNull(users.disabledAt), ne(users.id, exceptId)))
    .get();
  return Number(row?.n ?? 0);
}

export const usersRoute = new Hono<AppEnv>()
  .get("/", requireAuth(), async (c) => {
    if (c.var.principal.role === "admin") {
      const rows = await c.var.db.select().from(users).orderBy(asc(users.email)).all();
      return c.json({ data: rows.map(userView) });
    }
    const rows = await c.var.db
      .select({ id: users.id, name: users.name, role: users.role })
      .from(users)
      .where(isNull(users.disabledAt))
      .orderBy(asc(users.name), asc(users.id))
      .all();
    return c.json({ data: rows });
  })

  .post("/", requireAuth("admin"), async (c) => {
    const body = await readBody(c, CreateUserSchema, 8192);
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
    await audit(c.var.db, c.var.principal, "user.create", row.id, { email: row.email, role: row.role, slackWebhookUrl: urlOrigin(row.slackWebhookUrl) });
    return c.json({ user: userView(row), ...(body.password ? {} : { password }) }, 201);
  })

  .patch("/:id", requireAuth("admin"), async (c) => {
    const user = await findUser(c.var.db, c.req.param("id"));
    const body = await readBody(c, PatchUserSchema, 8192);
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
      Object.entries({ role: body.role, disabled, slackWebhookUrl: body.slackWebhookUrl === undefined ? undefined : urlOrigin(body.slackWebhookUrl) })
        .filter(([, v]) => v !== undefined),
    );
    if (Object.keys(changes).length) await audit(c.var.db, c.var.principal, "user.update", user.id, changes);
    if (body.slackWebhookUrl !== undefined || disabled !== undefined) await syncPersonalAlertHook(c.var.db, row!);
    return c.json({ user: userView(row!) });
  })

  .post("/:id/password-reset", requireAuth("admin"), async (c) => {
    const user = await findUser(c.var.db, c.req.param("id"));
    const password = oneTimePassword();
    await c.var.db
      .update(users)
      .set({ passwordHash: await hashPassword(password), updatedAt: new Date() })
      .where(eq(users.id, user.id));
    await endAllSessions(c.var.db, user.id);
    await audit(c.var.db, c.var.principal, "user.password_reset", user.id);
    return c.json({ password });
  });
