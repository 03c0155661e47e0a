/**
 * The answer's INSERT on the submission hot path, with its SQL text built once per isolate from the
 * drizzle schema instead of by drizzle's query builder per request (`toSQL` and its `is()` checks
 * were about 5 % of the isolate's CPU per answer: docs/SCALING.md).
 *
 * The schema stays the one source: the column list and the value encoders are the table's own
 * (`getTableColumns`), every column is given (the row type has them all), and
 * test/api/answerInsert.test.ts holds the text and the parameters to what drizzle's builder makes
 * for the same row. A NULL is bound as NULL: drizzle's own placeholders would send it through the
 * column encoder (`"null"` for a JSON column, an error for a timestamp), which is why this is not
 * drizzle's `.prepare()`.
 */
import { getTableColumns, getTableName } from "drizzle-orm";
import { responses } from "../schema";

export type AnswerRow = typeof responses.$inferSelect;

const columns = getTableColumns(responses);
const keys = Object.keys(columns) as (keyof AnswerRow)[];
const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;
const table = quoted(getTableName(responses));

/** The statement's text: every column, the id's conflict ignored, the id returned when inserted. */
export const ANSWER_INSERT_SQL =
  `insert into ${table} (${keys.map((k) => quoted(columns[k].name)).join(", ")}) ` +
  `values (${keys.map(() => "?").join(", ")}) on conflict (${table}.${quoted(columns.id.name)}) do nothing returning ${quoted(columns.id.name)}`;

/** The values of `row` in column order, through each column's encoder (NULL stays NULL). */
export function answerInsertParams(row: AnswerRow): unknown[] {
  return keys.map((k) => {
    const value = row[k];
    return value === null || value === undefined ? null : columns[k].mapToDriverValue(value as never);
  });
}

/** The prepared INSERT of one answer: no row comes back when the id exists already. */
export const answerInsert = (d1: D1Database, row: AnswerRow): D1PreparedStatement => d1.prepare(ANSWER_INSERT_SQL).bind(...answerInsertParams(row));

/**
 * The same INSERT for an answer given through an invitation: it also inserts nothing while the
 * invitation has an answer already (one answer per invitation, decided inside the statement, so
 * two racing first answers cannot both land). Looked up by contact, which the contact index
 * serves; an invitation's answer always carries its contact.
 */
export const ANSWER_INSERT_FOR_INVITATION_SQL =
  `insert into ${table} (${keys.map((k) => quoted(columns[k].name)).join(", ")}) ` +
  `select ${keys.map(() => "?").join(", ")} where not exists (select 1 from ${table} where ${quoted(columns.contactId.name)} = ? and ${quoted(columns.invitationId.name)} = ?) ` +
  `on conflict (${table}.${quoted(columns.id.name)}) do nothing returning ${quoted(columns.id.name)}`;

export const answerInsertForInvitation = (d1: D1Database, row: AnswerRow & { invitationId: string }): D1PreparedStatement =>
  d1.prepare(ANSWER_INSERT_FOR_INVITATION_SQL).bind(...answerInsertParams(row), row.contactId, row.invitationId);
