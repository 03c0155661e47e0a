/**
 * Paging through answers by creation time, newest first (the default) or oldest first. The cursor
 * (lib/cursor.ts) holds the last row's creation time and id, so rows that share a millisecond are
 * neither skipped nor repeated. An oldest-first cursor also carries its direction, so a cursor
 * from one order handed to the other is refused (400 on `before`) instead of silently skipping
 * or repeating rows. Used by the responses list, the comments list and the CSV export.
 */
import { and, asc, desc, eq, gt, lt, or, type SQL } from "drizzle-orm";
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

/** Rows that come after `cursor` in newest-first order (undefined: no cursor, no condition). */
export const olderThan = (cursor: ResponseCursor | null): SQL | undefined =>
  cursor ? or(lt(responses.createdAt, cursor.at), and(eq(responses.createdAt, cursor.at), lt(responses.id, cursor.id))) : undefined;

/** Rows that come after `cursor` in oldest-first order. */
export const newerThan = (cursor: ResponseCursor | null): SQL | undefined =>
  cursor ? or(gt(responses.createdAt, cursor.at), and(eq(responses.createdAt, cursor.at), gt(responses.id, cursor.id))) : undefined;

/** The page's condition and ORDER BY for `order`: the same key as the cursor, so pages meet exactly. */
export const responsePage = (before: string | undefined, order: ResponseOrder) => {
  const cursor = decodeResponseCursor(before, order);
  return order === "asc"
    ? { after: newerThan(cursor), orderBy: [asc(responses.createdAt), asc(responses.id)] }
    : { after: olderThan(cursor), orderBy: [desc(responses.createdAt), desc(responses.id)] };
};
