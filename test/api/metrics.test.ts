import { env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getScoreHistograms } from "../../worker/db/queries/getScoreHistograms";
import { getScoreHistogramsRaw } from "../../worker/db/queries/getScoreHistogramsRaw";
import * as schema from "../../worker/db/schema";
import type { Channel } from "../../worker/db/schema";
import { recordResponse } from "../../worker/services/recordResponse";
import { ADMIN, api, createSurvey } from "../helpers";

const db = drizzle(env.DB);

/** Records an answer at a given instant through the real write path. */
async function answerAt(surveyId: string, iso: string, score: number, extra: Record<string, unknown> = {}) {
  const survey = (await db.select().from(schema.surveys).where(eq(schema.surveys.id, surveyId)).get())!;
  const { channel = "api", ...rest } = extra as { channel?: Channel };
  const input = { id: crypto.randomUUID(), score, ...rest } as Parameters<typeof recordResponse>[2];
  // The channel is the endpoint's to decide, so it is an option of the write path, not input.
  return recordResponse(db, survey, input, { timeZone: env.TIMEZONE, channel, now: Date.parse(iso) });
}

const metrics = (surveyId: string, query: string) => api(`/api/v1/surveys/${surveyId}/metrics?${query}`, { headers: ADMIN });

describe("GET /api/v1/surveys/:id/metrics", () => {
  it("NPS, counts and adjusted-Wald interval of a hand-computed distribution", async () => {
    const s = await createSurvey();
    // March 2026: 6 promoters (10,10,9,9,9,9), 2 passives (8,7), 2 detractors (6,0): n = 10.
    for (const score of [10, 10, 9, 9, 9, 9, 8, 7, 6, 0]) await answerAt(s.id, "2026-03-10T12:00:00Z", score);
    const r = await metrics(s.id, "from=2026-03-01&to=2026-04-01&interval=month");
    expect(r.status).toBe(200);
    expect(r.body.source).toBe("rollups");
    const t = r.body.totals;
    expect(t).toMatchObject({ n: 10, promoters: 6, passives: 2, detractors: 2, nps: 40 });
    expect(t.promotersPct).toBe(60);
    expect(t.mean).toBeCloseTo(77 / 10, 10);
    // By hand: n' = 13, p' = 6.75/13 = 0.519231, d' = 2.75/13 = 0.211538, p' − d' = 0.307692,
    // v = (0.730769 − 0.094675)/13 = 0.048930, √v = 0.221202, margin = 1.959964 · 22.1202 = 43.3547,
    // interval = 30.7692 ± 43.3547 = [−12.59, 74.12].
    expect(t.ci95.low).toBeCloseTo(-12.59, 2);
    expect(t.ci95.high).toBeCloseTo(74.12, 2);
    expect(r.body.trend).toHaveLength(1);
    expect(r.body.trend[0]).toMatchObject({ bucket: "2026-03-01", label: "2026-03" });
  });

  it("zero-fills empty buckets (n = 0, NPS null) and reports each bucket's change", async () => {
    const s = await createSurvey();
    await answerAt(s.id, "2026-01-05T09:00:00Z", 10);
    await answerAt(s.id, "2026-03-20T09:00:00Z", 0);
    const r = await metrics(s.id, "from=2026-01-01&to=2026-05-01&interval=month");
    expect(r.body.trend.map((p: any) => [p.label, p.summary.n, p.summary.nps])).toEqual([
      ["2026-01", 1, 100],
      ["2026-02", 0, null],
      ["2026-03", 1, -100],
      ["2026-04", 0, null],
    ]);
    expect(r.body.trend[1].summary.ci95).toBeNull();
    expect(r.body.from).toBe("2026-01-01");
    expect(r.body.to).toBe("2026-05-01");
    const q = await metrics(s.id, "from=2026-01-01&to=2026-07-01&interval=quarter");
    expect(q.body.trend.map((p: any) => [p.label, p.summary.n])).toEqual([
      ["2026-Q1", 2],
      ["2026-Q2", 0],
    ]);
    expect(q.body.totals.nps).toBe(0);
  });

  it("buckets by the requested time zone at a month edge", async () => {
    const s = await createSurvey();
    // 23:30 UTC on 31 January is 00:30 on 1 February in Paris.
    await answerAt(s.id, "2026-01-31T23:30:00Z", 9);
    const utc = await metrics(s.id, "from=2026-01-01&to=2026-03-01&interval=month");
    expect(utc.body.timeZone).toBe("UTC");
    expect(utc.body.trend.map((p: any) => p.summary.n)).toEqual([1, 0]);
    const paris = await metrics(s.id, "from=2026-01-01&to=2026-03-01&interval=month&tz=Europe/Paris");
    expect(paris.body.timeZone).toBe("Europe/Paris");
    expect(paris.body.source).toBe("raw");
    expect(paris.body.trend.map((p: any) => p.summary.n)).toEqual([0, 1]);
  });

  it("counts a contact once per bucket: their latest answer", async () => {
    const s = await createSurvey();
    const contact = { id: "c-dedup" };
    await answerAt(s.id, "2026-02-01T10:00:00Z", 2, { contact });
    await answerAt(s.id, "2026-05-01T10:00:00Z", 10, { contact });
    await answerAt(s.id, "2026-05-02T10:00:00Z", 7); // anonymous: counts on its own
    // Months: Feb has the 2, May has the 10 and the anonymous 7.
    const m = await metrics(s.id, "from=2026-02-01&to=2026-06-01&interval=month");
    expect(m.body.trend.map((p: any) => p.summary.n)).toEqual([1, 0, 0, 1 + 1]);
    // Half-year: the contact counts once, with the later 10; plus the anonymous 7.
    const h = await metrics(s.id, "from=2026-01-01&to=2026-07-01&interval=half");
    expect(h.body.totals).toMatchObject({ n: 2, promoters: 1, passives: 1, detractors: 0, nps: 50 });
  });

  it("filters by one breakdown, or several, through the cube", async () => {
    const s = await createSurvey();
    await answerAt(s.id, "2026-04-10T10:00:00Z", 10, { locale: "fr", channel: "widget" });
    await answerAt(s.id, "2026-04-10T10:00:00Z", 3, { locale: "en", channel: "widget" });
    const fr = await metrics(s.id, "from=2026-04-01&to=2026-05-01&locale=fr");
    expect(fr.body.source).toBe("cube");
    expect(fr.body.totals).toMatchObject({ n: 1, nps: 100 });
    const both = await metrics(s.id, "from=2026-04-01&to=2026-05-01&locale=en&channel=widget");
    expect(both.body.source).toBe("cube");
    expect(both.body.totals).toMatchObject({ n: 1, nps: -100 });
  });

  it("rejects bad queries with 400 naming the field, and needs a key", async () => {
    const s = await createSurvey();
    const bad: [string, string][] = [
      ["from=2026-13-01", "from"],
      ["from=yesterday", "from"],
      ["to=2026-02-30", "to"],
      ["interval=week", "interval"],
      ["tz=Mars/Olympus", "tz"],
      ["from=2026-05-01&to=2026-01-01", "from"],
      ["from=1900-01-01&to=2026-01-01", "from"],
      ["bogus=1", ""],
    ];
    for (const [q, field] of bad) {
      const r = await metrics(s.id, q);
      expect({ q, status: r.status }).toEqual({ q, status: 400 });
      if (field) expect(r.body.error.field).toBe(field);
    }
    expect((await api(`/api/v1/surveys/${s.id}/metrics`)).status).toBe(401);
    expect((await metrics("srv_missing", "")).status).toBe(404);
  });

  it("keeps the rollups equal to a raw recount through inserts, edits and deletes", async () => {
    const s = await createSurvey();
    // Deterministic pseudo-random answers over two years from 12 contacts and anonymous people.
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const ids: string[] = [];
    for (let i = 0; i < 160; i++) {
      const at = Date.parse("2025-01-01T00:00:00Z") + Math.floor(rnd() * 730 * 86400_000);
      const who = rnd() < 0.7 ? { contact: { id: `k-${Math.floor(rnd() * 12)}` } } : {};
      const { response } = await answerAt(s.id, new Date(at).toISOString(), Math.floor(rnd() * 11), who);
      ids.push(response.id);
    }
    // Change some scores and erase some answers: the triggers must follow.
    for (const id of ids.slice(0, 20)) await env.DB.prepare("UPDATE responses SET score = 10 - score WHERE id = ?").bind(id).run();
    for (const id of ids.slice(20, 45)) await env.DB.prepare("DELETE FROM responses WHERE id = ?").bind(id).run();
    for (const interval of ["month", "quarter", "half"] as const) {
      const q = { surveyId: s.id, interval, fromBucket: "2025-01-01", toBucket: "2027-01-01", filters: [] };
      const fromRollups = await getScoreHistograms(db, q);
      const fromRaw = await getScoreHistogramsRaw(db, { ...q, timeZone: "UTC" });
      const nonEmpty = new Map([...fromRollups].filter(([, h]) => h.some((v) => v !== 0)));
      expect(nonEmpty).toEqual(fromRaw);
    }
    // 160 answers through the real write path, one after another: slow on a loaded 2-core machine.
  }, 30_000);
});
