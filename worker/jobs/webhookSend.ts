/**
 * Sending one webhook delivery: the payload (refreshed for detractor alerts), the Slack text, the
 * signature in the hook's format, the POST, and the attempt's line in `webhook_attempts`. Used by
 * the queue consumer (jobs/webhookQueue.ts) and the direct path (jobs/webhooks.ts).
 */
import { eq } from "drizzle-orm";
import { SCORE_RANGE, type SurveyKind } from "../domain/categories";
import * as schema from "../db/schema";
import { accounts, contacts, webhookDeliveries, type webhooks } from "../db/schema";
import type { Db } from "../env";
import { deliveryPolicy } from "../lib/deliveryPolicy";
import { hmacSha256Hex } from "../lib/hmac";
import { newId } from "../lib/ids";
import { deliveryUrlProblem } from "../lib/publicUrl";
import { standardHeaders } from "../lib/standardWebhooks";

const TIMEOUT_MS = 10_000;

/** Slack treats &, < and > as markup (`<!channel>` pings everyone): respondents' text is escaped. */
const slackEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

async function slackText(db: Db, event: string, payload: string): Promise<string> {
  const { data } = JSON.parse(payload) as { data: any };
  if (event === "webhook.test") return "Baromètre test message: this webhook works.";
  if (event === "contact.unsubscribed") {
    return `Contact ${slackEscape(String(data.contact?.email ?? data.contact?.id ?? "?"))} unsubscribed from surveys.`;
  }
  const r = data.response ?? {};
  const max = (SCORE_RANGE[data.survey?.kind as SurveyKind] ?? SCORE_RANGE.nps)[1];
  const [contact, account] = await Promise.all([
    r.contactId ? db.select({ name: contacts.name, email: contacts.email }).from(contacts).where(eq(contacts.id, r.contactId)).get() : undefined,
    r.accountId ? db.select({ name: accounts.name }).from(accounts).where(eq(accounts.id, r.accountId)).get() : undefined,
  ]);
  const who = contact ? contact.name || contact.email || "a contact" : "an anonymous respondent";
  const lead = event === "response.detractor" ? ":rotating_light: Detractor" : event === "response.created" ? "New answer" : "Updated answer";
  let text = `${lead}: ${r.score}/${max} from ${slackEscape(who)}`;
  if (account) text += ` (${slackEscape(account.name)})`;
  text += ` on “${slackEscape(String(data.survey?.name ?? ""))}”.`;
  if (r.comment) text += `\n> ${slackEscape(String(r.comment)).replace(/\n/g, "\n> ")}`;
  return text;
}

export async function signatureHeader(secret: string, body: string, unixSeconds: number): Promise<string> {
  return `t=${unixSeconds},v1=${await hmacSha256Hex(secret, `${unixSeconds}.${body}`)}`;
}

export interface Claimed {
  id: string;
  webhookId: string;
  event: string;
  payload: string;
  attempts: number;
}

export type Hook = typeof webhooks.$inferSelect;

/**
 * A detractor alert waits briefly for the comment (the queue delays it); when it leaves, the
 * payload is refreshed with the answer as it is now, so the alert shows what the client said.
 */
async function freshPayload(db: Db, d: Claimed): Promise<string> {
  if (d.event !== "response.detractor") return d.payload;
  const event = JSON.parse(d.payload) as { data?: { response?: { id?: string; comment?: string | null; updatedAt?: string } } };
  const id = event.data?.response?.id;
  if (!id) return d.payload;
  const now = await db
    .select({ comment: schema.responses.comment, updatedAt: schema.responses.updatedAt })
    .from(schema.responses)
    .where(eq(schema.responses.id, id))
    .get();
  if (!now || now.comment === (event.data!.response!.comment ?? null)) return d.payload;
  event.data!.response!.comment = now.comment;
  event.data!.response!.updatedAt = now.updatedAt.toISOString();
  const fresh = JSON.stringify(event);
  // Kept, so a retry sends the same bytes (and the same signature input) as this attempt.
  await db.update(webhookDeliveries).set({ payload: fresh }).where(eq(webhookDeliveries.id, d.id));
  return fresh;
}

export interface AttemptResult {
  ok: boolean;
  error: string | null;
  /** No point retrying: the hook is gone or disabled, or its address is refused. */
  permanent: boolean;
}

/**
 * One try of one delivery, signed in the hook's format, logged in `webhook_attempts`. Callers
 * see a generic reason only: the runtime's message would tell them what sits behind an address
 * (the details go to the server log).
 */
export async function attemptDelivery(db: Db, d: Claimed, hook: Hook | undefined): Promise<AttemptResult> {
  const started = Date.now();
  let error: string | null = null;
  const refused = hook ? deliveryUrlProblem(hook.url, deliveryPolicy()) !== null : false;
  if (!hook?.active) {
    error = "webhook disabled";
  } else if (refused) {
    // Stored before the rule existed, or the policy changed: never connect.
    error = "address refused";
  } else {
    try {
      const payload = await freshPayload(db, d);
      const body = hook.format === "slack" ? JSON.stringify({ text: await slackText(db, d.event, payload) }) : payload;
      const ts = Math.floor(Date.now() / 1000);
      const signing =
        hook.signing === "standard"
          ? await standardHeaders(hook.secret, d.id, ts, body)
          : { "barometre-signature": await signatureHeader(hook.secret, body, ts) };
      const res = await fetch(hook.url, {
        method: "POST",
        redirect: "manual", // a redirect could point anywhere: it counts as a failure
        signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: {
          "content-type": "application/json",
          "user-agent": "Barometre-Webhooks/1",
          "barometre-event": d.event,
          "barometre-delivery": d.id,
          ...signing,
        },
        body,
      });
      await res.body?.cancel();
      if (res.status >= 300 && res.status <= 399) error = "redirect refused";
      else if (res.status < 200 || res.status > 299) error = `HTTP ${res.status}`;
    } catch (e) {
      error = (e as Error)?.name === "TimeoutError" ? "timeout" : "connection failed";
      console.warn(
        JSON.stringify({ level: "warn", msg: "webhook delivery failed", deliveryId: d.id, webhookId: hook.id, error: String(e).slice(0, 300) }),
      );
    }
  }
  await db.insert(schema.webhookAttempts).values({
    id: newId("wha"),
    deliveryId: d.id,
    attempt: d.attempts + 1,
    ok: error === null,
    error,
    durationMs: Date.now() - started,
    createdAt: new Date(started),
  });
  return { ok: error === null, error, permanent: !hook?.active || refused };
}
