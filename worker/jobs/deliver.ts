/**
 * Delivery adapter: sends pending invitations of open waves through an email HTTP API, when
 * EMAIL_API_URL (and PUBLIC_URL, for the links) are configured. One JSON POST per invitation
 * (format in docs/WAVES.md), `Authorization: Bearer EMAIL_API_KEY`, `Idempotency-Key: <invitation
 * id>` so a provider that honours it never sends twice.
 *   2xx → sent; 4xx other than 408/429 → failed (the provider refused this message for good);
 *   5xx, 408, 429 or no answer → stays pending and is retried by the next cron run while the wave
 *   is open.
 */
import { escapeHtml as esc } from "../views/escape";
import { sql } from "drizzle-orm";
import { createDb } from "../db/client";
import type { SurveyKind, SurveyTexts } from "../db/schema";
import type { Db, Env } from "../env";
import { pickLocale, surveyTexts } from "../locales";
import { rawBatch } from "../services/rawBatch";

const SUBJECT = { en: "Could you spare ten seconds?", fr: "Auriez-vous dix secondes ?" } as const;
const CTA = { en: "Answer", fr: "Répondre" } as const;
const UNSUB = { en: "Unsubscribe", fr: "Se désabonner" } as const;

export const surveyLink = (base: string, surveyId: string, token: string) =>
  `${base}/s/${encodeURIComponent(surveyId)}?t=${encodeURIComponent(token)}`;
export const unsubscribeLink = (base: string, token: string) => `${base}/u/${encodeURIComponent(token)}`;

interface Pending {
  id: string;
  token: string;
  survey_id: string;
  kind: SurveyKind;
  default_locale: string;
  texts: string;
  email: string;
  name: string | null;
  locale: string | null;
}

/** The message for one invitation, in the contact's language. */
export function invitationMessage(p: Pending, base: string, from: string | undefined) {
  const locale = pickLocale([p.locale, p.default_locale]);
  const texts = surveyTexts(p.kind, locale, JSON.parse(p.texts) as Record<string, SurveyTexts>);
  const link = surveyLink(base, p.survey_id, p.token);
  const unsub = unsubscribeLink(base, p.token);
  return {
    id: p.id,
    ...(from ? { from } : {}),
    to: { email: p.email, name: p.name },
    locale,
    subject: SUBJECT[locale],
    text: `${texts.question}\n\n${CTA[locale]}: ${link}\n\n${UNSUB[locale]}: ${unsub}\n`,
    html:
      `<p>${esc(texts.question)}</p><p><a href="${esc(link)}">${CTA[locale]}</a></p>` +
      `<p style="font-size:12px;color:#666"><a href="${esc(unsub)}">${UNSUB[locale]}</a></p>`,
    links: { survey: link, unsubscribe: unsub },
    // RFC 8058 one-click unsubscribe: mail clients show their own button for it.
    headers: { "List-Unsubscribe": `<${unsub}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
  };
}

export interface DeliveryReport {
  configured: boolean;
  sent: number;
  failed: number;
  retry: number;
}

export async function deliverPending(env: Env, now: number): Promise<DeliveryReport> {
  const report: DeliveryReport = { configured: false, sent: 0, failed: 0, retry: 0 };
  if (!env.EMAIL_API_URL) return report;
  if (!env.PUBLIC_URL) {
    console.warn(
      JSON.stringify({
        level: "warn",
        job: "deliver",
        message: "EMAIL_API_URL is set but PUBLIC_URL is not: invitations are not sent (their links need it)",
      }),
    );
    return report;
  }
  report.configured = true;
  const db: Db = createDb(env.DB);
  const base = env.PUBLIC_URL.replace(/\/+$/, "");
  const limit = Math.min(Math.max(Number(env.EMAIL_BATCH_SIZE) || 200, 1), 1000);
  const pending = await db.all<Pending>(sql`
    SELECT i.id, i.token, i.survey_id, s.kind, s.default_locale, s.texts, c.email, c.name, c.locale
    FROM invitations i
    JOIN waves w ON w.id = i.wave_id AND w.status = 'open' AND w.closes_at > ${now}
    JOIN surveys s ON s.id = i.survey_id AND s.status = 'active'
    JOIN contacts c ON c.id = i.contact_id
    WHERE i.status = 'pending' AND c.unsubscribed_at IS NULL AND c.email IS NOT NULL
    ORDER BY i.created_at, i.id LIMIT ${limit}`);

  const outcomes: { id: string; status: "sent" | "failed" | "pending"; error: string | null }[] = [];
  const send = async (p: Pending) => {
    try {
      const res = await fetch(env.EMAIL_API_URL!, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "idempotency-key": p.id,
          ...(env.EMAIL_API_KEY ? { authorization: `Bearer ${env.EMAIL_API_KEY}` } : {}),
        },
        body: JSON.stringify(invitationMessage(p, base, env.EMAIL_FROM)),
      });
      const detail = res.ok ? null : `HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`;
      if (res.ok) await res.body?.cancel();
      const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
      outcomes.push({ id: p.id, status: res.ok ? "sent" : permanent ? "failed" : "pending", error: detail });
    } catch (e) {
      outcomes.push({ id: p.id, status: "pending", error: `network: ${String(e).slice(0, 200)}` });
    }
  };
  // A few at a time: fast enough, and gentle with the provider's rate limits.
  for (let i = 0; i < pending.length; i += 6) await Promise.all(pending.slice(i, i + 6).map(send));

  for (const o of outcomes) report[o.status === "sent" ? "sent" : o.status === "failed" ? "failed" : "retry"]++;
  if (outcomes.length > 0) {
    await rawBatch(db, [
      sql`UPDATE invitations SET
            status = CASE WHEN j.value ->> '$.status' = 'pending' THEN invitations.status ELSE j.value ->> '$.status' END,
            sent_at = CASE WHEN j.value ->> '$.status' = 'sent' THEN ${now} ELSE invitations.sent_at END,
            last_error = j.value ->> '$.error'
          FROM json_each(${JSON.stringify(outcomes)}) AS j
          WHERE invitations.id = j.value ->> '$.id' AND invitations.status = 'pending'`,
    ]);
  }
  return report;
}
