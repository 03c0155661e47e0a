import { describe, expect, it } from "vitest";
import { histogramFromScores } from "../../worker/metrics/histogram";
import { nps, npsCategory, npsChange, npsCountsFromHistogram, npsInterval } from "../../worker/metrics/nps";

describe("npsCategory", () => {
  it("uses 9–10 / 7–8 / 0–6", () => {
    expect([0, 6, 7, 8, 9, 10].map(npsCategory)).toEqual(["detractor", "detractor", "passive", "passive", "promoter", "promoter"]);
    // Account means are categorised with the same thresholds: 8.99 is passive, 6.99 detractor.
    expect(npsCategory(8.99)).toBe("passive");
    expect(npsCategory(6.99)).toBe("detractor");
  });
});

describe("nps", () => {
  it("is null, not 0, without responses", () => {
    expect(nps({ promoters: 0, passives: 0, detractors: 0 })).toBeNull();
    expect(npsInterval({ promoters: 0, passives: 0, detractors: 0 })).toBeNull();
  });

  it("METRICS.md worked check: P = 200, D = 80, n = 400 → NPS 30", () => {
    const c = { promoters: 200, passives: 120, detractors: 80 };
    expect(nps(c)).toBe(30);
    // Adjusted Wald by hand: n' = 403, p' = 200.75/403 = 0.498139, d' = 80.75/403 = 0.200372,
    // p' − d' = 0.297767, v = (0.698511 − 0.088665)/403 = 0.00151327, √v = 0.038901,
    // margin = 1.959964 · 0.038901 · 100 = 7.6244 → [29.7767 − 7.6244, 29.7767 + 7.6244].
    const ci = npsInterval(c)!;
    expect(ci.low).toBeCloseTo(22.1523, 3);
    expect(ci.high).toBeCloseTo(37.4011, 3);
    // The interval is centred on the adjusted estimate, but the point estimate stays 30.
    // Plain Wald would give ±7.65 (METRICS.md); the adjusted margin is close to it.
    expect((ci.high - ci.low) / 2).toBeCloseTo(7.6244, 3);
  });

  it("small sample: 3 promoters, 1 passive, 1 detractor", () => {
    // NPS = 100 · (3 − 1)/5 = 40. n' = 8, p' = 3.75/8 = 0.46875, d' = 1.75/8 = 0.21875,
    // v = (0.6875 − 0.0625)/8 = 0.078125, margin = 1.959964 · 0.279508 · 100 = 54.7827,
    // centre 25 → [−29.7827, 79.7827].
    const c = npsCountsFromHistogram(histogramFromScores([10, 9, 9, 7, 2]));
    expect(c).toEqual({ promoters: 3, passives: 1, detractors: 1 });
    expect(nps(c)).toBe(40);
    const ci = npsInterval(c)!;
    expect(ci.low).toBeCloseTo(-29.7827, 3);
    expect(ci.high).toBeCloseTo(79.7827, 3);
  });

  it("clamps the interval to [−100, 100]", () => {
    // 10 promoters: centre 100 · 10.75/13 − 100 · 0.75/13 = 76.9231, margin 29.4195 → high 106.3 → 100.
    const ci = npsInterval({ promoters: 10, passives: 0, detractors: 0 })!;
    expect(ci.high).toBe(100);
    expect(ci.low).toBeCloseTo(47.5036, 3);
  });
});

describe("npsChange", () => {
  it("a 30-point move on 100 answers each is significant", () => {
    // NPS 0 → 30. Threshold by hand: v₁ = 0.0058648 (30/40/30), v₂ = 0.0058477 (50/30/20),
    // 1.959964 · √(v₁ + v₂) · 100 = 21.2119, and |30| > 21.2119.
    const ch = npsChange({ promoters: 30, passives: 40, detractors: 30 }, { promoters: 50, passives: 30, detractors: 20 })!;
    expect(ch.delta).toBe(30);
    expect(ch.threshold).toBeCloseTo(21.2119, 3);
    expect(ch.significant).toBe(true);
  });

  it("a 5-point wiggle on 1 000 answers each is not news", () => {
    // 0 → 5 with threshold ≈ 1.959964 · √(2 · 0.00058…) · 100 ≈ 6.75 > 5.
    const ch = npsChange({ promoters: 300, passives: 400, detractors: 300 }, { promoters: 325, passives: 400, detractors: 275 })!;
    expect(ch.delta).toBe(5);
    expect(ch.significant).toBe(false);
  });

  it("is null when a side has no responses", () => {
    expect(npsChange({ promoters: 0, passives: 0, detractors: 0 }, { promoters: 1, passives: 0, detractors: 0 })).toBeNull();
  });
});
