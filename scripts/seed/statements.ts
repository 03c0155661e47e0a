/**
 * The seed as drizzle statements, for any SQLite driver: D1 in the tests (`db.batch`), a
 * recording proxy in scripts/seed.mjs (which writes them to a file for `wrangler d1 execute`).
 */
import { getTableColumns, inArray, sql } from "drizzle-orm";
import type { BaseSQLiteDatabase, SQLiteTable } from "drizzle-orm/sqlite-core";
import * as schema from "../../worker/db/schema";
import type { DemoSeed } from "./demo";

type AnyDb = BaseSQLiteDatabase<any, any, any>;

/** D1 binds at most 100 parameters per statement; rows are chunked to stay under it. */
const MAX_PARAMS = 100;

function inserts<T extends SQLiteTable>(db: AnyDb, table: T, rows: T["$inferInsert"][]) {
  const perRow = Object.keys(getTableColumns(table)).length;
  const size = Math.max(1, Math.floor(MAX_PARAMS / perRow));
  const out = [];
  for (let i = 0; i < rows.length; i += size) out.push(db.insert(table).values(rows.slice(i, i + size)));
  return out;
}

export function seedStatements(db: AnyDb, s: DemoSeed) {
  const progress = (["contacted", "resolved"] as const).flatMap((status) => {
    const rows = s.followupProgress.filter((f) => f.status === status);
    const out = [];
    // Every detractor answer already has its item (the trigger of migrations/0005 created it,
    // owned by the account's manager and with its due day): the seed only moves older ones along.
    for (let i = 0; i < rows.length; i += MAX_PARAMS - 1) {
      const ids = rows.slice(i, i + MAX_PARAMS - 1).map((f) => f.responseId);
      const later = sql`${schema.followups.createdAt} + ${2 * 86_400_000}`;
      out.push(
        db
          .update(schema.followups)
          .set({ status, updatedAt: later, ...(status === "resolved" ? { resolvedAt: later } : {}) })
          .where(inArray(schema.followups.responseId, ids)),
      );
    }
    return out;
  });
  return [
    ...inserts(db, schema.users, s.users),
    ...inserts(db, schema.surveys, s.surveys),
    ...inserts(db, schema.accounts, s.accounts),
    ...inserts(db, schema.accountMrr, s.accountMrr),
    ...inserts(db, schema.contacts, s.contacts),
    ...inserts(db, schema.waves, s.waves),
    ...inserts(db, schema.invitations, s.invitations),
    ...inserts(db, schema.responses, s.responses),
    ...progress,
    ...inserts(db, schema.followupNotes, s.followupNotes),
    ...inserts(db, schema.goals, s.goals),
  ];
}
