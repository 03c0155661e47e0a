/**
 * Where a monthly review stands (metrics/digest.ts reviewEnd): the end of the month reviewed in the
 * workspace zone, or now while that month runs. Instants worked out by hand.
 */
import { describe, expect, it } from "vitest";
import { reviewEnd, reviewPeriod } from "../../worker/metrics/digest";

describe("reviewEnd", () => {
  it("a past month ends at local midnight starting the next month", () => {
    // July reviewed (?month=2026-08); Paris is UTC+2 in summer: midnight 1 August = 31 July 22:00 UTC.
    const now = Date.parse("2026-11-30T12:00:00Z");
    expect(reviewEnd(reviewPeriod("2026-08"), "Europe/Paris", now)).toEqual({ ms: Date.parse("2026-07-31T22:00:00Z"), day: "2026-08-01" });
    expect(reviewEnd(reviewPeriod("2026-08"), "UTC", now)).toEqual({ ms: Date.parse("2026-08-01T00:00:00Z"), day: "2026-08-01" });
    // January reviewed (?month=2026-02) in winter: UTC+1.
    expect(reviewEnd(reviewPeriod("2026-02"), "Europe/Paris", now).ms).toBe(Date.parse("2026-01-31T23:00:00Z"));
  });

  it("a month still running stands at now", () => {
    // ?month=2026-12 reviews November, which runs until 1 December.
    const now = Date.parse("2026-11-30T12:00:00Z");
    expect(reviewEnd(reviewPeriod("2026-12"), "UTC", now)).toEqual({ ms: now, day: "2026-11-30" });
  });
});
