/**
 * GET /api/v1/export/responses.csv?surveyId&from&to&category&segment&manager&account&channel&locale&status&q[&bom=1]
 *
 * Every response matching the comments filters (with or without a comment), in the caller's
 * scope, newest first, as RFC 4180 CSV (CRLF, quoted when needed, quotes doubled), through the
 * one CSV writer (worker/services/csv.ts): formula-looking text is defused, cells with `;` are
 * quoted, `bom=1` adds the byte-order mark Excel needs to read accents.
 * - Streams: rows are read by keyset (500, then 2,000 at a time) and written as they come. Every filter is
 *   checked and the first page read before the 200 starts, so a bad request is a JSON 4xx; a
 *   failure on a later page ends the file with an `#error:` line (see csvStream).
 */
import { createRoute } from "@hono/zod-openapi";
import { errors, KEY_OR_SESSION, router, text } from "../lib/openapi";
import { workspaceTz } from "../lib/timezone";
import { requireAuth } from "../middleware/auth";
import { heavyRead, heavyReadErrors } from "../middleware/heavyRead";
import type { ResponseCursor } from "../db/queries/responseCursor";
import { exportRows } from "../db/queries/exportRows";
import { responseFilter } from "../db/queries/responseFilter";
import { ExportQuerySchema } from "../schemas/comments";
import { csvStream } from "../services/csv";

const FIRST_PAGE = 500;
const PAGE = 2000;

const HEADER = [
  "response_id",
  "created_at",
  "survey_id",
  "survey_name",
  "score",
  "category",
  "comment",
  "locale",
  "channel",
  "contact_id",
  "contact_external_id",
  "contact_name",
  "contact_email",
  "account_id",
  "account_external_id",
  "account_name",
  "segment",
  "manager_user_id",
  "followup_status",
];

const responsesCsv = createRoute({
  method: "get",
  path: "/responses.csv",
  summary:
    "Answers as streamed RFC 4180 CSV, with the comments filters (managers: their accounts; `?bom=1` for Excel, `?queue=1` for the comments & follow-up queue)",
  tags: ["comments"],
  security: KEY_OR_SESSION,
  middleware: [requireAuth(), heavyRead] as const,
  request: { query: ExportQuerySchema },
  responses: {
    200: text("text/csv", "Newest first; a failure after the first page ends the file with an `#error:` line"),
    ...errors(400, 401, 403),
    ...heavyReadErrors,
  },
});

export const exportRoute = router().openapi(responsesCsv, async (c) => {
  const q = c.req.valid("query");
  const db = c.var.db;
  // Built before streaming, so a refused filter is a proper 403/400 and not a broken download.
  // `queue=1`: the rows of the comments & follow-up page (comments and follow-up items), so its
  // export holds exactly what the screen lists.
  const where = (before: ResponseCursor | null) => responseFilter(db, c.var.principal, q, workspaceTz(c.env), { queue: q.queue === "1", before });
  // The first page is small (it is read before the 200, so a bad request still gets its JSON
  // error quickly); later pages are larger: each D1 query has a fixed cost (a round trip, a
  // transaction), and at 2,000 rows a 1,000,000-row export makes 500 of them instead of 2,000.
  const page = (cursor: ResponseCursor | null) => exportRows(db, where(cursor), cursor ? PAGE : FIRST_PAGE).all();

  const body = await csvStream<ResponseCursor>({
    header: HEADER,
    bom: q.bom === "1",
    requestId: c.var.requestId,
    page: async (cursor) => {
      const rows = await page(cursor);
      const last = rows.at(-1);
      return {
        rows: rows.map((r) => [
          r.id,
          r.createdAt.toISOString(),
          r.surveyId,
          r.surveyName,
          r.score,
          r.category,
          r.comment,
          r.locale,
          r.channel,
          r.contactId,
          r.contactExternalId,
          r.contactName,
          r.contactEmail,
          r.accountId,
          r.accountExternalId,
          r.accountName,
          r.segment,
          r.managerUserId,
          r.followupStatus ?? (r.category === "detractor" ? "open" : null),
        ]),
        next: rows.length < (cursor ? PAGE : FIRST_PAGE) || !last ? null : { at: last.createdAt, id: last.id },
      };
    },
  });
  const day = new Date().toISOString().slice(0, 10);
  return c.body(body, 200, {
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": `attachment; filename="responses-${day}.csv"`,
  });
});
