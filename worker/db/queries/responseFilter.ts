/**
 * The WHERE clause of the comments list and the CSV export, from their shared filters and the
 * caller's scope. Needs `surveys` joined (category) and `followups` left-joined (status).
 */
import { and, eq, gte, isNotNull, isNull, lt, ne, not, or, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import type { Db, Principal } from "../../env";
import { localDate, zonedMidnightUtc } from "../../metrics/buckets";
import type { ResponseFilter } from "../../schemas/comments";
import { assertOwnManagerFilter, responsesInScopeInTimeOrder } from "../../services/scope";
import { followups, responses } from "../schema";
import { commentMatches } from "./commentSearch";
import { pageBound, type ResponseCursor, type ResponseOrder } from "./responseCursor";
import { categorySql } from "./scoreCategory";

/**
 * `opts.before`: a page's cursor in `opts.order` (newest first by default), merged with the
 * range's bound on the side the page walks from into one bound (see pageBound).
 * `opts.inTimeOrder`: the follow-up filters are written so that SQLite cannot pick an index for
 * them (unary `+`), for a read that must walk a time index (services/commentsList.ts): across
 * surveys, `followups_due_idx` for a status made SQLite read every open item and sort them (433 ms
 * for 400 rows at 1,000,000 answers), where the time index took 0.6 ms. A manager's scope leads
 * to the manager's own time indexes (services/scope.ts, responsesInScopeInTimeOrder);
 * `opts.accountCheckedLater` leaves out its check of each answer's account, for a caller that
 * checks the rows it keeps (the comment search's walk).
 */
export function responseFilter(
  db: Db,
  principal: Principal,
  f: ResponseFilter,
  timeZone: string,
  opts: { queue?: boolean; before?: ResponseCursor | null; order?: ResponseOrder; inTimeOrder?: boolean; accountCheckedLater?: boolean } = {},
): SQL | undefined {
  // The same column either way (text columns: their values are bound as they are).
  const unindexed = (c: SQLWrapper): SQL => (opts.inTimeOrder ? sql`+${c}` : sql`${c}`);
  assertOwnManagerFilter(principal, f.manager);
  // Today in the workspace zone: an item is overdue once its due day has passed.
  const today = localDate(Date.now(), timeZone);
  const order = opts.order ?? "desc";
  const range = {
    from: f.from ? new Date(zonedMidnightUtc(f.from, timeZone)) : undefined,
    to: f.to ? new Date(zonedMidnightUtc(f.to, timeZone)) : undefined,
  };
  return and(
    // The comments & follow-up queue: every comment, and every follow-up item (silent detractors too).
    opts.queue ? or(isNotNull(responses.comment), isNotNull(followups.responseId)) : undefined,
    f.surveyId ? eq(responses.surveyId, f.surveyId) : undefined,
    pageBound(opts.before ?? null, order, range),
    order === "asc" && range.to ? lt(responses.createdAt, range.to) : undefined,
    order === "desc" && range.from ? gte(responses.createdAt, range.from) : undefined,
    f.category ? sql`${categorySql} = ${f.category}` : undefined,
    f.segment ? eq(responses.segment, f.segment) : undefined,
    f.manager ? eq(responses.managerUserId, f.manager) : undefined,
    f.account ? eq(responses.accountId, f.account) : undefined,
    f.channel ? eq(responses.channel, f.channel) : undefined,
    f.locale ? eq(responses.locale, f.locale) : undefined,
    f.status ? eq(unindexed(followups.status), f.status) : undefined,
    f.overdue === "1" ? and(ne(unindexed(followups.status), "resolved"), lt(unindexed(followups.dueOn), today)) : undefined,
    f.overdue === "0" ? not(and(ne(unindexed(followups.status), "resolved"), lt(unindexed(followups.dueOn), today))!) : undefined,
    f.owner === undefined
      ? undefined
      : f.owner === "none"
        ? isNull(unindexed(followups.ownerUserId))
        : eq(unindexed(followups.ownerUserId), f.owner === "me" ? (principal.userId ?? "\u0000nobody") : f.owner),
    f.q ? commentMatches(f.q) : undefined,
    responsesInScopeInTimeOrder(db, principal, opts.accountCheckedLater ? { only: "copy" } : {}),
  );
}
