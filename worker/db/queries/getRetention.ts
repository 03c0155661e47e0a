/**
 * Accounts and their MRR history for customer and revenue retention: only those active at some
 * period start in [activeFrom, activeUntil] (the others cannot be in any S). Rows, no rates.
 */
import { and, asc, eq, gt, isNull, lte, or, type SQL } from "drizzle-orm";
import type { Db } from "../../env";
import type { AccountWithMrr } from "../../metrics/retention";
import { accountMrr, accounts } from "../schema";

export interface RetentionQuery {
  /** Scope and filters on `accounts` (see accountFilter.ts). */
  where: SQL | undefined;
  /** First period start. */
  activeFrom: string;
  /** Last period start. */
  activeUntil: string;
}

export async function getRetention(db: Db, q: RetentionQuery): Promise<AccountWithMrr[]> {
  const cond = and(q.where, lte(accounts.startedOn, q.activeUntil), or(isNull(accounts.churnedOn), gt(accounts.churnedOn, q.activeFrom)));
  // One batch: one round trip, and both reads see the same snapshot (an import running at the
  // same time cannot give an account without its history).
  const [rows, history] = await db.batch([
    db
      .select({ id: accounts.id, startedOn: accounts.startedOn, churnedOn: accounts.churnedOn, mrrCents: accounts.mrrCents })
      .from(accounts)
      .where(cond),
    db
      .select({ accountId: accountMrr.accountId, effectiveOn: accountMrr.effectiveOn, mrrCents: accountMrr.mrrCents })
      .from(accountMrr)
      .innerJoin(accounts, eq(accounts.id, accountMrr.accountId))
      .where(cond)
      .orderBy(asc(accountMrr.accountId), asc(accountMrr.effectiveOn)),
  ]);
  const byId = new Map<string, AccountWithMrr>(rows.map((r) => [r.id, { ...r, mrrHistory: [] }]));
  for (const h of history) byId.get(h.accountId)?.mrrHistory.push({ effectiveOn: h.effectiveOn, mrrCents: h.mrrCents });
  return [...byId.values()];
}
