import { drizzle } from "drizzle-orm/d1";
import type { Db } from "../env";

/**
 * The one way to open the database: drizzle over the D1 binding (or a D1 session). Schema-less:
 * queries name their tables from db/schema.ts, and the relational API is not used, so a handle
 * costs no relations config. One handle per binding object: the answer path's requests share it.
 */
const handles = new WeakMap<D1Database, Db>();
export const createDb = (d1: D1Database): Db => {
  let db = handles.get(d1);
  if (!db) {
    db = drizzle(d1);
    handles.set(d1, db);
  }
  return db;
};
