/**
 * Runs raw drizzle `sql` statements as ONE D1 batch (one transaction: all or none). drizzle's own
 * `db.batch` only takes query builders; set-based upserts over `json_each` are raw SQL.
 */
import type { SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import type { Db } from "../env";

const dialect = new SQLiteAsyncDialect();

export async function rawBatch(db: Db, statements: SQL[]): Promise<D1Result[]> {
  if (statements.length === 0) return [];
  const d1 = (db as unknown as { $client: D1Database }).$client;
  return d1.batch(
    statements.map((s) => {
      const q = dialect.sqlToQuery(s);
      return d1.prepare(q.sql).bind(...q.params);
    }),
  );
}
