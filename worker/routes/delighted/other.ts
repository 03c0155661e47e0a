/**
 * The rest of Delighted's surface:
 *   GET  /v1/metrics                 since, until → Delighted's counting (every response counts)
 *   POST /v1/unsubscribes            {person_email}
 *   GET  /v1/unsubscribes            per_page, page, since, until
 *   GET  /v1/bounces                 per_page, page, since, until
 *   GET  /v1/autopilot/:platform     email | sms: the mapped survey's rhythm, read-only
 */
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { contacts } from "../../db/schema";
import type { AppEnv } from "../../env";
import { delightedMetrics } from "../../metrics/delightedMetrics";
import { enqueueContactUnsubscribed } from "../../jobs/webhooks";
import { cancelPending, upsertPerson, v1Survey } from "../../services/delighted";
import { MetricsQuerySchema, PagedQuerySchema, UnsubscribeSchema } from "../../schemas/delighted";
import { parseV1, unix, v1Body, V1Error, v1Query } from "../../lib/v1";

const range = (column: string, since?: number, until?: number) =>
  sql.join(
    [
      sql`1 = 1`,
      since !== undefined ? sql`${sql.raw(column)} >= ${since * 1000}` : undefined,
      until !== undefined ? sql`${sql.raw(column)} <= ${until * 1000 + 999}` : undefined,
    ].filter((x) => x !== undefined),
    sql` AND `,
  );

export const otherV1Route = new Hono<AppEnv>()
  .get("/metrics", async (c) => {
    const q = parseV1(MetricsQuerySchema, v1Query(c));
    const survey = await v1Survey(c.var.db);
    const counts = await c.var.db.get<{ promoters: number | null; passives: number | null; detractors: number | null }>(sql`
      SELECT sum(score >= 9) AS promoters, sum(score BETWEEN 7 AND 8) AS passives, sum(score <= 6) AS detractors
      FROM responses WHERE survey_id = ${survey.id} AND ${range("created_at", q.since, q.until)}`);
    return c.json(delightedMetrics({ promoters: counts?.promoters ?? 0, passives: counts?.passives ?? 0, detractors: counts?.detractors ?? 0 }));
  })

  .post("/unsubscribes", async (c) => {
    const body = parseV1(UnsubscribeSchema, await v1Body(c));
    // Unknown people are recorded too: the unsubscribe must hold when they are added later.
    const person = await upsertPerson(c.var.db, { email: body.person_email });
    if (!person.unsubscribedAt) {
      await c.var.db.update(contacts).set({ unsubscribedAt: new Date(), updatedAt: new Date() }).where(sql`${contacts.id} = ${person.id}`);
      await cancelPending(c.var.db, person.id);
      await enqueueContactUnsubscribed(c.var.db, person.id);
    }
    return c.json({ ok: true });
  })

  .get("/unsubscribes", async (c) => {
    const q = parseV1(PagedQuerySchema, v1Query(c));
    const rows = await c.var.db.all<{ id: string; email: string | null; name: string | null; at: number }>(sql`
      SELECT id, email, name, unsubscribed_at AS at FROM contacts
      WHERE unsubscribed_at IS NOT NULL AND ${range("unsubscribed_at", q.since, q.until)}
      ORDER BY unsubscribed_at, id LIMIT ${q.per_page} OFFSET ${(q.page - 1) * q.per_page}`);
    return c.json(rows.map((r) => ({ person_id: r.id, email: r.email, name: r.name, unsubscribed_at: unix(r.at) })));
  })

  .get("/bounces", async (c) => {
    const q = parseV1(PagedQuerySchema, v1Query(c));
    const rows = await c.var.db.all<{ id: string; email: string | null; name: string | null; at: number }>(sql`
      SELECT c.id, c.email, c.name, max(i.bounced_at) AS at FROM invitations i JOIN contacts c ON c.id = i.contact_id
      WHERE i.status = 'bounced' AND ${range("i.bounced_at", q.since, q.until)}
      GROUP BY c.id ORDER BY at, c.id LIMIT ${q.per_page} OFFSET ${(q.page - 1) * q.per_page}`);
    return c.json(rows.map((r) => ({ person_id: r.id, email: r.email, name: r.name, bounced_at: unix(r.at) })));
  })

  .get("/autopilot/:platform", async (c) => {
    const platform = c.req.param("platform");
    if (platform !== "email" && platform !== "sms") throw new V1Error(404, "Autopilot platform not found");
    const survey = await v1Survey(c.var.db);
    // Baromètre sends email only; its rhythm is the survey's waves and re-survey interval.
    return c.json({
      platform_id: platform,
      active: platform === "email" && survey.cadence.enabled && survey.status === "active",
      frequency: survey.resurveyDays * 86400,
      created_at: unix(survey.createdAt),
      updated_at: unix(survey.updatedAt),
    });
  });
