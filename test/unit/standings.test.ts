import { describe, expect, it } from "vitest";
import { standingsOf } from "../../worker/metrics/standings";

describe("standingsOf", () => {
  it("takes the mean of the latest half with answers and of the half before it, by hand", () => {
    const at = (iso: string) => Date.parse(iso);
    const s = standingsOf([
      // Account A: H2 2025 scores 10 and 7 (mean 8.5), H1 2026 scores 2, 3, 5 (mean 10 / 3).
      { accountId: "A", bucket: "2025-07-01", score: 10, at: at("2025-08-01T00:00:00Z") },
      { accountId: "A", bucket: "2026-01-01", score: 2, at: at("2026-02-01T00:00:00Z") },
      { accountId: "A", bucket: "2025-07-01", score: 7, at: at("2025-09-01T00:00:00Z") },
      { accountId: "A", bucket: "2026-01-01", score: 5, at: at("2026-06-30T22:30:00Z") },
      { accountId: "A", bucket: "2026-01-01", score: 3, at: at("2026-03-01T00:00:00Z") },
      // An older half is neither the last nor the previous one.
      { accountId: "A", bucket: "2024-07-01", score: 0, at: at("2024-08-01T00:00:00Z") },
      // Account B: one half only.
      { accountId: "B", bucket: "2026-07-01", score: 9, at: at("2026-07-01T00:10:00Z") },
    ]);
    expect(s.get("A")).toEqual({ lastScore: 10 / 3, previousScore: 8.5, lastAt: at("2026-06-30T22:30:00Z") });
    expect(s.get("B")).toEqual({ lastScore: 9, previousScore: null, lastAt: at("2026-07-01T00:10:00Z") });
    expect(s.has("C")).toBe(false);
  });
});
