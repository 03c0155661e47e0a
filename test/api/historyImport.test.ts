/**
 * History import: Delighted JSON and CSV, Formbricks, Typeform and generic CSVs land with their
 * own dates, people become contacts, a second import adds nothing, bad rows are reported, and the
 * monthly NPS trend afterwards is the hand-computed one.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { accounts, contacts, responses } from "../../worker/db/schema";
import { parseWhen } from "../../worker/services/historyImport";
import { db } from "../auth-helpers";
import { ADMIN, api, createSurvey } from "../helpers";

const importCsv = (surveyId: string, source: string, csv: string, extra = "") =>
  api(`/api/v1/imports/history?surveyId=${surveyId}&source=${source}${extra}`, {
    method: "POST",
    headers: { ...ADMIN, "content-type": "text/csv" },
    raw: csv,
  });
const importJson = (surveyId: string, data: unknown) =>
  api(`/api/v1/imports/history?surveyId=${surveyId}&source=delighted`, {
    method: "POST",
    headers: { ...ADMIN, "content-type": "application/json" },
    raw: JSON.stringify(data),
  });
const trend = async (surveyId: string, from: string, to: string) =>
  (await api(`/api/v1/surveys/${surveyId}/metrics?from=${from}&to=${to}&interval=month`, { headers: ADMIN })).body.trend.map((p: any) => [
    p.label,
    p.summary.n,
    p.summary.nps,
  ]);

const T = (iso: string) => Math.floor(Date.parse(iso) / 1000);

describe("history import", () => {
  it("imports Delighted's API JSON with its dates; a second import adds nothing; the monthly trend is the hand-computed one", async () => {
    const s = await createSurvey({ name: "From Delighted" });
    const data = [
      {
        id: "101",
        person: { id: "9", email: "Ann@Example.test", name: "Ann" },
        score: 10,
        comment: "Love it",
        created_at: T("2025-01-10T10:00:00Z"),
        person_properties: { plan: "pro" },
      },
      {
        id: "102",
        person: { id: "10", email: "bob@example.test" },
        score: 9,
        comment: null,
        created_at: T("2025-01-20T10:00:00Z"),
        person_properties: {},
      },
      { id: "103", person: "11", person_email: "cy@example.test", score: 8, created_at: T("2025-01-25T10:00:00Z") },
      { id: "104", person: { email: "ann@example.test" }, score: 3, comment: "Worse", created_at: T("2025-03-02T10:00:00Z") },
      { id: "105", person: { email: "dee@example.test" }, score: 9, created_at: T("2025-03-15T10:00:00Z") },
      { id: "106", person: { email: "eve@example.test" }, score: 12, created_at: T("2025-03-16T10:00:00Z") },
      { id: "107", person: { email: "fay@example.test" }, score: 10, created_at: T("2025-03-31T23:59:59Z") },
      { id: "108", person: { email: "cy@example.test" }, score: 6, created_at: T("2025-01-05T10:00:00Z") },
    ];
    const first = await importJson(s.id, data);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ kind: "history", status: "done", processedRows: 8, okRows: 7, created: 7, unchanged: 0, errorRows: 1 });
    expect(first.body.errors).toEqual([{ row: 7, field: "score", code: "invalid_score", message: expect.stringContaining("0 to 10") }]);
    const again = await importJson(s.id, data);
    expect(again.body).toMatchObject({ okRows: 7, created: 0, unchanged: 7, errorRows: 1 });
    const rows = await db.select().from(responses).where(eq(responses.surveyId, s.id)).all();
    expect(rows).toHaveLength(7);
    expect(rows.every((r) => r.channel === "import" && r.editKeyHash === null)).toBe(true);
    const ann = await db.select().from(contacts).where(eq(contacts.email, "ann@example.test")).get();
    expect(
      rows
        .filter((r) => r.contactId === ann!.id)
        .map((r) => r.score)
        .sort(),
    ).toEqual([10, 3].sort());
    expect(rows.find((r) => r.score === 10)!.properties).toEqual({ plan: "pro" });
    expect(rows.find((r) => r.score === 10)!.createdAt.toISOString()).toBe("2025-01-10T10:00:00.000Z");
    // By hand, one answer per contact per month, the latest (METRICS.md): January Ann 10, Bob 9,
    // Cy 8 (his 6 of 5 January is older) → P 2, D 0, n 3 → NPS 66.67; February empty; March Ann 3,
    // Dee 9, Fay 10 (31 March 23:59:59 UTC is still March) → P 2, D 1, n 3 → NPS 33.33.
    const got = await trend(s.id, "2025-01-01", "2025-04-01");
    expect(got.map(([label, n]: [string, number]) => [label, n])).toEqual([
      ["2025-01", 3],
      ["2025-02", 0],
      ["2025-03", 3],
    ]);
    expect(got[0][2]).toBeCloseTo(200 / 3, 1);
    expect(got[1][2]).toBeNull();
    expect(got[2][2]).toBeCloseTo(100 / 3, 1);
  });

  it("imports a CSV flattened from Delighted, with person_properties columns and mixed date formats", async () => {
    const s = await createSurvey();
    const csv = [
      "id,person,person_email,score,comment,created_at,person_properties.company,person_properties.tier",
      `201,7,ann2@example.test,9,"Fast, reliable",${T("2025-05-03T08:00:00Z")},Acme,gold`,
      "202,8,bob2@example.test,2,,2025-05-20T09:30:00Z,Globex,silver",
      "203,9,cy2@example.test,10,Top,2025-06-01,Acme,gold",
      "204,9,not-an-email,10,Top,2025-06-01,Acme,gold",
      "205,9,cy3@example.test,7,,yesterday-ish,Acme,gold",
    ].join("\n");
    const r = await importCsv(s.id, "delighted", csv, "&accountProperty=company&segmentProperty=tier");
    expect(r.body).toMatchObject({ okRows: 3, created: 3, errorRows: 2 });
    expect(r.body.errors.map((e: any) => [e.row, e.field, e.code])).toEqual([
      [5, "email", "invalid_email"],
      [6, "date", "invalid_date"],
    ]);
    const acme = await db.select().from(accounts).where(eq(accounts.externalId, "Acme")).get();
    expect(acme).toMatchObject({ name: "Acme", startedOn: "2025-05-03", segment: "gold" });
    const rows = await db.select().from(responses).where(eq(responses.surveyId, s.id)).all();
    expect(rows.find((x) => x.score === 9)).toMatchObject({ accountId: acme!.id, segment: "gold", comment: "Fast, reliable" });
    expect(rows.find((x) => x.score === 2)!.segment).toBe("silver");
    // A date without a time is local midnight in the workspace zone (UTC here).
    expect(rows.find((x) => x.score === 10)!.createdAt.toISOString()).toBe("2025-06-01T00:00:00.000Z");
    expect(rows.find((x) => x.score === 10)!.bucketMonth).toBe("2025-06-01");
  });

  it("recognises Typeform's and Formbricks' exports by their headers", async () => {
    const s = await createSurvey();
    const typeform = [
      "#,How likely are you to recommend Acme to a friend?,Why did you give that score?,email,Start Date (UTC),Submit Date (UTC),Network ID",
      "tf1,9,Great support,tf@example.test,2025-02-01 10:00:00,2025-02-01 10:01:00,abc",
      "tf2,4,Slow,,2025-02-03 11:00:00,2025-02-03 11:02:00,def",
    ].join("\r\n");
    const t = await importCsv(s.id, "typeform", typeform);
    expect(t.body).toMatchObject({ okRows: 2, created: 2, errorRows: 0 });
    const formbricks = [
      "Response ID,Timestamp,Finished,Survey ID,User ID,How likely are you to recommend us?,What could we do better?,country",
      "fb1,2025-02-10T12:00:00.000Z,true,srv,u1,10,Nothing,FR",
    ].join("\n");
    const f = await importCsv(s.id, "formbricks", formbricks);
    expect(f.body).toMatchObject({ okRows: 1, created: 1 });
    const rows = await db.select().from(responses).where(eq(responses.surveyId, s.id)).all();
    expect(rows.map((r) => [r.score, r.comment, r.createdAt.toISOString()]).sort()).toEqual(
      [
        [9, "Great support", "2025-02-01T10:01:00.000Z"],
        [4, "Slow", "2025-02-03T11:02:00.000Z"],
        [10, "Nothing", "2025-02-10T12:00:00.000Z"],
      ].sort(),
    );
    expect(rows.find((r) => r.score === 4)!.contactId).toBeNull(); // no email: anonymous
    expect((await importCsv(s.id, "typeform", typeform)).body).toMatchObject({ created: 0, unchanged: 2 });
  });

  it("takes a column mapping for a generic CSV; other columns become properties; without an id, the row's content is its identity", async () => {
    const s = await createSurvey();
    const csv = [
      "Mail,Note,Verbatim,Quand,Région",
      "g1@example.test,8,Bien,2025-04-02,Nord",
      "g2@example.test,3,Lent,2025-04-03,Sud",
      "g3@example.test,,x,2025-04-03,Sud",
    ].join("\n");
    const columns = encodeURIComponent(JSON.stringify({ Mail: "email", Note: "score", Verbatim: "comment", Quand: "date" }));
    const r = await importCsv(s.id, "generic", csv, `&columns=${columns}`);
    expect(r.body).toMatchObject({ okRows: 2, created: 2, errorRows: 1, errors: [{ row: 4, field: "score", code: "required" }] });
    const rows = await db.select().from(responses).where(eq(responses.surveyId, s.id)).all();
    expect(rows.find((x) => x.score === 8)!.properties).toEqual({ Région: "Nord" });
    expect((await importCsv(s.id, "generic", csv, `&columns=${columns}`)).body).toMatchObject({ created: 0, unchanged: 2 });
  });

  it("refuses with 4xx: no score or date column, a bad mapping, an unknown survey, another content type", async () => {
    const s = await createSurvey();
    expect((await importCsv(s.id, "generic", "email,comment\na@b.co,hi")).body.error).toMatchObject({ code: "missing_column" });
    const bad = encodeURIComponent(JSON.stringify({ email: "mail" }));
    expect((await importCsv(s.id, "generic", "email,score,date\na@b.co,1,2025-01-01", `&columns=${bad}`)).status).toBe(400);
    expect((await importCsv("srv_nope", "generic", "score,date\n1,2025-01-01")).status).toBe(400);
    expect((await importCsv(s.id, "generic", "score,date\n1,2025-01-01", "&columns=notjson")).status).toBe(400);
    const plain = await api(`/api/v1/imports/history?surveyId=${s.id}`, {
      method: "POST",
      headers: { ...ADMIN, "content-type": "text/plain" },
      raw: "x",
    });
    expect(plain.status).toBe(415);
    expect((await importJson(s.id, { not: "a list" })).status).toBe(400);
    expect(
      (await api(`/api/v1/imports/history?surveyId=${s.id}`, { method: "POST", headers: { "content-type": "text/csv" }, raw: "score,date" })).status,
    ).toBe(401);
  });

  it("reports rows whose text has control characters or lone surrogates, storing none of it (the API's text rule)", async () => {
    const s = await createSurvey();
    const json = await importJson(s.id, [
      { id: "g1", person: { email: "ctl-g1@example.test" }, score: 7, comment: "a\u0000b", created_at: T("2025-01-10T10:00:00Z") },
      { id: "g2", person: { email: "ctl-g2@example.test", name: "N\u0007" }, score: 7, created_at: T("2025-01-10T10:00:00Z") },
      { id: "g3", person: { email: "ctl-g3@example.test" }, score: 7, comment: "x\ud800", created_at: T("2025-01-10T10:00:00Z") },
      { id: "g4", person: { email: "ctl-g4@example.test" }, score: 7, person_properties: { plan: "p\u001b" }, created_at: T("2025-01-10T10:00:00Z") },
      { id: "g5\u0001", person: { email: "ctl-g5@example.test" }, score: 7, created_at: T("2025-01-10T10:00:00Z") },
      { id: "ok", person: { email: "ctl-ok@example.test" }, score: 7, comment: "tabs\tand\nlines", created_at: T("2025-01-10T10:00:00Z") },
    ]);
    expect(json.status).toBe(201);
    expect(json.body).toMatchObject({ okRows: 1, errorRows: 5 });
    expect(json.body.errors.map((e: { row: number; field: string; code: string }) => [e.row, e.field, e.code])).toEqual([
      [2, "comment", "invalid_text"],
      [3, "name", "invalid_text"],
      [4, "comment", "invalid_text"],
      [5, "person_properties.plan", "invalid_text"],
      [6, "id", "invalid_text"],
    ]);
    const csv = await importCsv(s.id, "generic", 'email,score,date,comment\r\nctl-c1@example.test,8,2025-01-02,"a\u001bb"\r\n');
    expect(csv.body).toMatchObject({ okRows: 0, errorRows: 1 });
    expect(csv.body.errors[0]).toMatchObject({ field: "comment", code: "invalid_text" });
    const rows = await db.select().from(responses).where(eq(responses.surveyId, s.id)).all();
    expect(rows.map((r) => r.comment)).toEqual(["tabs\tand\nlines"]);
    for (const email of ["ctl-g1@example.test", "ctl-g2@example.test", "ctl-c1@example.test"]) {
      expect(await db.select().from(contacts).where(eq(contacts.email, email)).get(), email).toBeUndefined();
    }
  });

  it("refuses a JSON body over 20 MB sent without Content-Length (chunked) with 413, before holding it all", async () => {
    const s = await createSurvey();
    const chunk = new TextEncoder().encode(`${JSON.stringify({ id: "x", score: 5, comment: "y".repeat(1000) })},`.repeat(1000));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > 21 * 1024 * 1024) return controller.close();
        controller.enqueue(sent === 0 ? new Uint8Array([0x5b, ...chunk]) : chunk);
        sent += chunk.byteLength;
      },
    });
    const res = await SELF.fetch(`http://localhost/api/v1/imports/history?surveyId=${s.id}&source=delighted`, {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body,
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("body_too_large");
    expect(await db.select().from(responses).where(eq(responses.surveyId, s.id)).all()).toEqual([]);
  });

  it("parses the export date formats", () => {
    expect(parseWhen("1736503200", "UTC")).toBe(Date.parse("2025-01-10T10:00:00Z"));
    expect(parseWhen("2025-01-10 10:00:00", "UTC")).toBe(Date.parse("2025-01-10T10:00:00Z"));
    expect(parseWhen("2025-01-10T10:00:00+02:00", "UTC")).toBe(Date.parse("2025-01-10T08:00:00Z"));
    expect(parseWhen("2025-01-10", "Europe/Paris")).toBe(Date.parse("2025-01-09T23:00:00Z"));
    expect(parseWhen("2025-02-30", "UTC")).toBeNull();
    expect(parseWhen("10/01/2025", "UTC")).toBeNull();
  });
});
