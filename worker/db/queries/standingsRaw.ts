/**
 * `account_standings` as it will be once the rollups are built in `timeZone`, for the accounts
 * list while a time-zone rebuild runs (worker/jobs/rebucket.ts): the table is kept from `counted`,
 * which then holds half-years of two zones. The NPS surveys' answers are read from `responses` and
 * bucketed in `timeZone` (getCountedRaw, the trend's raw bucketing), the standings computed by
 * metrics/standings.ts, and handed back as a table expression with the stored table's columns
 * (one row per account, as the stored table has), so the list's queries read it in its place.
 * It reads every answer of the NPS survey(s): the slow path, taken only during a rebuild.
 */
import { eq, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../env";
import { standingsOf } from "../../metrics/standings";
import { surveys } from "../schema";
import { getCountedRaw } from "./countedRaw";

/** `standingsOf` as in the stored table: an NPS survey's id, or '' for every NPS survey together. */
export async function rawStandingsTable(db: Db, standingsOf_: string, timeZone: string): Promise<SQL> {
  const ids =
    standingsOf_ === "" ? (await db.select({ id: surveys.id }).from(surveys).where(eq(surveys.kind, "nps")).all()).map((s) => s.id) : [standingsOf_];
  const rows = (await Promise.all(ids.map((surveyId) => getCountedRaw(db, { surveyId, interval: "half", timeZone, where: undefined })))).flat();
  const standings = standingsOf(rows.flatMap((r) => (r.accountId === null ? [] : [{ ...r, accountId: r.accountId }])));
  // One bound JSON text rather than a parameter per value (D1 binds at most 100 per statement).
  const json = JSON.stringify([...standings].map(([id, s]) => [id, s.lastScore, s.previousScore, s.lastAt]));
  return sql`(SELECT acc.id AS account_id, ${standingsOf_} AS survey_id, j.l AS last_score, j.p AS previous_score,
      j.l - j.p AS change, j.t AS last_at
    FROM accounts acc LEFT JOIN (SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS l,
      json_extract(value, '$[2]') AS p, json_extract(value, '$[3]') AS t FROM json_each(${json})) j ON j.id = acc.id)`;
}
