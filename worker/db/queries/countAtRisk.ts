/**
 * How many accounts are at risk (the Accounts page's `status=at_risk`, services/accounts.ts): active
 * on `today`, in the caller's book when they manage one, with an at-risk standing for the survey
 * ('' for every NPS survey together). Read through the standings' partial index, so it costs the
 * accounts at risk, not the workspace. The monthly review shows it beside its first twenty.
 */
import { sql } from "drizzle-orm";
import type { Db } from "../../env";
import { AT_RISK_SQL } from "./atRisk";

export async function countAtRisk(db: Db, q: { today: string; manager: string | null; surveyId?: string }): Promise<number> {
  const row = await db.get<{ n: number }>(sql`
    SELECT count(*) AS n
    FROM account_standings s INDEXED BY account_standings_risk_idx CROSS JOIN accounts a ON a.id = s.account_id
    WHERE s.survey_id = ${q.surveyId ?? ""} AND ${sql.raw(AT_RISK_SQL.replaceAll("last_score", "s.last_score").replaceAll("previous_score", "s.previous_score"))}
      AND a.started_on <= ${q.today} AND (a.churned_on IS NULL OR a.churned_on > ${q.today})
      AND ${q.manager === null ? sql`1 = 1` : sql`a.manager_user_id = ${q.manager}`}`);
  return row?.n ?? 0;
}
