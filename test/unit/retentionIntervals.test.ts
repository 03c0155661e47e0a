import { describe, expect, it } from "vitest";
import { histogramFromScores } from "../../worker/metrics/histogram";
import { csatInterval, meanInterval, wilsonPercent } from "../../worker/metrics/intervals";

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
