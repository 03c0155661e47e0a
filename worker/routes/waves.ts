/**
 * Waves and their invitations: the list with invited, delivered, bounced, responded and response
 * rate; the invitations as CSV for a mailing tool; marking them sent once the tool has them.
 * A manager's counts cover the contacts of their own accounts only.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { desc, eq, sql } from "drizzle-orm";
import { waves } from "../db/schema";
import { surveyLink, unsubscribeLink } from "../jobs/deliver";
import { notFound } from "../lib/errors";
import { errors, json, KEY_OR_SESSION, params, router, text } from "../lib/openapi";
import { waveResponseRate, type InvitationTally } from "../metrics/responseRate";
import { requireAuth } from "../middleware/auth";
import { InvitationsCsvQuery, WaveSchema, WavesListQuery } from "../schemas/waves";
import { csvStream } from "../services/csv";
import { assertOwnManagerFilter, managerScope } from "../services/scope";
import { inList } from "../db/queries/inList";

const INVITATIONS_PAGE = 1000;
const tags = ["waves"];
const WaveParams = params("waveId");

const list = createRoute({
  method: "get",
  path: "/",
  summary: "Survey waves with invited, delivered, bounced, responded and response rate (a manager's counts cover their accounts)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth()] as const,
  request: { query: WavesListQuery },
  responses: { 200: json(z.object({ data: z.array(WaveSchema) }), "Latest opening first, at most 200"), ...errors(400, 401) },
});

const invitationsCsv = createRoute({
  method: "get",
  path: "/{waveId}/invitations.csv",
  summary:
    "Invitations as CSV for a mailing tool: email, name, locale, account, personal link, unsubscribe link, status (admins; `?bom=1` for Excel)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin")] as const,
  request: { params: WaveParams, query: InvitationsCsvQuery },
  responses: { 200: text("text/csv", "RFC 4180, streamed; unsubscribed and bounced people left out"), ...errors(400, 401, 403, 404) },
});

const markSent = createRoute({
  method: "post",
  path: "/{waveId}/mark-sent",
  summary: "Mark the wave's pending invitations as sent, after sending the CSV through a mailing tool (admins)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin")] as const,
  request: { params: WaveParams },
  responses: { 200: json(z.object({ marked: z.number().int() }), "How many were pending"), ...errors(401, 403, 404) },
});

export const wavesRoute = router()
  .openapi(list, async (c) => {
    const q = c.req.valid("query");
    const db = c.var.db;
    const rows = await db
      .select()
      .from(waves)
      .where(q.surveyId ? eq(waves.surveyId, q.surveyId) : undefined)
      .orderBy(desc(waves.opensAt))
      .limit(200)
      .all();
    const m = managerScope(c.var.principal);
    if (m !== null) assertOwnManagerFilter(c.var.principal, q.manager);
    const manager = m ?? q.manager;
    const accountConds = [
      ...(manager !== undefined ? [sql`a.manager_user_id = ${manager}`] : []),
      ...(q.segment !== undefined ? [sql`a.segment = ${q.segment}`] : []),
    ];
    const scope =
      accountConds.length === 0
        ? sql``
        : sql`AND i.contact_id IN (SELECT c.id FROM contacts c JOIN accounts a ON a.id = c.account_id WHERE ${sql.join(accountConds, sql` AND `)})`;
    const tallies = rows.length
      ? await db.all<{ wave_id: string; status: InvitationTally["status"]; responded: number; n: number }>(sql`
          SELECT i.wave_id, i.status,
                 EXISTS (SELECT 1 FROM responses r WHERE r.survey_id = w.survey_id AND r.contact_id = i.contact_id
                           AND (r.wave_id = w.id OR (r.created_at >= w.opens_at AND r.created_at < w.closes_at))) AS responded,
                 count(*) AS n
          FROM invitations i JOIN waves w ON w.id = i.wave_id
          WHERE ${inList(
            sql`i.wave_id`,
            rows.map((r) => r.id),
          )} ${scope}
          GROUP BY 1, 2, 3`)
      : [];
    return c.json(
      {
        data: rows.map((w) => ({
          id: w.id,
          surveyId: w.surveyId,
          period: w.period,
          opensAt: w.opensAt.toISOString(),
          closesAt: w.closesAt.toISOString(),
          status: w.status,
          closedAt: w.closedAt?.toISOString() ?? null,
          ...waveResponseRate(tallies.filter((t) => t.wave_id === w.id).map((t) => ({ status: t.status, responded: t.responded === 1, n: t.n }))),
        })),
      },
      200,
    );
  })
  .openapi(invitationsCsv, async (c) => {
    const db = c.var.db;
    const wave = await db
      .select()
      .from(waves)
      .where(eq(waves.id, c.req.valid("param").waveId))
      .get();
    if (!wave) throw notFound("Wave");
    const base = (c.env.PUBLIC_URL || new URL(c.req.url).origin).replace(/\/+$/, "");
    const q = c.req.valid("query");
    // Streamed a page at a time (keyset on the email), so a wave of 100,000 people never sits in
    // memory as one string.
    const body = await csvStream<string>({
      header: ["email", "name", "locale", "account", "link", "unsubscribe_link", "status"],
      bom: q.bom === "1",
      requestId: c.var.requestId,
      page: async (after) => {
        const rows = await db.all<{
          token: string;
          status: string;
          email: string;
          name: string | null;
          locale: string | null;
          account: string | null;
        }>(sql`
          SELECT i.token, i.status, c.email, c.name, c.locale, a.name AS account
          FROM invitations i JOIN contacts c ON c.id = i.contact_id LEFT JOIN accounts a ON a.id = c.account_id
          WHERE i.wave_id = ${wave.id} AND c.unsubscribed_at IS NULL AND i.status <> 'bounced' AND c.email > ${after ?? ""}
          ORDER BY c.email LIMIT ${INVITATIONS_PAGE}`);
        return {
          rows: rows.map((r) => [
            r.email,
            r.name,
            r.locale,
            r.account,
            surveyLink(base, wave.surveyId, r.token),
            unsubscribeLink(base, r.token),
            r.status,
          ]),
          next: rows.length < INVITATIONS_PAGE ? null : rows.at(-1)!.email,
        };
      },
    });
    return c.body(body, 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="invitations-${wave.period}.csv"`,
    });
  })
  .openapi(markSent, async (c) => {
    const wave = await c.var.db
      .select()
      .from(waves)
      .where(eq(waves.id, c.req.valid("param").waveId))
      .get();
    if (!wave) throw notFound("Wave");
    const res = await c.var.db.run(
      sql`UPDATE invitations SET status = 'sent', sent_at = ${Date.now()} WHERE wave_id = ${wave.id} AND status = 'pending'`,
    );
    return c.json({ marked: res.meta.changes ?? 0 }, 200);
  });
