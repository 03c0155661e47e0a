/**
 * Self-service password reset (docs/SECURITY.md, "Password reset"). Offered only when e-mail can
 * leave (EMAIL_API_URL) and links have a fixed origin (PUBLIC_URL: a link built from the request's
 * Host header could be pointed at another site by whoever asks).
 *
 * Asking: always the same answer, whether the e-mail is known, unknown or disabled; every path
 * runs the same statements (a rate-limit reservation, one read, one INSERT … SELECT that writes
 * nothing for an unknown or disabled address), and the e-mail leaves after the answer
 * (waitUntil), so the answer's timing does not tell either. Limited per e-mail and per IP.
 * Using a link: single use, RESET_MINUTES long; the new password ends every session of the user
 * and every other outstanding link.
 */
import { eq, sql } from "drizzle-orm";
import { passwordResets, users } from "../db/schema";
import type { Db, Env } from "../env";
import { sendEmail } from "../lib/emailApi";
import { ApiError } from "../lib/errors";
import { pickLocale } from "../locales";
import { rawBatch } from "../services/rawBatch";
import { passwordResetEmail } from "../views/accountEmails";
import { audit } from "./audit";
import { expiredToken, invalidToken } from "./invitations";
import { hashPassword } from "./password";
import { clear, type Limit, reserve } from "./rateLimit";
import { adminLink, LINK_TOKEN, linkTokenHash, newLinkToken } from "./tokens";

export const RESET_MINUTES = 60;
/** Three links an hour per address: enough for a lost e-mail, too few to flood someone's inbox. */
export const RESET_PER_EMAIL: Limit = { max: 3, windowMs: 3600_000 };
export const RESET_PER_IP: Limit = { max: 20, windowMs: 3600_000 };

export const resetAvailable = (env: Env) => Boolean(env.EMAIL_API_URL && env.PUBLIC_URL);

export const resetUnavailable = () =>
  new ApiError(409, "reset_unavailable", "Password reset by e-mail is not available here: ask an admin to reset your password");

/**
 * Records a link for `email` when it belongs to an enabled user, and returns the e-mail to send
 * (null otherwise). The caller answers the same either way and sends after answering.
 */
export async function requestReset(
  db: Db,
  env: Env,
  input: { email: string; locale?: string },
  ip: string,
  now = Date.now(),
): Promise<(() => Promise<void>) | null> {
  if (!resetAvailable(env)) throw resetUnavailable();
  const slot = await reserve(
    db,
    [
      { key: `reset:email:${input.email}`, max: RESET_PER_EMAIL.max },
      { key: `reset:ip:${ip}`, max: RESET_PER_IP.max },
    ],
    RESET_PER_EMAIL.windowMs,
    now,
  );
  if (slot === null) throw new ApiError(429, "rate_limited", "Too many reset requests; try again in an hour");
  const user = await db.select({ id: users.id, name: users.name, locale: users.locale }).from(users).where(eq(users.email, input.email)).get();
  const token = newLinkToken();
  const tokenHash = await linkTokenHash(token);
  const inserted = await db.all<{ user_id: string }>(sql`
    INSERT INTO password_resets (token_hash, user_id, expires_at, created_at)
    SELECT ${tokenHash}, id, ${now + RESET_MINUTES * 60_000}, ${now} FROM users
    WHERE email = ${input.email} AND disabled_at IS NULL
    RETURNING user_id`);
  if (!user || inserted.length === 0) return null;
  const message = passwordResetEmail({
    id: `reset-${tokenHash.slice(0, 24)}`,
    to: { email: input.email, name: user.name },
    locale: pickLocale([input.locale, user.locale]),
    link: adminLink(env.PUBLIC_URL!, "reset-password", token),
    minutes: RESET_MINUTES,
  });
  return async () => {
    const outcome = await sendEmail(env, message);
    if (!outcome.ok) console.warn(JSON.stringify({ level: "warn", job: "password-reset", message: `not sent: ${outcome.error}` }));
  };
}

/**
 * Sets the new password through a link. One batch: the password changes only while the link is
 * valid and the user enabled; the user's links and sessions all go in the same transaction.
 */
export async function confirmReset(db: Db, token: string, password: string, now = Date.now()): Promise<{ email: string }> {
  if (!LINK_TOKEN.test(token)) throw invalidToken();
  const tokenHash = await linkTokenHash(token);
  const row = await db
    .select({
      userId: passwordResets.userId,
      expiresAt: passwordResets.expiresAt,
      email: users.email,
      role: users.role,
      disabledAt: users.disabledAt,
    })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(eq(passwordResets.tokenHash, tokenHash))
    .get();
  if (!row) throw invalidToken();
  if (row.expiresAt.getTime() <= now) throw expiredToken();
  if (row.disabledAt) throw new ApiError(403, "account_disabled", "This account is disabled");
  const passwordHash = await hashPassword(password);
  const [changed] = await rawBatch(db, [
    sql`UPDATE users SET password_hash = ${passwordHash}, updated_at = ${now}
        WHERE id = ${row.userId} AND disabled_at IS NULL
          AND EXISTS (SELECT 1 FROM password_resets WHERE token_hash = ${tokenHash} AND expires_at > ${now})`,
    sql`DELETE FROM sessions WHERE user_id = ${row.userId}
          AND EXISTS (SELECT 1 FROM password_resets WHERE token_hash = ${tokenHash})`,
    sql`DELETE FROM password_resets WHERE user_id = ${row.userId}
          AND EXISTS (SELECT 1 FROM password_resets WHERE token_hash = ${tokenHash})`,
  ]);
  // Another request used the link a moment earlier.
  if (!changed?.meta.changes) throw invalidToken();
  // Whoever holds the mailbox proved it: earlier failed logins no longer lock the address.
  await clear(db, `login:email:${row.email}`);
  await audit(db, { kind: "session", userId: row.userId, role: row.role }, "user.password_reset_self", row.userId);
  return { email: row.email };
}
