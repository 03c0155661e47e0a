import { describe, expect, it } from "vitest";
import { ADMIN, api, createSurvey } from "../helpers";
import { answer } from "./retention-fixtures";

/**
 * METRICS.md "Comparisons and small samples" holds for every kind of survey: a CSAT or CES
 * bucket's change is measured against the previous bucket with answers, and the first bucket of
 * a range against the bucket before the range. The audit found the trend giving CSAT and CES no
 * change at all (the overview then compared, in the browser, with a bucket inside the range only,
 * and showed nothing for the first one).
 */
describe("the change of a CSAT or CES trend point", () => {
  it("CSAT: the range's first bucket is compared with the last one before it that has answers", async () => {
    const s = await createSurvey({ kind: "csat" });
    // January: 5, 5, 2 → 2 of 3 satisfied (66.67 %); February empty; March: 5, 2, 2, 2 → 25 %.
    // Agresti–Caffo: p̃₁ = 3/5, 0.24/5 = 0.048; p̃₂ = 2/6, 0.2222/6 = 0.037037; √0.085037 = 0.29161
    // → threshold 57.155 points; delta 25 − 66.667 = −41.667: within the noise.
    for (const score of [5, 5, 2]) await answer(s.id, null, score, "2026-01-12T10:00:00Z");
    for (const score of [5, 2, 2, 2]) await answer(s.id, null, score, "2026-03-09T10:00:00Z");
    const r = await api<any>(`/api/v1/surveys/${s.id}/metrics?interval=month&from=2026-03-01&to=2026-04-01`, { headers: ADMIN });
    expect(r.status).toBe(200);
    const [march] = r.body.trend;
    expect(march.comparedWith).toBe("2026-01");
    expect(march.change.delta).toBeCloseTo(-41.667, 3);
    expect(march.change.threshold).toBeCloseTo(57.155, 3);
    expect(march.change.significant).toBe(false);
  });

  it("CES: the change of the share of 5–7 (the overview's headline) against the previous bucket with answers", async () => {
    const s = await createSurvey({ kind: "ces" });
    // Q1: 1, 2, 3 (0 % easy); Q2 empty; Q3: 4, 5, 6, 7 (75 %).
    // p̃₁ = 1/5, 0.032; p̃₂ = 4/6, 0.037037; √0.069037 = 0.26275 → threshold 51.498 < 75: significant.
    for (const score of [1, 2, 3]) await answer(s.id, null, score, "2026-02-02T10:00:00Z");
    for (const score of [4, 5, 6, 7]) await answer(s.id, null, score, "2026-08-03T10:00:00Z");
    const r = await api<any>(`/api/v1/surveys/${s.id}/metrics?interval=quarter&from=2026-01-01&to=2026-10-01`, { headers: ADMIN });
    const [q1, q2, q3] = r.body.trend;
    expect(q1.change).toBeNull();
    expect(q2.change).toBeNull();
    expect(q3.comparedWith).toBe("2026-Q1");
    expect(q3.change.delta).toBeCloseTo(75, 10);
    expect(q3.change.threshold).toBeCloseTo(51.498, 3);
    expect(q3.change.significant).toBe(true);
  });
});
