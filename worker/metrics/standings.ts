/**
 * An account's NPS standing (services/accounts.ts says what it means): the mean of its counted
 * answers in its latest half-year with answers, the same in the half before that, and the time of
 * its latest answer in the latest half. The same rule as the triggers that keep
 * `account_standings` (migrations/0012_account_standings.sql), for the rows a time-zone rebuild
 * has not moved yet (db/queries/standingsRaw.ts).
 */
export interface Standing {
  lastScore: number;
  previousScore: number | null;
  lastAt: number;
}

/** Half-year rows (`bucket` a half's first day, sortable) → each answering account's standing. */
export function standingsOf(rows: Iterable<{ accountId: string; bucket: string; score: number; at: number }>): Map<string, Standing> {
  const halves = new Map<string, Map<string, { total: number; n: number; lastAt: number }>>();
  for (const r of rows) {
    const byBucket = halves.get(r.accountId) ?? halves.set(r.accountId, new Map()).get(r.accountId)!;
    const h = byBucket.get(r.bucket) ?? { total: 0, n: 0, lastAt: r.at };
    h.total += r.score;
    h.n += 1;
    h.lastAt = Math.max(h.lastAt, r.at);
    byBucket.set(r.bucket, h);
  }
  const out = new Map<string, Standing>();
  for (const [accountId, byBucket] of halves) {
    const [last, previous] = [...byBucket.keys()].sort().reverse();
    const l = byBucket.get(last!)!;
    const p = previous === undefined ? undefined : byBucket.get(previous)!;
    out.set(accountId, { lastScore: l.total / l.n, previousScore: p ? p.total / p.n : null, lastAt: l.lastAt });
  }
  return out;
}
