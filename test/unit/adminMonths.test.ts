/** The digest page's month arithmetic (web/admin/src/months.ts): the edition is the month after the one reviewed. */
import { describe, expect, it } from "vitest";
import { shiftMonth } from "../../web/admin/src/months";

describe("shiftMonth", () => {
  it("moves within a year", () => {
    expect(shiftMonth("2026-10", 1)).toBe("2026-11");
    expect(shiftMonth("2026-11", -1)).toBe("2026-10");
  });
  it("crosses the new year both ways", () => {
    expect(shiftMonth("2026-12", 1)).toBe("2027-01");
    expect(shiftMonth("2027-01", -1)).toBe("2026-12");
    expect(shiftMonth("2026-01", -13)).toBe("2024-12");
  });
});
