import { describe, expect, it } from "vitest";
import { addHistograms, histogramFromScores, histogramMean, histogramTotal } from "../../worker/metrics/histogram";
import { ces, cesChange, csat, csatChange } from "../../worker/metrics/scores";

describe("histogram", () => {
  it("counts scores and rejects out-of-range ones", () => {
    const h = histogramFromScores([0, 0, 10]);
    expect(h[0]).toBe(2);
    expect(h[10]).toBe(1);
    expect(histogramTotal(h)).toBe(3);
    expect(histogramMean(h)).toBeCloseTo(10 / 3, 10);
    expect(() => histogramFromScores([11])).toThrow(RangeError);
    expect(() => histogramFromScores([1.5])).toThrow(RangeError);
  });

  it("adds", () => {
    expect(addHistograms(histogramFromScores([1]), histogramFromScores([1, 2]))[1]).toBe(2);
  });
});

describe("CSAT", () => {
  it("share of 4 and 5, and the mean", () => {
    // Scores 5, 4, 4, 3, 1: satisfied 3 of 5 = 60 %, mean 17/5 = 3.4.
    const s = csat(histogramFromScores([5, 4, 4, 3, 1]));
    expect(s).toEqual({ n: 5, csat: 60, mean: 3.4 });
  });
  it("null without responses", () => {
    expect(csat(histogramFromScores([]))).toEqual({ n: 0, csat: null, mean: null });
  });
});

describe("CES", () => {
  it("mean, and the share of 5–7", () => {
    // Scores 7, 6, 5, 2: mean 20/4 = 5, easy 3 of 4 = 75 %.
    expect(ces(histogramFromScores([7, 6, 5, 2]))).toEqual({ n: 4, mean: 5, easy: 75 });
  });
});

describe("csatChange (Agresti–Caffo interval of the difference of two shares)", () => {
  const scores = (good: number, bad: number) => histogramFromScores([...Array(good).fill(5), ...Array(bad).fill(2)]);
  it("before 6 of 10 satisfied (60 %), after 16 of 20 (80 %): +20 points, within the noise", () => {
    // p̃₁ = 7/12 = 0.58333, p̃₁(1 − p̃₁)/12 = 0.020255; p̃₂ = 17/22 = 0.77273, p̃₂(1 − p̃₂)/22 = 0.0079827;
    // √0.028237 = 0.16804; × 1.959964 × 100 = 32.935 > 20.
    const c = csatChange(scores(6, 4), scores(16, 4))!;
    expect(c.delta).toBeCloseTo(20, 10);
    expect(c.threshold).toBeCloseTo(32.935, 3);
    expect(c.significant).toBe(false);
  });
  it("stays finite at 100 % and 0 %: 3 of 3, then 0 of 2 is −100 points against a threshold of 55.04", () => {
    // p̃₁ = 4/5, 0.16/5 = 0.032; p̃₂ = 1/4, 0.1875/4 = 0.046875; √0.078875 = 0.28085 → 55.045.
    const c = csatChange(scores(3, 0), scores(0, 2))!;
    expect(c.delta).toBe(-100);
    expect(c.threshold).toBeCloseTo(55.045, 3);
    expect(c.significant).toBe(true);
  });
  it("is null when either side has no answers", () => {
    expect(csatChange(scores(0, 0), scores(1, 0))).toBeNull();
  });
});

describe("cesChange (the same interval on the share of 5–7, the overview's CES headline)", () => {
  it("1, 2, 3 (0 % easy) then 4, 5, 6, 7 (75 %): +75 points against 51.50", () => {
    // p̃₁ = 1/5, 0.16/5 = 0.032; p̃₂ = 4/6, 0.2222/6 = 0.037037; √0.069037 = 0.26275 → 51.498.
    const c = cesChange(histogramFromScores([1, 2, 3]), histogramFromScores([4, 5, 6, 7]))!;
    expect(c.delta).toBeCloseTo(75, 10);
    expect(c.threshold).toBeCloseTo(51.498, 3);
    expect(c.significant).toBe(true);
  });
  it("is null when either side has no answers", () => {
    expect(cesChange(histogramFromScores([]), histogramFromScores([5]))).toBeNull();
  });
});
