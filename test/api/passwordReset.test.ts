/**
 * Self-service password reset (issue 9, point 11): offered only with an e-mail API and a public
 * address; the same answer for every address; a single-use, one-hour link stored as a hash;
 * the new password ends every session and every other link; rate-limited per e-mail and per IP;
 * disabled users cannot reset; audited.
 */
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RESET_PER_EMAIL, RESET_PER_IP } from "../../worker/auth/passwordResets";
import { auditLog, passwordResets, sessions, users } from "../../worker/db/schema";
import { sha256Hex } from "../../worker/lib/ids";
import { createUser, db, login, signIn, uniqueEmail, uniqueIp } from "../auth-helpers";
import { ADMIN, api } from "../helpers";
import { mailWorker, PUBLIC, tokenIn } from "../mail-helpers";

afterEach(() => vi.restoreAllMocks());

const NEW = "a brand new password";
type Mail = ReturnType<typeof mailWorker>;
const ask = (mail: Mail, email: string, ip = uniqueIp(), locale?: string) =>
  mail.call("/api/v1/auth/password-reset", { body: { email, ...(locale ? { locale } : {}) }, headers: { "cf-connecting-ip": ip } });
const confirm = (mail: Mail, token: string, password = NEW) =>
  mail.call("/api/v1/auth/password-reset/confirm", { body: { token, password }, headers: { "cf-connecting-ip": uniqueIp() } });
const sentTo = (mail: Mail, email: string) => mail.sent.filter((m) => m.body.to.email === email);

describe("self-service password reset", () => {
  it("e-mails a one-hour link (PUBLIC_URL, the asker's language); D1 keeps only the token's hash", async () => {
    const user = await createUser("manager", { name: "Paul" });
    const mail = mailWorker();
    const r = await ask(mail, user.email.toUpperCase(), uniqueIp(), "fr");
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ ok: true });
    const [m] = sentTo(mail, user.email);
    expect(m!.body).toMatchObject({ locale: "fr", subject: "Réinitialiser votre mot de passe Baromètre", to: { email: user.email, name: "Paul" } });
    expect(m!.body.links.action).toMatch(new RegExp(`^${PUBLIC}/admin/reset-password#token=[0-9a-z]{32}$`));
    expect(m!.headers.get("idempotency-key")).toMatch(/^reset-[0-9a-f]{24}$/);
    const token = tokenIn(m!.body.text);
    const rows = await db.select().from(passwordResets).where(eq(passwordResets.userId, user.id)).all();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).toBe(await sha256Hex(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows[0]!.expiresAt.getTime() - rows[0]!.createdAt.getTime()).toBe(3600_000);
  });

  it("the same answer for a known, an unknown and a disabled address; only the known enabled one gets mail", async () => {
    const known = await createUser("viewer");
    const disabled = await createUser("viewer", { disabled: true });
    const unknown = uniqueEmail("ghost");
    const mail = mailWorker();
    const answers = [];
    for (const email of [known.email, unknown, disabled.email]) {
      const r = await ask(mail, email);
      answers.push({ status: r.status, body: r.body, type: r.headers.get("content-type") });
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(mail.sent.map((m) => m.body.to.email)).toEqual([known.email]);
    expect(await db.select().from(passwordResets).where(eq(passwordResets.userId, disabled.id)).all()).toHaveLength(0);
  });

  it("the new password works, the old does not; every session and every other outstanding link is revoked; audited", async () => {
    const user = await createUser("manager");
    const before = await signIn(user);
    const mail = mailWorker();
    await ask(mail, user.email);
    await ask(mail, user.email);
    const [first, second] = sentTo(mail, user.email).map((m) => tokenIn(m.body.text));
    const ok = await confirm(mail, second!);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ email: user.email });

    expect(await db.select().from(sessions).where(eq(sessions.userId, user.id)).all()).toHaveLength(0);
    expect((await api("/api/v1/auth/me", { headers: before.read })).status).toBe(401);
    expect((await login(user.email, user.password)).status).toBe(401);
    expect((await login(user.email, NEW)).status).toBe(200);
    // The other link died with the reset; the used one is single-use.
    expect((await confirm(mail, first!, "yet another password")).body.error).toMatchObject({ code: "invalid_token", field: "token" });
    expect((await confirm(mail, second!, "yet another password")).status).toBe(404);
    expect(await db.select().from(passwordResets).where(eq(passwordResets.userId, user.id)).all()).toHaveLength(0);
    const audits = await db.select().from(auditLog).where(eq(auditLog.target, user.id)).all();
    expect(audits.find((a) => a.action === "user.password_reset_self")).toMatchObject({ actor: `user:${user.id}` });
  });

  it("an expired link is 410 token_expired and changes nothing", async () => {
    const user = await createUser("viewer");
    const mail = mailWorker();
    await ask(mail, user.email);
    const token = tokenIn(sentTo(mail, user.email)[0]!.body.text);
    await db
      .update(passwordResets)
      .set({ expiresAt: new Date(Date.now() - 1) })
      .where(eq(passwordResets.userId, user.id));
    const late = await confirm(mail, token);
    expect(late.status).toBe(410);
    expect(late.body.error).toMatchObject({ code: "token_expired", field: "token" });
    expect((await login(user.email, user.password)).status).toBe(200);
  });

  it("a user disabled after asking cannot use the link (403 account_disabled), and the password stays", async () => {
    const user = await createUser("viewer");
    const mail = mailWorker();
    await ask(mail, user.email);
    const token = tokenIn(sentTo(mail, user.email)[0]!.body.text);
    await api(`/api/v1/users/${user.id}`, { method: "PATCH", headers: ADMIN, body: { disabled: true } });
    const r = await confirm(mail, token);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("account_disabled");
    const row = (await db.select().from(users).where(eq(users.id, user.id)).get())!;
    await api(`/api/v1/users/${user.id}`, { method: "PATCH", headers: ADMIN, body: { disabled: false } });
    expect((await login(user.email, user.password)).status).toBe(200);
    expect(row.passwordHash).not.toBeNull();
  });

  it("rate-limited per e-mail (3 an hour, known or not) and per IP (20 an hour), with the stable 429", async () => {
    const mail = mailWorker();
    const user = await createUser("viewer");
    for (const email of [user.email, uniqueEmail("ghost")]) {
      for (let i = 0; i < RESET_PER_EMAIL.max; i++) expect((await ask(mail, email)).status).toBe(202);
      const over = await ask(mail, email);
      expect(over.status).toBe(429);
      expect(over.body.error.code).toBe("rate_limited");
    }
    expect(sentTo(mail, user.email)).toHaveLength(RESET_PER_EMAIL.max);

    const ip = uniqueIp();
    for (let i = 0; i < RESET_PER_IP.max; i++) expect((await ask(mail, uniqueEmail("spray"), ip)).status).toBe(202);
    expect((await ask(mail, uniqueEmail("spray"), ip)).status).toBe(429);
    expect((await ask(mail, uniqueEmail("spray"))).status).toBe(202);
  });

  it("without an e-mail API (or without PUBLIC_URL): 409 reset_unavailable, and the sign-in page is told not to offer it", async () => {
    const user = await createUser("viewer");
    const r = await api("/api/v1/auth/password-reset", { body: { email: user.email } });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("reset_unavailable");
    expect((await api("/api/v1/auth/password-reset/confirm", { body: { token: "a".repeat(32), password: NEW } })).body.error.code).toBe(
      "reset_unavailable",
    );
    expect((await api("/api/v1/auth/options")).body).toEqual({ passwordReset: false, email: false });

    const noPublicUrl = mailWorker({ PUBLIC_URL: "" });
    expect((await ask(noPublicUrl, user.email)).body.error.code).toBe("reset_unavailable");
    expect(noPublicUrl.sent).toHaveLength(0);
    expect((await noPublicUrl.call("/api/v1/auth/options")).body).toEqual({ passwordReset: false, email: true });
    expect((await mailWorker().call("/api/v1/auth/options")).body).toEqual({ passwordReset: true, email: true });
  });

  it("a reset clears the e-mail's failed logins (the mailbox owner proved who they are)", async () => {
    const user = await createUser("viewer");
    const ip = uniqueIp();
    for (let i = 0; i < 5; i++) await login(user.email, "wrong password", ip);
    expect((await login(user.email, user.password)).status).toBe(429);
    const mail = mailWorker();
    await ask(mail, user.email);
    expect((await confirm(mail, tokenIn(sentTo(mail, user.email)[0]!.body.text))).status).toBe(200);
    expect((await login(user.email, NEW)).status).toBe(200);
  });

  it("validates: a short password, a malformed token, unknown fields", async () => {
    const mail = mailWorker();
    const short = await confirm(mail, "a".repeat(32), "short");
    expect(short.status).toBe(400);
    expect(short.body.error.field).toBe("password");
    expect((await confirm(mail, "not a token")).body.error.code).toBe("invalid_token");
    const extra = await mail.call("/api/v1/auth/password-reset", { body: { email: uniqueEmail(), admin: true } });
    expect(extra.status).toBe(400);
  });
});
