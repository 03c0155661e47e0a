/**
 * Unsubscribe link in every invitation: /u/:token. Works without JavaScript.
 * GET shows a one-button form (email security scanners open links, and must not unsubscribe people
 * by doing so); POST unsubscribes, which is also what RFC 8058 one-click mail clients send, and
 * queues the `contact.unsubscribed` webhook event.
 */
import { and, eq, isNull } from "drizzle-orm";
import { createDb } from "../db/client";
import { Hono } from "hono";
import { contacts, invitations } from "../db/schema";
import type { AppEnv } from "../env";
import { enqueueContactUnsubscribed } from "../jobs/webhooks";
import { pickLocale } from "../locales";
import { rateLimit } from "../middleware/rateLimit";

const T = {
  en: {
    title: "Unsubscribe",
    ask: "Stop receiving survey invitations at this address?",
    button: "Unsubscribe",
    done: "You are unsubscribed. You will not receive survey invitations any more.",
    unknown: "This link is not valid any more.",
  },
  fr: {
    title: "Désabonnement",
    ask: "Ne plus recevoir d'invitations à nos enquêtes à cette adresse ?",
    button: "Me désabonner",
    done: "Vous êtes désabonné·e. Vous ne recevrez plus d'invitations à nos enquêtes.",
    unknown: "Ce lien n'est plus valable.",
  },
} as const;

const page = (lang: "en" | "fr", body: string) =>
  `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
  `<meta name="robots" content="noindex"><title>${T[lang].title}</title>` +
  `<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#111}` +
  `button{font:inherit;padding:.6rem 1.2rem;border-radius:.4rem;border:0;background:#4f46e5;color:#fff;cursor:pointer}</style>` +
  `</head><body><main><h1>${T[lang].title}</h1>${body}</main></body></html>`;

const TOKEN = /^[0-9a-z]{16,64}$/;

async function lookup(c: { env: AppEnv["Bindings"] }, token: string) {
  if (!TOKEN.test(token)) return null;
  const db = createDb(c.env.DB);
  return (
    (await db
      .select({ contactId: contacts.id, locale: contacts.locale, unsubscribedAt: contacts.unsubscribedAt })
      .from(invitations)
      .innerJoin(contacts, eq(contacts.id, invitations.contactId))
      .where(eq(invitations.token, token))
      .get()) ?? null
  );
}

const headers = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
};

// Public like the link page, and each request is a D1 lookup of a token: limited per address as
// the link page is (docs/WIDGET.md "Rate limits"), so nobody can sweep tokens or unsubscribe in bulk.
export const unsubscribeRoute = new Hono<AppEnv>()
  .get("/:token", rateLimit("read"), async (c) => {
    const who = await lookup(c, c.req.param("token"));
    const lang = pickLocale([who?.locale, c.req.header("accept-language")]);
    if (!who) return c.body(page(lang, `<p>${T[lang].unknown}</p>`), 404, headers);
    if (who.unsubscribedAt) return c.body(page(lang, `<p>${T[lang].done}</p>`), 200, headers);
    return c.body(page(lang, `<p>${T[lang].ask}</p><form method="post"><button type="submit">${T[lang].button}</button></form>`), 200, headers);
  })
  .post("/:token", rateLimit("write"), async (c) => {
    const who = await lookup(c, c.req.param("token"));
    const lang = pickLocale([who?.locale, c.req.header("accept-language")]);
    if (!who) return c.body(page(lang, `<p>${T[lang].unknown}</p>`), 404, headers);
    const db = createDb(c.env.DB);
    // Only the first unsubscribe counts (a second click, or the mail client's one-click POST after
    // the person's own, changes nothing and notifies no one twice).
    const res = await db
      .update(contacts)
      .set({ unsubscribedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(contacts.id, who.contactId), isNull(contacts.unsubscribedAt)))
      .run();
    if ((res.meta.changes ?? 0) > 0) await enqueueContactUnsubscribed(db, who.contactId);
    return c.body(page(lang, `<p>${T[lang].done}</p>`), 200, headers);
  });
