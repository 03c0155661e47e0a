/** Login, sessions, CSRF and the password format, over HTTP against the real Worker and D1. */
import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sessions, surveys, users } from "../../worker/db/schema";
import { hashPassword, PBKDF2_ITERATIONS, verifyPassword } from "../../worker/auth/password";
import { sha256Hex } from "../../worker/lib/ids";
import { createUser, db, login, sessionAs, sessionCookieOf, signIn, uniqueIp } from "../auth-helpers";
import { ADMIN, api } from "../helpers";

describe("password hashing", () => {
  it("uses PBKDF2-SHA256 at the highest count workerd accepts, with a per-password salt", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(a).not.toBe(b); // different salts
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterY", a)).toBe(false);
    expect(await verifyPassword("x", "garbage")).toBe(false);
    expect(await verifyPassword("x", null)).toBe(false);
  });

  it("stays at 100,000 iterations, the production cap, and refuses stored hashes asking for more", async () => {
    // Cloudflare's production runtime rejects PBKDF2 above 100,000 iterations (workerd
    // checkPbkdfLimits, cloudflare/workerd#1346). The local workerd build used by the tests
    // (1.20261102) accepts more, so a higher count would pass here and fail every login once
    // deployed: the constant is pinned instead.
    expect(PBKDF2_ITERATIONS).toBe(100_000);
    // A crafted hash cannot make verification do more than the cap's worth of work.
    const real = await hashPassword("pw-123456789");
    const greedy = real.replace("$100000$", "$5000000$");
    expect(await verifyPassword("pw-123456789", real)).toBe(true);
    expect(await verifyPassword("pw-123456789", greedy)).toBe(false);
    // Lower counts (older hashes) still verify.
    expect(await verifyPassword("pw-123456789", await hashPassword("pw-123456789", 1000))).toBe(true);
  });
});

describe("POST /api/v1/auth/login", () => {
  it("signs in with a hardened session cookie and a CSRF token", async () => {
    const u = await createUser("manager", { name: "Ann" });
    const res = await login(u.email.toUpperCase(), u.password); // e-mails are case-insensitive
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: u.id, email: u.email, name: "Ann", role: "manager", locale: "en" });
    expect(res.body.user.passwordHash).toBeUndefined();
    expect(res.body.csrfToken).toMatch(/^[0-9a-z]{32}$/);

    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("bm_session="))!;
    expect(cookie).toMatch(/^bm_session=[A-Za-z0-9_-]{43};/);
    const flags = cookie.split(";").map((s) => s.trim().toLowerCase());
    expect(flags).toContain("httponly");
    expect(flags).toContain("secure");
    expect(flags).toContain("samesite=lax");
    expect(flags).toContain("path=/");
    expect(flags.find((f) => f.startsWith("max-age="))).toBe(`max-age=${7 * 24 * 3600}`);

    // D1 holds the SHA-256 of the cookie, never the cookie.
    const token = sessionCookieOf(res.headers)!;
    const rows = await db.select().from(sessions).where(eq(sessions.userId, u.id)).all();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toBe(await sha256Hex(token));
    expect(rows[0]!.csrfToken).toBe(res.body.csrfToken);

    const me = await api("/api/v1/auth/me", { headers: { cookie: `bm_session=${token}` } });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ user: { id: u.id, role: "manager" }, csrfToken: res.body.csrfToken });
  });

  it("answers 401 invalid_credentials for a wrong password and, identically, for an unknown e-mail", async () => {
    const u = await createUser("viewer");
    const ip = uniqueIp();
    const wrong = await login(u.email, "not the password", ip);
    const unknown = await login(`nobody-${crypto.randomUUID()}@example.com`, "whatever", ip);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.code).toBe("invalid_credentials");
    expect(unknown.body.error.code).toBe("invalid_credentials");
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
    expect(sessionCookieOf(wrong.headers)).toBeNull();
  });

  it("takes about as long for an unknown e-mail as for a wrong password (PBKDF2 runs either way)", async () => {
    const u = await createUser("viewer");
    const time = async (email: string) => {
      const t0 = performance.now();
      await login(email, "wrong password");
      return performance.now() - t0;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      known.push(await time(u.email));
      unknown.push(await time(`ghost-${i}-${crypto.randomUUID()}@example.com`));
    }
    // Loose bounds (a shared CI machine is noisy), but a skipped hash would be ~10× faster.
    const ratio = median(unknown) / median(known);
    expect(ratio).toBeGreaterThan(0.4);
    expect(ratio).toBeLessThan(2.5);
  });

  it("rate-limits: 5 failures per e-mail in 15 minutes, then 429 even with the right password", async () => {
    const u = await createUser("viewer");
    for (let i = 0; i < 5; i++) {
      const r = await login(u.email, `wrong-${i}`, uniqueIp());
      expect(r.status).toBe(401);
    }
    const blocked = await login(u.email, u.password, uniqueIp());
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe("rate_limited");
    expect(blocked.headers.get("retry-after")).toBe("900");
    expect(sessionCookieOf(blocked.headers)).toBeNull();

    // Another person is not locked out by it.
    const other = await createUser("viewer");
    expect((await login(other.email, other.password)).status).toBe(200);
  });

  it("parallel logins on one e-mail: at most 5 passwords are checked, the right one after them is refused (429)", async () => {
    const u = await createUser("viewer");
    // 59 wrong guesses and the right password last, all at once, each from its own address.
    const guesses = [...Array.from({ length: 59 }, (_, i) => `wrong-${i}`), u.password];
    const results = await Promise.all(guesses.map((pw) => login(u.email, pw, uniqueIp())));
    const statuses = results.map((r) => r.status);
    // 401 means "password checked and wrong": the reservation must keep that to the limit.
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s !== 429).length).toBeLessThanOrEqual(5);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    const right = results.at(-1)!;
    expect(right.status).toBe(429);
    expect(sessionCookieOf(right.headers)).toBeNull();
    // And afterwards, still locked: the limit was really spent.
    const after = await login(u.email, u.password, uniqueIp());
    expect(after.status).toBe(429);
    expect(after.body.error.code).toBe("rate_limited");
  });

  it("a successful login hands its attempt back to the IP's count", async () => {
    const ip = uniqueIp();
    // One more than the IP's failure limit (30): if successes kept their reservation, the last would be 429.
    for (let i = 0; i < 31; i++) {
      const u = await createUser("viewer");
      expect((await login(u.email, u.password, ip)).status, `login ${i}`).toBe(200);
    }
  });

  it("rate-limits per IP across e-mails (30 failures)", async () => {
    const ip = uniqueIp();
    for (let i = 0; i < 30; i++) {
      expect((await login(`spray-${i}-${crypto.randomUUID()}@example.com`, "x", ip)).status).toBe(401);
    }
    const u = await createUser("viewer");
    const r = await login(u.email, u.password, ip);
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe("rate_limited");
    expect((await login(u.email, u.password, uniqueIp())).status).toBe(200);
  });

  it("a success clears the e-mail's failures", async () => {
    const u = await createUser("viewer");
    for (let i = 0; i < 4; i++) expect((await login(u.email, "nope")).status).toBe(401);
    expect((await login(u.email, u.password)).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await login(u.email, "nope")).status).toBe(401);
    expect((await login(u.email, u.password)).status).toBe(200);
  });

  it("refuses disabled users, and tells only someone who knows the password", async () => {
    const u = await createUser("admin", { disabled: true });
    const right = await login(u.email, u.password);
    expect(right.status).toBe(403);
    expect(right.body.error.code).toBe("account_disabled");
    expect(sessionCookieOf(right.headers)).toBeNull();
    const wrong = await login(u.email, "wrong");
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe("invalid_credentials");
  });

  it("a user disabled while signed in loses access at the next request", async () => {
    const s = await sessionAs("admin");
    expect((await api("/api/v1/auth/me", { headers: s.read })).status).toBe(200);
    await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, s.user.id));
    expect((await api("/api/v1/auth/me", { headers: s.read })).status).toBe(401);
  });

  it("accepts credentials only as application/json (no login CSRF through a text/plain form)", async () => {
    const u = await createUser("viewer");
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""]) {
      const r = await api("/api/v1/auth/login", {
        method: "POST",
        raw: JSON.stringify({ email: u.email, password: u.password }),
        headers: { "content-type": type, "cf-connecting-ip": uniqueIp() },
      });
      expect(r.status, type).toBe(415);
      expect(sessionCookieOf(r.headers)).toBeNull();
    }
  });

  it("rejects malformed bodies with 400, never 5xx", async () => {
    const ip = { "cf-connecting-ip": uniqueIp() };
    for (const raw of [
      "",
      "{",
      "[]",
      "null",
      '"x"',
      '{"email":"a@b.c"}',
      '{"email":"nope","password":"x"}',
      '{"email":"a@b.c","password":""}',
      `{"email":"a@b.c","password":"${"x".repeat(2000)}"}`,
      '{"email":"a@b.c","password":"x","extra":1}',
    ]) {
      const r = await api("/api/v1/auth/login", { method: "POST", raw, headers: { "content-type": "application/json", ...ip } });
      expect(r.status, raw).toBe(400);
      expect(r.body.error.code).toMatch(/^invalid_/);
    }
  });
});

describe("sessions", () => {
  it("logout ends the session server-side and clears the cookie", async () => {
    const s = await sessionAs("viewer");
    const out = await api("/api/v1/auth/logout", { method: "POST", headers: s.write });
    expect(out.status).toBe(204);
    const cleared = out.headers.getSetCookie().find((c) => c.startsWith("bm_session="))!;
    expect(cleared).toMatch(/max-age=0/i);
    expect(
      await db
        .select()
        .from(sessions)
        .where(eq(sessions.id, await sha256Hex(s.cookie)))
        .get(),
    ).toBeUndefined();
    // The old cookie, replayed, is worthless.
    expect((await api("/api/v1/auth/me", { headers: s.read })).status).toBe(401);
    // Logging out again is harmless.
    expect((await api("/api/v1/auth/logout", { method: "POST", headers: s.write })).status).toBe(204);
  });

  it("logout without the CSRF token is refused and the session survives", async () => {
    const s = await sessionAs("viewer");
    const out = await api("/api/v1/auth/logout", { method: "POST", headers: s.read });
    expect(out.status).toBe(403);
    expect(out.body.error.code).toBe("csrf_failed");
    expect((await api("/api/v1/auth/me", { headers: s.read })).status).toBe(200);
  });

  it("expired sessions are refused", async () => {
    const s = await sessionAs("admin");
    await db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.id, await sha256Hex(s.cookie)));
    const me = await api("/api/v1/auth/me", { headers: s.read });
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe("unauthorized");
  });

  it("activity slides the expiry forward (and re-sends the cookie), within the 30-day cap", async () => {
    const s = await sessionAs("viewer");
    const id = await sha256Hex(s.cookie);
    const soon = Date.now() + 24 * 3600_000;
    await db
      .update(sessions)
      .set({ expiresAt: new Date(soon) })
      .where(eq(sessions.id, id));
    const me = await api("/api/v1/auth/me", { headers: s.read });
    expect(me.status).toBe(200);
    expect(me.headers.getSetCookie().some((c) => c.startsWith(`bm_session=${s.cookie};`))).toBe(true);
    const renewed = (await db.select().from(sessions).where(eq(sessions.id, id)).get())!.expiresAt.getTime();
    expect(renewed).toBeGreaterThan(Date.now() + 6.9 * 24 * 3600_000);

    // A session opened 30 days ago cannot be renewed past its cap.
    const old = Date.now() - 30 * 24 * 3600_000 + 60_000;
    await db
      .update(sessions)
      .set({ createdAt: new Date(old), expiresAt: new Date(Date.now() + 30_000) })
      .where(eq(sessions.id, id));
    await api("/api/v1/auth/me", { headers: s.read });
    const capped = (await db.select().from(sessions).where(eq(sessions.id, id)).get())!.expiresAt.getTime();
    expect(capped).toBeLessThanOrEqual(old + 30 * 24 * 3600_000);
  });

  it("ignores forged or malformed cookies (401, not 5xx)", async () => {
    for (const cookie of ["bm_session=", "bm_session=abc", `bm_session=${"A".repeat(43)}`, "bm_session=%%%", `bm_session=${"x".repeat(5000)}`]) {
      const r = await api("/api/v1/auth/me", { headers: { cookie } });
      expect(r.status, cookie).toBe(401);
    }
  });

  it("a Bearer key still works and gets no CSRF token", async () => {
    const me = await api("/api/v1/auth/me", { headers: ADMIN });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ user: null, csrfToken: null, role: "admin", kind: "bootstrap" });
  });
});

describe("CSRF", () => {
  it("a mutating request by cookie without X-CSRF-Token, or with a wrong one, is 403 and changes nothing", async () => {
    const s = await sessionAs("admin");
    const before = await db.select().from(surveys).all();
    const attempts = [s.read, { ...s.read, "x-csrf-token": "wrong-token-wrong-token-wrong-to" }, { ...s.read, "x-csrf-token": "" }];
    for (const headers of attempts) {
      const r = await api("/api/v1/surveys", { headers, body: { name: "Forged", kind: "nps" } });
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe("csrf_failed");
      const p = await api("/api/v1/auth/me", { method: "PATCH", headers, body: { name: "Forged" } });
      expect(p.status).toBe(403);
    }
    expect(await db.select().from(surveys).all()).toEqual(before);
    expect((await db.select().from(users).where(eq(users.id, s.user.id)).get())!.name).not.toBe("Forged");

    // Another session's token does not fit this session.
    const other = await sessionAs("admin");
    const cross = await api("/api/v1/surveys", { headers: { ...s.read, "x-csrf-token": other.csrf }, body: { name: "Forged", kind: "nps" } });
    expect(cross.status).toBe(403);

    // With its own token the same request goes through.
    const ok = await api("/api/v1/surveys", { headers: s.write, body: { name: "Real", kind: "nps" } });
    expect(ok.status).toBe(201);
  });

  it("reads need no token; Bearer-key writes are exempt", async () => {
    const s = await sessionAs("viewer");
    expect((await api("/api/v1/surveys", { headers: s.read })).status).toBe(200);
    expect((await api("/api/v1/surveys", { headers: ADMIN, body: { name: "By key", kind: "nps" } })).status).toBe(201);
  });
});

describe("own account", () => {
  it("PATCH /auth/me updates name and locale only for oneself", async () => {
    const s = await sessionAs("viewer");
    const r = await api("/api/v1/auth/me", { method: "PATCH", headers: s.write, body: { name: "Zoé", locale: "fr" } });
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ name: "Zoé", locale: "fr", role: "viewer" });
    const bad = await api("/api/v1/auth/me", { method: "PATCH", headers: s.write, body: { role: "admin" } });
    expect(bad.status).toBe(400);
    expect((await db.select().from(users).where(eq(users.id, s.user.id)).get())!.role).toBe("viewer");
  });

  it("changing one's password needs the current one and signs out every other session", async () => {
    const u = await createUser("manager");
    const a = await signIn(u);
    const b = await signIn(u);
    const wrong = await api("/api/v1/auth/password", { headers: a.write, body: { currentPassword: "nope", newPassword: "a brand new secret" } });
    expect(wrong.status).toBe(401);
    const short = await api("/api/v1/auth/password", { headers: a.write, body: { currentPassword: u.password, newPassword: "short" } });
    expect(short.status).toBe(400);
    const ok = await api("/api/v1/auth/password", { headers: a.write, body: { currentPassword: u.password, newPassword: "a brand new secret" } });
    expect(ok.status).toBe(200);
    expect(sessionCookieOf(ok.headers)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await api("/api/v1/auth/me", { headers: b.read })).status).toBe(401);
    expect((await login(u.email, u.password)).status).toBe(401);
    expect((await login(u.email, "a brand new secret")).status).toBe(200);
  });

  it("wrong current passwords count toward the login limit (a stolen session is no password oracle)", async () => {
    const u = await createUser("viewer");
    const s = await signIn(u);
    for (let i = 0; i < 5; i++) {
      const r = await api("/api/v1/auth/password", { headers: s.write, body: { currentPassword: `guess-${i}`, newPassword: "a brand new secret" } });
      expect(r.status).toBe(401);
    }
    const blocked = await api("/api/v1/auth/password", {
      headers: s.write,
      body: { currentPassword: u.password, newPassword: "a brand new secret" },
    });
    expect(blocked.status).toBe(429);
    expect((await login(u.email, u.password)).status).toBe(429);
  });
});

void env;
