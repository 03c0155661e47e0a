import { describe, expect, it } from "vitest";
import { addMonths, dateOfDay, dayNumber } from "../../worker/metrics/calendar";

describe("calendar", () => {
  it("adds calendar months, clamping the day to the month's length", () => {
    expect(addMonths("2026-01-15", 6)).toBe("2026-07-15");
    expect(addMonths("2026-01-31", 1)).toBe("2026-02-28");
    expect(addMonths("2024-01-31", 1)).toBe("2024-02-29"); // leap year
    expect(addMonths("2025-08-31", 3)).toBe("2025-11-30");
    expect(addMonths("2026-11-30", 3)).toBe("2027-02-28"); // across the year
    expect(addMonths("2026-03-15", -3)).toBe("2025-12-15");
    expect(addMonths("2026-03-15", 0)).toBe("2026-03-15");
  });
  it("numbers days from 1970-01-01 and back", () => {
    expect(dayNumber("1970-01-01")).toBe(0);
    expect(dayNumber("1970-05-01")).toBe(120); // 31 + 28 + 31 + 30
    expect(dateOfDay(120)).toBe("1970-05-01");
    expect(dateOfDay(dayNumber("2026-11-23"))).toBe("2026-11-23");
  });
  it("rejects what is not a date", () => {
    expect(() => addMonths("2026-02-30", 1)).toThrow(RangeError);
  });
});
