import { describe, expect, it } from "vitest";
import { histogramFromScores } from "../../worker/metrics/histogram";
import { csatInterval, meanInterval, newcombeDifference, wilson, wilsonPercent } from "../../worker/metrics/intervals";

describe("wilsonPercent", () => {
  it("matches a hand computation for 8 of 10", () => {
    // p = 0.8, z² = 3.841459, z²/n = 0.3841459, denominator 1.3841459.
    // centre = (0.8 + 0.1920730)/1.3841459 = 0.716734
    // half   = 1.959964/1.3841459 · √(0.016 + 0.0096036) = 1.416003 · 0.160011 = 0.226576
    // → [49.016 %, 94.331 %]
    const ci = wilsonPercent(8, 10)!;
    expect(ci.low).toBeCloseTo(49.016, 2);
    expect(ci.high).toBeCloseTo(94.331, 2);
  });
  it("stays inside [0, 100] and is null without responses", () => {
    const all = wilsonPercent(5, 5)!;
    expect(all.high).toBeCloseTo(100, 9);
    expect(all.low).toBeGreaterThan(50);
    expect(wilsonPercent(0, 0)).toBeNull();
  });
  it("csatInterval reads the share of 4 and 5", () => {
    expect(csatInterval(histogramFromScores([5, 4, 4, 5, 5, 4, 5, 4, 2, 1]))).toEqual(wilsonPercent(8, 10));
  });
});

describe("meanInterval", () => {
  it("is mean ± z · s/√n", () => {
    // CES 3, 5, 7: mean 5, s² = (4 + 0 + 4)/2 = 4, s = 2, s/√3 = 1.154701; margin 2.263167.
    const ci = meanInterval(histogramFromScores([3, 5, 7]))!;
    expect(ci.low).toBeCloseTo(2.736833, 5);
    expect(ci.high).toBeCloseTo(7.263167, 5);
  });
  it("needs two responses", () => {
    expect(meanInterval(histogramFromScores([4]))).toBeNull();
    expect(meanInterval(histogramFromScores([]))).toBeNull();
  });
});

describe("wilson (shares)", () => {
  it("clamps at 1 for 2 of 2", () => {
    // p = 1, n = 2: z²/n = 1.920730, denominator 2.920730, centre (1 + 0.960365)/2.920730 = 0.671190,
    // half = 1.959964/2.920730 · √(3.841459/16) = 0.671055 · 0.489991 = 0.328811
    // → [0.342379, 1.000001 → 1].
    const ci = wilson(2, 2)!;
    expect(ci.low).toBeCloseTo(0.342379, 5);
    expect(ci.high).toBe(1);
  });
});

describe("newcombeDifference", () => {
  it("matches a hand computation for 8/10 − 2/10", () => {
    // Wilson 8/10 = [0.49016, 0.94331]; 2/10 is its mirror: [0.05669, 0.50984]. d = 0.6.
    // low  = 0.6 − √((0.8 − 0.49016)² + (0.50984 − 0.2)²) = 0.6 − 0.30984 · √2 = 0.16182
    // high = 0.6 + √((0.94331 − 0.8)² + (0.2 − 0.05669)²) = 0.6 + 0.14331 · √2 = 0.80267
    const ci = newcombeDifference(8, 10, 2, 10)!;
    expect(ci.low).toBeCloseTo(0.16182, 4);
    expect(ci.high).toBeCloseTo(0.80267, 4);
  });
  it("is symmetric and null for an empty group", () => {
    const a = newcombeDifference(8, 10, 2, 10)!;
    const b = newcombeDifference(2, 10, 8, 10)!;
    expect(b.low).toBeCloseTo(-a.high, 12);
    expect(b.high).toBeCloseTo(-a.low, 12);
    expect(newcombeDifference(1, 1, 0, 0)).toBeNull();
  });
});
