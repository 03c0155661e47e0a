import { describe, expect, it } from "vitest";
import { addHistograms, histogramFromScores, histogramMean, histogramTotal } from "../../worker/metrics/histogram";
import { ces, csat } from "../../worker/metrics/scores";

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
