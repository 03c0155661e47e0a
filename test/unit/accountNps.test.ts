import { describe, expect, it } from "vitest";
import { accountCategory, accountNps, accountSums, answeredCategories, latestPerMember, type ScoredAnswer } from "../../worker/metrics/accountNps";

let seq = 0;
const ans = (accountId: string, member: string, score: number, at: number, responseId = `r${++seq}`): ScoredAnswer => ({
  accountId,
  member,
  score,
  at,
  responseId,
});

describe("accountCategory", () => {
  it("uses the score thresholds on the mean", () => {
    expect(accountCategory(9)).toBe("promoter"); // ≥ 9
    expect(accountCategory(8.99)).toBe("passive");
    expect(accountCategory(7)).toBe("passive"); // ≥ 7
    expect(accountCategory(6.99)).toBe("detractor");
    expect(accountCategory(null)).toBe("no_answer");
  });
});

describe("latestPerMember", () => {
  it("keeps each contact's latest answer, ties broken by response id", () => {
    const rows = [ans("A", "c1", 10, 1), ans("A", "c1", 6, 2), ans("A", "c2", 3, 5, "r-a"), ans("A", "c2", 4, 5, "r-b")];
    const latest = latestPerMember(rows);
    expect(latest.map((r) => [r.member, r.score])).toEqual([
      ["c1", 6],
      ["c2", 4],
    ]);
  });
});

describe("accountNps", () => {
  // A: c1 10 then 6 (latest 6 counts), c2 9            → (6 + 9)/2 = 7.5  passive, n 2
  // B: c3 9, c4 10                                       → 9.5            promoter
  // C: c5 8, c6 9                                        → 8.5            passive
  // D: c7 10, c8 8                                       → 9.0            promoter (≥ 9)
  // E: c9 7, c10 6                                       → 6.5            detractor
  // G: active, nobody answered                           → no_answer, mean null, n 0
  // K: answered (c11 0) but not in the active list       → still listed, after the others
  // counts: promoter 2 (B, D), passive 2 (A, C), detractor 2 (E, K), no answer 1 (G)
  // account NPS = 100 · (2 − 2)/6 = 0.
  const rows = [
    ans("A", "c1", 10, 1),
    ans("A", "c1", 6, 2),
    ans("A", "c2", 9, 1),
    ans("B", "c3", 9, 1),
    ans("B", "c4", 10, 1),
    ans("C", "c5", 8, 1),
    ans("C", "c6", 9, 1),
    ans("D", "c7", 10, 1),
    ans("D", "c8", 8, 1),
    ans("E", "c9", 7, 1),
    ans("E", "c10", 6, 1),
    ans("K", "c11", 0, 1),
  ];
  it("scores each account by its contacts' mean and keeps no answer", () => {
    const r = accountNps(accountSums(rows), ["A", "B", "C", "D", "E", "G"]);
    expect(r.accounts).toEqual([
      { accountId: "A", mean: 7.5, category: "passive", n: 2 },
      { accountId: "B", mean: 9.5, category: "promoter", n: 2 },
      { accountId: "C", mean: 8.5, category: "passive", n: 2 },
      { accountId: "D", mean: 9, category: "promoter", n: 2 },
      { accountId: "E", mean: 6.5, category: "detractor", n: 2 },
      { accountId: "G", mean: null, category: "no_answer", n: 0 },
      { accountId: "K", mean: 0, category: "detractor", n: 1 },
    ]);
    expect(r.counts).toEqual({ promoter: 2, passive: 2, detractor: 2, no_answer: 1 });
    expect(r.nps).toBe(0);
  });

  it("account NPS: one vote per answering account", () => {
    // B promoter, E detractor, D promoter → 100 · (2 − 1)/3 = 33.33…; G no answer is not in n.
    const r = accountNps(accountSums(rows.filter((x) => ["B", "D", "E"].includes(x.accountId))), ["B", "D", "E", "G"]);
    expect(r.nps).toBeCloseTo(100 / 3, 10);
    expect(r.counts.no_answer).toBe(1);
  });

  it("no accounts, no answers: empty list, zero counts, NPS null", () => {
    expect(accountNps([], [])).toEqual({ accounts: [], counts: { promoter: 0, passive: 0, detractor: 0, no_answer: 0 }, nps: null });
    // Only silent accounts: all no answer, NPS still null (nobody answered).
    expect(accountNps([], ["G", "H"]).counts.no_answer).toBe(2);
    expect(accountNps([], ["G", "H"]).nps).toBeNull();
  });

  it("answeredCategories leaves silent accounts out", () => {
    expect(answeredCategories(accountSums(rows))).toEqual(
      new Map([
        ["A", "passive"],
        ["B", "promoter"],
        ["C", "passive"],
        ["D", "promoter"],
        ["E", "detractor"],
        ["K", "detractor"],
      ]),
    );
  });
});
