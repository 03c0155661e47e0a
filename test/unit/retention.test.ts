import { describe, expect, it } from "vitest";
import {
  cohortRetention,
  customerRetention,
  isActive,
  mrrAt,
  retentionByCategory,
  retentionSeries,
  revenueRetention,
  type AccountSpan,
  type AccountWithMrr,
} from "../../worker/metrics/retention";
import { newcombeDifference, wilson } from "../../worker/metrics/intervals";
import type { NpsCategory } from "../../worker/metrics/nps";

const span = (id: string, startedOn: string, churnedOn: string | null = null): AccountSpan => ({ id, startedOn, churnedOn });
const withMrr = (id: string, startedOn: string, churnedOn: string | null, history: [string, number][], mrrCents = 0): AccountWithMrr => ({
  id,
  startedOn,
  churnedOn,
  mrrCents,
  mrrHistory: history.map(([effectiveOn, c]) => ({ effectiveOn, mrrCents: c })),
});

describe("isActive", () => {
  it("is active from the start date (inclusive) until the churn date (exclusive)", () => {
    const a = span("a", "2026-01-10", "2026-03-01");
    expect(isActive(a, "2026-01-09")).toBe(false);
    expect(isActive(a, "2026-01-10")).toBe(true); // started_on ≤ t
    expect(isActive(a, "2026-02-28")).toBe(true);
    expect(isActive(a, "2026-03-01")).toBe(false); // churned_on > t fails on the churn day
    expect(isActive(span("b", "2020-01-01"), "2099-12-31")).toBe(true); // never churned
  });
});

describe("customerRetention", () => {
  // Period [2026-01-01, 2026-04-01).
  //  A 2025-01-10 → never churns             in S, retained
  //  B 2025-06-01 → churns 2026-02-15         in S, lost
  //  C 2025-03-01 → churns 2026-04-01 (= e)   in S, lost (not active at e)
  //  D 2025-12-31 → never                     in S, retained
  //  E 2026-02-01 → never (starts inside)     not in S
  //  F 2026-01-15 → churns 2026-03-01         starts and churns inside: counts nowhere
  //  G 2024-01-01 → churns 2026-01-01 (= s)   not active at s: not in S
  //  H 2026-01-01 (= s) → never               in S (started_on ≤ s), retained
  // S = {A,B,C,D,H} = 5, retained = {A,D,H} = 3 → CRR = 3/5 = 60 %, churn = 40 %.
  const accounts = [
    span("A", "2025-01-10"),
    span("B", "2025-06-01", "2026-02-15"),
    span("C", "2025-03-01", "2026-04-01"),
    span("D", "2025-12-31"),
    span("E", "2026-02-01"),
    span("F", "2026-01-15", "2026-03-01"),
    span("G", "2024-01-01", "2026-01-01"),
    span("H", "2026-01-01"),
  ];

  it("counts only accounts active at s, retained if still active at e", () => {
    const r = customerRetention(accounts, "2026-01-01", "2026-04-01");
    expect(r).toEqual({ startCount: 5, retained: 3, crr: 0.6, churnRate: expect.closeTo(0.4, 12) });
  });

  it("equals the textbook (E − N) / S when nobody both starts and churns inside", () => {
    // A retained, B lost, E new. S = 2 (A, B); E = 2 active at e (A, E); N = 1 new (E).
    // (E − N) / S = (2 − 1) / 2 = 0.5 = retained / S = 1 / 2.
    const r = customerRetention([accounts[0]!, accounts[1]!, accounts[4]!], "2026-01-01", "2026-04-01");
    expect(r.crr).toBe(0.5);
    expect(r.crr).toBe((2 - 1) / 2);
  });

  it("is null, not 0, without accounts at the start", () => {
    expect(customerRetention([], "2026-01-01", "2026-04-01")).toEqual({ startCount: 0, retained: 0, crr: null, churnRate: null });
    // Only an account that starts inside: still nobody to retain.
    expect(customerRetention([span("E", "2026-02-01")], "2026-01-01", "2026-04-01").crr).toBeNull();
  });
});

describe("mrrAt", () => {
  const a = withMrr("a", "2025-01-01", null, [
    ["2026-02-01", 1500],
    ["2025-06-01", 1000],
  ]);
  it("takes the latest row effective on or before the date, in any row order", () => {
    expect(mrrAt(a, "2025-06-01")).toBe(1000); // effective that very day
    expect(mrrAt(a, "2026-01-31")).toBe(1000);
    expect(mrrAt(a, "2026-02-01")).toBe(1500);
    expect(mrrAt(a, "2030-01-01")).toBe(1500);
  });
  it("uses the first row before the history starts, and the current MRR without history", () => {
    expect(mrrAt(a, "2025-03-01")).toBe(1000);
    expect(mrrAt(withMrr("b", "2025-01-01", null, [], 700), "2025-03-01")).toBe(700);
  });
});

describe("revenueRetention", () => {
  // Period [2026-01-01, 2026-04-01).
  //  A expansion:   1000 → 1500 on 2026-02-01       s 1000, e 1500, min 1000
  //  B contraction: 2000 → 1200 on 2026-03-01       s 2000, e 1200, min 1200
  //  C churns 2026-03-15 with 500                   s  500, e    0, min    0
  //  D starts 2026-02-01 with 800 (not at s)        ignored
  //  E no history, current MRR 500                  s  500, e  500, min  500
  // Σs = 4000, Σe = 3200, Σmin = 2700 → NRR = 3200/4000 = 0.8, GRR = 2700/4000 = 0.675.
  const accounts = [
    withMrr("A", "2025-01-01", null, [
      ["2025-01-01", 1000],
      ["2026-02-01", 1500],
    ]),
    withMrr("B", "2025-06-01", null, [
      ["2025-06-01", 2000],
      ["2026-03-01", 1200],
    ]),
    withMrr("C", "2025-03-01", "2026-03-15", [["2025-03-01", 500]]),
    withMrr("D", "2026-02-01", null, [["2026-02-01", 800]]),
    withMrr("E", "2024-01-01", null, [], 500),
  ];
  it("computes NRR and GRR with expansion, contraction and churn", () => {
    expect(revenueRetention(accounts, "2026-01-01", "2026-04-01")).toEqual({ mrrStart: 4000, mrrEnd: 3200, nrr: 0.8, grr: 0.675 });
  });
  it("NRR can exceed 100 % while GRR cannot", () => {
    // A alone: 1000 → 1500: NRR = 1.5, GRR = min(1500, 1000)/1000 = 1.
    expect(revenueRetention([accounts[0]!], "2026-01-01", "2026-04-01")).toMatchObject({ nrr: 1.5, grr: 1 });
  });
  it("is null without MRR at the start", () => {
    expect(revenueRetention([], "2026-01-01", "2026-04-01")).toEqual({ mrrStart: 0, mrrEnd: 0, nrr: null, grr: null });
    expect(revenueRetention([withMrr("Z", "2025-01-01", null, [], 0)], "2026-01-01", "2026-04-01").nrr).toBeNull();
  });
});

describe("retentionSeries", () => {
  // Q1 [01-01, 04-01) complete; Q2 [04-01, 07-01) runs past asOf 2026-05-15, so it is measured at
  // 2026-05-15; Q3 starts after asOf: left out.
  //  X 2025-01-01 → churns 2026-02-01, 100     Q1: in S, lost
  //  Y 2025-01-01 → churns 2026-06-01, 300     Q1: retained; Q2 to date: retained (churn later)
  //  Z 2025-01-01 → churns 2026-05-01, 600     Q1 retained; Q2 to date lost
  // Q1: S 3, retained 2 → 2/3; MRR s 1000, e 900 → NRR 0.9, GRR 0.9
  // Q2: S 2 (Y, Z), retained 1 (Y) → 0.5; MRR s 900, e 300 → NRR 1/3.
  const accounts = [
    withMrr("X", "2025-01-01", "2026-02-01", [], 100),
    withMrr("Y", "2025-01-01", "2026-06-01", [], 300),
    withMrr("Z", "2025-01-01", "2026-05-01", [], 600),
  ];
  const periods = [
    { bucket: "2026-01-01", label: "2026-Q1", start: "2026-01-01", end: "2026-04-01" },
    { bucket: "2026-04-01", label: "2026-Q2", start: "2026-04-01", end: "2026-07-01" },
    { bucket: "2026-07-01", label: "2026-Q3", start: "2026-07-01", end: "2026-10-01" },
  ];
  it("measures running periods to date and drops future ones", () => {
    const pts = retentionSeries(accounts, periods, "2026-05-15");
    expect(pts).toHaveLength(2);
    expect(pts[0]).toMatchObject({
      label: "2026-Q1",
      complete: true,
      measuredAt: "2026-04-01",
      startCount: 3,
      retained: 2,
      mrrStart: 1000,
      mrrEnd: 900,
      nrr: 0.9,
      grr: 0.9,
    });
    expect(pts[0]!.crr).toBeCloseTo(2 / 3, 12);
    expect(pts[1]).toMatchObject({
      label: "2026-Q2",
      complete: false,
      measuredAt: "2026-05-15",
      startCount: 2,
      retained: 1,
      crr: 0.5,
      mrrStart: 900,
      mrrEnd: 300,
    });
    expect(pts[1]!.nrr).toBeCloseTo(1 / 3, 12);
  });
});

describe("cohortRetention", () => {
  // asOf 2026-07-15.
  // Cohort 2025-Q3: a1 07-10 (never), a2 08-31 (churns 2025-12-15), a3 09-30 (churns 2026-07-01),
  //                 a4 07-01 (churns 2026-01-01). Latest start 09-30: k dates 09-30, 12-30,
  //                 2026-03-30, 2026-06-30 (k = 3), 2026-09-30 > asOf → k = 0..3.
  //  k=0 at own start: all 4 → 4/4
  //  k=1: a1 10-10 ✓, a2 11-30 (Aug 31 + 3 months, clamped) ✓, a3 12-30 ✓, a4 10-01 ✓ → 4/4
  //  k=2: a1 2026-01-10 ✓, a2 2026-02-28 ✗, a3 2026-03-30 ✓, a4 2026-01-01 ✗ (churn day) → 2/4
  //  k=3: a1 ✓, a2 ✗, a3 2026-06-30 ✓ (churns the next day), a4 ✗ → 2/4
  // Cohort 2026-Q2: b1 04-15 (churns 05-01), b2 04-01 (never). Latest start 04-15: k=1 date
  //  2026-07-15 = asOf → included; k=2 not. k0: 2/2; k1: b1 ✗ (07-15), b2 ✓ (07-01) → 1/2.
  // c1 starts 2026-08-01, after asOf: left out.
  const accounts = [
    span("a1", "2025-07-10"),
    span("a2", "2025-08-31", "2025-12-15"),
    span("a3", "2025-09-30", "2026-07-01"),
    span("a4", "2025-07-01", "2026-01-01"),
    span("b1", "2026-04-15", "2026-05-01"),
    span("b2", "2026-04-01"),
    span("c1", "2026-08-01"),
  ];
  it("builds the triangle by start quarter, only for elapsed quarters", () => {
    expect(cohortRetention(accounts, "2026-07-15")).toEqual([
      { cohort: "2025-07-01", label: "2025-Q3", size: 4, retained: [4, 4, 2, 2], retention: [1, 1, 0.5, 0.5] },
      { cohort: "2026-04-01", label: "2026-Q2", size: 2, retained: [2, 1], retention: [1, 0.5] },
    ]);
  });
  it("caps the number of columns and is empty without accounts", () => {
    expect(cohortRetention(accounts, "2026-07-15", 1)[0]!.retained).toEqual([4, 4]);
    expect(cohortRetention([], "2026-07-15")).toEqual([]);
  });
});

describe("retentionByCategory", () => {
  // P1 ends 2026-01-01, horizon 6 months → 2026-07-01 ≤ asOf 2026-11-23: complete.
  //  p1 promoter, never churns                 retained
  //  p2 promoter, churns 2026-09-01            retained (after the horizon)
  //  d1 detractor, churns 2026-03-01           lost
  //  d2 detractor, never                       retained
  //  d3 detractor, churns 2026-07-01 (horizon) lost (not active on the horizon date)
  //  s1 passive, never                         retained
  //  n1 no answer, never                       retained
  //  n2 no answer, churns 2026-05-01           lost
  //  x1 promoter but churned 2025-12-20        excluded (gone before the period's end)
  //  y1 starts 2026-02-01                      not active at the end: excluded
  // promoter 2/2 = 1, passive 1/1, detractor 1/3, no answer 1/2; promoter − detractor = 2/3.
  // P2 ends 2026-07-01, horizon 2027-01-01 > asOf: incomplete. Active on 07-01: p1 (now a
  //  detractor), p2, d2, s1, n1, y1 → detractor n 1, no answer n 5; retention unknown (null).
  const accounts = [
    span("p1", "2024-01-01"),
    span("p2", "2024-01-01", "2026-09-01"),
    span("d1", "2024-01-01", "2026-03-01"),
    span("d2", "2024-01-01"),
    span("d3", "2024-01-01", "2026-07-01"),
    span("s1", "2024-01-01"),
    span("n1", "2024-01-01"),
    span("n2", "2024-01-01", "2026-05-01"),
    span("x1", "2024-01-01", "2025-12-20"),
    span("y1", "2026-02-01"),
  ];
  const cats = (o: Record<string, NpsCategory>) => new Map(Object.entries(o));
  const periods = [
    {
      period: "2025-07-01",
      label: "2025-H2",
      end: "2026-01-01",
      categories: cats({ p1: "promoter", p2: "promoter", d1: "detractor", d2: "detractor", d3: "detractor", s1: "passive", x1: "promoter" }),
    },
    { period: "2026-01-01", label: "2026-H1", end: "2026-07-01", categories: cats({ p1: "detractor" }) },
  ];

  it("groups accounts active at the period end, no answer included, n per group", () => {
    const r = retentionByCategory(accounts, periods, 6, "2026-11-23");
    const [p1, p2] = r.periods;
    expect(p1).toMatchObject({ label: "2025-H2", end: "2026-01-01", horizonEnd: "2026-07-01", complete: true });
    expect(p1!.groups.promoter).toEqual({ n: 2, retained: 2, rate: 1 });
    expect(p1!.groups.passive).toEqual({ n: 1, retained: 1, rate: 1 });
    expect(p1!.groups.detractor).toMatchObject({ n: 3, retained: 1 });
    expect(p1!.groups.detractor.rate).toBeCloseTo(1 / 3, 12);
    expect(p1!.groups.no_answer).toEqual({ n: 2, retained: 1, rate: 0.5 });
    expect(p1!.promoterMinusDetractor).toBeCloseTo(2 / 3, 12);

    expect(p2).toMatchObject({ horizonEnd: "2027-01-01", complete: false, promoterMinusDetractor: null });
    expect(p2!.groups.detractor).toEqual({ n: 1, retained: null, rate: null });
    expect(p2!.groups.no_answer).toEqual({ n: 5, retained: null, rate: null });
    expect(p2!.groups.promoter).toEqual({ n: 0, retained: null, rate: null });

    // Intervals: Wilson per group, Newcombe for promoter − detractor (2/2 − 1/3); none while open.
    expect(p1!.ci95.promoter).toEqual(wilson(2, 2));
    expect(p1!.ci95.no_answer).toEqual(wilson(1, 2));
    expect(p1!.ci95.promoterMinusDetractor).toEqual(newcombeDifference(2, 2, 1, 3));
    expect(p1!.ci95.promoterMinusDetractor!.low).toBeLessThan(0); // n = 2 vs 3: not conclusive
    expect(p2!.ci95).toEqual({ promoter: null, passive: null, detractor: null, no_answer: null, promoterMinusDetractor: null });

    // Pooled over complete periods only: P1 alone.
    expect(r.pooled.periods).toBe(1);
    expect(r.pooled.groups).toEqual(p1!.groups);
  });

  it("pools account-periods when several horizons are over", () => {
    // asOf 2027-02-01: P2 complete too. p1 (detractor) retained; p2 lost (09-01); d2, s1, n1,
    // y1 (no answer) retained → no answer 4/5, detractor 1/1.
    // Pooled: promoter 2/2, passive 1/1, detractor (1+1)/(3+1) = 0.5, no answer (1+4)/(2+5) = 5/7.
    const r = retentionByCategory(accounts, periods, 6, "2027-02-01");
    expect(r.periods[1]!.groups.no_answer).toEqual({ n: 5, retained: 4, rate: 0.8 });
    expect(r.pooled.periods).toBe(2);
    expect(r.pooled.groups.detractor).toEqual({ n: 4, retained: 2, rate: 0.5 });
    expect(r.pooled.groups.no_answer.n).toBe(7);
    expect(r.pooled.groups.no_answer.rate).toBeCloseTo(5 / 7, 12);
    expect(r.pooled.promoterMinusDetractor).toBe(0.5);
  });

  it("gives null rates (not 0) for empty groups and no periods", () => {
    const r = retentionByCategory([], periods, 6, "2026-11-23");
    expect(r.periods[0]!.groups.promoter).toEqual({ n: 0, retained: 0, rate: null });
    expect(r.periods[0]!.promoterMinusDetractor).toBeNull();
    expect(retentionByCategory(accounts, [], 6, "2026-11-23").pooled).toMatchObject({ periods: 0, promoterMinusDetractor: null });
  });
});
