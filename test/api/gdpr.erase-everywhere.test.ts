/**
 * GDPR erasure reaches every table: one contact is seeded into every place that can hold their
 * email, name or external id (through the real API where one exists), erased, and then every
 * column of every table (read from sqlite_master, so a new table is covered automatically) is
 * scanned for those three values, raw and JSON-escaped. Rollups stay exact.
 */
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ADMIN, api, createSurvey, submit } from "../helpers";
import { bulkAccounts, bulkContacts, uniq } from "./accounts.fixtures";

/** Every (table, column, value) where one of `needles` still appears, ASCII case folded. */
async function scanEverything(needles: string[]) {
  const tables = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
  ).all<{ name: string }>();
  expect(tables.results.length).toBeGreaterThan(20);
  const forms = [...new Set(needles.flatMap((n) => [n, JSON.stringify(n).slice(1, -1)]))];
  const hits: string[] = [];
  for (const { name: table } of tables.results) {
    const cols = await env.DB.prepare(`SELECT name FROM pragma_table_info(?)`).bind(table).all<{ name: string }>();
    for (const { name: col } of cols.results) {
      const where = forms.map((_, i) => `instr(lower(CAST("${col}" AS TEXT)), lower(?${i + 1})) > 0`).join(" OR ");
      const rows = await env.DB.prepare(`SELECT CAST("${col}" AS TEXT) AS v FROM "${table}" WHERE ${where}`)
        .bind(...forms)
        .all<{ v: string }>();
      for (const r of rows.results) hits.push(`${table}.${col}: ${r.v.slice(0, 200)}`);
    }
  }
  return hits;
}

describe("GDPR erasure everywhere", () => {
  it("leaves no email, name or external id in any column of any table; rollups and other people's records stay right", async () => {
    const t = uniq("gdprall");
    const ann = { ext: `ext-${t}-A`, email: `ann.${t}@x.test`, name: `Ann "Nan" Ó'Brien ${t}` };
    await bulkAccounts([{ externalId: `${t}-acc`, name: "Acme", startedOn: "2024-01-01" }]);
    const made = await bulkContacts([
      { externalId: ann.ext, email: ann.email, name: ann.name, accountExternalId: `${t}-acc` },
      { externalId: `${t}-bob`, email: `bob.${t}@x.test`, name: "Bob", accountExternalId: `${t}-acc` },
    ]);
    const annId: string = made.results[0].id;
    const s = await createSurvey({ extraQuestions: [{ id: "why", type: "text", label: { en: "Why?" } }] });
    const hook = await api("/api/v1/webhooks", {
      headers: ADMIN,
      body: { url: "http://127.0.0.1:9/hook", events: ["response.created", "response.detractor", "contact.unsubscribed"] },
    });
    expect(hook.status).toBe(201);

    // Ann's answer quotes herself in the comment, answers and properties; Bob's is clean.
    const ra = await submit(s.id, {
      score: 2,
      comment: `I am ${ann.name}, write to ${ann.email}`,
      answers: { why: `my id is ${ann.ext}` },
      properties: { account_email: ann.email },
      contact: { id: ann.ext, email: ann.email, name: ann.name },
    });
    expect(ra.status).toBe(201);
    const rb = await submit(s.id, { score: 10, comment: "Great", contact: { id: `${t}-bob` } });
    expect(rb.status).toBe(201);

    // Follow-ups: a note on Ann's answer, and one on Bob's that quotes Ann.
    for (const r of [ra, rb]) {
      expect((await api(`/api/v1/followups/${r.body.id}`, { method: "PATCH", headers: ADMIN, body: { status: "contacted" } })).status).toBe(200);
    }
    expect((await api(`/api/v1/followups/${ra.body.id}/notes`, { headers: ADMIN, body: { body: `Called ${ann.name}` } })).status).toBe(201);
    const bobNote = `Bob says ${ann.name} (${ann.email}, ${ann.ext}) decides. Follow up in May.`;
    expect((await api(`/api/v1/followups/${rb.body.id}/notes`, { headers: ADMIN, body: { body: bobNote } })).status).toBe(201);

    // A dismissal, an invitation whose bounce quotes the address, then an unsubscribe through its link.
    await env.DB.batch([
      env.DB.prepare("INSERT INTO dismissals (id, survey_id, contact_id) VALUES (?, ?, ?)").bind(`dis_${t}`, s.id, annId),
      env.DB.prepare("INSERT INTO waves (id, survey_id, period, opens_at, closes_at) VALUES (?, ?, '2026-01', 0, 1)").bind(`wav_${t}`, s.id),
      env.DB.prepare(
        "INSERT INTO invitations (id, wave_id, survey_id, contact_id, token, status, last_error) VALUES (?, ?, ?, ?, ?, 'bounced', ?)",
      ).bind(`inv_${t}`, `wav_${t}`, s.id, annId, `tok${t.replace(/[^0-9a-z]/gi, "").toLowerCase()}`, `550 <${ann.email}> mailbox unavailable`),
    ]);
    const token = `tok${t.replace(/[^0-9a-z]/gi, "").toLowerCase()}`;
    expect((await SELF.fetch(`http://localhost/u/${token}`, { method: "POST" })).status).toBe(200);

    // An import report quoting her (a repeated external id, a repeated email).
    const csv = [
      "external_id,email,name",
      `${ann.ext},${ann.email},"${ann.name.replace(/"/g, '""')}"`,
      `${ann.ext},other.${t}@x.test,Again`,
      `${t}-carl,${ann.email},Carl`,
    ].join("\r\n");
    const imp = await api("/api/v1/imports/contacts", { method: "POST", raw: csv, headers: { ...ADMIN, "content-type": "text/csv; charset=utf-8" } });
    expect(imp.status).toBe(201);
    expect(JSON.stringify(imp.body.errors)).toContain(ann.email);

    // Audit details and a failed delivery of Bob's event that quote her (as a receiver's error might).
    await env.DB.prepare("INSERT INTO audit_log (id, actor, action, target, details) VALUES (?, 'bootstrap', 'contact.update', ?, ?)")
      .bind(`aud_${t}`, annId, JSON.stringify({ email: ann.email, name: ann.name }))
      .run();
    await env.DB.prepare("UPDATE webhook_deliveries SET last_error = ? WHERE json_extract(payload, '$.data.response.id') = ?")
      .bind(`HTTP 422: ${ann.email} is not a known customer`, rb.body.id)
      .run();

    const seeded = await scanEverything([ann.email, ann.name, ann.ext]);
    for (const place of [
      "contacts.",
      "responses.comment",
      "responses.answers",
      "responses.properties",
      "followup_notes.body",
      "invitations.last_error",
      "webhook_deliveries.payload",
      "webhook_deliveries.last_error",
      "import_jobs.errors",
      "audit_log.details",
    ]) {
      expect(
        seeded.some((h) => h.startsWith(place)),
        `seeded in ${place}`,
      ).toBe(true);
    }

    // The export shows all of it, mentions elsewhere included.
    const exp = await api(`/api/v1/contacts/${annId}/export`, { headers: ADMIN });
    expect(exp.status).toBe(200);
    expect(exp.body.webhookEvents.map((e: any) => e.event).sort()).toEqual(["contact.unsubscribed", "response.created", "response.detractor"]);
    expect(exp.body.mentions.map((m: any) => `${m.table}.${m.column}`).sort()).toEqual([
      "audit_log.details",
      "followup_notes.body",
      "import_jobs.errors",
      "webhook_deliveries.last_error",
    ]);
    expect(exp.body.invitations[0].lastError).toContain(ann.email);

    const metrics = async () => (await api(`/api/v1/surveys/${s.id}/metrics`, { headers: ADMIN })).body.totals;
    expect(await metrics()).toMatchObject({ n: 2, promoters: 1, detractors: 1, nps: 0 });

    const erase = await api(`/api/v1/contacts/${annId}/erase`, { method: "POST", headers: ADMIN, body: {} });
    expect(erase.status).toBe(200);
    expect(erase.body).toMatchObject({ erased: true, responses: 1, dismissals: 1, invitations: 1, webhookDeliveries: 3, quotesScrubbed: 4 });

    expect(await scanEverything([ann.email, ann.name, ann.ext])).toEqual([]);
    expect(await metrics()).toMatchObject({ n: 1, promoters: 1, detractors: 0, nps: 100 });

    // Other records keep everything but the quotes, and stay valid JSON where they were JSON.
    const notes = await api(`/api/v1/comments?surveyId=${s.id}`, { headers: ADMIN });
    expect(notes.body.data.map((c: any) => c.responseId)).toEqual([rb.body.id]);
    expect(notes.body.data[0].followup.notes.map((n: any) => n.body)).toEqual(["Bob says [erased] ([erased], [erased]) decides. Follow up in May."]);
    const report = await api(`/api/v1/imports/${imp.body.id}`, { headers: ADMIN });
    expect(report.status).toBe(200);
    expect(report.body.errors).toHaveLength(imp.body.errors.length);
    expect(report.body.errors.map((e: any) => e.row)).toEqual(imp.body.errors.map((e: any) => e.row));
    const bobDelivery = await env.DB.prepare(
      "SELECT payload, last_error FROM webhook_deliveries WHERE json_extract(payload, '$.data.response.id') = ?",
    )
      .bind(rb.body.id)
      .first<any>();
    expect(JSON.parse(bobDelivery.payload).data.response.comment).toBe("Great");
    expect(bobDelivery.last_error).toBe("HTTP 422: [erased] is not a known customer");
    expect((await api(`/api/v1/contacts/${made.results[1].id}`, { headers: ADMIN })).body).toMatchObject({ email: `bob.${t}@x.test`, name: "Bob" });
  });
});
