import { describe, expect, it } from "vitest";
import {
  bucketLabel,
  bucketOf,
  bucketOfDate,
  bucketsBetween,
  isValidTimeZone,
  localDate,
  nextBucket,
  parseIsoDate,
  previousBucket,
  zonedMidnightUtc,
  cachedZoneCount,
} from "../../worker/metrics/buckets";

const utc = (s: string) => Date.parse(s);

describe("buckets", () => {
  it("instants of one second share their parts; the next second, another zone or an earlier second do not", () => {
    // 21:59:59.xxx UTC is 23:59:59 on 31 July in Paris (UTC+2 in summer); 22:00:00 is 1 August.
    expect(bucketOf(utc("2026-07-31T21:59:59.000Z"), "month", "Europe/Paris")).toBe("2026-07-01");
    expect(bucketOf(utc("2026-07-31T21:59:59.999Z"), "month", "Europe/Paris")).toBe("2026-07-01");
    expect(bucketOf(utc("2026-07-31T22:00:00.000Z"), "month", "Europe/Paris")).toBe("2026-08-01");
    expect(bucketOf(utc("2026-07-31T22:00:00.000Z"), "half", "Europe/Paris")).toBe("2026-07-01");
    expect(bucketOf(utc("2026-07-31T22:00:00.000Z"), "month", "UTC")).toBe("2026-07-01");
    expect(bucketOf(utc("2026-07-31T21:59:59.999Z"), "month", "Europe/Paris")).toBe("2026-07-01");
    // Before 1970 (negative instants): the second is the one the instant falls in.
    expect(localDate(utc("1969-12-31T23:59:59.999Z"), "UTC")).toBe("1969-12-31");
    expect(localDate(utc("1970-01-01T00:00:00.000Z"), "UTC")).toBe("1970-01-01");
    expect(localDate(utc("1969-12-31T23:59:59.001Z"), "UTC")).toBe("1969-12-31");
  });

  it("month, quarter and half-year starts", () => {
    expect(bucketOfDate("2026-05-17", "month")).toBe("2026-05-01");
    expect(bucketOfDate("2026-05-17", "quarter")).toBe("2026-04-01");
    expect(bucketOfDate("2026-05-17", "half")).toBe("2026-01-01");
    expect(bucketOfDate("2026-07-01", "half")).toBe("2026-07-01");
    expect(bucketOfDate("2026-12-31", "quarter")).toBe("2026-10-01");
  });

  it("labels", () => {
    expect(bucketLabel("2026-07-01", "month")).toBe("2026-07");
    expect(bucketLabel("2026-07-01", "quarter")).toBe("2026-Q3");
    expect(bucketLabel("2026-07-01", "half")).toBe("2026-H2");
    expect(bucketLabel("2026-01-01", "half")).toBe("2026-H1");
  });

  it("steps across years both ways", () => {
    expect(nextBucket("2026-12-01", "month")).toBe("2027-01-01");
    expect(nextBucket("2026-10-01", "quarter")).toBe("2027-01-01");
    expect(nextBucket("2026-07-01", "half")).toBe("2027-01-01");
    expect(previousBucket("2026-01-01", "month")).toBe("2025-12-01");
    expect(previousBucket("2026-01-01", "half")).toBe("2025-07-01");
  });

  it("lists every bucket overlapping [from, to), empty ones included", () => {
    expect(bucketsBetween("2026-01-15", "2026-04-01", "month")).toEqual(["2026-01-01", "2026-02-01", "2026-03-01"]);
    expect(bucketsBetween("2025-05-01", "2026-07-02", "half")).toEqual(["2025-01-01", "2025-07-01", "2026-01-01", "2026-07-01"]);
    expect(bucketsBetween("2026-03-01", "2026-03-01", "month")).toEqual([]);
  });

  it("stops listing buckets at year 9999 and at the limit", () => {
    expect(bucketsBetween("9999-07-01", "9999-12-31", "quarter")).toEqual(["9999-07-01", "9999-10-01"]);
    expect(bucketsBetween("2026-01-01", "2027-01-01", "month", 3)).toEqual(["2026-01-01", "2026-02-01", "2026-03-01"]);
  });

  it("puts an instant in the bucket of its local date (month edge in Paris)", () => {
    // 2026-01-31T23:30Z is 2026-02-01 00:30 in Paris (UTC+1 in winter).
    const t = utc("2026-01-31T23:30:00Z");
    expect(bucketOf(t, "month", "UTC")).toBe("2026-01-01");
    expect(bucketOf(t, "month", "Europe/Paris")).toBe("2026-02-01");
    // 2026-07-01T03:00Z is still 30 June in Los Angeles (UTC−7 in summer): H1 there, H2 in UTC.
    const s = utc("2026-07-01T03:00:00Z");
    expect(bucketOf(s, "half", "America/Los_Angeles")).toBe("2026-01-01");
    expect(bucketOf(s, "half", "UTC")).toBe("2026-07-01");
    // Kolkata is UTC+5:30: 2026-03-31T19:00Z is 1 April 00:30 there.
    expect(bucketOf(utc("2026-03-31T19:00:00Z"), "quarter", "Asia/Kolkata")).toBe("2026-04-01");
  });

  it("finds local midnight in UTC, across DST changes", () => {
    expect(zonedMidnightUtc("2026-02-01", "Europe/Paris")).toBe(utc("2026-01-31T23:00:00Z"));
    expect(zonedMidnightUtc("2026-07-01", "Europe/Paris")).toBe(utc("2026-06-30T22:00:00Z"));
    // 29 March 2026: Paris switches to summer time at 02:00; midnight is still UTC+1.
    expect(zonedMidnightUtc("2026-03-29", "Europe/Paris")).toBe(utc("2026-03-28T23:00:00Z"));
    expect(zonedMidnightUtc("2026-04-01", "Asia/Kolkata")).toBe(utc("2026-03-31T18:30:00Z"));
    expect(zonedMidnightUtc("2026-04-01", "UTC")).toBe(utc("2026-04-01T00:00:00Z"));
    expect(localDate(zonedMidnightUtc("2026-11-01", "America/Sao_Paulo"), "America/Sao_Paulo")).toBe("2026-11-01");
  });

  it("starts a day the zone skipped at the first instant after it, instead of looking for it forever", () => {
    // Samoa crossed the date line: 29 December 2011, 23:59:59 at UTC−10 was followed by
    // 31 December, 00:00 at UTC+14 (2011-12-30T10:00Z). 30 December never happened in Apia.
    expect(zonedMidnightUtc("2011-12-30", "Pacific/Apia")).toBe(utc("2011-12-30T10:00:00Z"));
    expect(zonedMidnightUtc("2011-12-31", "Pacific/Apia")).toBe(utc("2011-12-30T10:00:00Z"));
    expect(zonedMidnightUtc("2011-12-29", "Pacific/Apia")).toBe(utc("2011-12-29T10:00:00Z"));
    // Kwajalein went from UTC−12 to UTC+12 after 20 August 1993 (1993-08-21T12:00Z); Kiritimati
    // from UTC−10 to UTC+14 after 30 December 1994.
    expect(zonedMidnightUtc("1993-08-21", "Pacific/Kwajalein")).toBe(utc("1993-08-21T12:00:00Z"));
    expect(zonedMidnightUtc("1994-12-31", "Pacific/Kiritimati")).toBe(utc("1994-12-31T10:00:00Z"));
  });

  it("keeps a bounded number of zones' formatters, whatever zones the requests name", () => {
    // `?tz=` is any string Intl accepts, and Intl accepts every spelling of a zone's name: one
    // formatter (about 28 kB) per spelling, kept for the isolate's life, let a viewer fill its
    // 128 MB with some 4,600 requests (eUrope/paris, euRope/paris, …).
    const t = utc("2026-07-31T22:10:00Z");
    for (let i = 0; i < 2048; i++) {
      const spelling = [..."europe/paris"].map((c, j) => ((i >> j) & 1 ? c.toUpperCase() : c)).join("");
      expect(isValidTimeZone(spelling)).toBe(true);
      expect(bucketOf(t, "month", spelling)).toBe("2026-08-01");
    }
    // 2,048 spellings asked; at most 64 zones kept (MAX_CACHED_ZONES).
    expect(cachedZoneCount()).toBeLessThanOrEqual(64);
    expect(bucketOf(t, "month", "UTC")).toBe("2026-07-01");
  });

  it("validates dates and zones", () => {
    expect(parseIsoDate("2026-02-30")).toBeNull();
    expect(parseIsoDate("2026-2-3")).toBeNull();
    expect(parseIsoDate("2024-02-29")).toEqual({ year: 2024, month: 2, day: 29 });
    expect(isValidTimeZone("Europe/Paris")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus")).toBe(false);
  });
});
