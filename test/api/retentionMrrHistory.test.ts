/**
 * getRetention reads, of each account's MRR history, only the rows `mrrAt` can return at the dates
 * its caller reads (retentionSeriesDates, valueDates), and reads the accounts 5,000 at a time. The
 * figures must be those of the whole history: retention, customer value and MRR at risk computed
 * from getRetention equal the same pure functions over every row, read here with a plain query,
 * on accounts with long, irregular histories (rows before the start, after the churn, on period
 * edges) and more accounts than one slice holds.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import { accountWhereInScope } from "../../worker/db/queries/accountFilter";
import { getRetention } from "../../worker/db/queries/getRetention";
import { bucketLabel, nextBucket } from "../../worker/metrics/buckets";
import { addMonths } from "../../worker/metrics/calendar";
import { mrrAtRisk, valueByCategory, valueDates } from "../../worker/metrics/customerValue";
import { type AccountWithMrr, type CategoryPeriodInput, retentionSeries, retentionSeriesDates } from "../../worker/metrics/retention";

const SEGMENT = `mrr-history-${crypto.randomUUID().slice(0, 8)}`;
/** A deterministic sequence, so a failure can be replayed. */
const rand = (() => {
  let x = 20261201;
  return () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
})();

async function seed() {
  // 5,050 accounts of one row each (more than one slice), then 40 with long irregular histories.
  await env.DB.prepare(
    `INSERT INTO accounts (id, name, segment, mrr_cents, started_on, churned_on)
     WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 5050)
     SELECT printf('acc-bulk-%05d', k), 'Bulk', ?, 1000 + k, date('2022-01-01', '+' || (k % 900) || ' days'),
            CASE WHEN k % 7 = 0 THEN date('2024-06-01', '+' || (k % 500) || ' days') END FROM n`,
  )
    .bind(SEGMENT)
    .run();
  await env.DB.prepare(
    "INSERT INTO account_mrr (account_id, effective_on, mrr_cents) SELECT id, started_on, mrr_cents FROM accounts WHERE segment = ?",
  )
    .bind(SEGMENT)
    .run();
  const stmts: D1PreparedStatement[] = [];
  for (let a = 0; a < 40; a++) {
    const id = `acc-long-${String(a).padStart(2, "0")}`;
    const started = addMonths("2022-01-15", Math.floor(rand() * 30));
    const churned = a % 4 === 0 ? addMonths(started, 6 + Math.floor(rand() * 30)) : null;
    stmts.push(
      env.DB.prepare("INSERT INTO accounts (id, name, segment, mrr_cents, started_on, churned_on) VALUES (?, 'Long', ?, 777, ?, ?)").bind(
        id,
        SEGMENT,
        started,
        churned,
      ),
    );
    // A change about every month from a year before the start to past the churn, some on the 1st
    // (period edges), some mid-month; a third of the histories start only after the first periods
    // (mrrAt then reads their first row), and a tenth of the accounts have none at all.
    if (a % 10 === 9) continue;
    for (let k = a % 3 === 1 ? 18 : -12; k < 60; k++) {
      if (rand() < 0.3) continue;
      const day = rand() < 0.4 ? "01" : String(2 + Math.floor(rand() * 26)).padStart(2, "0");
      const effectiveOn = `${addMonths(started, k).slice(0, 8)}${day}`;
      stmts.push(
        env.DB.prepare("INSERT OR IGNORE INTO account_mrr (account_id, effective_on, mrr_cents) VALUES (?, ?, ?)").bind(
          id,
          effectiveOn,
          Math.floor(rand() * 500_000),
        ),
      );
    }
  }
  await env.DB.batch(stmts);
}

/** Every account of the segment active in [from, until] with its whole history, by id. */
async function everyRow(from: string, until: string): Promise<AccountWithMrr[]> {
  const { results: rows } = await env.DB.prepare(
    `SELECT id, started_on AS startedOn, churned_on AS churnedOn, mrr_cents AS mrrCents FROM accounts
     WHERE segment = ? AND started_on <= ? AND (churned_on IS NULL OR churned_on > ?) ORDER BY id`,
  )
    .bind(SEGMENT, until, from)
    .all<Omit<AccountWithMrr, "mrrHistory">>();
  const { results: history } = await env.DB.prepare(
    "SELECT m.account_id AS accountId, m.effective_on AS effectiveOn, m.mrr_cents AS mrrCents FROM account_mrr m JOIN accounts a ON a.id = m.account_id WHERE a.segment = ?",
  )
    .bind(SEGMENT)
    .all<{ accountId: string; effectiveOn: string; mrrCents: number }>();
  const byId = new Map(rows.map((r) => [r.id, { ...r, mrrHistory: [] as AccountWithMrr["mrrHistory"] }]));
  for (const h of history) byId.get(h.accountId)?.mrrHistory.push({ effectiveOn: h.effectiveOn, mrrCents: h.mrrCents });
  return [...byId.values()];
}

describe("getRetention keeps the MRR rows the figures read", () => {
  it("retention, customer value and MRR at risk equal those of the whole history", async () => {
    await seed();
    const db = createDb(env.DB);
    const where = accountWhereInScope(null, { segment: SEGMENT });
    const asOf = "2026-11-17";
    for (const interval of ["month", "quarter", "half"] as const) {
      const periods = [];
      for (let b = "2023-01-01"; b < "2026-12-01"; b = nextBucket(b, interval)) {
        periods.push({ bucket: b, label: bucketLabel(b, interval), start: b, end: nextBucket(b, interval) });
      }
      const q = { where, activeFrom: periods[0]!.start, activeUntil: periods.at(-1)!.start };
      const narrowed = await getRetention(db, { ...q, mrrDates: retentionSeriesDates(periods, asOf) });
      const whole = await everyRow(q.activeFrom, q.activeUntil);
      expect(narrowed.length).toBeGreaterThan(5_000);
      expect(narrowed.map((a) => a.id)).toEqual(whole.map((a) => a.id));
      // Fewer rows, the same figures.
      const rows = (list: AccountWithMrr[]) => list.reduce((n, a) => n + a.mrrHistory.length, 0);
      // By month the dates outnumber most histories, which are then read whole.
      if (interval === "month") expect(rows(narrowed)).toBeLessThanOrEqual(rows(whole));
      else expect(rows(narrowed)).toBeLessThan(rows(whole));
      expect(retentionSeries(narrowed, periods, asOf), interval).toEqual(retentionSeries(whole, periods, asOf));
    }
    // Customer value: periods ending on wave-like days (mid-month), horizons of 6 and 12 months.
    const ends = ["2023-07-20", "2024-01-18", "2024-07-22", "2025-01-16", "2025-07-21", "2026-01-19"];
    const whole = await everyRow(ends[0]!, asOf);
    const categories = ["promoter", "passive", "detractor"] as const;
    const periods: CategoryPeriodInput[] = ends.map((end, i) => ({
      period: `w${i}`,
      label: `w${i}`,
      end,
      categories: new Map(whole.filter((_, k) => (k + i) % 4 !== 3).map((a, k) => [a.id, categories[(k + i) % 3]!])),
    }));
    const narrowed = await getRetention(db, { where, activeFrom: ends[0]!, activeUntil: asOf, mrrDates: valueDates(periods, [6, 12], asOf) });
    expect(narrowed.map((a) => a.id)).toEqual(whole.map((a) => a.id));
    for (const h of [6, 12]) expect(valueByCategory(narrowed, periods, h, asOf)).toEqual(valueByCategory(whole, periods, h, asOf));
    const detractors = valueByCategory(whole, periods, 6, asOf).groups.detractor;
    expect(mrrAtRisk(narrowed, periods.at(-1)!, asOf, detractors)).toEqual(mrrAtRisk(whole, periods.at(-1)!, asOf, detractors));
  }, 60_000);
});
