/** Pure parts of the Delighted-compatible surface: its metrics and the PHP-style form bodies. */
import { describe, expect, it } from "vitest";
import { delightedMetrics } from "../../worker/metrics/delightedMetrics";
import { parseForm } from "../../worker/lib/v1";

describe("delightedMetrics", () => {
  it("counts every response: 3 promoters, 1 passive, 2 detractors → NPS 17 (16.67 rounded), one-decimal percents", () => {
    expect(delightedMetrics({ promoters: 3, passives: 1, detractors: 2 })).toEqual({
      nps: 17,
      promoter_count: 3,
      promoter_percent: 50,
      passive_count: 1,
      passive_percent: 16.7,
      detractor_count: 2,
      detractor_percent: 33.3,
      response_count: 6,
    });
  });
  it("no responses: NPS null, counts and percents 0", () => {
    expect(delightedMetrics({ promoters: 0, passives: 0, detractors: 0 })).toMatchObject({ nps: null, promoter_percent: 0, response_count: 0 });
  });
  it("rounds with Math.round: 1 promoter and 1 passive → 50; 1 detractor of 8 (−12.5) → −12", () => {
    expect(delightedMetrics({ promoters: 1, passives: 1, detractors: 0 }).nps).toBe(50);
    expect(delightedMetrics({ promoters: 0, passives: 7, detractors: 1 }).nps).toBe(-12); // −12.5 → −12
  });
});

describe("parseForm (PHP http_build_query bodies)", () => {
  it("nests brackets and collects [] lists", () => {
    expect(parseForm("email=a%40b.co&properties%5Bplan%5D=pro&properties%5Bseats%5D=12&expand%5B%5D=person&expand%5B%5D=notes&send=false")).toEqual({
      email: "a@b.co",
      properties: { plan: "pro", seats: "12" },
      expand: ["person", "notes"],
      send: "false",
    });
  });
  it("ignores prototype keys and over-deep paths; the first value of a key wins", () => {
    const o = parseForm("__proto__%5Bx%5D=1&a%5Bconstructor%5D=2&b=1&b=2&c[d][e][f][g][h]=deep");
    expect(({} as any).x).toBeUndefined();
    expect(o).toEqual({ a: {}, b: "1" });
  });
});
