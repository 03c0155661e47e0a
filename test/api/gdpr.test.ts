import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ADMIN, api, createSurvey, submit } from "../helpers";
import { bulkAccounts, bulkContacts, uniq } from "./accounts.fixtures";
import { makeWorld } from "../scope-helpers";

describe("GDPR", () => {
  it("exports everything held on a contact, then erases it: metrics follow, audit row names no one", async () => {
    const t = uniq("gdpr");
    await bulkAccounts([{ externalId: `${t}-A`, name: "Acme", startedOn: "2024-01-01", segment: "smb" }]);
    const made = await bulkContacts([
      { externalId: `${t}-ann`, email: `${t}-ann@x.test`, name: "Ann Example", locale: "fr", accountExternalId: `${t}-A` },
      { externalId: `${t}-bob`, email: `${t}-bob@x.test`, name: "Bob", accountExternalId: `${t}-A` },
    ]);
    const [ann, bob] = made.results.map((r: any) => r.id);
    const s = await createSurvey({ cadence: { enabled: true, months: [1], day: 1, windowDays: 10 } });
    const hook = await api("/api/v1/webhooks", {
      headers: ADMIN,
      body: { url: "http://127.0.0.1:9/hook", events: ["response.created", "response.detractor"] },
    });
    expect(hook.status).toBe(201);
    // Ann: a detractor with a comment (then changed her mind), Bob: a promoter.
    const r1 = await submit(s.id, { score: 2, comment: "Slow support, call me on 06 12 34 56 78", contact: { id: `${t}-ann` } });
    expect(r1.status).toBe(201);
    await submit(s.id, { score: 10, contact: { id: `${t}-bob` } });
    // Her detractor answer opened a follow-up item by itself (migrations/0005); it is being worked on.
    const item = await env.DB.prepare("UPDATE followups SET status = 'contacted' WHERE response_id = ?").bind(r1.body.id).run();
    expect(item.meta.changes).toBe(1);
    await env.DB.prepare("INSERT INTO followup_notes (id, response_id, body) VALUES ('note_1', ?, 'Called Ann, she wants a refund')")
      .bind(r1.body.id)
      .run();
    await env.DB.prepare("INSERT INTO dismissals (id, survey_id, contact_id) VALUES (?, ?, ?)").bind(`dis_${t}`, s.id, ann).run();
    await env.DB.prepare("INSERT INTO waves (id, survey_id, period, opens_at, closes_at) VALUES (?, ?, '2026-01', 0, 1)")
      .bind(`wav_${t}`, s.id)
      .run();
    await env.DB.prepare("INSERT INTO invitations (id, wave_id, survey_id, contact_id, token) VALUES (?, ?, ?, ?, ?)")
      .bind(`inv_${t}`, `wav_${t}`, s.id, ann, `tok${t.replace(/-/g, "")}`)
      .run();

    const exp = await api(`/api/v1/contacts/${ann}/export`, { headers: ADMIN });
    expect(exp.status).toBe(200);
    expect(exp.headers.get("content-disposition")).toContain("attachment");
    expect(exp.body.contact).toMatchObject({ id: ann, email: `${t}-ann@x.test`, name: "Ann Example", locale: "fr" });
    expect(exp.body.account).toMatchObject({ name: "Acme" });
    expect(exp.body.responses).toHaveLength(1);
    expect(exp.body.responses[0]).toMatchObject({ score: 2, comment: expect.stringContaining("Slow support") });
    expect(exp.body.followups).toHaveLength(1);
    expect(exp.body.followupNotes[0].body).toContain("refund");
    expect(exp.body.dismissals).toHaveLength(1);
    expect(exp.body.invitations).toHaveLength(1);
    expect(JSON.stringify(exp.body.invitations)).not.toContain("tok");

    const metrics = async () => (await api(`/api/v1/surveys/${s.id}/metrics`, { headers: ADMIN })).body.totals;
    const before = await metrics();
    expect(before).toMatchObject({ n: 2, promoters: 1, detractors: 1, nps: 0 });

    const erase = await api(`/api/v1/contacts/${ann}/erase`, { method: "POST", headers: ADMIN, body: {} });
    expect(erase.status).toBe(200);
    // Ann's answer queued response.created and response.detractor; Bob's only response.created.
    expect(erase.body).toMatchObject({ erased: true, responses: 1, dismissals: 1, invitations: 1, webhookDeliveries: 2 });
    const hooks = await env.DB.prepare("SELECT payload FROM webhook_deliveries WHERE webhook_id = ?").bind(hook.body.id).all<{ payload: string }>();
    expect(hooks.results).toHaveLength(1);
    expect(JSON.parse(hooks.results[0]!.payload).data.response.contactId).toBe(bob);

    // The rollups lost Ann's answer: one promoter left, NPS 100.
    expect(await metrics()).toMatchObject({ n: 1, promoters: 1, detractors: 0, nps: 100 });
    const left = await env.DB.prepare(
      `SELECT (SELECT count(*) FROM contacts WHERE id = ?1) AS contacts, (SELECT count(*) FROM responses WHERE contact_id = ?1) AS responses,
              (SELECT count(*) FROM followups WHERE response_id = ?2) AS followups, (SELECT count(*) FROM followup_notes WHERE response_id = ?2) AS notes,
              (SELECT count(*) FROM dismissals WHERE contact_id = ?1) AS dismissals, (SELECT count(*) FROM invitations WHERE contact_id = ?1) AS invitations,
              (SELECT count(*) FROM counted WHERE member = ?1) AS counted`,
    )
      .bind(ann, r1.body.id)
      .first();
    expect(left).toEqual({ contacts: 0, responses: 0, followups: 0, notes: 0, dismissals: 0, invitations: 0, counted: 0 });
    const audit = await env.DB.prepare("SELECT actor, action, target, details FROM audit_log WHERE target = ?").bind(ann).first<any>();
    expect(audit).toMatchObject({ actor: "bootstrap", action: "contact.erase", target: ann });
    const row = JSON.stringify(audit);
    for (const personal of ["Ann", `${t}-ann@x.test`, "Slow support", "refund"]) expect(row).not.toContain(personal);
    // Bob is untouched; Ann is gone for every route.
    expect((await api(`/api/v1/contacts/${bob}`, { headers: ADMIN })).status).toBe(200);
    expect((await api(`/api/v1/contacts/${ann}`, { headers: ADMIN })).status).toBe(404);
    expect((await api(`/api/v1/contacts/${ann}/erase`, { method: "POST", headers: ADMIN, body: {} })).status).toBe(404);
  });
});

describe("GDPR export completeness", () => {
  it("holds every row of every table that points at the contact (tables read from the database), survey requests from /v1 included", async () => {
    await createSurvey();
    const key = await api("/api/v1/api-keys", { headers: ADMIN, body: { name: "v1", role: "admin" } });
    const basic = { authorization: `Basic ${btoa(`${key.body.key}:`)}` };
    const t = uniq("gdprrows");
    // A Delighted-style person scheduled twice (the request keeps the properties given then),
    // then an answer and a dismissal under the same person.
    const person = await api("/v1/people", { headers: basic, body: { email: `${t}@x.test`, delay: 3600, properties: { plan: `gold-${t}` } } });
    expect(person.status).toBe(200);
    await api("/v1/people", { headers: basic, body: { email: `${t}@x.test`, delay: 7200, properties: { plan: `platinum-${t}` } } });
    const contactId: string = person.body.id;
    const answer = await api("/v1/survey_responses", { headers: basic, body: { person: contactId, score: 4, comment: "slow" } });
    expect(answer.status).toBe(201);

    const exported = await api(`/api/v1/contacts/${contactId}/export`, { headers: ADMIN });
    expect(exported.status).toBe(200);
    const text = JSON.stringify(exported.body);
    const all = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
    ).all<{ name: string }>();
    const tables: { t: string }[] = [];
    for (const { name } of all.results) {
      const cols = await env.DB.prepare("SELECT name FROM pragma_table_info(?)").bind(name).all<{ name: string }>();
      if (cols.results.some((c) => c.name === "contact_id")) tables.push({ t: name });
    }
    expect(tables.map((r) => r.t)).toEqual(expect.arrayContaining(["responses", "dismissals", "invitations", "survey_requests"]));
    const missing: string[] = [];
    let rows = 0;
    for (const { t: table } of tables) {
      const held = await env.DB.prepare(`SELECT id FROM "${table}" WHERE contact_id = ?`).bind(contactId).all<{ id: string }>();
      for (const r of held.results) {
        rows++;
        if (!text.includes(`"${r.id}"`)) missing.push(`${table}.${r.id}`);
      }
    }
    expect(rows).toBeGreaterThanOrEqual(3);
    expect(missing).toEqual([]);
    // The older request's properties are the person's data as given then, not only today's traits.
    expect(text).toContain(`gold-${t}`);
  });
});

describe("a manager's GDPR export", () => {
  it("holds the person's own records but no admin records nor notes on other managers' accounts that happen to quote them", async () => {
    const w = await makeWorld();
    // Manager A's contact (the one who answered rA) and what quotes their e-mail elsewhere.
    const contactA = (await api(`/api/v1/accounts/${w.accountA.id}`, { headers: w.keys.admin })).body.contacts[0];
    expect(contactA?.email).toBeTruthy();
    // A note on manager B's answer, an import report, both quoting A's contact.
    const note = await api(`/api/v1/followups/${w.rB.id}/notes`, { headers: w.keys.admin, body: { body: `B's client cc'd ${contactA.email}` } });
    expect(note.status).toBe(201);
    const report = await api("/api/v1/imports/contacts", {
      method: "POST",
      raw: `external_id,email\ngdpr-x1,${contactA.email}\ngdpr-x2,${contactA.email}\n`,
      headers: { ...w.keys.admin, "content-type": "text/csv" },
    });
    expect(report.status).toBe(201);

    const byAdmin = await api(`/api/v1/contacts/${contactA.id}/export`, { headers: w.keys.admin });
    expect(byAdmin.body.mentions.map((m: { table: string }) => m.table).sort()).toEqual(["followup_notes", "import_jobs"]);
    for (const headers of [w.keys.managerA, w.managerA.read]) {
      const byManager = await api(`/api/v1/contacts/${contactA.id}/export`, { headers });
      expect(byManager.status).toBe(200);
      expect(byManager.body.responses.map((r: { id: string }) => r.id)).toEqual([w.rA.id]);
      expect(JSON.stringify(byManager.body)).not.toContain("B's client");
      expect(byManager.body.mentions.filter((m: { table: string }) => m.table !== "followup_notes")).toEqual([]);
    }
    // Manager B sees neither the contact nor its export.
    expect((await api(`/api/v1/contacts/${contactA.id}/export`, { headers: w.keys.managerB })).status).toBe(404);
  });
});
