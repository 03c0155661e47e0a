/**
 * The accounts a metric covers: the caller's scope (a manager sees only their book) narrowed by
 * optional segment / manager filters. A condition on `accounts`, for queries that read or join it.
 */
import { and, eq, type SQL } from "drizzle-orm";
import type { Principal } from "../../env";
import { accountsInScope } from "../../services/scope";
import { accounts } from "../schema";

export interface AccountFilter {
  segment?: string;
  manager?: string;
}

export function accountWhere(principal: Principal, f: AccountFilter = {}): SQL | undefined {
  return and(
    accountsInScope(principal),
    f.segment === undefined ? undefined : eq(accounts.segment, f.segment),
    f.manager === undefined ? undefined : eq(accounts.managerUserId, f.manager),
  );
}
