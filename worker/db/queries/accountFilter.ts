/**
 * The accounts a metric covers: the caller's scope (a manager sees only their book) narrowed by
 * optional segment / manager filters. A condition on `accounts`, for queries that read or join it.
 */
import { and, eq, type SQL } from "drizzle-orm";
import type { Principal } from "../../env";
import { accountsOfScope, managerScope } from "../../services/scope";
import { accounts } from "../schema";

export interface AccountFilter {
  segment?: string;
  manager?: string;
}

export const accountWhere = (principal: Principal, f: AccountFilter = {}): SQL | undefined => accountWhereInScope(managerScope(principal), f);

/** The same for a scope already resolved by managerScope (a manager's id, or null for all). */
export function accountWhereInScope(scope: string | null, f: AccountFilter = {}): SQL | undefined {
  return and(
    accountsOfScope(scope),
    f.segment === undefined ? undefined : eq(accounts.segment, f.segment),
    f.manager === undefined ? undefined : eq(accounts.managerUserId, f.manager),
  );
}
