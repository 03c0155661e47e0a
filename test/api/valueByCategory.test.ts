/** GET /api/v1/metrics/value-by-category: what satisfaction is worth, from real rows. */
import { describe, expect, it } from "vitest";
import { ADMIN, api, createSurvey } from "../helpers";
import { accountAnswering, makeAccount, tag } from "./retention-fixtures";

/**
 * Segment S, answers in 2024-H1 (period end 2024-07-01; horizons 2025-01-01 and 2025-07-01):
 *  P1 10, MRR 1000, stays        P2 9, MRR 3000, churns 2024-10-01
 *  D1 3,  MRR 2000, churns 09-01 D2 6, MRR 2000, stays          N1 no answer, MRR 500, stays
 * Promoters: x = 1000, 3000; y = 1000, 0 → NRR = GRR = 0.25; CRR 1/2; mean 2000.
 * Detractors: x = 2000, 2000; y = 0, 2000 → NRR = GRR = 0.5; CRR 1/2; mean 2000.
 * H = 6: L = 1/(1 − 0.5^(1/6)) = 9.16580 → V = 18331.59 for both; difference 0.
 * H = 12: L = 1/(1 − 0.5^(1/12)) = 17.81715 → V = 35634.31.
 * MRR at risk today (categories of 2024-H1): D2 (2000, n = 1) and N1 apart (500, n = 1);
 * expected loss over 6 months = 2000 × (1 − 0.5) = 1000.
 */
async function book(surveyId: string, segment: string) {
  const at = "2024-03-10T12:00:00Z";
  const since = "2023-01-01";
  await accountAnswering(surveyId, { name: "P1", segment, startedOn: since, mrrCents: 1000 }, [10], at);
  await accountAnswering(surveyId, { name: "P2", segment, startedOn: since, mrrCents: 3000, churnedOn: "2024-10-01" }, [9], at);
  await accountAnswering(surveyId, { name: "D1", segment, startedOn: since, mrrCents: 2000, churnedOn: "2024-09-01" }, [3], at);
  await accountAnswering(surveyId, { name: "D2", segment, startedOn: since, mrrCents: 2000 }, [6], at);
  await makeAccount({ name: "N1", segment, startedOn: since, mrrCents: 500 });
}

describe("GET /api/v1/metrics/value-by-category", () => {
  it("revenue retention, lifetime and customer value per category over 6 and 12 months, and the MRR at risk", async () => {
    const survey = await createSurvey();
    const segment = tag("val");
    await book(survey.id, segment);
    const r = await api(`/api/v1/metrics/value-by-category?surveyId=${survey.id}&segment=${segment}`, { headers: ADMIN });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ mode: "half", lifetimeCapMonths: 120 });
    const [six, twelve] = r.body.horizons;
    expect(six.horizonMonths).toBe(6);
    expect(six.periods.map((p: any) => p.label)).toEqual(["2024-H1"]);
    expect(six.groups.promoter).toMatchObject({ n: 2, retained: 1, crr: 0.5, nrr: 0.25, grr: 0.25, meanMrr: 2000 });
    expect(six.groups.detractor).toMatchObject({ n: 2, retained: 1, crr: 0.5, nrr: 0.5, grr: 0.5, meanMrr: 2000 });
    expect(six.groups.no_answer).toMatchObject({ n: 1, retained: 1, meanMrr: 500, lifetimeMonths: 120 });
    expect(six.groups.detractor.value).toBeCloseTo(18331.59, 1);
    expect(six.groups.promoter.valueCi95.low).toBeLessThan(six.groups.promoter.value);
    expect(six.promoterMinusDetractor.value).toBeCloseTo(0, 6);
    // With n = 2 a side the difference's interval is wide and contains 0.
    expect(six.promoterMinusDetractor.ci95.low).toBeLessThan(0);
    expect(six.promoterMinusDetractor.ci95.high).toBeGreaterThan(0);
    expect(twelve.horizonMonths).toBe(12);
    expect(twelve.groups.detractor.lifetimeMonths).toBeCloseTo(17.81715, 4);
    expect(twelve.groups.detractor.value).toBeCloseTo(35634.31, 1);
    expect(r.body.mrrAtRisk).toMatchObject({
      period: "2024-01-01",
      horizonMonths: 6,
      detractor: { n: 1, mrr: 2000 },
      noAnswer: { n: 1, mrr: 500 },
      expectedLoss: { value: 1000 },
    });

    // The monthly review shows the same figures (this file's workspace holds only this book),
    // customer value from the 12-month horizon.
    await api("/api/v1/settings", { method: "PATCH", headers: ADMIN, body: { defaultSurveyId: survey.id } });
    const review = await api("/api/v1/digest?month=2026-01", { headers: ADMIN });
    expect(review.status).toBe(200);
    expect(review.body.value).toMatchObject({
      horizonMonths: 12,
      mrrAtRisk: { detractor: { n: 1, mrr: 2000 } },
      promoter: { n: 2 },
      detractor: { n: 2 },
    });
    expect(review.body.value.detractor.value).toBeCloseTo(35634.31, 1);
  });

  it("answers empty groups with nulls, and refuses bad input with a 400", async () => {
    const survey = await createSurvey();
    const r = await api(`/api/v1/metrics/value-by-category?surveyId=${survey.id}&segment=${tag("none")}`, { headers: ADMIN });
    expect(r.status).toBe(200);
    expect(r.body.horizons[0].groups.promoter).toMatchObject({ n: 0, value: null, nrr: null });
    expect(r.body.mrrAtRisk).toMatchObject({ period: null, expectedLoss: null });
    const csat = await createSurvey({ kind: "csat" });
    for (const [q, field] of [
      [`surveyId=${csat.id}`, "surveyId"],
      ["", "surveyId"],
      [`surveyId=${survey.id}&periods=month`, "periods"],
      [`surveyId=${survey.id}&horizonMonths=6`, undefined],
    ] as const) {
      const bad = await api(`/api/v1/metrics/value-by-category?${q}`, { headers: ADMIN });
      expect(bad.status, q).toBe(400);
      if (field) expect(bad.body.error.field, q).toBe(field);
    }
    expect((await api(`/api/v1/metrics/value-by-category?surveyId=${survey.id}`)).status).toBe(401);
  });
});
