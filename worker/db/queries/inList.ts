/**
 * `column IN (values…)` with the values as ONE bound parameter (a JSON array read by
 * `json_each`): D1 binds at most 100 parameters per statement, and drizzle's `inArray` binds one
 * per value, so a list that grows with the data (a page of 200 comments, a contact's every answer)
 * failed with "too many SQL variables". SQLite still probes the column's index once per value.
 */
import { type SQL, type SQLWrapper, sql } from "drizzle-orm";

export const inList = (column: SQLWrapper, values: readonly (string | number)[]): SQL =>
  sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;
