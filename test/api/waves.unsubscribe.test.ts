import { createScheduledController, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { ADMIN, api, createSurvey } from "../helpers";
import { bulkAccounts, bulkContacts, uniq } from "./accounts.fixtures";

/** Runs the exported cron handler as Cloudflare would, at `iso`. */
async function cronAt(iso: string) {
  const ctrl = createScheduledController({ scheduledTime: new Date(iso), cron: "17 * * * *" });
  await worker.scheduled(ctrl, env);
}

describe("unsubscribe page", () => {
  it("asks on GET (no side effect), unsubscribes on POST, in the contact's language, without JS", async () => {
    const t = uniq("un");
    await bulkAccounts([{ externalId: `${t}-A`, name: "A", startedOn: "2024-01-01" }]);
    const c = await bulkContacts([{ externalId: `${t}-1`, email: `${t}-1@x.test`, locale: "fr", accountExternalId: `${t}-A` }]);
    const s = await createSurvey({ cadence: { enabled: true, months: [5], day: 1, windowDays: 30 } });
    const hook = await api("/api/v1/webhooks", { headers: ADMIN, body: { url: "http://127.0.0.1:9/hook", events: ["contact.unsubscribed"] } });
    expect(hook.status).toBe(201);
    await cronAt("2026-05-02T00:17:00Z");
    const inv = await env.DB.prepare("SELECT token FROM invitations WHERE survey_id = ?").bind(s.id).first<{ token: string }>();
    const get = await api(`/u/${inv!.token}`);
    expect(get.status).toBe(200);
    expect(get.body).toContain('<form method="post">');
    expect(get.body).toContain("Me désabonner");
    expect(get.body).not.toContain("<script");
    const stillIn = await api(`/api/v1/contacts/${c.results[0].id}`, { headers: ADMIN });
    expect(stillIn.body.unsubscribedAt).toBeNull();
    const post = await api(`/u/${inv!.token}`, {
      method: "POST",
      raw: "List-Unsubscribe=One-Click",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(post.status).toBe(200);
    expect(post.body).toContain("désabonné");
    const out = await api(`/api/v1/contacts/${c.results[0].id}`, { headers: ADMIN });
    expect(out.body.unsubscribedAt).not.toBeNull();
    // A second POST (the mail client's one-click after the person's own) changes nothing.
    const again = await api(`/u/${inv!.token}`, { method: "POST" });
    expect(again.status).toBe(200);
    const queued = await env.DB.prepare("SELECT event, payload FROM webhook_deliveries WHERE webhook_id = ?")
      .bind(hook.body.id)
      .all<{ event: string; payload: string }>();
    expect(queued.results).toHaveLength(1);
    expect(queued.results[0]!.event).toBe("contact.unsubscribed");
    expect(JSON.parse(queued.results[0]!.payload).data.contact).toMatchObject({ id: c.results[0].id, externalId: `${t}-1` });
    expect((await api(`/u/0000000000000000nope`)).status).toBe(404);
    expect((await api(`/u/<script>`)).status).toBe(404);
  });
});
