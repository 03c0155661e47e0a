/**
 * Paging through answers newest first. The cursor (lib/cursor.ts) holds the last row's creation
 * time and id, so rows that share a millisecond are neither skipped nor repeated. Used by the
 * responses list, the comments list and the CSV export.
 */
import { and, eq, lt, or, type SQL } from "drizzle-orm";
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

/** Rows that come after `cursor` in newest-first order (undefined: no cursor, no condition). */
export const olderThan = (cursor: ResponseCursor | null): SQL | undefined =>
  cursor ? or(lt(responses.createdAt, cursor.at), and(eq(responses.createdAt, cursor.at), lt(responses.id, cursor.id))) : undefined;
