/**
 * Survey requests from the Delighted-compatible `POST /v1/people` become invitations when due,
 * so the existing email delivery (jobs/deliver.ts) sends them and bounces, unsubscribes and
 * answers work as for waves. They live in one wave per survey and month, period `v1-YYYY-MM`
 * (UTC), open until the end of the following month; the cadence never invites into these waves.
 */
import { sql } from "drizzle-orm";
import { createDb } from "../db/client";
import type { Db, Env } from "../env";
import { newId, randomString } from "../lib/ids";
import { rawBatch } from "../services/rawBatch";

export const V1_WAVE_PREFIX = "v1-";

function monthWindow(at: number) {
  const d = new Date(at);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  return {
    period: `${V1_WAVE_PREFIX}${y}-${String(m + 1).padStart(2, "0")}`,
    opensAt: Date.UTC(y, m, 1),
    closesAt: Date.UTC(y, m + 2, 1),
  };
}

export async function runSurveyRequests(env: Env, now: number, limit = 500): Promise<{ invited: number }> {
  const db: Db = createDb(env.DB);
  const due = await db.all<{ id: string; surveyId: string; contactId: string }>(sql`
    SELECT q.id, q.survey_id AS surveyId, q.contact_id AS contactId FROM survey_requests q
    JOIN contacts c ON c.id = q.contact_id
    WHERE q.status = 'pending' AND q.send_at <= ${now} AND c.unsubscribed_at IS NULL
    ORDER BY q.send_at LIMIT ${limit}`);
  if (due.length === 0) return { invited: 0 };
  const w = monthWindow(now);
  let invited = 0;
  for (const surveyId of new Set(due.map((d) => d.surveyId))) {
    await db.run(sql`INSERT INTO waves (id, survey_id, period, opens_at, closes_at, status, created_at)
      VALUES (${newId("wav")}, ${surveyId}, ${w.period}, ${w.opensAt}, ${w.closesAt}, 'open', ${now}) ON CONFLICT DO NOTHING`);
    const wave = await db.get<{ id: string }>(sql`SELECT id FROM waves WHERE survey_id = ${surveyId} AND period = ${w.period}`);
    const rows = due.filter((d) => d.surveyId === surveyId).map((d) => ({ q: d.id, c: d.contactId, i: newId("inv"), t: randomString(32) }));
    // A person asked twice in one month keeps one invitation (unique wave × contact); both
    // requests point at it.
    const json = JSON.stringify(rows);
    const [ins] = await rawBatch(db, [
      sql`INSERT INTO invitations (id, wave_id, survey_id, contact_id, token, status, created_at)
          SELECT value ->> '$.i', ${wave!.id}, ${surveyId}, value ->> '$.c', value ->> '$.t', 'pending', ${now}
          FROM json_each(${json}) WHERE true ON CONFLICT DO NOTHING`,
      sql`UPDATE survey_requests SET status = 'sent',
            invitation_id = (SELECT i.id FROM invitations i WHERE i.wave_id = ${wave!.id} AND i.contact_id = survey_requests.contact_id)
          WHERE id IN (SELECT value ->> '$.q' FROM json_each(${json}))`,
    ]);
    invited += ins?.meta.changes ?? 0;
  }
  return { invited };
}
