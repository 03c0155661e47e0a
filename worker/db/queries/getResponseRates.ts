/**
 * Response rate per closed wave (METRICS.md: contacts who gave a score ÷ invitations delivered,
 * bounced ones excluded), counted with the same rules as the waves list (accounts branch,
 * worker/metrics/responseRate.ts, docs/WAVES.md), so a goal and the waves page agree:
 * - a contact responded when they answered the survey in the wave: an answer tied to the wave
 *   (every answer through an invitation is) or given inside its window;
 * - delivered = sent, plus pending or failed invitations whose contact answered anyway (the
 *   answer proves the link arrived, e.g. through a mailing tool fed by the CSV export);
 * - bounced invitations are in neither count, so the rate never exceeds 100 %.
 */
import { and, asc, eq, lte, ne, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../env";
import { accounts, contacts, invitations, responses, waves } from "../schema";

export interface WaveRate {
  waveId: string;
  period: string;
  closesAt: Date;
  delivered: number;
  responded: number;
}

// The unary + keeps SQLite on the contact index (a handful of rows per contact) rather than
// the survey or wave indexes (every answer of the survey or wave, once per invitation).
const answered = sql<number>`exists(
  SELECT 1 FROM ${responses}
  WHERE ${responses.contactId} = ${invitations.contactId}
    AND +${responses.surveyId} = ${waves.surveyId}
    AND (+${responses.waveId} = ${waves.id}
      OR (${responses.createdAt} >= ${waves.opensAt} AND ${responses.createdAt} < ${waves.closesAt})))`;

export async function getResponseRates(db: Db, surveyId: string, where: SQL | undefined, nowMs: number): Promise<WaveRate[]> {
  const rows = await db
    .select({
      waveId: waves.id,
      period: waves.period,
      closesAt: waves.closesAt,
      delivered: sql<number>`sum(${invitations.status} = 'sent' OR ${answered})`,
      responded: sql<number>`sum(${answered})`,
    })
    .from(invitations)
    .innerJoin(waves, eq(waves.id, invitations.waveId))
    .innerJoin(contacts, eq(contacts.id, invitations.contactId))
    .leftJoin(accounts, eq(accounts.id, contacts.accountId))
    .where(and(eq(waves.surveyId, surveyId), lte(waves.closesAt, new Date(nowMs)), ne(invitations.status, "bounced"), where))
    .groupBy(waves.id)
    .orderBy(asc(waves.closesAt))
    .all();
  return rows.map((r) => ({ ...r, delivered: Number(r.delivered), responded: Number(r.responded) }));
}
