/** GET /api/v1/export/responses.csv: RFC 4180, formula injection, 0 stays 0, filters, streaming. */
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../worker/index";
import { bucketOf } from "../../worker/metrics/buckets";
import { responses } from "../../worker/db/schema";
import { csvCell } from "../../worker/services/csv";
import { db } from "../auth-helpers";
import { ADMIN, api, createSurvey } from "../helpers";
import { answer, insertAccount } from "../scope-helpers";

/** A small RFC 4180 parser (quoted fields, doubled quotes, CRLF inside quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") row.push(field), (field = "");
    else if (ch === "\r" && text[i + 1] === "\n") row.push(field), rows.push(row), (row = []), (field = ""), i++;
    else field += ch;
  }
  if (field || row.length) row.push(field), rows.push(row);
  return rows;
}

const records = (text: string) => {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]])));
};

describe("csvCell", () => {
  it("quotes, doubles quotes, neutralises formulas, keeps numbers", () => {
    expect(csvCell(0)).toBe("0");
    expect(csvCell(null)).toBe("");
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('say "hi", ok')).toBe('"say ""hi"", ok"');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("+33 6 12")).toBe("'+33 6 12");
    expect(csvCell("-2")).toBe("'-2");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
  });

  it("quotes a cell holding ; (a French Excel splits on it) and defuses tab and CR starts", () => {
    expect(csvCell("x;=1+1")).toBe('"x;=1+1"');
    expect(csvCell(";=1+1")).toBe('";=1+1"');
    expect(csvCell("\t=1+1")).toBe("'\t=1+1");
    expect(csvCell("\r=1+1")).toBe(`"'\r=1+1"`);
  });
});

describe("GET /api/v1/export/responses.csv", () => {
  it("exports every answer (comment or not) as RFC 4180 CSV; a score of 0 is 0; formulas are inert", async () => {
    const s = await createSurvey({ name: 'Export, "quoted"' });
    const acc = await insertAccount("=cmd|' /C calc'!A0", null, "smb");
    const zero = await answer(s.id, acc, 0, 'Line one\r\nline "two", end');
    const ten = await answer(s.id, null, 10);
    const at = await answer(s.id, null, 7, "@risk");

    const res = await SELF.fetch(`http://localhost/api/v1/export/responses.csv?surveyId=${s.id}`, { headers: ADMIN });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="responses-\d{4}-\d{2}-\d{2}\.csv"$/);
    const text = await res.text();
    expect(text.startsWith("response_id,created_at,survey_id,survey_name,score,category,comment,")).toBe(true);
    expect(text.endsWith("\r\n")).toBe(true);

    const rows = records(text);
    expect(rows).toHaveLength(3);
    const byId = Object.fromEntries(rows.map((r) => [r.response_id, r]));
    expect(byId[zero.id]).toMatchObject({
      score: "0",
      category: "detractor",
      comment: 'Line one\r\nline "two", end',
      survey_name: 'Export, "quoted"',
      account_name: "'=cmd|' /C calc'!A0",
      segment: "smb",
      followup_status: "open",
    });
    expect(byId[ten.id]).toMatchObject({ score: "10", category: "promoter", comment: "", account_id: "", followup_status: "" });
    expect(byId[at.id]!.comment).toBe("'@risk");
    // Every record has as many fields as the header.
    for (const r of parseCsv(text)) expect(r).toHaveLength(19);
  });

  it("honours the filters and the optional BOM", async () => {
    const s = await createSurvey();
    const ent = await insertAccount("E", null, "enterprise");
    const a = await answer(s.id, ent, 9, "great");
    const b = await answer(s.id, null, 3, "bad");
    await db
      .update(responses)
      .set({ createdAt: new Date("2025-06-15T10:00:00Z") })
      .where(eq(responses.id, b.id));
    const get = async (q: string) =>
      records((await api(`/api/v1/export/responses.csv?surveyId=${s.id}&${q}`, { headers: ADMIN })).body as string).map((r) => r.response_id);
    expect(await get("segment=enterprise")).toEqual([a.id]);
    expect(await get("category=detractor")).toEqual([b.id]);
    expect(await get("from=2025-06-01&to=2025-07-01")).toEqual([b.id]);
    expect(await get("q=grea")).toEqual([a.id]);
    const bom = await SELF.fetch(`http://localhost/api/v1/export/responses.csv?surveyId=${s.id}&bom=1`, { headers: ADMIN });
    expect(new Uint8Array(await bom.arrayBuffer()).slice(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
    expect((await api(`/api/v1/export/responses.csv?category=nope`, { headers: ADMIN })).status).toBe(400);
  });

  it("streams page after page (1,203 rows arrive in several chunks, none lost or repeated)", async () => {
    const s = await createSurvey();
    // Bulk rows straight into D1 (the triggers keep rollups right); several share a millisecond.
    const base = Date.parse("2026-02-01T00:00:00Z");
    const all: string[] = [];
    const values = [];
    for (let n = 1; n <= 1203; n++) {
      const id = crypto.randomUUID();
      all.push(id);
      values.push({
        id,
        surveyId: s.id,
        score: n % 11,
        comment: `c${n}`,
        locale: "en",
        channel: "api" as const,
        bucketMonth: "2026-02-01",
        bucketQuarter: "2026-01-01",
        bucketHalf: "2026-01-01",
        createdAt: new Date(base + Math.floor(n / 3)),
        updatedAt: new Date(base),
      });
    }
    // D1 binds at most 100 variables per statement: 9 rows per INSERT, sent in one batch.
    const inserts = [];
    for (let i = 0; i < values.length; i += 9) inserts.push(db.insert(responses).values(values.slice(i, i + 9)));
    await db.batch(inserts as [(typeof inserts)[0], ...typeof inserts]);
    const res = await SELF.fetch(`http://localhost/api/v1/export/responses.csv?surveyId=${s.id}`, { headers: ADMIN });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    let chunks = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks++;
      text += decoder.decode(value, { stream: true });
    }
    const ids = records(text).map((r) => r.response_id);
    expect(ids).toHaveLength(1203);
    expect(new Set(ids).size).toBe(1203);
    expect([...ids].sort()).toEqual([...all].sort());
    expect(chunks).toBeGreaterThanOrEqual(3); // header + ≥ 3 pages of 500 → several chunks
    expect(records(text).filter((r) => r.score === "0").length).toBe(Math.floor(1203 / 11) + 0);
  });

  it("quotes ; cells in both CSV downloads, and both offer the Excel byte-order mark", async () => {
    const s = await createSurvey();
    const r = await answer(s.id, null, 5, "x;=1+1");
    const tag = r.id.slice(0, 8);
    await env.DB.batch([
      env.DB.prepare("INSERT INTO contacts (id, email, name) VALUES (?1, ?2, 'Ann;=1+1')").bind(`con_${tag}`, `${tag}@semi.test`),
      env.DB.prepare("INSERT INTO waves (id, survey_id, period, opens_at, closes_at) VALUES (?1, ?2, 'semi', 0, 1)").bind(`wav_${tag}`, s.id),
      env.DB.prepare("INSERT INTO invitations (id, wave_id, survey_id, contact_id, token) VALUES (?1, ?2, ?3, ?4, ?5)").bind(
        `inv_${tag}`,
        `wav_${tag}`,
        s.id,
        `con_${tag}`,
        `tok${tag}semi0000000`,
      ),
    ]);
    const exp = await SELF.fetch(`http://localhost/api/v1/export/responses.csv?surveyId=${s.id}`, { headers: ADMIN });
    expect(await exp.text()).toContain(`,"x;=1+1",`);
    const inv = await SELF.fetch(`http://localhost/api/v1/waves/wav_${tag}/invitations.csv?bom=1`, { headers: ADMIN });
    const bytes = new Uint8Array(await inv.arrayBuffer());
    expect(bytes.slice(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
    const text = new TextDecoder().decode(bytes.slice(3));
    expect(text.startsWith("email,name,")).toBe(true);
    expect(text).toContain(`${tag}@semi.test,"Ann;=1+1",`);
    for (const path of [`/api/v1/export/responses.csv?bom=yes`, `/api/v1/waves/wav_${tag}/invitations.csv?bom=yes`]) {
      const bad = await api(path, { headers: ADMIN });
      expect([path, bad.status, bad.body.error?.field]).toEqual([path, 400, "bom"]);
    }
  });

  it("ends a download that fails after the 200 with an #error line, and logs it", async () => {
    const s = await createSurvey();
    // 500 good rows (one page), then a row whose created_at no JavaScript Date can hold: the
    // second page throws while the file is being sent.
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
       INSERT INTO responses (id, survey_id, score, locale, channel, bucket_month, bucket_quarter, bucket_half, created_at, updated_at)
       SELECT printf('%s-%03d', ?1, i), ?1, 7, 'en', 'api', '2026-02-01', '2026-01-01', '2026-01-01', 1769904000000 + i, 1769904000000 FROM n`,
    )
      .bind(s.id)
      .run();
    const broken = `${s.id}-broken`;
    await env.DB.prepare(
      `INSERT INTO responses (id, survey_id, score, locale, channel, bucket_month, bucket_quarter, bucket_half, created_at, updated_at)
       VALUES (?1, ?2, 7, 'en', 'api', '2026-02-01', '2026-01-01', '2026-01-01', -9000000000000000, 0)`,
    )
      .bind(broken, s.id)
      .run();
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const res = await SELF.fetch(`http://localhost/api/v1/export/responses.csv?surveyId=${s.id}`, { headers: ADMIN });
      expect(res.status).toBe(200);
      const lines = (await res.text()).split("\r\n").filter(Boolean);
      expect(lines).toHaveLength(1 + 500 + 1);
      expect(lines.at(-1)).toMatch(/^#error: export incomplete after 500 rows \(request [A-Za-z0-9_-]+\)$/);
      expect(logged.mock.calls.map((c) => String(c[0])).join("\n")).toContain("CSV export failed mid-stream");
    } finally {
      logged.mockRestore();
      // Through the normal delete path, so the rollup triggers take it out again.
      await env.DB.prepare("DELETE FROM responses WHERE survey_id = ?").bind(s.id).run();
    }
  });

  it("reads from and to as local dates in the workspace zone, and writes created_at as the UTC instant", async () => {
    const survey = await createSurvey();
    const PARIS = "Europe/Paris";
    // 2026-07-31T21:59Z is 23:59 on 31 July in Paris; 22:01Z is 00:01 on 1 August.
    const at = ["2026-07-31T21:59:00.000Z", "2026-07-31T22:01:00.000Z"];
    for (const [i, iso] of at.entries()) {
      const t = Date.parse(iso);
      await env.DB.prepare(
        `INSERT INTO responses (id, survey_id, score, channel, locale, bucket_month, bucket_quarter, bucket_half, created_at, updated_at)
         VALUES (?, ?, 8, 'api', 'fr', ?, ?, ?, ?, ?)`,
      )
        .bind(
          `00000000-0000-4000-8000-0000000ee00${i}`,
          survey.id,
          bucketOf(t, "month", PARIS),
          bucketOf(t, "quarter", PARIS),
          bucketOf(t, "half", PARIS),
          t,
          t,
        )
        .run();
    }
    const inParis = async (query: string) => {
      const ctx = createExecutionContext();
      const res = await worker.fetch(
        new Request(`http://localhost/api/v1/export/responses.csv?surveyId=${survey.id}&${query}`, { headers: ADMIN }),
        { ...env, TIMEZONE: PARIS },
        ctx,
      );
      const text = await res.text();
      await waitOnExecutionContext(ctx);
      expect(res.status).toBe(200);
      return records(text).map((r) => r.created_at);
    };
    expect(await inParis("from=2026-08-01")).toEqual([at[1]]);
    expect(await inParis("to=2026-08-01")).toEqual([at[0]]);
    expect(await inParis("from=2026-07-31&to=2026-08-02")).toEqual([at[1], at[0]]);
  });
});
