/**
 * Accounts and their MRR history for customer and revenue retention: only those active at some
 * period start in [activeFrom, activeUntil] (the others cannot be in any S). Rows, no rates.
 *
 * Of each account's history, only the rows `mrrAt` (metrics/retention.ts) can return at the dates
 * the caller will read (`mrrDates`): the first row, and the latest row on or before each date. For
 * those dates `mrrAt` answers exactly what it answers over the whole history (the latest row on or
 * before d is kept, and no kept row lies between it and d). A history no longer than that (dates +
 * 1 rows) is read whole, with no probe per date: most accounts, whose MRR changes a few times. Accounts are read 5,000 at a time, each slice and its history in one batch (one
 * snapshot: an import running meanwhile cannot give an account without its history), so no D1
 * result nears D1's 50 MB cap and no query binds more than a few parameters.
 *
 * Until 2026-12-01 every history row of every account came back in one result: 100,000 accounts
 * with two years of monthly MRR changes are 2,069,324 rows, about 150 MB of JSON, past D1's cap
 * (docs/SCALING.md, "Memory per request at scale").
 */
import { and, gt, isNull, lte, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../env";
import type { AccountWithMrr } from "../../metrics/retention";
import { rawBatch } from "../../services/rawBatch";
import { accounts } from "../schema";

export interface RetentionQuery {
  /** Scope and filters on `accounts` (see accountFilter.ts). */
  where: SQL | undefined;
  /** First period start. */
  activeFrom: string;
  /** Last period start. */
  activeUntil: string;
  /** Every date the caller will read an account's MRR at (`mrrAt`); more is harmless, fewer is wrong. */
  mrrDates: string[];
}

/** Accounts per batch: at most 5,000 × (dates + 1) history rows in a result. */
const SLICE = 5_000;

export async function getRetention(db: Db, q: RetentionQuery): Promise<AccountWithMrr[]> {
  const cond = and(q.where, lte(accounts.startedOn, q.activeUntil), or(isNull(accounts.churnedOn), gt(accounts.churnedOn, q.activeFrom)));
  const distinct = [...new Set(q.mrrDates)];
  const dates = JSON.stringify(distinct);
  // A history no longer than the rows narrowing could keep is read whole: no probe per date.
  const keepAll = distinct.length + 1;
  const out: AccountWithMrr[] = [];
  for (let after = ""; ; ) {
    const slice = sql`SELECT ${accounts.id} AS id, ${accounts.startedOn} AS startedOn, ${accounts.churnedOn} AS churnedOn,
      ${accounts.mrrCents} AS mrrCents FROM ${accounts} WHERE ${and(cond, gt(accounts.id, after))} ORDER BY ${accounts.id} LIMIT ${SLICE}`;
    const [rows, history] = await rawBatch(db, [
      slice,
      sql`WITH slice AS (${slice}), d(day) AS (SELECT value FROM json_each(${dates})),
        sized AS MATERIALIZED (SELECT slice.id, (SELECT count(*) FROM account_mrr x WHERE x.account_id = slice.id) AS n FROM slice),
        kept(aid, eff) AS (
          SELECT sized.id, (SELECT max(x.effective_on) FROM account_mrr x WHERE x.account_id = sized.id AND x.effective_on <= d.day)
          FROM sized, d WHERE sized.n > ${keepAll}
          UNION
          SELECT sized.id, (SELECT min(x.effective_on) FROM account_mrr x WHERE x.account_id = sized.id) FROM sized WHERE sized.n > ${keepAll})
        SELECT m.account_id AS accountId, m.effective_on AS effectiveOn, m.mrr_cents AS mrrCents
        FROM kept JOIN account_mrr m ON m.account_id = kept.aid AND m.effective_on = kept.eff
        UNION ALL
        SELECT m.account_id, m.effective_on, m.mrr_cents FROM sized JOIN account_mrr m ON m.account_id = sized.id WHERE sized.n <= ${keepAll}
        ORDER BY 1, 2`,
    ]);
    const accountRows = rows!.results as Omit<AccountWithMrr, "mrrHistory">[];
    const byId = new Map<string, AccountWithMrr>(accountRows.map((r) => [r.id, { ...r, mrrHistory: [] }]));
    for (const h of history!.results as { accountId: string; effectiveOn: string; mrrCents: number }[]) {
      byId.get(h.accountId)?.mrrHistory.push({ effectiveOn: h.effectiveOn, mrrCents: h.mrrCents });
    }
    out.push(...byId.values());
    if (accountRows.length < SLICE) return out;
    after = accountRows.at(-1)!.id;
  }
}
