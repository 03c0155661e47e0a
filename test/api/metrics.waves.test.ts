/**
 * The headline for a twice-yearly rhythm (issue "Close the loop", point 6): a trend by wave,
 * changes measured against the previous bucket that has answers (also before the range), and the
 * too-few-answers flag below SMALL_N = 20.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { newId } from "../../worker/lib/ids";
import { ADMIN, api, createSurvey } from "../helpers";
import { insertAccount } from "../scope-helpers";
import { pastResponse } from "./accounts.fixtures";

const metrics = (surveyId: string, query = "") => api(`/api/v1/surveys/${surveyId}/metrics${query ? "?" + query : ""}`, { headers: ADMIN });

async function contactOf(accountId: string) {
  const id = newId("con");
  await env.DB.prepare("INSERT INTO contacts (id, account_id, email) VALUES (?, ?, ?)").bind(id, accountId, `${id}@client.example`).run();
  return id;
}

async function wave(surveyId: string, period: string, opens: string) {
  const id = newId("wav");
  await env.DB.prepare("INSERT INTO waves (id, survey_id, period, opens_at, closes_at, status, created_at) VALUES (?, ?, ?, ?, ?, 'closed', ?)")
    .bind(id, surveyId, period, Date.parse(opens), Date.parse(opens) + 14 * 864e5, Date.parse(opens))
    .run();
  return id;
}

/** Waves 2025-01 (4 answers), 2025-07 (none), 2026-01 (2 contacts, one of them answering twice). */
async function twiceYearly() {
  const s = await createSurvey({ name: "Biannual" });
  const big = await insertAccount("Wave Big", null, "enterprise");
  const small = await insertAccount("Wave Small", null, "smb");
  const w1 = await wave(s.id, "2025-01", "2025-01-10T08:00:00Z");
  await wave(s.id, "2025-07", "2025-07-10T08:00:00Z");
  const w3 = await wave(s.id, "2026-01", "2026-01-12T08:00:00Z");
  for (const score of [10, 9, 9, 3]) await pastResponse(s.id, await contactOf(big.id), score, "2025-01-15", { waveId: w1 });
  const twice = await contactOf(small.id);
  await pastResponse(s.id, twice, 10, "2026-01-13T09:00:00Z", { waveId: w3 });
  await pastResponse(s.id, twice, 2, "2026-01-14T09:00:00Z", { waveId: w3 }); // the latest one counts
  await pastResponse(s.id, await contactOf(big.id), 8, "2026-01-15", { waveId: w3 });
  return s;
}

describe("GET /api/v1/surveys/:id/metrics?interval=wave", () => {
  it("is the default for a survey with waves: one point per wave, labelled by its period", async () => {
    const s = await twiceYearly();
    const r = await metrics(s.id);
    expect(r.status).toBe(200);
    expect(r.body.interval).toBe("wave");
    expect(r.body.source).toBe("waves");
    expect(r.body.smallN).toBe(20);
    expect(r.body.trend.map((p: any) => [p.label, p.summary.n])).toEqual([
      ["2025-01", 4],
      ["2025-07", 0],
      ["2026-01", 2],
    ]);
    expect(r.body.waves.map((w: any) => w.opensOn)).toEqual(["2025-01-10", "2025-07-10", "2026-01-12"]);
  });

  it("compares a wave with the previous wave that has answers, not the empty one", async () => {
    const s = await twiceYearly();
    const r = await metrics(s.id, "interval=wave");
    const [first, empty, last] = r.body.trend;
    expect(first.change).toBeNull();
    expect(empty.change).toBeNull();
    // 2025-01: 3P 1D of 4 → 50; 2026-01: 0P 1Pa 1D → −50 (the twice-answering contact's latest, 2).
    expect(first.summary.nps).toBe(50);
    expect(last.summary.nps).toBe(-50);
    expect(last.comparedWith).toBe("2025-01");
    expect(last.change.delta).toBe(-100);
    expect(last.tooFew).toBe(true);
  });

  it("compares the first wave of a range with the wave before the range", async () => {
    const s = await twiceYearly();
    const r = await metrics(s.id, "interval=wave&from=2025-06-01");
    expect(r.body.trend.map((p: any) => p.label)).toEqual(["2025-07", "2026-01"]);
    expect(r.body.trend[1].comparedWith).toBe("2025-01");
  });

  it("filters waves by segment (exact value)", async () => {
    const s = await twiceYearly();
    const r = await metrics(s.id, "interval=wave&segment=smb");
    expect(r.body.trend.map((p: any) => p.summary.n)).toEqual([0, 0, 1]);
    expect(r.body.trend[2].change).toBeNull();
  });

  it("stays grouped by month for a survey without waves", async () => {
    const s = await createSurvey({ name: "No waves" });
    const r = await metrics(s.id);
    expect(r.body.interval).toBe("month");
    expect(r.body.waves).toBeNull();
    // Waves that no answer is tied to (a survey answered on the widget) keep it by month too.
    await wave(s.id, "2026-01", "2026-01-12T08:00:00Z");
    const acc = await insertAccount("Widget only", null, "smb");
    await pastResponse(s.id, await contactOf(acc.id), 9, "2026-01-13");
    expect((await metrics(s.id)).body.interval).toBe("month");
  });

  it("refuses an unknown grouping with a 400 naming the field", async () => {
    const s = await createSurvey();
    const r = await metrics(s.id, "interval=fortnight");
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe("interval");
  });
});

describe("the first bucket of a calendar range", () => {
  it("is compared with the latest bucket before the range that has answers (rollups and raw path)", async () => {
    const s = await twiceYearly();
    for (const q of ["interval=quarter&from=2025-04-01&to=2026-04-01", "interval=quarter&from=2025-04-01&to=2026-04-01&tz=Europe/Paris"]) {
      const r = await metrics(s.id, q);
      expect(r.status).toBe(200);
      const points = r.body.trend;
      expect(points.map((p: any) => p.summary.n)).toEqual([0, 0, 0, 2]);
      expect(points[3].comparedWith).toBe("2025-Q1");
      expect(points[3].change.delta).toBe(-100);
    }
  });
});
