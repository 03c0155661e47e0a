/**
 * Plain-text search by substring, the text taken literally: the accounts and contacts searches of
 * fewer than 3 characters (nameSearch.ts; from 3 on they go through their trigram indexes, accents
 * and case folded) and the comment search of a text with no word (commentSearch.ts).
 * - instr(), not LIKE: D1 refuses LIKE patterns over 50 bytes, so a 49-character search was a 500;
 *   instr has no length limit and no wildcards, so `%`, `_` and `\` need no escaping.
 * - Case: SQLite's lower() folds A–Z only (D1 has no ICU), so `ab` finds `AB`, but `é` does not
 *   find `É`; the same text in the same case always matches.
 * - Cost: every row of the list it filters is read (no index can answer a substring).
 */
import { sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

export const containsText = (columns: (SQL | SQLiteColumn)[], q: string): SQL =>
  sql`(${sql.join(
    columns.map((c) => sql`instr(lower(${c}), lower(${q})) > 0`),
    sql` OR `,
  )})`;
