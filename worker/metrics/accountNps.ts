/**
 * Account-level NPS (METRICS.md): an account's score in a period is the mean of its contacts'
 * counted scores, a contact counting once (their latest response in the period); its category
 * uses the same thresholds as a single score (≥ 9 promoter, ≥ 7 passive, else detractor).
 * Accounts without a response are "no_answer", a category of their own, never dropped.
 */
import { nps, npsCategory, type NpsCategory } from "./nps";
import type { AccountCategory } from "./retention";

/** A response that may count: who gave it, for which account, when. */
export interface ScoredAnswer {
  /** The contact (anonymous answers have no account and never reach this function). */
  member: string;
  accountId: string;
  score: number;
  /** Milliseconds; the latest answer of a member wins, ties broken by responseId. */
  at: number;
  responseId: string;
}

/** The latest answer of each member (a contact answering twice in the period counts once). */
export function latestPerMember<T extends Omit<ScoredAnswer, "accountId">>(rows: Iterable<T>): T[] {
  const latest = new Map<string, T>();
  for (const r of rows) {
    const prev = latest.get(r.member);
    if (!prev || r.at > prev.at || (r.at === prev.at && r.responseId > prev.responseId)) latest.set(r.member, r);
  }
  return [...latest.values()];
}

export interface AccountScore {
  accountId: string;
  /** Mean of the counted scores; null for no answer. */
  mean: number | null;
  category: AccountCategory;
  /** Contacts whose answer counted. */
  n: number;
}

export type CategoryCounts = Record<AccountCategory, number>;

export interface AccountNps {
  accounts: AccountScore[];
  counts: CategoryCounts;
  /** NPS over accounts (each account one vote): 100 · (P − D) / answering accounts; null if none. */
  nps: number | null;
}

export const accountCategory = (mean: number | null): AccountCategory => (mean === null ? "no_answer" : npsCategory(mean));

/** An account's counted answers: the sum of their scores and how many (one per contact). */
export interface AccountSum {
  accountId: string;
  total: number;
  n: number;
}

/** The sums of each account over the latest answer of each contact. */
export function accountSums(rows: Iterable<ScoredAnswer>): AccountSum[] {
  const sums = new Map<string, AccountSum>();
  for (const r of latestPerMember(rows)) {
    const s = sums.get(r.accountId) ?? { accountId: r.accountId, total: 0, n: 0 };
    s.total += r.score;
    s.n += 1;
    sums.set(r.accountId, s);
  }
  return [...sums.values()];
}

/**
 * Scores and categories of `accountIds` (the accounts that were active in the period) plus any
 * other account that answered in it, from each account's sums (accountSums, or the database's for
 * a large range: db/queries/getAccountScores.ts, one row per account instead of one per answer).
 * Output in the order of `accountIds`, then the others.
 */
export function accountNps(accountSumRows: Iterable<AccountSum>, accountIds: Iterable<string>): AccountNps {
  const sums = new Map<string, AccountSum>();
  for (const s of accountSumRows) sums.set(s.accountId, s);
  const order = [...new Set(accountIds)];
  const seen = new Set(order);
  for (const id of sums.keys()) if (!seen.has(id)) order.push(id);
  const counts: CategoryCounts = { promoter: 0, passive: 0, detractor: 0, no_answer: 0 };
  const accounts = order.map((accountId) => {
    const s = sums.get(accountId);
    const mean = s ? s.total / s.n : null;
    const category = accountCategory(mean);
    counts[category]++;
    return { accountId, mean, category, n: s?.n ?? 0 };
  });
  return {
    accounts,
    counts,
    nps: nps({ promoters: counts.promoter, passives: counts.passive, detractors: counts.detractor }),
  };
}

/** Only the categories of the accounts that answered (what retention by category needs), from their sums. */
export function answeredCategories(sums: Iterable<AccountSum>): Map<string, NpsCategory> {
  const out = new Map<string, NpsCategory>();
  for (const a of accountNps(sums, []).accounts) {
    if (a.category !== "no_answer") out.set(a.accountId, a.category);
  }
  return out;
}
