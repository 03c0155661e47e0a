/**
 * Replying to a respondent from their follow-up item (docs/ADMIN.md, "Comments & follow-up"):
 * through the email API when one is configured, else as a prepared `mailto:` link for the
 * manager's own mail app. Either way the reply is kept on the item (a note of kind `reply`, with
 * its delivery), and an open item becomes `contacted`.
 * Safety: the route checks the caller may act on the item (scope.ts: a manager, their accounts
 * only); the subject is one line (`line()` refuses CR and LF, so no header can be smuggled in), the
 * HTML part escapes every character that matters, the mailto link percent-encodes every part;
 * at most REPLY_LIMIT replies per person per hour.
 */
import { escapeHtml as esc } from "../views/escape";
import { eq, sql } from "drizzle-orm";
import { contacts, followupNotes, followups, responses, users } from "../db/schema";
import type { Db, Env, Principal } from "../env";
import { reserve } from "../auth/rateLimit";
import { ApiError } from "../lib/errors";
import { newId } from "../lib/ids";
import { sendEmail } from "../lib/emailApi";
import { pickLocale } from "../locales";

export const REPLY_LIMIT = { max: 20, windowMs: 3600_000 };

const DEFAULT_SUBJECT = { en: "About your feedback", fr: "À propos de votre avis" } as const;

/** `mailto:` with every part percent-encoded (RFC 6068): line breaks in the body become %0D%0A. */
export function mailtoLink(to: string, subject: string, body: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const addr = to.split("@").map(enc).join("@");
  return `mailto:${addr}?subject=${enc(subject)}&body=${enc(body.replace(/\r?\n/g, "\r\n"))}`;
}

/** The message the email API receives (same envelope as invitations and the monthly review). */
export function replyMessage(m: {
  id: string;
  from?: string;
  to: { email: string; name: string | null };
  replyTo: { email: string; name: string } | null;
  locale: string;
  subject: string;
  body: string;
}) {
  return {
    id: m.id,
    ...(m.from ? { from: m.from } : {}),
    to: m.to,
    ...(m.replyTo ? { replyTo: m.replyTo } : {}),
    locale: m.locale,
    subject: m.subject,
    text: m.body.endsWith("\n") ? m.body : m.body + "\n",
    html: m.body
      .split(/\r?\n\r?\n/)
      .map((p) => `<p>${esc(p).replace(/\r?\n/g, "<br>")}</p>`)
      .join(""),
  };
}

export type ReplyDelivery = "email" | "email_failed" | "mailto";

export async function replyToRespondent(
  db: Db,
  env: Env,
  p: Principal,
  responseId: string,
  input: { subject?: string; body: string },
  now = Date.now(),
) {
  if (!p.userId) throw new ApiError(403, "forbidden", "A reply is written by a person: sign in, or use a key bound to a user");
  const who = await db
    .select({ email: contacts.email, name: contacts.name, locale: contacts.locale, answerLocale: responses.locale })
    .from(responses)
    .leftJoin(contacts, eq(contacts.id, responses.contactId))
    .where(eq(responses.id, responseId))
    .get();
  if (!who?.email) throw new ApiError(409, "no_email", "This answer has no contact e-mail to reply to");
  if ((await reserve(db, [{ key: `reply:${p.userId}`, max: REPLY_LIMIT.max }], REPLY_LIMIT.windowMs, now)) === null) {
    throw new ApiError(429, "rate_limited", `At most ${REPLY_LIMIT.max} replies an hour; try again later`);
  }
  const author = await db.select({ email: users.email, name: users.name }).from(users).where(eq(users.id, p.userId)).get();
  const locale = pickLocale([who.locale, who.answerLocale]);
  const subject = input.subject ?? DEFAULT_SUBJECT[locale];
  const noteId = newId("note");

  let delivery: ReplyDelivery = "mailto";
  let error: string | null = null;
  if (env.EMAIL_API_URL) {
    const outcome = await sendEmail(
      env,
      replyMessage({
        id: noteId,
        to: { email: who.email, name: who.name },
        replyTo: author ? { email: author.email, name: author.name } : null,
        locale,
        subject,
        body: input.body,
      }),
      `reply-${noteId}`,
    );
    delivery = outcome.ok ? "email" : "email_failed";
    error = outcome.ok ? null : outcome.error;
  }

  const at = new Date(now);
  await db.batch([
    db
      .insert(followups)
      .values({ responseId, status: "contacted", createdAt: at, updatedAt: at })
      .onConflictDoUpdate({
        target: followups.responseId,
        // Writing to the respondent is contacting them; a resolved item stays resolved.
        set: { status: sql`CASE WHEN ${followups.status} = 'open' THEN 'contacted' ELSE ${followups.status} END`, updatedAt: sql`${now}` },
      }),
    db.insert(followupNotes).values({ id: noteId, responseId, authorUserId: p.userId, body: input.body, kind: "reply", delivery, createdAt: at }),
  ]);
  return {
    id: noteId,
    responseId,
    kind: "reply" as const,
    delivery,
    subject,
    body: input.body,
    to: who.email,
    // The manager's mail app sends it when no email API is configured, or when the API failed.
    mailto: delivery === "email" ? null : mailtoLink(who.email, subject, input.body),
    error,
    createdAt: at.toISOString(),
  };
}

/** Whether the e-mail API can send replies (the page offers "Send" or "Open in my mail app"). */
export const replyByEmail = (env: Env) => Boolean(env.EMAIL_API_URL);
