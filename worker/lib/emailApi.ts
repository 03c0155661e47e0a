/**
 * The one call to the operator's e-mail HTTP API (EMAIL_API_URL, docs/WAVES.md for the message
 * format): a JSON POST with `Authorization: Bearer EMAIL_API_KEY` and an `Idempotency-Key`, so a
 * provider that honours it never sends one message twice. Answers what happened instead of
 * throwing: callers record the outcome and the page offers a fallback.
 */
import type { Env } from "../env";

export type EmailOutcome = { ok: true } | { ok: false; error: string };

/** Whether messages can leave at all (the pages offer e-mail features only then). */
export const emailConfigured = (env: Env) => Boolean(env.EMAIL_API_URL);

/** `idempotencyKey`: the message id unless the caller keys its messages otherwise. */
export async function sendEmail(env: Env, message: { id: string } & Record<string, unknown>, idempotencyKey = message.id): Promise<EmailOutcome> {
  if (!env.EMAIL_API_URL) return { ok: false, error: "not configured" };
  try {
    const res = await fetch(env.EMAIL_API_URL, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "idempotency-key": idempotencyKey,
        ...(env.EMAIL_API_KEY ? { authorization: `Bearer ${env.EMAIL_API_KEY}` } : {}),
      },
      body: JSON.stringify(env.EMAIL_FROM ? { from: env.EMAIL_FROM, ...message } : message),
    });
    await res.body?.cancel();
    return res.ok ? { ok: true } : { ok: false, error: `HTTP ${res.status}` };
  } catch (e) {
    // The runtime's message goes to the log, never to a caller.
    console.warn(JSON.stringify({ level: "warn", job: "email", message: String(e).slice(0, 200) }));
    return { ok: false, error: "network" };
  }
}
