/**
 * How many accounts are at risk (the Accounts page's `status=at_risk`, services/accounts.ts): active
 * on `today`, in the caller's book when they manage one, with an at-risk standing for the survey
 * ('' for every NPS survey together). The monthly review shows it beside its first twenty.
 *
 * Counted up to AT_RISK_COUNT_CAP, then "more than": a workspace of 100,000 accounts can have
 * 50,000 at risk, and counting them all costs every one of them (about 50 ms), while the review's
 * reader needs to know there are many and the link to the list. Up to the cap it reads few rows:
 * the standings' partial index for the workspace (the cap's rows); for a manager, their accounts
 * in the manager index, each one's standing by primary key, until the cap's are found (the
 * partial index would walk every manager's accounts at risk to find theirs). A cap of 1,000 cost a
 * manager of 5,000 accounts, 2,800 at risk, about 20 ms at the bench's 1M answers (1.7x against
 * 1.3x); 100 costs a tenth of that.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../env";
import { AT_RISK_SQL } from "./atRisk";

export const AT_RISK_COUNT_CAP = 100;

export async function countAtRisk(
  db: Db,
  /** `standings`: a table expression in place of `account_standings` (a time-zone rebuild's, db/queries/standingsRaw.ts). */
  q: { today: string; manager: string | null; surveyId?: string; standings?: SQL },
): Promise<{ count: number; more: boolean }> {
  const standingsOf = q.surveyId ?? "";
  const atRisk = sql.raw(AT_RISK_SQL.replaceAll("last_score", "s.last_score").replaceAll("previous_score", "s.previous_score"));
  const active = sql`a.started_on <= ${q.today} AND (a.churned_on IS NULL OR a.churned_on > ${q.today})`;
  const rows = q.standings
    ? sql`SELECT 1 FROM ${q.standings} s CROSS JOIN accounts a ON a.id = s.account_id
          WHERE s.survey_id = ${standingsOf} AND ${atRisk} AND ${active}${q.manager === null ? sql`` : sql` AND a.manager_user_id = ${q.manager}`}
          LIMIT ${AT_RISK_COUNT_CAP + 1}`
    : q.manager === null
      ? sql`SELECT 1 FROM account_standings s INDEXED BY account_standings_risk_idx CROSS JOIN accounts a ON a.id = s.account_id
            WHERE s.survey_id = ${standingsOf} AND ${atRisk} AND ${active} LIMIT ${AT_RISK_COUNT_CAP + 1}`
      : sql`SELECT 1 FROM accounts a INDEXED BY accounts_manager_idx CROSS JOIN account_standings s ON s.account_id = a.id AND s.survey_id = ${standingsOf}
            WHERE a.manager_user_id = ${q.manager} AND ${atRisk} AND ${active} LIMIT ${AT_RISK_COUNT_CAP + 1}`;
  const n = (await db.get<{ n: number }>(sql`SELECT count(*) AS n FROM (${rows})`))?.n ?? 0;
  return n > AT_RISK_COUNT_CAP ? { count: AT_RISK_COUNT_CAP, more: true } : { count: n, more: false };
}
