import { describe, expect, it } from "vitest";
import { histogramFromScores } from "../../worker/metrics/histogram";
import { buildLabelledTrend, buildTrend } from "../../worker/metrics/trend";

describe("buildTrend", () => {
  it("zero-fills empty buckets with n = 0 and NPS null, and totals the buckets", () => {
    const t = buildTrend(
      "nps",
      "month",
      ["2026-01-01", "2026-02-01", "2026-03-01"],
      new Map([
        ["2026-01-01", histogramFromScores([10, 9, 3])],
        ["2026-03-01", histogramFromScores([8, 2])],
      ]),
    );
    expect(t.points.map((p) => p.label)).toEqual(["2026-01", "2026-02", "2026-03"]);
    expect(t.points.map((p) => p.summary.n)).toEqual([3, 0, 2]);
    const feb = t.points[1]!.summary as { nps: number | null; ci95: unknown };
    expect(feb.nps).toBeNull();
    expect(feb.ci95).toBeNull();
    // Totals: 2 promoters, 1 passive, 2 detractors of 5 → NPS 0.
    expect((t.totals as { nps: number }).nps).toBe(0);
    expect(t.totals.n).toBe(5);
    // An empty bucket has no change; March is compared with January, the previous bucket with
    // answers (METRICS.md), not with the empty February:
    // Jan 2P 0Pa 1D → 33.33; Mar 0P 1Pa 1D → −50; delta −83.33.
    // v(Jan): n' = 6, p' = 2.75/6, d' = 1.75/6, v = (0.75 − (1/6)²)/6 = 0.120370;
    // v(Mar): n' = 5, p' = 0.15, d' = 0.35, v = (0.5 − 0.04)/5 = 0.092;
    // threshold = 1.959964 · √0.212370 · 100 = 90.32 → within noise.
    expect(t.points[0]!.change).toBeNull();
    expect(t.points[1]!.change).toBeNull();
    expect(t.points[2]!.comparedWith).toBe("2026-01");
    expect(t.points[2]!.change!.delta).toBeCloseTo(-83.333, 2);
    expect(t.points[2]!.change!.threshold).toBeCloseTo(90.32, 1);
    expect(t.points[2]!.change!.significant).toBe(false);
  });

  it("compares the first bucket of a range with the bucket before the range that has answers", () => {
    const before = { bucket: "2025-07-01", label: "2025-H2", histogram: histogramFromScores([10, 10, 0]) };
    const t = buildTrend("nps", "half", ["2026-01-01"], new Map([["2026-01-01", histogramFromScores([10, 0, 0])]]), before);
    // 2025-H2: 2P 1D → 33.33; 2026-H1: 1P 2D → −33.33; delta −66.67.
    expect(t.points[0]!.comparedWith).toBe("2025-H2");
    expect(t.points[0]!.change!.delta).toBeCloseTo(-66.667, 2);
    // An empty "before" is no comparison.
    const none = buildTrend("nps", "half", ["2026-01-01"], new Map([["2026-01-01", histogramFromScores([10])]]), {
      ...before,
      histogram: histogramFromScores([]),
    });
    expect(none.points[0]!.change).toBeNull();
  });

  it("marks buckets with 1 to 19 answers as too few (SMALL_N = 20), never an empty or a 20-answer one", () => {
    const t = buildTrend(
      "nps",
      "month",
      ["2026-01-01", "2026-02-01", "2026-03-01"],
      new Map([
        ["2026-01-01", histogramFromScores(Array(19).fill(10))],
        ["2026-03-01", histogramFromScores(Array(20).fill(10))],
      ]),
    );
    expect(t.points.map((p) => p.tooFew)).toEqual([true, false, false]);
  });

  it("builds a trend of labelled buckets (waves)", () => {
    const t = buildLabelledTrend("nps", [
      { bucket: "2025-07", label: "2025-07", histogram: histogramFromScores([9, 9, 3, 7]) },
      { bucket: "2026-01", label: "2026-01", histogram: histogramFromScores([]) },
      { bucket: "2026-07", label: "2026-07", histogram: histogramFromScores([9, 3]) },
    ]);
    // 2025-07: 2P 1Pa 1D → 25; 2026-07: 1P 1D → 0; delta −25 against 2025-07 (2026-01 is empty).
    expect(t.points[2]!.comparedWith).toBe("2025-07");
    expect(t.points[2]!.change!.delta).toBeCloseTo(-25, 6);
    expect(t.points.map((p) => p.label)).toEqual(["2025-07", "2026-01", "2026-07"]);
  });

  it("marks the change from the previous bucket", () => {
    const t = buildTrend(
      "nps",
      "half",
      ["2025-07-01", "2026-01-01"],
      new Map([
        ["2025-07-01", histogramFromScores([...Array(30).fill(10), ...Array(40).fill(8), ...Array(30).fill(0)])],
        ["2026-01-01", histogramFromScores([...Array(50).fill(10), ...Array(30).fill(8), ...Array(20).fill(0)])],
      ]),
    );
    expect(t.points[1]!.change).toMatchObject({ delta: 30, significant: true });
  });

  it("summarises CSAT surveys with csat and mean", () => {
    const t = buildTrend("csat", "month", ["2026-01-01"], new Map([["2026-01-01", histogramFromScores([5, 4, 1, 2])]]));
    expect(t.totals).toMatchObject({ n: 4, csat: 50, mean: 3 });
  });
});
