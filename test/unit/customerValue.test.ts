/**
 * What satisfaction is worth: every expected value below was worked out by hand (steps in the
 * comments), with z = 1.959964.
 */
import { describe, expect, it } from "vitest";
import { groupValue, lifetimeMonths, meanEstimate, mrrAtRisk, ratioEstimate, valueByCategory } from "../../worker/metrics/customerValue";
import type { AccountWithMrr, CategoryPeriodInput } from "../../worker/metrics/retention";

describe("ratioEstimate (NRR, GRR)", () => {
  it("Σy/Σx with the delta-method interval", () => {
    // x = 1000, 2000, 1000, 4000; y = 1000, 2500, 1000, 4000. Σx = 8000, Σy = 8500 → R = 1.0625.
    // y − R·x = −62.5, 375, −62.5, −250; squares 3906.25 + 140625 + 3906.25 + 62500 = 210937.5.
    // x̄ = 2000: var = 210937.5 / (4 · 3 · 2000²) = 0.00439453; √ = 0.0662917; × z = 0.129929.
    // → [0.932571, 1.192429].
    const r = ratioEstimate([
      { x: 1000, y: 1000 },
      { x: 2000, y: 2500 },
      { x: 1000, y: 1000 },
      { x: 4000, y: 4000 },
    ]);
    expect(r.value).toBe(1.0625);
    expect(r.ci95!.low).toBeCloseTo(0.932571, 5);
    expect(r.ci95!.high).toBeCloseTo(1.192429, 5);
  });

  it("null without revenue; no interval from a single account; the low end never below 0", () => {
    expect(ratioEstimate([])).toEqual({ value: null, ci95: null });
    expect(ratioEstimate([{ x: 0, y: 10 }])).toEqual({ value: null, ci95: null });
    expect(ratioEstimate([{ x: 100, y: 50 }])).toEqual({ value: 0.5, ci95: null });
    // x = 100, 100; y = 0, 100: R = 0.5, residuals −50, 50 → var = 5000 / (2 · 1 · 100²) = 0.25,
    // margin = 0.5 · z = 0.979982 → low clamped to 0.
    expect(
      ratioEstimate([
        { x: 100, y: 0 },
        { x: 100, y: 100 },
      ]).ci95,
    ).toEqual({ low: 0, high: expect.closeTo(1.479982, 5) });
  });
});

describe("meanEstimate", () => {
  it("mean with a normal interval", () => {
    // 1000, 2000, 1000, 4000: mean 2000, s² = (10⁶ + 0 + 10⁶ + 4·10⁶)/3 = 2·10⁶, s = 1414.214,
    // s/√4 = 707.107, × z = 1385.904 → [614.096, 3385.904].
    const m = meanEstimate([1000, 2000, 1000, 4000]);
    expect(m.value).toBe(2000);
    expect(m.ci95!.low).toBeCloseTo(614.096, 2);
    expect(m.ci95!.high).toBeCloseTo(3385.904, 2);
  });
});

describe("lifetimeMonths", () => {
  it("L = 1 / (1 − CRR_H^(1/H)), capped", () => {
    // CRR_6 = 0.5: 0.5^(1/6) = 0.8908987, c = 0.1091013, L = 9.16580 months.
    expect(lifetimeMonths(0.5, 6)).toBeCloseTo(9.1658, 4);
    // CRR_12 = 0.5: 0.5^(1/12) = 0.943874, c = 0.056126, L = 17.8171 months.
    expect(lifetimeMonths(0.5, 12)).toBeCloseTo(17.8171, 3);
    // Nobody churned: the cap. Everyone churned: c = 1, one month.
    expect(lifetimeMonths(1, 6)).toBe(120);
    expect(lifetimeMonths(1, 6, 60)).toBe(60);
    expect(lifetimeMonths(0, 6)).toBe(1);
    // Very high retention hits the cap: 0.999^(1/6) → c = 0.000166736 → 1/c ≈ 5998 > 120.
    expect(lifetimeMonths(0.999, 6)).toBe(120);
  });
});

describe("groupValue", () => {
  it("detractors: half churned, one upsell", () => {
    // x = 1000, 1000, 2000, 2000; churned: the first and third (y = 0); y = 0, 1000, 0, 2500.
    // NRR = 3500 / 6000 = 0.583333. GRR = (0 + 1000 + 0 + 2000) / 6000 = 0.5.
    // CRR = 2/4 = 0.5 → monthly churn 0.1091013, L = 9.16580, mean MRR = 1500, V = 13748.69.
    const g = groupValue(
      [
        { mrrStart: 1000, mrrEnd: 0, retained: false },
        { mrrStart: 1000, mrrEnd: 1000, retained: true },
        { mrrStart: 2000, mrrEnd: 0, retained: false },
        { mrrStart: 2000, mrrEnd: 2500, retained: true },
      ],
      6,
    );
    expect(g).toMatchObject({ n: 4, retained: 2, crr: 0.5, grr: 0.5, meanMrr: 1500 });
    expect(g.nrr).toBeCloseTo(0.583333, 5);
    expect(g.monthlyChurn).toBeCloseTo(0.109101, 5);
    expect(g.lifetimeMonths).toBeCloseTo(9.1658, 4);
    expect(g.value).toBeCloseTo(13748.69, 1);
    // Wilson 2/4: centre (0.5 + z²/8)/(1 + z²/4) = 0.5; half = (z/1.960365) · √(0.25/4 + z²/64)
    // = 0.999795 · √(0.0625 + 0.0600228) = 0.999795 · 0.350033 = 0.349961 → [0.150039, 0.849961].
    expect(g.crrCi95!.low).toBeCloseTo(0.150039, 5);
    expect(g.crrCi95!.high).toBeCloseTo(0.849961, 5);
    // L from the ends: 0.150039^(1/6) = 0.728955 → L = 3.68942; 0.849961^(1/6) = 0.973270 → L = 37.4106.
    expect(g.lifetimeCi95!.low).toBeCloseTo(3.68942, 3);
    expect(g.lifetimeCi95!.high).toBeCloseTo(37.4106, 2);
  });

  it("promoters: nobody churned, lifetime at the cap", () => {
    // The ratioEstimate / meanEstimate examples above: NRR 1.0625, GRR 1, mean 2000.
    // CRR 4/4 = 1 → L = 120 → V = 240000. Wilson 4/4: centre 1.480182/1.960365 = 0.755055,
    // half = 0.999795 · √(0 + 3.841459/64) = 0.244945 → low 0.510109 → L low: 0.510109^(1/6) =
    // 0.893876 → 9.42292; V low = 614.096 · 9.42292 = 5786.58; V high = 3385.904 · 120 = 406308.5.
    const g = groupValue(
      [
        { mrrStart: 1000, mrrEnd: 1000, retained: true },
        { mrrStart: 2000, mrrEnd: 2500, retained: true },
        { mrrStart: 1000, mrrEnd: 1000, retained: true },
        { mrrStart: 4000, mrrEnd: 4000, retained: true },
      ],
      6,
    );
    expect(g).toMatchObject({ crr: 1, grr: 1, nrr: 1.0625, lifetimeMonths: 120, value: 240000, monthlyChurn: 0 });
    expect(g.grrCi95).toEqual({ low: 1, high: 1 });
    expect(g.lifetimeCi95!.low).toBeCloseTo(9.42292, 3);
    expect(g.lifetimeCi95!.high).toBe(120);
    expect(g.valueCi95!.low).toBeCloseTo(5786.58, 0);
    expect(g.valueCi95!.high).toBeCloseTo(406308.5, 0);
  });

  it("an empty group is all null, never 0", () => {
    expect(groupValue([], 6)).toMatchObject({
      n: 0,
      crr: null,
      nrr: null,
      grr: null,
      meanMrr: null,
      lifetimeMonths: null,
      value: null,
      valueCi95: null,
    });
  });
});

const acc = (id: string, mrrCents: number, churnedOn: string | null = null, mrrHistory: AccountWithMrr["mrrHistory"] = []): AccountWithMrr => ({
  id,
  startedOn: "2024-01-01",
  churnedOn,
  mrrCents,
  mrrHistory,
});

describe("valueByCategory and mrrAtRisk", () => {
  // One wave closing 2025-01-31; H = 6 → horizon end 2025-07-31.
  // p1, p2 promoters (1000, 3000; p2 upsells to 3600 on 2025-03-01); d1, d2 detractors (2000 each,
  // d1 churns 2025-04-01); n1 no answer (500), churned before the wave (2025-01-15): not grouped.
  const accounts = [
    acc("p1", 1000),
    acc("p2", 3600, null, [
      { effectiveOn: "2024-01-01", mrrCents: 3000 },
      { effectiveOn: "2025-03-01", mrrCents: 3600 },
    ]),
    acc("d1", 2000, "2025-04-01"),
    acc("d2", 2000),
    acc("n1", 500, "2025-01-15"),
    acc("n2", 800),
  ];
  const wave: CategoryPeriodInput = {
    period: "2025-01",
    label: "2025-01",
    end: "2025-01-31",
    categories: new Map([
      ["p1", "promoter"],
      ["p2", "promoter"],
      ["d1", "detractor"],
      ["d2", "detractor"],
    ]),
  };

  it("groups account-periods by category and measures each group H months on", () => {
    const v = valueByCategory(accounts, [wave], 6, "2025-12-01");
    expect(v.periods).toEqual([{ period: "2025-01", label: "2025-01", end: "2025-01-31", horizonEnd: "2025-07-31" }]);
    // Promoters: x = 1000, 3000; y = 1000, 3600 → NRR 4600/4000 = 1.15, GRR 1, CRR 1, L 120,
    // mean 2000, V = 240000.
    expect(v.groups.promoter).toMatchObject({ n: 2, retained: 2, nrr: 1.15, grr: 1, value: 240000 });
    // Detractors: x = 2000, 2000; y = 0, 2000 → NRR = GRR = 0.5; CRR 0.5 → L 9.16580; V = 18331.59.
    expect(v.groups.detractor).toMatchObject({ n: 2, retained: 1, nrr: 0.5, grr: 0.5 });
    expect(v.groups.detractor.value).toBeCloseTo(18331.59, 1);
    // No answer: n2 only (n1 churned before the wave's end).
    expect(v.groups.no_answer).toMatchObject({ n: 1, retained: 1, meanMrr: 800 });
    expect(v.groups.passive.n).toBe(0);
    // Promoter − detractor: 240000 − 18331.59 = 221668.41.
    expect(v.promoterMinusDetractor.value).toBeCloseTo(221668.41, 1);
  });

  it("leaves out a period whose horizon is not over", () => {
    const v = valueByCategory(accounts, [wave], 12, "2025-12-01");
    expect(v.periods).toEqual([]);
    expect(v.groups.promoter.n).toBe(0);
    expect(v.promoterMinusDetractor).toEqual({ value: null, ci95: null });
  });

  it("MRR at risk: today's MRR of active detractor and no-answer accounts, and the expected loss", () => {
    const v = valueByCategory(accounts, [wave], 6, "2025-12-01");
    const r = mrrAtRisk(accounts, wave, "2025-12-01", v.groups.detractor);
    // Active today: p1, p2, d2, n2 (d1 churned 2025-04-01, n1 2025-01-15).
    expect(r).toMatchObject({ period: "2025-01", detractor: { n: 1, mrr: 2000 }, noAnswer: { n: 1, mrr: 800 } });
    // Detractor CRR 1/2 = 0.5 → expected loss 2000 × 0.5 = 1000. Wilson 1/2: centre 0.5,
    // half = (z/(1 + z²/2)) · √(0.125 + z²/16) = (1.959964/2.920730) · √(0.365091) = 0.405468
    // → CRR [0.094532, 0.905468] → loss [2000 × 0.094532, 2000 × 0.905468] = [189.06, 1810.94].
    expect(r.expectedLoss!.value).toBe(1000);
    expect(r.expectedLoss!.ci95!.low).toBeCloseTo(189.06, 1);
    expect(r.expectedLoss!.ci95!.high).toBeCloseTo(1810.94, 1);
    expect(mrrAtRisk(accounts, null, "2025-12-01", null)).toEqual({
      period: null,
      detractor: { n: 0, mrr: 0 },
      noAnswer: { n: 0, mrr: 0 },
      expectedLoss: null,
    });
  });
});
