/**
 * Paging through answers by creation time, newest first (the default) or oldest first. The cursor
 * (lib/cursor.ts) holds the last row's creation time and id, so rows that share a millisecond are
 * neither skipped nor repeated. An oldest-first cursor also carries its direction, so a cursor
 * from one order handed to the other is refused (400 on `before`) instead of silently skipping
 * or repeating rows. Used by the responses list, the comments list and the CSV export.
 */
import { and, asc, desc, gt, gte, lt, lte, or, type SQL } from "drizzle-orm";
import { decodeCursor, encodeCursor } from "../../lib/cursor";
import { ApiError } from "../../lib/errors";
import { responses } from "../schema";

export interface ResponseCursor {
  at: Date;
  id: string;
}

/** `desc`: newest first (every list's default); `asc`: oldest first. */
export type ResponseOrder = "asc" | "desc";

export const encodeResponseCursor = (row: { createdAt: Date; id: string }, order: ResponseOrder = "desc"): string =>
  encodeCursor(order === "asc" ? [String(row.createdAt.getTime()), row.id, "asc"] : [String(row.createdAt.getTime()), row.id]);

/** The cursor in `before` (null when absent); 400 naming `before` when it is not one of ours for this order. */
export function decodeResponseCursor(before: string | undefined, order: ResponseOrder = "desc"): ResponseCursor | null {
  const key = decodeCursor(before, order === "asc" ? 3 : 2);
  if (!key) return null;
  const [ms, id, dir] = key as [string, string, string?];
  if (!/^\d{1,15}$/.test(ms) || !id || (order === "asc" && dir !== "asc"))
    throw new ApiError(400, "invalid_field", "before: not a cursor from this list", "before");
  return { at: new Date(Number(ms)), id };
}

/**
 * Rows that come after `cursor` in newest-first order (undefined: no cursor, no condition).
 * `created_at <= at AND (created_at < at OR id < cursor id)` selects the same rows as
 * `created_at < at OR (created_at = at AND id < cursor id)`, but its first term is a range SQLite
 * can seek to in `(survey_id, created_at)`: with the plain OR, every page re-read the index from
 * the newest answer and skipped the pages already sent, so a 1,000,000-row export did
 * quadratic work (a page 900,000 rows deep took 80 ms instead of 5 ms).
 */
export const olderThan = (cursor: ResponseCursor | null): SQL | undefined =>
  cursor ? and(lte(responses.createdAt, cursor.at), or(lt(responses.createdAt, cursor.at), lt(responses.id, cursor.id))) : undefined;

/** Rows that come after `cursor` in oldest-first order (the same seekable shape as olderThan). */
export const newerThan = (cursor: ResponseCursor | null): SQL | undefined =>
  cursor ? and(gte(responses.createdAt, cursor.at), or(gt(responses.createdAt, cursor.at), gt(responses.id, cursor.id))) : undefined;

/**
 * `olderThan(cursor)` and `created_at < to` as one upper bound. SQLite seeks an index with one
 * upper bound only; given both, it took `to` and filtered the cursor, so every page of a ranged
 * export re-read the range from its newest answer. Whichever bound is lower implies the other (a
 * cursor at or after `to` excludes nothing that `created_at < to` keeps), so the other is left out.
 */
export function olderThanWithin(cursor: ResponseCursor | null, to: Date | undefined): SQL | undefined {
  if (cursor && (!to || cursor.at.getTime() < to.getTime())) return olderThan(cursor);
  return to ? lt(responses.createdAt, to) : undefined;
}

/** The page's condition and ORDER BY for `order`: the same key as the cursor, so pages meet exactly. */
export const responsePage = (before: string | undefined, order: ResponseOrder) => {
  const cursor = decodeResponseCursor(before, order);
  return order === "asc"
    ? { after: newerThan(cursor), orderBy: [asc(responses.createdAt), asc(responses.id)] }
    : { after: olderThan(cursor), orderBy: [desc(responses.createdAt), desc(responses.id)] };
};
