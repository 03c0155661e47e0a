import { describe, expect, it } from "vitest";
import { evaluateGoal, linearFit, RECENT_BUCKETS } from "../../worker/metrics/goals";

const pts = (...pairs: [number, number][]) => pairs.map(([day, value]) => ({ day, value }));

describe("linearFit", () => {
  it("is the least-squares line", () => {
    // days 0, 10, 20; values 1, 3, 2. x̄ = 10, ȳ = 2; Sxy = (−10)(−1) + 0 + 10·0 = 10;
    // Sxx = 100 + 0 + 100 = 200 → slope 0.05/day; at(30) = 2 + 0.05 · 20 = 3.
    const f = linearFit(pts([0, 1], [10, 3], [20, 2]))!;
    expect(f.slope).toBeCloseTo(0.05, 12);
    expect(f.at(30)).toBeCloseTo(3, 12);
  });
  it("needs two distinct days", () => {
    expect(linearFit(pts([0, 1]))).toBeNull();
    expect(linearFit(pts([5, 1], [5, 2]))).toBeNull();
    expect(linearFit([])).toBeNull();
  });
});

describe("evaluateGoal (higher is better)", () => {
  // Values 20, 25, 30 on days 0, 30, 60: slope 1/6 per day, line = 20 + day/6.
  const rising = pts([0, 20], [30, 25], [60, 30]);

  it("on track when the fit reaches the target by the deadline", () => {
    // Target 40, deadline day 120: line(120) = 20 + 20 = 40 ≥ 40 → on track. The line crosses 40
    // on day 60 + (40 − 30) · 6 = 120 = 1970-05-01 (31 + 28 + 31 + 30 = 120 days after Jan 1).
    const r = evaluateGoal({ points: rising, target: 40, deadlineDay: 120, today: 60 });
    expect(r).toMatchObject({ current: 30, status: "on_track", reason: "fit_reaches_target" });
    expect(r.fit!.atDeadline).toBeCloseTo(40, 9);
    expect(r.fit!.reachesTargetOn).toBe("1970-05-01");
    expect(r.fit!.points).toBe(3);
  });

  it("could do better when moving towards the target too slowly", () => {
    // Deadline day 90: line(90) = 35 < 40.
    const r = evaluateGoal({ points: rising, target: 40, deadlineDay: 90, today: 60 });
    expect(r).toMatchObject({ status: "could_do_better", reason: "fit_misses_deadline" });
    expect(r.fit!.atDeadline).toBeCloseTo(35, 9);
  });

  it("off track when moving away, flat or without a trend", () => {
    expect(evaluateGoal({ points: pts([0, 30], [30, 25], [60, 20]), target: 40, deadlineDay: 120, today: 60 })).toMatchObject({
      status: "off_track",
      reason: "moving_away",
    });
    expect(evaluateGoal({ points: pts([0, 30], [30, 30]), target: 40, deadlineDay: 120, today: 60 })).toMatchObject({
      status: "off_track",
      reason: "flat",
    });
    expect(evaluateGoal({ points: pts([0, 30]), target: 40, deadlineDay: 120, today: 60 })).toMatchObject({
      current: 30,
      status: "off_track",
      reason: "insufficient_data",
      fit: null,
    });
    expect(evaluateGoal({ points: [], target: 40, deadlineDay: 120, today: 60 })).toMatchObject({
      current: null,
      status: "off_track",
      reason: "no_data",
    });
  });

  it("on track as soon as the latest value meets the target, whatever the trend", () => {
    // 50 then 45: moving down but 45 ≥ 40.
    expect(evaluateGoal({ points: pts([0, 50], [30, 45]), target: 40, deadlineDay: 120, today: 30 })).toMatchObject({
      current: 45,
      status: "on_track",
      reason: "target_met",
    });
  });

  it("off track once the deadline has passed unmet, on track if met", () => {
    expect(evaluateGoal({ points: rising, target: 40, deadlineDay: 120, today: 121 })).toMatchObject({
      status: "off_track",
      reason: "deadline_passed",
    });
    expect(evaluateGoal({ points: rising, target: 30, deadlineDay: 50, today: 121 })).toMatchObject({ status: "on_track" });
  });

  it(`uses only the last ${RECENT_BUCKETS} buckets`, () => {
    // Days 0, 10, …, 60; values 100, 10, 11, 12, 13, 14, 15. The last 6 rise by 1 per 10 days:
    // line(110) = 15 + 5 = 20 ≥ 20 → on track. With the outlier (7 points) the slope is negative.
    const seven = pts([0, 100], [10, 10], [20, 11], [30, 12], [40, 13], [50, 14], [60, 15]);
    const r = evaluateGoal({ points: seven, target: 20, deadlineDay: 110, today: 60 });
    expect(r).toMatchObject({ status: "on_track", reason: "fit_reaches_target" });
    expect(r.fit!.slopePerDay).toBeCloseTo(0.1, 12);
    expect(r.fit!.points).toBe(6);
    expect(evaluateGoal({ points: seven, target: 20, deadlineDay: 110, today: 60, recent: 7 }).reason).toBe("moving_away");
  });
});

describe("evaluateGoal (lower is better)", () => {
  it("mirrors the rules", () => {
    // Days 0, 10, 20; values 10, 8, 6: slope −0.2; line(40) = 8 − 0.2 · 30 = 2 ≤ 2 → on track.
    const falling = pts([0, 10], [10, 8], [20, 6]);
    expect(evaluateGoal({ points: falling, target: 2, deadlineDay: 40, today: 20, higherIsBetter: false })).toMatchObject({
      status: "on_track",
      reason: "fit_reaches_target",
    });
    // Deadline day 30: line(30) = 4 > 2 → could do better.
    expect(evaluateGoal({ points: falling, target: 2, deadlineDay: 30, today: 20, higherIsBetter: false }).status).toBe("could_do_better");
    // Rising is moving away.
    expect(evaluateGoal({ points: pts([0, 6], [10, 8]), target: 2, deadlineDay: 30, today: 10, higherIsBetter: false }).reason).toBe("moving_away");
  });
});
