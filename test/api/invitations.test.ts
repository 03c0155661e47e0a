/**
 * Inviting people by e-mail (issue 9, point 11): admins only; a single-use link whose token D1
 * keeps only as a hash; expiring, revocable, re-sendable (a re-send kills the old link); the
 * invitee chooses a name and password and is signed in with the invited role.
 */
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { auditLog, userInvitations, users } from "../../worker/db/schema";
import { sha256Hex } from "../../worker/lib/ids";
import { createUser, db, login, sessionAs, sessionCookieOf, uniqueEmail, uniqueIp } from "../auth-helpers";
import { ADMIN, api } from "../helpers";
import { mailWorker, PUBLIC, tokenIn } from "../mail-helpers";

afterEach(() => vi.restoreAllMocks());

const PASSWORD = "a long enough password";
const tokenOf = (link: string) => tokenIn(link);
const invite = (headers: Record<string, string>, body: unknown) => api("/api/v1/invitations", { headers, body });
const accept = (token: string, name = "Ines", password = PASSWORD) =>
  api("/api/v1/auth/invitation/accept", { body: { token, name, password }, headers: { "cf-connecting-ip": uniqueIp() } });
const preview = (token: string) => api("/api/v1/auth/invitation", { body: { token }, headers: { "cf-connecting-ip": uniqueIp() } });

describe("inviting a user by e-mail", () => {
  it("without an e-mail API: the link is returned once, D1 keeps only its hash, the invitation is listed as pending", async () => {
    const admin = await sessionAs("admin");
    const email = uniqueEmail("invitee");
    const r = await invite(admin.write, { email, role: "manager" });
    expect(r.status).toBe(201);
    expect(r.body.invitation).toMatchObject({ email, role: "manager", status: "pending", delivery: "link", sendCount: 1, invitedBy: admin.user.id });
    expect(r.body.link).toMatch(/^http:\/\/localhost\/admin\/invitation#token=[0-9a-z]{32}$/);
    const token = tokenOf(r.body.link);
    // Seven days.
    expect(Date.parse(r.body.invitation.expiresAt) - Date.parse(r.body.invitation.createdAt)).toBe(7 * 24 * 3600_000);

    const row = (await db.select().from(userInvitations).where(eq(userInvitations.id, r.body.invitation.id)).get())!;
    expect(row.tokenHash).toBe(await sha256Hex(token));
    expect(JSON.stringify(row)).not.toContain(token);

    const list = await api("/api/v1/invitations", { headers: admin.read });
    expect(list.status).toBe(200);
    const listed = list.body.data.find((i: { id: string }) => i.id === r.body.invitation.id);
    expect(listed).toMatchObject({ email, status: "pending" });
    expect(JSON.stringify(list.body)).not.toContain(token);
  });

  it("the invitee opens the link, sets a name and password, and is signed in with the invited role; the link then is dead", async () => {
    const email = uniqueEmail("mgr");
    const r = await invite(ADMIN, { email, role: "manager" });
    const token = tokenOf(r.body.link);

    const p = await preview(token);
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ email, role: "manager" });

    const a = await accept(token, "Ines Manager");
    expect(a.status).toBe(201);
    expect(a.body.user).toMatchObject({ email, role: "manager", name: "Ines Manager", hasPassword: true });
    const cookie = sessionCookieOf(a.headers);
    expect(cookie).toBeTruthy();
    const me = await api("/api/v1/auth/me", { headers: { cookie: `bm_session=${cookie}` } });
    expect(me.body).toMatchObject({ kind: "session", role: "manager", user: { email } });
    expect((await login(email, PASSWORD)).status).toBe(200);

    // Single use: the same link again, or its preview, is refused; the invitation left the list.
    const again = await accept(token, "Mallory", "another long password");
    expect(again.status).toBe(404);
    expect(again.body.error).toMatchObject({ code: "invalid_token", field: "token" });
    expect((await preview(token)).body.error.code).toBe("invalid_token");
    const list = await api("/api/v1/invitations", { headers: ADMIN });
    expect(list.body.data.some((i: { email: string }) => i.email === email)).toBe(false);
    const accepted = (await db.select().from(userInvitations).where(eq(userInvitations.id, r.body.invitation.id)).get())!;
    expect(accepted.acceptedUserId).toBe(a.body.user.id);
    const audits = await db.select().from(auditLog).where(eq(auditLog.target, a.body.user.id)).all();
    expect(audits.map((x) => x.action)).toContain("user.invitation_accept");
  });

  it("two accepts racing on one link create one user", async () => {
    const email = uniqueEmail("race");
    const token = tokenOf((await invite(ADMIN, { email, role: "viewer" })).body.link);
    const results = await Promise.all([accept(token, "One"), accept(token, "Two"), accept(token, "Three")]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 404, 404]);
    expect(await db.select().from(users).where(eq(users.email, email)).all()).toHaveLength(1);
  });

  it("only admins invite: a manager or a viewer gets 403, nobody signed in 401", async () => {
    for (const role of ["manager", "viewer"] as const) {
      const s = await sessionAs(role);
      const r = await invite(s.write, { email: uniqueEmail(), role: "viewer" });
      expect(r.status, role).toBe(403);
      expect((await api("/api/v1/invitations", { headers: s.read })).status).toBe(403);
    }
    expect((await invite({}, { email: uniqueEmail(), role: "viewer" })).status).toBe(401);
  });

  it("an e-mail that already has a user is 409 email_taken; one with a pending invitation 409 invitation_pending", async () => {
    const existing = await createUser("viewer");
    const taken = await invite(ADMIN, { email: existing.email.toUpperCase(), role: "manager" });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: "email_taken", field: "email" });

    const email = uniqueEmail("twice");
    expect((await invite(ADMIN, { email, role: "viewer" })).status).toBe(201);
    const twice = await invite(ADMIN, { email, role: "admin" });
    expect(twice.status).toBe(409);
    expect(twice.body.error).toMatchObject({ code: "invitation_pending", field: "email" });
  });

  it("validates: unknown role, bad e-mail, unknown locale, extra fields; a short password or a non-JSON accept", async () => {
    for (const body of [
      { email: uniqueEmail(), role: "root" },
      { email: "nope", role: "viewer" },
      { email: uniqueEmail(), role: "viewer", locale: "de" },
      { email: uniqueEmail(), role: "viewer", password: "x" },
    ]) {
      const r = await invite(ADMIN, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe("invalid_field");
    }
    const token = tokenOf((await invite(ADMIN, { email: uniqueEmail(), role: "viewer" })).body.link);
    const short = await accept(token, "Ines", "short");
    expect(short.status).toBe(400);
    expect(short.body.error.field).toBe("password");
    const form = await api("/api/v1/auth/invitation/accept", {
      raw: JSON.stringify({ token, name: "Ines", password: PASSWORD }),
      headers: { "content-type": "text/plain" },
    });
    expect(form.status).toBe(415);
    // Malformed tokens never reach the database.
    expect((await preview("../../etc")).body.error.code).toBe("invalid_token");
  });

  it("re-sending mints a new link: the old one stops working, the new one works, 7 more days", async () => {
    const email = uniqueEmail("resend");
    const first = await invite(ADMIN, { email, role: "viewer" });
    const oldToken = tokenOf(first.body.link);
    const again = await api(`/api/v1/invitations/${first.body.invitation.id}/resend`, { headers: ADMIN, method: "POST" });
    expect(again.status).toBe(200);
    expect(again.body.invitation).toMatchObject({ id: first.body.invitation.id, sendCount: 2, status: "pending" });
    const newToken = tokenOf(again.body.link);
    expect(newToken).not.toBe(oldToken);
    expect((await accept(oldToken)).body.error.code).toBe("invalid_token");
    expect((await accept(newToken)).status).toBe(201);
    // Accepted: nothing more to re-send or revoke.
    const closed = await api(`/api/v1/invitations/${first.body.invitation.id}/resend`, { headers: ADMIN, method: "POST" });
    expect(closed.status).toBe(409);
    expect(closed.body.error.code).toBe("invitation_closed");
    expect((await api(`/api/v1/invitations/${first.body.invitation.id}`, { headers: ADMIN, method: "DELETE" })).status).toBe(409);
  });

  it("revoking kills the link and removes it from the list; revoking twice is fine; unknown ids are 404", async () => {
    const r = await invite(ADMIN, { email: uniqueEmail("revoke"), role: "manager" });
    const token = tokenOf(r.body.link);
    const del = await api(`/api/v1/invitations/${r.body.invitation.id}`, { headers: ADMIN, method: "DELETE" });
    expect(del.status).toBe(204);
    expect((await api(`/api/v1/invitations/${r.body.invitation.id}`, { headers: ADMIN, method: "DELETE" })).status).toBe(204);
    expect((await accept(token)).body.error.code).toBe("invalid_token");
    const list = await api("/api/v1/invitations", { headers: ADMIN });
    expect(list.body.data.some((i: { id: string }) => i.id === r.body.invitation.id)).toBe(false);
    const resend = await api(`/api/v1/invitations/${r.body.invitation.id}/resend`, { headers: ADMIN, method: "POST" });
    expect(resend.body.error.code).toBe("invitation_closed");
    expect((await api("/api/v1/invitations/inv_nope", { headers: ADMIN, method: "DELETE" })).status).toBe(404);
    // After a revocation, the address can be invited again.
    expect((await invite(ADMIN, { email: r.body.invitation.email, role: "viewer" })).status).toBe(201);
  });

  it("an expired link says so (410); the list shows it expired; a re-send revives it; a new invitation supersedes it", async () => {
    const email = uniqueEmail("late");
    const r = await invite(ADMIN, { email, role: "viewer" });
    const token = tokenOf(r.body.link);
    await db
      .update(userInvitations)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(userInvitations.id, r.body.invitation.id));
    const late = await accept(token);
    expect(late.status).toBe(410);
    expect(late.body.error).toMatchObject({ code: "token_expired", field: "token" });
    expect((await preview(token)).status).toBe(410);
    const list = await api("/api/v1/invitations", { headers: ADMIN });
    expect(list.body.data.find((i: { id: string }) => i.id === r.body.invitation.id).status).toBe("expired");
    expect(await db.select().from(users).where(eq(users.email, email)).all()).toHaveLength(0);

    const revived = await api(`/api/v1/invitations/${r.body.invitation.id}/resend`, { headers: ADMIN, method: "POST" });
    expect(revived.body.invitation.status).toBe("pending");
    await db
      .update(userInvitations)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(userInvitations.id, r.body.invitation.id));
    const fresh = await invite(ADMIN, { email, role: "manager" });
    expect(fresh.status).toBe(201);
    const old = (await db.select().from(userInvitations).where(eq(userInvitations.id, r.body.invitation.id)).get())!;
    expect(old.revokedAt).not.toBeNull();
    expect((await accept(tokenOf(fresh.body.link))).body.user.role).toBe("manager");
  });

  it("with an e-mail API: the link is e-mailed in the chosen language (not returned), escaped, with an idempotency key", async () => {
    const admin = await createUser("admin", { name: "Zoé <b>Admin</b>" });
    const mail = mailWorker();
    const s = await mail.call("/api/v1/auth/login", {
      body: { email: admin.email, password: admin.password },
      headers: { "cf-connecting-ip": uniqueIp() },
    });
    const headers = { cookie: `bm_session=${sessionCookieOf(s.headers)}`, "x-csrf-token": s.body.csrfToken };
    const email = uniqueEmail("fr");
    const r = await mail.call("/api/v1/invitations", { headers, body: { email, role: "manager", locale: "fr" } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ link: null, invitation: { delivery: "email", locale: "fr" } });
    expect(mail.sent).toHaveLength(1);
    const m = mail.sent[0]!;
    expect(m.headers.get("idempotency-key")).toBe(`${r.body.invitation.id}-1`);
    expect(m.body).toMatchObject({ from: "nps@corp.example", to: { email }, locale: "fr", subject: "Vous êtes invité·e sur Baromètre" });
    expect(m.body.text).toContain("Zoé <b>Admin</b> vous invite sur Baromètre");
    expect(m.body.text).toContain("chargé·e de compte");
    expect(m.body.html).toContain("Zoé &lt;b&gt;Admin&lt;/b&gt;");
    expect(m.body.html).not.toContain("<b>");
    expect(m.body.links.action).toMatch(new RegExp(`^${PUBLIC}/admin/invitation#token=[0-9a-z]{32}$`));

    // A re-send is a new message (new key), and the first link dies.
    const again = await mail.call(`/api/v1/invitations/${r.body.invitation.id}/resend`, { headers, method: "POST" });
    expect(again.body.link).toBeNull();
    expect(mail.sent[1]!.headers.get("idempotency-key")).toBe(`${r.body.invitation.id}-2`);
    expect((await accept(tokenIn(m.body.text))).body.error.code).toBe("invalid_token");
    expect((await accept(tokenIn(mail.sent[1]!.body.text))).status).toBe(201);
  });

  it("when the e-mail API refuses the message, the admin gets the link instead (email_failed), never a 5xx", async () => {
    const mail = mailWorker({}, 422);
    const r = await mail.call("/api/v1/invitations", { headers: ADMIN, body: { email: uniqueEmail("refused"), role: "viewer" } });
    expect(r.status).toBe(201);
    expect(r.body.invitation.delivery).toBe("email_failed");
    expect(r.body.link).toMatch(/#token=[0-9a-z]{32}$/);
    expect(mail.sent).toHaveLength(1);
  });

  it("creating the user directly closes their pending invitation (its link is dead, the list drops it)", async () => {
    const email = uniqueEmail("direct");
    const r = await invite(ADMIN, { email, role: "viewer" });
    expect((await api("/api/v1/users", { headers: ADMIN, body: { email, role: "manager", password: PASSWORD } })).status).toBe(201);
    const list = await api("/api/v1/invitations", { headers: ADMIN });
    expect(list.body.data.some((i: { id: string }) => i.id === r.body.invitation.id)).toBe(false);
    expect((await accept(tokenOf(r.body.link))).body.error.code).toBe("invalid_token");
  });

  it("the invitation and its changes are audited, without the token", async () => {
    const r = await invite(ADMIN, { email: uniqueEmail("audit"), role: "viewer" });
    await api(`/api/v1/invitations/${r.body.invitation.id}/resend`, { headers: ADMIN, method: "POST" });
    await api(`/api/v1/invitations/${r.body.invitation.id}`, { headers: ADMIN, method: "DELETE" });
    const rows = await db.select().from(auditLog).where(eq(auditLog.target, r.body.invitation.id)).all();
    expect(rows.map((x) => x.action).sort()).toEqual(["user.invite", "user.invite_resend", "user.invite_revoke"]);
    expect(JSON.stringify(rows)).not.toContain(tokenOf(r.body.link));
  });
});
