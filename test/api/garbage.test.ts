/**
 * Garbage is refused, not stored: control characters (tab everywhere, line breaks only in
 * multi-line text), lone UTF-16 surrogates and dates outside 1970-01-01 … today + 10 years, on
 * every kind of write, with a 400 naming the field (per row for bulk writes and CSV imports).
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { maxDate } from "../../worker/schemas/common";
import { ADMIN, api, createSurvey, submit } from "../helpers";
import { bulkAccounts, bulkContacts, uniq } from "./accounts.fixtures";

const NUL = "\u0000";
const LONE = "\ud800"; // JSON.stringify writes it as the escape "\ud800": valid JSON, broken text

const refused = (res: { status: number; body: any }, field: string) =>
  expect({ status: res.status, code: res.body?.error?.code, field: res.body?.error?.field }).toEqual({ status: 400, code: "invalid_field", field });

describe("garbage text and dates", () => {
  it("refuses NUL, other controls and lone surrogates in an answer, and stores nothing", async () => {
    const s = await createSurvey({ extraQuestions: [{ id: "why", type: "text", label: { en: "Why?" } }] });
    const t = uniq("nul");
    const cases: [Record<string, unknown>, string][] = [
      [{ comment: NUL.repeat(5) }, "comment"],
      [{ comment: `ok ${LONE} then` }, "comment"],
      [{ comment: "bell\u0007" }, "comment"],
      [{ comment: "C1 \u0085 next line" }, "comment"],
      [{ contact: { id: NUL } }, "contact.id"],
      [{ contact: { id: `${t}-a`, name: "Ann\nBob" } }, "contact.name"],
      [{ contact: { id: `${t}-b`, account: `x${LONE}` } }, "contact.account"],
      [{ answers: { why: `a${NUL}b` } }, "answers.why"],
      [{ properties: { page: "\u001b[31mred" } }, "properties.page"],
    ];
    for (const [body, field] of cases) {
      const id = crypto.randomUUID();
      const res = await submit(s.id, { id, score: 5, ...body });
      refused(res, field);
      expect(await env.DB.prepare("SELECT count(*) AS n FROM responses WHERE id = ?").bind(id).first("n")).toBe(0);
    }
    expect(await env.DB.prepare("SELECT count(*) AS n FROM contacts WHERE external_id LIKE ?").bind(`${t}%`).first("n")).toBe(0);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM contacts WHERE external_id = ?").bind(NUL).first("n")).toBe(0);

    // Tab, line breaks and CRLF are normal in a comment; emoji (a valid surrogate pair) too.
    const ok = await submit(s.id, { score: 5, comment: "col1\tcol2\r\nline two\n😀", answers: { why: "because\nreasons" } });
    expect(ok.status).toBe(201);
    expect(await env.DB.prepare("SELECT comment FROM responses WHERE id = ?").bind(ok.body.id).first("comment")).toBe("col1\tcol2\r\nline two\n😀");
    const patched = await api(`/api/v1/surveys/${s.id}/responses/${ok.body.id}`, { method: "PATCH", body: { comment: NUL } });
    refused(patched, "comment");
    expect(await env.DB.prepare("SELECT comment FROM responses WHERE id = ?").bind(ok.body.id).first("comment")).toBe("col1\tcol2\r\nline two\n😀");
  });

  it("refuses them in accounts, contacts, notes, surveys and goals too (per row in bulk writes)", async () => {
    const t = uniq("gar");
    await bulkAccounts([{ externalId: `${t}-A`, name: "Acme", startedOn: "2024-01-01" }]);
    const accounts = await api("/api/v1/accounts/bulk", {
      headers: ADMIN,
      body: {
        accounts: [
          { externalId: NUL, name: "Nul Inc", startedOn: "2024-01-01" },
          { externalId: `${t}-far`, name: "Future", startedOn: "9999-12-31" },
          { externalId: `${t}-old`, name: "Old", startedOn: "1969-12-31" },
          { externalId: `${t}-seg`, name: "Seg", startedOn: "2024-01-01", segment: "s\rmb" },
          { externalId: `${t}-ok`, name: "Fine\tTabbed", startedOn: maxDate(10) },
        ],
      },
    });
    expect(accounts.status).toBe(200);
    expect(accounts.body.results.map((r: any) => r.error?.field ?? r.status)).toEqual(["externalId", "startedOn", "startedOn", "segment", "created"]);
    expect(
      await env.DB.prepare("SELECT count(*) AS n FROM accounts WHERE external_id LIKE ? OR external_id = ?").bind(`${t}-%`, NUL).first("n"),
    ).toBe(2);

    const acc = (await api(`/api/v1/accounts?q=${t}-A`, { headers: ADMIN })).body.data[0];
    refused(await api(`/api/v1/accounts/${acc.id}`, { method: "PATCH", headers: ADMIN, body: { startedOn: "9999-12-31" } }), "startedOn");
    refused(await api(`/api/v1/accounts/${acc.id}`, { method: "PATCH", headers: ADMIN, body: { name: `A${LONE}` } }), "name");
    expect((await api(`/api/v1/accounts/${acc.id}`, { headers: ADMIN })).body).toMatchObject({ name: "Acme", startedOn: "2024-01-01" });

    const contacts = await bulkContacts([
      { externalId: `${t}-c1`, name: `x${NUL}` },
      { externalId: `${t}-c2`, name: "Ann" },
    ]);
    expect(contacts.results.map((r: any) => r.error?.field ?? r.status)).toEqual(["name", "created"]);
    refused(await api(`/api/v1/contacts/${contacts.results[1].id}`, { method: "PATCH", headers: ADMIN, body: { name: "\u0000" } }), "name");

    const s = await createSurvey();
    const r = await submit(s.id, { score: 1, comment: "bad" });
    refused(await api(`/api/v1/followups/${r.body.id}/notes`, { headers: ADMIN, body: { body: `call${NUL}` } }), "body");
    refused(await api("/api/v1/surveys", { headers: ADMIN, body: { name: "Two\nlines", kind: "nps" } }), "name");
    refused(
      await api("/api/v1/surveys", { headers: ADMIN, body: { name: "Q", kind: "nps", texts: { en: { question: `Why${LONE}?` } } } }),
      "texts.en.question",
    );
    expect(
      (await api("/api/v1/surveys", { headers: ADMIN, body: { name: "Q", kind: "nps", texts: { en: { question: "Line one\nline two" } } } })).status,
    ).toBe(201);
    refused(await api("/api/v1/goals", { headers: ADMIN, body: { name: "G", metric: "nps", target: 50, deadline: "9999-12-31" } }), "deadline");
    refused(await api("/api/v1/goals", { headers: ADMIN, body: { name: `G${NUL}`, metric: "nps", target: 50, deadline: "2030-01-01" } }), "name");
    refused(await api(`/api/v1/comments?q=${encodeURIComponent(NUL)}`, { headers: ADMIN }), "q");
    refused(await api(`/api/v1/comments?from=0001-01-01`, { headers: ADMIN }), "from");
  });

  it("reports them per row in a CSV import (code invalid_text / invalid_date) and imports the rest", async () => {
    const t = uniq("gcsv");
    const csv = [
      "external_id,name,started_on",
      `${t}-1,Nul${NUL}Corp,2025-01-01`,
      `${t}-2,Far,9999-12-31`,
      `${NUL},Id of one NUL,2025-01-01`,
      `${t}-3,"Two\nlines",2025-01-01`,
      `${t}-4,Fine,2025-01-01`,
    ].join("\r\n");
    const res = await api("/api/v1/imports/accounts", { method: "POST", raw: csv, headers: { ...ADMIN, "content-type": "text/csv; charset=utf-8" } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ okRows: 1, errorRows: 4 });
    expect(res.body.errors.map((e: any) => [e.row, e.field, e.code])).toEqual([
      [2, "name", "invalid_text"],
      [3, "started_on", "invalid_date"],
      [4, "external_id", "invalid_text"],
      [5, "name", "invalid_text"],
    ]);
    expect(
      (await env.DB.prepare("SELECT external_id FROM accounts WHERE external_id LIKE ? OR external_id = ?").bind(`${t}-%`, NUL).all()).results,
    ).toEqual([{ external_id: `${t}-4` }]);
  });
});
