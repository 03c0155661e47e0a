/**
 * GET /api/v1/export/responses.csv?surveyId&from&to&category&segment&manager&account&channel&locale&status&q[&bom=1]
 *
 * Every response matching the comments filters (with or without a comment), in the caller's
 * scope, newest first, as RFC 4180 CSV (CRLF, quoted when needed, quotes doubled).
 * - Streams: rows are read 500 at a time by keyset and written as they come, so a million rows
 *   never sit in memory as one string.
 * - Spreadsheet formula injection: a text cell starting with = + - @ (or tab/CR) gets a leading
 *   apostrophe, so `=HYPERLINK(…)` in a comment stays text. Numbers are written as numbers: a
 *   score of 0 is `0`.
 */
import { workspaceTz } from "../lib/timezone";
import { and, desc, eq } from "drizzle-orm";
import { Hono } from "hono";
import { accounts, contacts, followups, responses, surveys } from "../db/schema";
import type { AppEnv } from "../env";
import { parseQuery } from "../lib/validate";
import { requireAuth } from "../middleware/auth";
import { olderThan, type ResponseCursor } from "../db/queries/responseCursor";
import { categorySql } from "../db/queries/scoreCategory";
import { responseFilter } from "../db/queries/responseFilter";
import { ExportQuerySchema } from "../schemas/comments";

const PAGE = 500;

const HEADER = [
  "response_id", "created_at", "survey_id", "survey_name", "score", "category", "comment", "locale", "channel",
  "contact_id", "contact_external_id", "contact_name", "contact_email",
  "account_id", "account_external_id", "account_name", "segment", "manager_user_id", "followup_status",
];

/** One CSV field. */
export function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  let s = v;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvRow = (cells: (string | number | null | undefined)[]) => `${cells.map(csvCell).join(",")}\r\n`;

export const exportRoute = new Hono<AppEnv>().get("/responses.csv", requireAuth(), async (c) => {
  const q = parseQuery(c, ExportQuerySchema);
  const db = c.var.db;
  // Built before streaming, so a refused filter is a proper 403/400 and not a broken download.
  const where = responseFilter(db, c.var.principal, q, workspaceTz(c.env));
  const page = (cursor: ResponseCursor | null) =>
    db
      .select({
        id: responses.id,
        createdAt: responses.createdAt,
        surveyId: responses.surveyId,
        surveyName: surveys.name,
        score: responses.score,
        category: categorySql,
        comment: responses.comment,
        locale: responses.locale,
        channel: responses.channel,
        contactId: responses.contactId,
        contactExternalId: contacts.externalId,
        contactName: contacts.name,
        contactEmail: contacts.email,
        accountId: responses.accountId,
        accountExternalId: accounts.externalId,
        accountName: accounts.name,
        segment: responses.segment,
        managerUserId: responses.managerUserId,
        followupStatus: followups.status,
      })
      .from(responses)
      .innerJoin(surveys, eq(surveys.id, responses.surveyId))
      .leftJoin(contacts, eq(contacts.id, responses.contactId))
      .leftJoin(accounts, eq(accounts.id, responses.accountId))
      .leftJoin(followups, eq(followups.responseId, responses.id))
      .where(
        and(
          where,
          olderThan(cursor),
        ),
      )
      .orderBy(desc(responses.createdAt), desc(responses.id))
      .limit(PAGE)
      .all();

  const encoder = new TextEncoder();
  let cursor: ResponseCursor | null = null;
  let done = false;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode((q.bom === "1" ? "\uFEFF" : "") + csvRow(HEADER)));
    },
    // Pulled as the client reads: one page of rows per pull, so memory stays at one page.
    async pull(controller) {
      if (done) return;
      const rows = await page(cursor);
      let chunk = "";
      for (const r of rows) {
        chunk += csvRow([
          r.id, r.createdAt.toISOString(), r.surveyId, r.surveyName, r.score, r.category, r.comment, r.locale, r.channel,
          r.contactId, r.contactExternalId, r.contactName, r.contactEmail,
          r.accountId, r.accountExternalId, r.accountName, r.segment, r.managerUserId,
          r.followupStatus ?? (r.category === "detractor" ? "open" : null),
        ]);
      }
      if (chunk) controller.enqueue(encoder.encode(chunk));
      const last = rows.at(-1);
      if (rows.length < PAGE || !last) {
        done = true;
        controller.close();
      } else {
        cursor = { at: last.createdAt, id: last.id };
      }
    },
  });
  const day = new Date().toISOString().slice(0, 10);
  return c.body(body, 200, {
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": `attachment; filename="responses-${day}.csv"`,
  });
});
