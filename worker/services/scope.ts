/**
 * What a caller may see. Admins and viewers see every account; a manager sees only the accounts
 * they manage, and the responses of those accounts. Every route that reads account data goes
 * through these helpers, so the rule lives in one place.
 */
import { eq, inArray, sql, type SQL } from "drizzle-orm";
import { accounts, responses } from "../db/schema";
import type { Db, Principal } from "../env";
import { ApiError } from "../lib/errors";

/** The manager whose book of business the caller is limited to, or null for "everything". */
export const managerScope = (p: Principal): string | null => (p.role === "manager" ? (p.userId ?? "\u0000no-user") : null);

/**
 * A manager filtering by another manager (`?manager=…`) is refused with 403 rather than answered
 * with an empty list: docs/SECURITY.md promises it, and an empty answer would read as "no data".
 */
export function assertOwnManagerFilter(p: Principal, manager: string | undefined): void {
  const scope = managerScope(p);
  if (scope !== null && manager !== undefined && manager !== scope) {
    throw new ApiError(403, "forbidden", "Managers see their own accounts only", "manager");
  }
}

/** SQL condition limiting `accounts` rows to the caller's scope (undefined: no limit). */
export const accountsInScope = (p: Principal): SQL | undefined => accountsOfScope(managerScope(p));

/** The same for a scope already resolved by managerScope (a manager's id, or null for all). */
export const accountsOfScope = (scope: string | null): SQL | undefined => (scope === null ? undefined : eq(accounts.managerUserId, scope));

/**
 * SQL condition limiting `responses` rows to the caller's scope (undefined: no limit).
 * `unindexed`: the same condition kept out of SQLite's index choice (`+account_id`), for a read
 * that must walk the answers in time order (db/queries/responseFilter.ts, inTimeOrder).
 */
export function responsesInScope(db: Db, p: Principal, opts: { unindexed?: boolean } = {}): SQL | undefined {
  const m = managerScope(p);
  if (m === null) return undefined;
  const book = db.select({ id: accounts.id }).from(accounts).where(eq(accounts.managerUserId, m));
  return opts.unindexed ? inArray(sql`+${responses.accountId}`, book) : inArray(responses.accountId, book);
}

/**
 * Copies an account's current segment and manager onto its responses, so breakdowns and a
 * manager's dashboard follow reassignments (the triggers then move the rollups).
 * Call after changing an account's manager or segment.
 */
export async function reattributeAccount(db: Db, accountId: string): Promise<void> {
  await db.run(sql`
    UPDATE responses SET
      segment = (SELECT segment FROM accounts WHERE id = ${accountId}),
      manager_user_id = (SELECT manager_user_id FROM accounts WHERE id = ${accountId})
    WHERE account_id = ${accountId}
      AND (segment IS NOT (SELECT segment FROM accounts WHERE id = ${accountId})
        OR manager_user_id IS NOT (SELECT manager_user_id FROM accounts WHERE id = ${accountId}))`);
}
