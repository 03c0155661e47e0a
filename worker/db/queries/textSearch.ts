/**
 * Plain-text search (`q` on the accounts, contacts and comments lists and the CSV export): the
 * text is found anywhere in any of the columns, taken literally.
 * - instr(), not LIKE: D1 refuses LIKE patterns over 50 bytes, so a 49-character search was a 500;
 *   instr has no length limit and no wildcards, so `%`, `_` and `\` need no escaping.
 * - Case: SQLite's lower() folds A–Z only (D1 has no ICU), so `acme` finds `ACME`, but `élodie`
 *   does not find `Élodie`; the same text in the same case always matches (as with LIKE before).
 */
import { sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

export const containsText = (columns: (SQL | SQLiteColumn)[], q: string): SQL =>
  sql`(${sql.join(
    columns.map((c) => sql`instr(lower(${c}), lower(${q})) > 0`),
    sql` OR `,
  )})`;
