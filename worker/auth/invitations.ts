/**
 * Inviting people by e-mail (admins): an invitation names an e-mail and a role; its link (a
 * single-use token, auth/tokens.ts) lets the invitee choose a name and a password and signs them
 * in. Links last INVITATION_DAYS; re-sending mints a new token (the old link dies with its hash),
 * revoking closes the invitation. Without an e-mail API, or when the API refuses the message, the
 * link is handed to the admin once, to pass on themselves.
 */
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { userInvitations, users, type Role } from "../db/schema";
import type { Db, Env, Principal } from "../env";
import { sendEmail } from "../lib/emailApi";
import { ApiError, notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { pickLocale, type Locale } from "../locales";
import { rawBatch } from "../services/rawBatch";
import { invitationEmail } from "../views/accountEmails";
import { audit } from "./audit";
import { hashPassword } from "./password";
import { adminLink, LINK_TOKEN, linkTokenHash, newLinkToken } from "./tokens";

export const INVITATION_DAYS = 7;
const INVITATION_MS = INVITATION_DAYS * 24 * 3600_000;

type Row = typeof userInvitations.$inferSelect;
export type Delivery = Row["delivery"];

export const invalidToken = () => new ApiError(404, "invalid_token", "This link is not valid (already used, replaced or revoked)", "token");
export const expiredToken = () => new ApiError(410, "token_expired", "This link has expired; ask for a new one", "token");
const emailTaken = () => new ApiError(409, "email_taken", "A user with this e-mail exists", "email");
const closed = () => new ApiError(409, "invitation_closed", "This invitation was already accepted or revoked");

export function invitationView(r: Row, now = Date.now()) {
  return {
    id: r.id,
    email: r.email,
    role: r.role,
    locale: r.locale,
    status: r.acceptedAt
      ? ("accepted" as const)
      : r.revokedAt
        ? ("revoked" as const)
        : r.expiresAt.getTime() <= now
          ? ("expired" as const)
          : ("pending" as const),
    delivery: r.delivery,
    sendCount: r.sendCount,
    invitedBy: r.invitedBy,
    expiresAt: r.expiresAt.toISOString(),
    lastSentAt: r.lastSentAt.toISOString(),
    createdAt: r.createdAt.toISOString(),
  };
}

/** Open invitations (neither accepted nor revoked), newest first; expired ones say so. */
export async function listInvitations(db: Db, now = Date.now()) {
  const rows = await db
    .select()
    .from(userInvitations)
    .where(and(isNull(userInvitations.acceptedAt), isNull(userInvitations.revokedAt)))
    .orderBy(desc(userInvitations.createdAt), desc(userInvitations.id))
    .all();
  return rows.map((r) => invitationView(r, now));
}

async function findInvitation(db: Db, id: string): Promise<Row> {
  const row = /^[A-Za-z0-9_-]{1,64}$/.test(id) ? await db.select().from(userInvitations).where(eq(userInvitations.id, id)).get() : undefined;
  if (!row) throw notFound("Invitation");
  return row;
}

/** Sends the link by e-mail when possible; answers how it left, and the link when the admin must pass it on. */
async function send(db: Db, env: Env, p: Principal, r: Pick<Row, "id" | "email" | "role" | "locale">, token: string, base: string, sendNo: number) {
  const link = adminLink(base, "invitation", token);
  if (!env.EMAIL_API_URL) return { delivery: "link" as const, link };
  const inviter = p.userId ? await db.select({ name: users.name }).from(users).where(eq(users.id, p.userId)).get() : undefined;
  const outcome = await sendEmail(env, {
    ...invitationEmail({
      id: `${r.id}-${sendNo}`,
      email: r.email,
      role: r.role,
      locale: pickLocale([r.locale]),
      inviterName: inviter?.name ?? null,
      link,
      days: INVITATION_DAYS,
    }),
  });
  return outcome.ok ? { delivery: "email" as const, link: null } : { delivery: "email_failed" as const, link };
}

export async function createInvitation(
  db: Db,
  env: Env,
  p: Principal,
  input: { email: string; role: Role; locale?: Locale },
  base: string,
  now = Date.now(),
) {
  if (await db.select({ id: users.id }).from(users).where(eq(users.email, input.email)).get()) throw emailTaken();
  const open = await db
    .select()
    .from(userInvitations)
    .where(and(eq(userInvitations.email, input.email), isNull(userInvitations.acceptedAt), isNull(userInvitations.revokedAt)))
    .get();
  if (open && open.expiresAt.getTime() > now) {
    throw new ApiError(409, "invitation_pending", "This e-mail already has a pending invitation: re-send it instead", "email");
  }
  // An expired invitation to the same e-mail is superseded: closed, so the new one is the only open one.
  if (open)
    await db
      .update(userInvitations)
      .set({ revokedAt: new Date(now) })
      .where(eq(userInvitations.id, open.id));

  const inviterLocale = p.userId ? (await db.select({ locale: users.locale }).from(users).where(eq(users.id, p.userId)).get())?.locale : null;
  const locale = input.locale ?? pickLocale([inviterLocale]);
  const token = newLinkToken();
  const id = newId("inv");
  let row: Row;
  try {
    row = await db
      .insert(userInvitations)
      .values({
        id,
        email: input.email,
        role: input.role,
        locale,
        tokenHash: await linkTokenHash(token),
        expiresAt: new Date(now + INVITATION_MS),
        invitedBy: p.userId,
        delivery: "link",
        lastSentAt: new Date(now),
        createdAt: new Date(now),
      })
      .returning()
      .get();
  } catch (e) {
    // Two admins inviting the same address at once: the partial unique index keeps one open invitation.
    if (/UNIQUE constraint failed/.test(String(e)))
      throw new ApiError(409, "invitation_pending", "This e-mail already has a pending invitation", "email");
    throw e;
  }
  const sent = await send(db, env, p, row, token, base, 1);
  if (sent.delivery !== "link")
    row = (await db.update(userInvitations).set({ delivery: sent.delivery }).where(eq(userInvitations.id, id)).returning().get())!;
  await audit(db, p, "user.invite", id, { email: row.email, role: row.role, delivery: sent.delivery });
  return { invitation: invitationView(row, now), link: sent.link };
}

/** A new link (and expiry) for an open invitation: the previous link stops working at once. */
export async function resendInvitation(db: Db, env: Env, p: Principal, id: string, base: string, now = Date.now()) {
  const row = await findInvitation(db, id);
  if (row.acceptedAt || row.revokedAt) throw closed();
  if (await db.select({ id: users.id }).from(users).where(eq(users.email, row.email)).get()) throw emailTaken();
  const token = newLinkToken();
  const sent = await send(db, env, p, row, token, base, row.sendCount + 1);
  const updated = await db
    .update(userInvitations)
    .set({
      tokenHash: await linkTokenHash(token),
      expiresAt: new Date(now + INVITATION_MS),
      delivery: sent.delivery,
      sendCount: sql`${userInvitations.sendCount} + 1`,
      lastSentAt: new Date(now),
    })
    .where(and(eq(userInvitations.id, row.id), isNull(userInvitations.acceptedAt), isNull(userInvitations.revokedAt)))
    .returning()
    .get();
  if (!updated) throw closed();
  await audit(db, p, "user.invite_resend", row.id, { email: row.email, delivery: sent.delivery });
  return { invitation: invitationView(updated, now), link: sent.link };
}

export async function revokeInvitation(db: Db, p: Principal, id: string, now = Date.now()): Promise<void> {
  const row = await findInvitation(db, id);
  if (row.acceptedAt) throw closed();
  if (row.revokedAt) return; // already revoked: revoking again changes nothing
  await db
    .update(userInvitations)
    .set({ revokedAt: new Date(now) })
    .where(eq(userInvitations.id, row.id));
  await audit(db, p, "user.invite_revoke", row.id, { email: row.email });
}

/**
 * An admin created the user directly: their open invitation has nothing left to do, so it is
 * closed (revoked) rather than left pending with a link that could only answer `email_taken`.
 */
export async function closeInvitationsFor(db: Db, email: string, now = Date.now()): Promise<void> {
  await db
    .update(userInvitations)
    .set({ revokedAt: new Date(now) })
    .where(and(eq(userInvitations.email, email), isNull(userInvitations.acceptedAt), isNull(userInvitations.revokedAt)));
}

/** The open, unexpired invitation a token belongs to, or the error that says why not. */
export async function invitationByToken(db: Db, token: string, now = Date.now()): Promise<Row> {
  if (!LINK_TOKEN.test(token)) throw invalidToken();
  const row = await db
    .select()
    .from(userInvitations)
    .where(eq(userInvitations.tokenHash, await linkTokenHash(token)))
    .get();
  if (!row || row.acceptedAt || row.revokedAt) throw invalidToken();
  if (row.expiresAt.getTime() <= now) throw expiredToken();
  return row;
}

/**
 * Turns an invitation into a user. One D1 batch (one transaction): the user is inserted only
 * while the invitation is still open and unexpired and the e-mail still free, and the invitation
 * is closed in the same step, so two racing accepts create one user.
 */
export async function acceptInvitation(db: Db, token: string, input: { name: string; password: string }, now = Date.now()) {
  const inv = await invitationByToken(db, token, now);
  if (await db.select({ id: users.id }).from(users).where(eq(users.email, inv.email)).get()) throw emailTaken();
  const userId = newId("usr");
  const passwordHash = await hashPassword(input.password);
  const [inserted] = await rawBatch(db, [
    sql`INSERT INTO users (id, email, name, role, password_hash, locale, created_at, updated_at)
        SELECT ${userId}, i.email, ${input.name}, i.role, ${passwordHash}, i.locale, ${now}, ${now}
        FROM user_invitations i
        WHERE i.id = ${inv.id} AND i.token_hash = ${inv.tokenHash} AND i.accepted_at IS NULL AND i.revoked_at IS NULL
          AND i.expires_at > ${now} AND NOT EXISTS (SELECT 1 FROM users u WHERE u.email = i.email)`,
    sql`UPDATE user_invitations SET accepted_at = ${now}, accepted_user_id = ${userId}
        WHERE id = ${inv.id} AND accepted_at IS NULL AND EXISTS (SELECT 1 FROM users WHERE id = ${userId})`,
  ]);
  if (!inserted?.meta.changes) throw invalidToken();
  const user = (await db.select().from(users).where(eq(users.id, userId)).get())!;
  await audit(db, { kind: "session", userId, role: user.role }, "user.invitation_accept", userId, { invitation: inv.id, role: user.role });
  return user;
}
