/** Users (admins manage them): creation, roles, disabling, password reset, last-admin guard. */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, sessions, webhooks } from "../../worker/db/schema";
import { createUser, db, login, sessionAs, signIn, uniqueEmail } from "../auth-helpers";
import { ADMIN, api } from "../helpers";

describe("/api/v1/users", () => {
  it("creates a user with a one-time password who can then sign in", async () => {
    const admin = await sessionAs("admin");
    const email = uniqueEmail("new");
    const r = await api("/api/v1/users", { headers: admin.write, body: { email, role: "manager", name: "Nina" } });
    expect(r.status).toBe(201);
    expect(r.body.user).toMatchObject({ email, role: "manager", name: "Nina", disabled: false });
    expect(r.body.password).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    expect((await login(email, r.body.password)).status).toBe(200);

    const dup = await api("/api/v1/users", { headers: admin.write, body: { email: email.toUpperCase(), role: "viewer" } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("email_taken");

    const own = await api("/api/v1/users", { headers: ADMIN, body: { email: uniqueEmail(), role: "viewer", password: "chosen password" } });
    expect(own.status).toBe(201);
    expect(own.body.password).toBeUndefined();
  });

  it("validates: role, e-mail, short password, unknown fields", async () => {
    for (const body of [
      { email: uniqueEmail(), role: "root" },
      { email: "not-an-email", role: "viewer" },
      { email: uniqueEmail(), role: "viewer", password: "short" },
      { email: uniqueEmail(), role: "viewer", isAdmin: true },
      { email: uniqueEmail(), role: "viewer", slackWebhookUrl: "http://insecure.example.com/x" },
    ]) {
      const r = await api("/api/v1/users", { headers: ADMIN, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
  });

  it("changing a role takes effect at the next request; disabling ends every session at once", async () => {
    const u = await createUser("viewer");
    const s = await signIn(u);
    expect((await api("/api/v1/users", { headers: s.write, body: { email: uniqueEmail(), role: "viewer" } })).status).toBe(403);
    const promote = await api(`/api/v1/users/${u.id}`, { method: "PATCH", headers: ADMIN, body: { role: "admin" } });
    expect(promote.status).toBe(200);
    expect((await api("/api/v1/users", { headers: s.write, body: { email: uniqueEmail(), role: "viewer" } })).status).toBe(201);

    const off = await api(`/api/v1/users/${u.id}`, { method: "PATCH", headers: ADMIN, body: { disabled: true } });
    expect(off.body.user.disabled).toBe(true);
    expect(await db.select().from(sessions).where(eq(sessions.userId, u.id)).all()).toEqual([]);
    expect((await api("/api/v1/auth/me", { headers: s.read })).status).toBe(401);
    expect((await login(u.email, u.password)).status).toBe(403);

    await api(`/api/v1/users/${u.id}`, { method: "PATCH", headers: ADMIN, body: { disabled: false } });
    expect((await login(u.email, u.password)).status).toBe(200);
  });

  it("password reset gives a one-time password and kills the user's sessions", async () => {
    const u = await createUser("manager");
    const s = await signIn(u);
    const r = await api(`/api/v1/users/${u.id}/password-reset`, { method: "POST", headers: ADMIN });
    expect(r.status).toBe(200);
    expect(typeof r.body.password).toBe("string");
    expect((await api("/api/v1/auth/me", { headers: s.read })).status).toBe(401);
    expect((await login(u.email, u.password)).status).toBe(401);
    expect((await login(u.email, r.body.password)).status).toBe(200);
    // The audit trail says who did it, without the password.
    const trail = await db.select().from(auditLog).where(eq(auditLog.target, u.id)).all();
    expect(trail).toEqual([expect.objectContaining({ actor: "bootstrap", action: "user.password_reset" })]);
    expect(JSON.stringify(trail)).not.toContain(r.body.password);
  });

  it("the last enabled admin can be neither demoted nor disabled", async () => {
    // Every admin this file made so far is demoted first, leaving one.
    const list = await api("/api/v1/users", { headers: ADMIN });
    const admins = list.body.data.filter((u: { role: string; disabled: boolean }) => u.role === "admin" && !u.disabled);
    const last = await createUser("admin");
    for (const a of admins) await api(`/api/v1/users/${a.id}`, { method: "PATCH", headers: ADMIN, body: { role: "viewer" } });
    const demote = await api(`/api/v1/users/${last.id}`, { method: "PATCH", headers: ADMIN, body: { role: "viewer" } });
    expect(demote.status).toBe(409);
    expect(demote.body.error.code).toBe("last_admin");
    const disable = await api(`/api/v1/users/${last.id}`, { method: "PATCH", headers: ADMIN, body: { disabled: true } });
    expect(disable.status).toBe(409);
  });

  it("a manager's Slack URL becomes their personal alert hook, off when disabled, gone when cleared", async () => {
    const u = await createUser("manager");
    const url = "https://hooks.slack.com/services/T000/B000/XXXX";
    const r = await api(`/api/v1/users/${u.id}`, { method: "PATCH", headers: ADMIN, body: { slackWebhookUrl: url } });
    expect(r.status).toBe(200);
    const hook = await db.select().from(webhooks).where(eq(webhooks.userId, u.id)).get();
    expect(hook).toMatchObject({ url, format: "slack", events: ["response.detractor"], active: true });
    // Personal hooks are not listed (nor editable) among the workspace's webhooks.
    const listed = await api("/api/v1/webhooks", { headers: ADMIN });
    expect(listed.body.data.some((h: { id: string }) => h.id === hook!.id)).toBe(false);
    expect((await api(`/api/v1/webhooks/${hook!.id}`, { method: "DELETE", headers: ADMIN })).status).toBe(404);

    await api(`/api/v1/users/${u.id}`, { method: "PATCH", headers: ADMIN, body: { disabled: true } });
    expect((await db.select().from(webhooks).where(eq(webhooks.userId, u.id)).get())!.active).toBe(false);
    await api(`/api/v1/users/${u.id}`, { method: "PATCH", headers: ADMIN, body: { disabled: false, slackWebhookUrl: null } });
    expect(await db.select().from(webhooks).where(eq(webhooks.userId, u.id)).get()).toBeUndefined();

    // A manager sets their own through /auth/me.
    const s = await signIn(u);
    const me = await api("/api/v1/auth/me", { method: "PATCH", headers: s.write, body: { slackWebhookUrl: url } });
    expect(me.status).toBe(200);
    expect(await db.select().from(webhooks).where(eq(webhooks.userId, u.id)).get()).toBeDefined();
  });

  it("unknown users are 404", async () => {
    expect((await api("/api/v1/users/usr_nope", { method: "PATCH", headers: ADMIN, body: { name: "x" } })).status).toBe(404);
    expect((await api(`/api/v1/users/${"x".repeat(300)}/password-reset`, { method: "POST", headers: ADMIN })).status).toBe(404);
  });
});
