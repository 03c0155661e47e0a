/**
 * Paging through answers newest first. The cursor (lib/cursor.ts) holds the last row's creation
 * time and id, so rows that share a millisecond are neither skipped nor repeated. Used by the
 * responses list, the comments list and the CSV export.
 */
import { and, lt, lte, or, type SQL } from "drizzle-orm";
import { decodeCursor, encodeCursor } from "../../lib/cursor";
import { ApiError } from "../../lib/errors";
import { responses } from "../schema";

export interface ResponseCursor {
  at: Date;
  id: string;
}

export const encodeResponseCursor = (row: { createdAt: Date; id: string }): string => encodeCursor([String(row.createdAt.getTime()), row.id]);

/** The cursor in `before` (null when absent); 400 naming `before` when it is not one of ours. */
export function decodeResponseCursor(before: string | undefined): ResponseCursor | null {
  const key = decodeCursor(before, 2);
  if (!key) return null;
  const [ms, id] = key as [string, string];
  if (!/^\d{1,15}$/.test(ms) || !id) throw new ApiError(400, "invalid_field", "before: not a cursor from this list", "before");
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
