import { createExecutionContext, createScheduledController, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../worker/app";
import worker from "../../worker/index";
import { waveResponseRate } from "../../worker/metrics/responseRate";
import { ADMIN, api, createSurvey } from "../helpers";
import { bulkAccounts, bulkContacts, callers, pastResponse, uniq } from "./accounts.fixtures";

/** Runs the exported cron handler as Cloudflare would, at `iso`. */
async function cronAt(iso: string) {
  const ctrl = createScheduledController({ scheduledTime: new Date(iso), cron: "17 * * * *" });
  await worker.scheduled(ctrl, env);
}

/** This test's invitations (other tests' contacts share the file's database). */
async function invitationsOf(surveyId: string, t: string) {
  const rows = await env.DB.prepare(
    `SELECT c.external_id AS contact, w.period FROM invitations i JOIN contacts c ON c.id = i.contact_id JOIN waves w ON w.id = i.wave_id
     WHERE i.survey_id = ? AND c.external_id LIKE ? ORDER BY w.period, c.external_id`,
  )
    .bind(surveyId, `${t}-%`)
    .all<{ contact: string; period: string }>();
  return rows.results.map((r) => `${r.period} ${r.contact.split("-").at(-1)}`);
}

const wavesOf = async (surveyId: string) => (await api(`/api/v1/waves?surveyId=${surveyId}`, { headers: ADMIN })).body.data;

async function world() {
  const t = uniq("w");
  await bulkAccounts([
    { externalId: `${t}-A`, name: "Active", startedOn: "2024-01-01" },
    { externalId: `${t}-C`, name: "Churned", startedOn: "2024-01-01", churnedOn: "2025-12-01" },
    { externalId: `${t}-F`, name: "Future", startedOn: "2026-06-01" },
  ]);
  const people = await bulkContacts([
    { externalId: `${t}-a1`, email: `${t}-a1@x.test`, accountExternalId: `${t}-A` },
    { externalId: `${t}-a2`, email: `${t}-a2@x.test`, accountExternalId: `${t}-A` },
    { externalId: `${t}-a3`, accountExternalId: `${t}-A` },
    { externalId: `${t}-a4`, email: `${t}-a4@x.test`, accountExternalId: `${t}-A` },
    { externalId: `${t}-a5`, email: `${t}-a5@x.test`, accountExternalId: `${t}-A` },
    { externalId: `${t}-c1`, email: `${t}-c1@x.test`, accountExternalId: `${t}-C` },
    { externalId: `${t}-f1`, email: `${t}-f1@x.test`, accountExternalId: `${t}-F` },
    { externalId: `${t}-n1`, email: `${t}-n1@x.test` },
  ]);
  const id = Object.fromEntries(people.results.map((r: any) => [r.externalId.split("-").at(-1), r.id]));
  const un = await api(`/api/v1/contacts/${id.a2}`, { method: "PATCH", headers: ADMIN, body: { unsubscribed: true } });
  expect(un.status).toBe(200);
  return { t, id };
}

describe("unsubscribe page", () => {
  it("asks on GET (no side effect), unsubscribes on POST, in the contact's language, without JS", async () => {
    const t = uniq("un");
    await bulkAccounts([{ externalId: `${t}-A`, name: "A", startedOn: "2024-01-01" }]);
    const c = await bulkContacts([{ externalId: `${t}-1`, email: `${t}-1@x.test`, locale: "fr", accountExternalId: `${t}-A` }]);
    const s = await createSurvey({ cadence: { enabled: true, months: [5], day: 1, windowDays: 30 } });
    await cronAt("2026-05-02T00:17:00Z");
    const inv = await env.DB.prepare("SELECT token FROM invitations WHERE survey_id = ?").bind(s.id).first<{ token: string }>();
    const get = await api(`/u/${inv!.token}`);
    expect(get.status).toBe(200);
    expect(get.body).toContain('<form method="post">');
    expect(get.body).toContain("Me désabonner");
    expect(get.body).not.toContain("<script");
    const stillIn = await api(`/api/v1/contacts/${c.results[0].id}`, { headers: ADMIN });
    expect(stillIn.body.unsubscribedAt).toBeNull();
    const post = await api(`/u/${inv!.token}`, { method: "POST", raw: "List-Unsubscribe=One-Click", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(post.status).toBe(200);
    expect(post.body).toContain("désabonné");
    const out = await api(`/api/v1/contacts/${c.results[0].id}`, { headers: ADMIN });
    expect(out.body.unsubscribedAt).not.toBeNull();
    expect((await api(`/u/0000000000000000nope`)).status).toBe(404);
    expect((await api(`/u/<script>`)).status).toBe(404);
  });
});
