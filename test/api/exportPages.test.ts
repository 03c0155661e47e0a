/**
 * The CSV export's paging: a first page of 500 rows, then pages of 2,000, each seeking to its
 * cursor. Rows that share a millisecond across a page edge are neither lost nor repeated, and a
 * deep page reads about one page of rows from D1 (`meta.rows_read`), with or without `to`: the
 * keyset used to be one OR that SQLite could not seek with, so each page re-read every row
 * already sent.
 */
import { describe, expect, it, vi } from "vitest";
import { env, SELF } from "cloudflare:test";
import { exportRows } from "../../worker/db/queries/exportRows";
import { responseFilter } from "../../worker/db/queries/responseFilter";
import type { Principal } from "../../worker/env";
import { db } from "../auth-helpers";
import { ADMIN, createSurvey } from "../helpers";

const ROWS = 2_700;
const BASE = 1769904000000; // 2026-02-01T00:00:00Z
const admin: Principal = { kind: "bootstrap", userId: null, role: "admin" };

/** `n` answers in one statement; three share each millisecond, so page edges fall inside a tie. */
async function seed(surveyId: string, n: number) {
  await env.DB.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
     INSERT INTO responses (id, survey_id, score, locale, channel, bucket_month, bucket_quarter, bucket_half, created_at, updated_at)
     SELECT printf('%s-%05d', ?1, i), ?1, i % 11, 'en', 'api', '2026-02-01', '2026-01-01', '2026-01-01', ?3 + i / 3, ?3 FROM n`,
  )
    .bind(surveyId, n, BASE)
    .run();
}

/** Newest first, ties by id descending: the export's order. */
function expectedOrder(surveyId: string, n: number): string[] {
  const rows = Array.from({ length: n }, (_, k) => ({ id: `${surveyId}-${String(k + 1).padStart(5, "0")}`, at: BASE + Math.floor((k + 1) / 3) }));
  rows.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1));
  return rows.map((r) => r.id);
}

describe("CSV export paging", () => {
  it("sends 2,700 rows across a 500-row page and 2,000-row pages, in order, none lost or repeated", async () => {
    const s = await createSurvey();
    await seed(s.id, ROWS);
    try {
      const res = await SELF.fetch(`http://localhost/api/v1/export/responses.csv?surveyId=${s.id}`, { headers: ADMIN });
      expect(res.status).toBe(200);
      const lines = (await res.text()).split("\r\n").filter(Boolean);
      expect(lines[0]!.startsWith("response_id,")).toBe(true);
      const ids = lines.slice(1).map((l) => l.slice(0, l.indexOf(",")));
      expect(ids).toEqual(expectedOrder(s.id, ROWS));
    } finally {
      await env.DB.prepare("DELETE FROM responses WHERE survey_id = ?").bind(s.id).run();
    }
  });

  it("ends with the #error line when a 2,000-row page fails, after the rows already sent", async () => {
    const s = await createSurvey();
    await seed(s.id, ROWS);
    // Older than every seeded row, and no JavaScript Date can hold it: the third page throws.
    await env.DB.prepare(
      `INSERT INTO responses (id, survey_id, score, locale, channel, bucket_month, bucket_quarter, bucket_half, created_at, updated_at)
       VALUES (?1, ?2, 7, 'en', 'api', '2026-02-01', '2026-01-01', '2026-01-01', -9000000000000000, 0)`,
    )
      .bind(`${s.id}-broken`, s.id)
      .run();
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const res = await SELF.fetch(`http://localhost/api/v1/export/responses.csv?surveyId=${s.id}`, { headers: ADMIN });
      expect(res.status).toBe(200);
      const lines = (await res.text()).split("\r\n").filter(Boolean);
      // Header, the first page (500) and the second (2,000); the third holds the broken row.
      expect(lines).toHaveLength(1 + 2_500 + 1);
      expect(lines.at(-1)).toMatch(/^#error: export incomplete after 2500 rows \(request [A-Za-z0-9_-]+\)$/);
    } finally {
      logged.mockRestore();
      await env.DB.prepare("DELETE FROM responses WHERE survey_id = ?").bind(s.id).run();
    }
  });

  it("reads about one page of rows for a page 2,500 rows deep, with or without from/to", async () => {
    const s = await createSurvey();
    await seed(s.id, ROWS);
    try {
      const order = expectedOrder(s.id, ROWS);
      const deep = order[2_499]!;
      const k = Number(deep.slice(-5));
      const before = { at: new Date(BASE + Math.floor(k / 3)), id: deep };
      const filters = [{ surveyId: s.id }, { surveyId: s.id, to: "2026-03-01" }, { surveyId: s.id, from: "2026-01-01", to: "2026-03-01" }];
      for (const f of filters) {
        const q = exportRows(db, responseFilter(db, admin, f, "UTC", { before }), 100).toSQL();
        const r = await env.DB.prepare(q.sql)
          .bind(...q.params)
          .all();
        expect(r.results.map((row) => row.id)).toEqual(order.slice(2_500, 2_600));
        // A seek reads the page and the ties at its edge; re-reading from the newest row read 2,600.
        expect([f, r.meta.rows_read < 500]).toEqual([f, true]);
      }
    } finally {
      await env.DB.prepare("DELETE FROM responses WHERE survey_id = ?").bind(s.id).run();
    }
  });
});
