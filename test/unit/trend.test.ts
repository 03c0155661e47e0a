import { describe, expect, it } from "vitest";
import { histogramFromScores } from "../../worker/metrics/histogram";
import { buildTrend } from "../../worker/metrics/trend";

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
    // No change across an empty bucket: a missing side has no NPS.
    expect(t.points[1]!.change).toBeNull();
    expect(t.points[2]!.change).toBeNull();
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
