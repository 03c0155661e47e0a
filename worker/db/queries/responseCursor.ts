/**
 * Paging through answers newest first. The cursor is `<created ms>_<id>` of the last row shown, so
 * rows that share a millisecond are neither skipped nor repeated. Used by the responses list, the
 * comments list and the CSV export.
 */
import { and, eq, lt, or, type SQL } from "drizzle-orm";
import { responses } from "../schema";

export interface ResponseCursor {
  at: Date;
  id: string;
}

export const encodeResponseCursor = (row: { createdAt: Date; id: string }): string => `${row.createdAt.getTime()}_${row.id}`;

/** The cursor in `before`, or null when it is absent or not one of ours (then paging starts over). */
export function decodeResponseCursor(before: string | undefined): ResponseCursor | null {
  const m = before ? /^(\d{1,15})_(.+)$/.exec(before) : null;
  return m ? { at: new Date(Number(m[1])), id: m[2]! } : null;
}

/** Rows that come after `cursor` in newest-first order (undefined: no cursor, no condition). */
export const olderThan = (cursor: ResponseCursor | null): SQL | undefined =>
  cursor
    ? or(lt(responses.createdAt, cursor.at), and(eq(responses.createdAt, cursor.at), lt(responses.id, cursor.id)))
    : undefined;
