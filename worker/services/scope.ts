/**
 * What a caller may see. Admins and viewers see every account; a manager sees only the accounts
 * they manage, and the responses of those accounts. Every route that reads account data goes
 * through these helpers, so the rule lives in one place.
 */
import { and, eq, exists, inArray, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { accounts, contacts, responses } from "../db/schema";
import type { Db, Principal } from "../env";
import { ApiError } from "../lib/errors";
import { inList } from "../db/queries/inList";

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

/** SQL condition limiting `contacts` rows to the caller's scope: a manager's, those of the accounts they manage. */
export function contactsInScope(p: Principal): SQL | undefined {
  const m = managerScope(p);
  return m === null ? undefined : sql`${contacts.accountId} IN (SELECT id FROM ${accounts} WHERE ${accounts.managerUserId} = ${m})`;
}

/** SQL condition limiting `responses` rows to the caller's scope (undefined: no limit). */
export function responsesInScope(db: Db, p: Principal): SQL | undefined {
  const m = managerScope(p);
  if (m === null) return undefined;
  return inArray(responses.accountId, db.select({ id: accounts.id }).from(accounts).where(eq(accounts.managerUserId, m)));
}

const book = alias(accounts, "book");

/**
 * The same rule, written for the lists read newest (or oldest) first: the comments queue, the CSV
 * export, a survey's responses. An answer carries its account's manager (`manager_user_id`,
 * copied when it arrives and again by reattributeAccounts on every reassignment, as the manager's
 * dashboard figures rely on), so a manager's answers are read through their own time indexes
 * (responses_manager_created_idx, responses_survey_manager_created_idx) instead of their whole
 * book read through the account index and sorted: 258 ms for a page at 1,000,000 answers. The
 * account is still checked row by row, so an answer shows only while its account is theirs.
 */
export function responsesInScopeInTimeOrder(db: Db, p: Principal, opts: { only?: "copy" | "account" } = {}): SQL | undefined {
  const m = managerScope(p);
  if (m === null) return undefined;
  // `copy`: the comment search's walk tests many answers for a page of a few, and checks the
  // accounts of the page it found instead (services/commentsList.ts): 1.8 ms of SQLite less per
  // window of 400. `account`: that check, on rows already chosen by id (with the copy there too,
  // SQLite would rather walk the manager's index in time order than read the ids).
  const copy = eq(responses.managerUserId, m);
  if (opts.only === "copy") return copy;
  const ours = db
    .select({ one: sql`1` })
    .from(book)
    .where(and(eq(book.id, responses.accountId), eq(book.managerUserId, m)));
  return opts.only === "account" ? exists(ours) : and(copy, exists(ours));
}

/**
 * Copies each account's current segment and manager onto its responses, so breakdowns and a
 * manager's dashboard follow reassignments (the triggers then move the rollups): a statement to
 * run after changing accounts' managers or segments, alone or in the batch that changes them.
 */
export const reattributeAccounts = (ids: string[]) =>
  sql`
    UPDATE responses SET
      segment = (SELECT segment FROM accounts WHERE id = responses.account_id),
      manager_user_id = (SELECT manager_user_id FROM accounts WHERE id = responses.account_id)
    WHERE ${inList(sql`account_id`, ids)}
      AND (segment IS NOT (SELECT segment FROM accounts WHERE id = responses.account_id)
        OR manager_user_id IS NOT (SELECT manager_user_id FROM accounts WHERE id = responses.account_id))`;
