/**
 * Response rate per closed wave (METRICS.md): invitations delivered (neither bounced nor failed)
 * and, of those, how many contacts gave a score in the wave (through their invitation, or any
 * answer tied to the wave). Counting responders among delivered invitations keeps the rate ≤ 100 %.
 */
import { and, asc, eq, lte, notInArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../env";
import { accounts, contacts, invitations, responses, waves } from "../schema";

export interface WaveRate {
  waveId: string;
  period: string;
  closesAt: Date;
  delivered: number;
  responded: number;
}

export async function getResponseRates(db: Db, surveyId: string, where: SQL | undefined, nowMs: number): Promise<WaveRate[]> {
  const rows = await db
    .select({
      waveId: waves.id,
      period: waves.period,
      closesAt: waves.closesAt,
      delivered: sql<number>`count(*)`,
      responded: sql<number>`sum(exists(
        SELECT 1 FROM ${responses}
        WHERE ${responses.surveyId} = ${waves.surveyId}
          AND (${responses.invitationId} = ${invitations.id}
            OR (${responses.waveId} = ${waves.id} AND ${responses.contactId} = ${invitations.contactId}))))`,
    })
    .from(invitations)
    .innerJoin(waves, eq(waves.id, invitations.waveId))
    .innerJoin(contacts, eq(contacts.id, invitations.contactId))
    .leftJoin(accounts, eq(accounts.id, contacts.accountId))
    .where(
      and(
        eq(waves.surveyId, surveyId),
        lte(waves.closesAt, new Date(nowMs)),
        notInArray(invitations.status, ["bounced", "failed"]),
        where,
      ),
    )
    .groupBy(waves.id)
    .orderBy(asc(waves.closesAt))
    .all();
  return rows.map((r) => ({ ...r, delivered: Number(r.delivered), responded: Number(r.responded) }));
}
