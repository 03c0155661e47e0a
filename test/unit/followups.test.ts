/** Follow-up deadlines, worked by hand on a calendar (2026-03-02 is a Monday). */
import { describe, expect, it } from "vitest";
import { addWorkingDays, firstWorkingDayOfMonth, isOverdue } from "../../worker/metrics/followups";

describe("addWorkingDays", () => {
  it("counts Monday to Friday, strictly after the day", () => {
    expect(addWorkingDays("2026-03-02", 2)).toBe("2026-03-04"); // Mon → Wed
    expect(addWorkingDays("2026-03-05", 2)).toBe("2026-03-09"); // Thu → Mon
    expect(addWorkingDays("2026-03-06", 2)).toBe("2026-03-10"); // Fri → Tue
    expect(addWorkingDays("2026-03-06", 1)).toBe("2026-03-09"); // Fri → Mon
    expect(addWorkingDays("2026-03-05", 5)).toBe("2026-03-12"); // Thu → next Thu
    expect(addWorkingDays("2026-03-02", 10)).toBe("2026-03-16"); // two weeks
    expect(addWorkingDays("2026-03-04", 7)).toBe("2026-03-13"); // Wed + 7 → Fri of next week
  });
  it("an answer at the weekend counts from the Friday before", () => {
    expect(addWorkingDays("2026-03-07", 2)).toBe("2026-03-10"); // Sat → Tue
    expect(addWorkingDays("2026-03-08", 2)).toBe("2026-03-10"); // Sun → Tue
    expect(addWorkingDays("2026-03-08", 1)).toBe("2026-03-09"); // Sun → Mon
    expect(addWorkingDays("2026-03-07", 5)).toBe("2026-03-13"); // Sat → Fri
  });
  it("crosses months and years", () => {
    expect(addWorkingDays("2026-12-31", 2)).toBe("2027-01-04"); // Thu → Mon
  });
  it("refuses a delay that is not a positive integer", () => {
    expect(() => addWorkingDays("2026-03-02", 0)).toThrow(RangeError);
    expect(() => addWorkingDays("2026-03-02", 1.5)).toThrow(RangeError);
  });
});

describe("isOverdue", () => {
  it("is late only after the due day and while not resolved", () => {
    expect(isOverdue("open", "2026-03-04", "2026-03-04")).toBe(false);
    expect(isOverdue("open", "2026-03-04", "2026-03-05")).toBe(true);
    expect(isOverdue("contacted", "2026-03-04", "2026-03-05")).toBe(true);
    expect(isOverdue("resolved", "2026-03-04", "2026-03-05")).toBe(false);
    expect(isOverdue("open", null, "2026-03-05")).toBe(false);
  });
});

describe("firstWorkingDayOfMonth", () => {
  it("skips a weekend at the start of the month", () => {
    expect(firstWorkingDayOfMonth("2026-03-17")).toBe("2026-03-02"); // 1 March 2026 is a Sunday
    expect(firstWorkingDayOfMonth("2026-08-10")).toBe("2026-08-03"); // 1 August 2026 is a Saturday
    expect(firstWorkingDayOfMonth("2026-04-30")).toBe("2026-04-01"); // a Wednesday
  });
});
