/**
 * The WHERE clause of the comments list and the CSV export, from their shared filters and the
 * caller's scope. Needs `surveys` joined (category) and `followups` left-joined (status).
 */
import { and, eq, gte, isNotNull, isNull, lt, sql, type SQL } from "drizzle-orm";
import type { Db, Principal } from "../../env";
import { zonedMidnightUtc } from "../../metrics/buckets";
import type { ResponseFilter } from "../../schemas/comments";
import { assertOwnManagerFilter, responsesInScope } from "../../services/scope";
import { followups, responses } from "../schema";
import { categorySql } from "./scoreCategory";
import { containsText } from "./textSearch";

export function responseFilter(
  db: Db,
  principal: Principal,
  f: ResponseFilter,
  timeZone: string,
  opts: { commentsOnly?: boolean } = {},
): SQL | undefined {
  assertOwnManagerFilter(principal, f.manager);
  return and(
    opts.commentsOnly ? isNotNull(responses.comment) : undefined,
    f.surveyId ? eq(responses.surveyId, f.surveyId) : undefined,
    f.from ? gte(responses.createdAt, new Date(zonedMidnightUtc(f.from, timeZone))) : undefined,
    f.to ? lt(responses.createdAt, new Date(zonedMidnightUtc(f.to, timeZone))) : undefined,
    f.category ? sql`${categorySql} = ${f.category}` : undefined,
    f.segment ? eq(responses.segment, f.segment) : undefined,
    f.manager ? eq(responses.managerUserId, f.manager) : undefined,
    f.account ? eq(responses.accountId, f.account) : undefined,
    f.channel ? eq(responses.channel, f.channel) : undefined,
    f.locale ? eq(responses.locale, f.locale) : undefined,
    f.status
      ? sql`coalesce(${followups.status}, CASE WHEN ${categorySql} = 'detractor' THEN 'open' END) = ${f.status}`
      : undefined,
    f.owner === undefined
      ? undefined
      : f.owner === "none"
        ? isNull(followups.ownerUserId)
        : eq(followups.ownerUserId, f.owner === "me" ? (principal.userId ?? "\u0000nobody") : f.owner),
    f.q ? containsText([responses.comment], f.q) : undefined,
    responsesInScope(db, principal),
  );
}
