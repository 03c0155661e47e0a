/**
 * The segments of the caller's accounts, with how many accounts each has: the values the
 * dashboard's segment filter offers (a filter is an exact, case-sensitive match, so people pick
 * a known value instead of guessing its spelling). Read through `accounts_segment_idx`.
 */
import { and, asc, count, isNotNull } from "drizzle-orm";
import type { Db, Principal } from "../../env";
import { accounts } from "../schema";
import { accountWhere } from "./accountFilter";

/** More than this many distinct segments is not a filter anyone picks from a list. */
export const MAX_SEGMENTS = 500;

export async function getSegments(db: Db, p: Principal) {
  return db
    .select({ value: accounts.segment, accounts: count() })
    .from(accounts)
    .where(and(isNotNull(accounts.segment), accountWhere(p)))
    .groupBy(accounts.segment)
    .orderBy(asc(accounts.segment))
    .limit(MAX_SEGMENTS)
    .all() as Promise<{ value: string; accounts: number }[]>;
}
