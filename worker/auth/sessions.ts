/**
 * Admin-page sessions.
 *
 * - The cookie `bm_session` holds 256 random bits (base64url). D1 stores only its SHA-256 as
 *   `sessions.id`, so a leaked database does not hand out live sessions.
 * - Cookie flags: HttpOnly (no script can read it), Secure, SameSite=Lax (not sent on cross-site
 *   POSTs), Path=/.
 * - Expiry slides: a session idle for SESSION_IDLE_MS dies; activity pushes the expiry forward
 *   (written at most once per RENEW_EVERY_MS), never past SESSION_MAX_MS after login.
 * - CSRF: each session has its own random token, returned by login and /auth/me. Every mutating
 *   request authenticated by the cookie must echo it in `X-CSRF-Token` (403 `csrf_failed`).
 *   Bearer-key calls never carry the cookie's ambient authority, so they are exempt.
 */
import { and, eq, gt, lt } from "drizzle-orm";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { sessions, users } from "../db/schema";
import type { AppEnv, Db, Principal } from "../env";
import { ApiError } from "../lib/errors";
import { newSecret, sha256Hex, timingSafeEqual } from "../lib/ids";
import { registerSessionResolver } from "../middleware/auth";

export const SESSION_COOKIE = "bm_session";
export const CSRF_HEADER = "x-csrf-token";
export const SESSION_IDLE_MS = 7 * 24 * 3600_000;
export const SESSION_MAX_MS = 30 * 24 * 3600_000;
const RENEW_EVERY_MS = 3600_000;
const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/; // 32 bytes in base64url

function writeCookie(c: Context<AppEnv>, token: string, expiresAt: number, now: number) {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: "Lax",
    path: "/",
    maxAge: Math.max(0, Math.floor((expiresAt - now) / 1000)),
  });
}

export function clearSessionCookie(c: Context<AppEnv>) {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true, httpOnly: true, sameSite: "Lax" });
}

/** Opens a session for `userId`, sets the cookie, returns the CSRF token. */
export async function startSession(c: Context<AppEnv>, userId: string, now = Date.now()): Promise<{ csrfToken: string }> {
  const token = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const csrfToken = newSecret();
  const expiresAt = now + SESSION_IDLE_MS;
  await c.var.db.insert(sessions).values({
    id: await sha256Hex(token),
    userId,
    csrfToken,
    expiresAt: new Date(expiresAt),
    userAgent: c.req.header("user-agent")?.slice(0, 300) ?? null,
    createdAt: new Date(now),
  });
  // Housekeeping on login, where a little latency is invisible: this user's dead sessions.
  await c.var.db.delete(sessions).where(and(eq(sessions.userId, userId), lt(sessions.expiresAt, new Date(now))));
  writeCookie(c, token, expiresAt, now);
  return { csrfToken };
}

/** The session id (hash) of the request's cookie, if it has a well-formed one. */
export async function sessionIdOf(c: Context<AppEnv>): Promise<string | null> {
  const token = getCookie(c, SESSION_COOKIE);
  return token && TOKEN_SHAPE.test(token) ? sha256Hex(token) : null;
}

/** Signs a user out everywhere (password reset, disabling). */
export async function endAllSessions(db: Db, userId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}

/** Resolves the cookie into a principal; registered with requireAuth below. */
async function sessionPrincipal(c: Context<AppEnv>): Promise<Principal | null> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token || !TOKEN_SHAPE.test(token)) return null;
  const now = Date.now();
  const id = await sha256Hex(token);
  const row = await c.var.db
    .select({
      userId: sessions.userId,
      csrfToken: sessions.csrfToken,
      expiresAt: sessions.expiresAt,
      createdAt: sessions.createdAt,
      role: users.role,
      disabledAt: users.disabledAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, id), gt(sessions.expiresAt, new Date(now))))
    .get();
  if (!row || row.disabledAt) return null;

  if (MUTATING.has(c.req.method)) {
    const sent = c.req.header(CSRF_HEADER);
    if (!sent || !timingSafeEqual(sent, row.csrfToken)) {
      throw new ApiError(403, "csrf_failed", "Missing or wrong X-CSRF-Token header");
    }
  }

  const wanted = Math.min(now + SESSION_IDLE_MS, row.createdAt.getTime() + SESSION_MAX_MS);
  if (wanted - row.expiresAt.getTime() >= RENEW_EVERY_MS) {
    await c.var.db
      .update(sessions)
      .set({ expiresAt: new Date(wanted) })
      .where(eq(sessions.id, id));
    writeCookie(c, token, wanted, now);
  }
  return { kind: "session", userId: row.userId, role: row.role, csrfToken: row.csrfToken };
}

registerSessionResolver(sessionPrincipal);
