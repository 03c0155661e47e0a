/**
 * Reading accounts: the list (with each account's latest NPS standing) and one account in full.
 *
 * lastScore / previousScore: an account's score in a half-year is the mean of its contacts'
 * counted NPS answers in that half (the latest answer per contact, METRICS.md "Account-level
 * NPS"), read from `counted` (kept by triggers) so the list never scans `responses`.
 * lastScore is the latest half with answers, previousScore the half with answers before it.
 * lastCategory applies the NPS thresholds to lastScore (≥ 9 promoter, ≥ 7 passive, else
 * detractor); change = lastScore − previousScore; atRisk = detractor, or change ≤ −3 points.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db, Principal } from "../env";
import { containsText } from "../db/queries/textSearch";
import { CATEGORY_BOUNDS, categoryOf, type Category } from "../domain/categories";
import { decodeCursor, encodeCursor } from "../lib/cursor";
import { notFound } from "../lib/errors";
import { managerScope } from "./scope";

export const AT_RISK_DROP = 3;

export interface AccountRow {
  id: string;
  external_id: string | null;
  name: string;
  manager_user_id: string | null;
  segment: string | null;
  plan: string | null;
  mrr_cents: number;
  started_on: string;
  churned_on: string | null;
  last_score: number | null;
  previous_score: number | null;
  last_at: number | null;
}

export const categoryOfMean = (mean: number | null): Category | null => (mean === null ? null : categoryOf("nps", mean));

const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

export function accountView(a: AccountRow) {
  const change = a.last_score !== null && a.previous_score !== null ? a.last_score - a.previous_score : null;
  const lastCategory = categoryOfMean(a.last_score);
  return {
    id: a.id,
    externalId: a.external_id,
    name: a.name,
    managerUserId: a.manager_user_id,
    segment: a.segment,
    plan: a.plan,
    mrrCents: a.mrr_cents,
    startedOn: a.started_on,
    churnedOn: a.churned_on,
    lastScore: round1(a.last_score),
    lastCategory,
    previousScore: round1(a.previous_score),
    change: round1(change),
    atRisk: lastCategory === "detractor" || (change !== null && change <= -AT_RISK_DROP),
    lastResponseAt: a.last_at === null ? null : new Date(a.last_at).toISOString(),
  };
}

export interface AccountFilter {
  q?: string;
  segment?: string;
  manager?: string;
  status?: "active" | "churned" | "at_risk";
  surveyId?: string;
  ids?: string[];
  limit: number;
  before?: string;
  today: string;
}

/** The accounts a caller may see, filtered, sorted by name then id, one page. */
export async function listAccounts(db: Db, p: Principal, f: AccountFilter) {
  const scope = managerScope(p);
  const where: SQL[] = [sql`1 = 1`];
  if (scope !== null) where.push(sql`a.manager_user_id = ${scope}`);
  if (f.manager) where.push(sql`a.manager_user_id = ${f.manager}`);
  if (f.segment) where.push(sql`a.segment = ${f.segment}`);
  if (f.ids) where.push(sql`a.id IN (SELECT value FROM json_each(${JSON.stringify(f.ids)}))`);
  if (f.q) {
    where.push(containsText([sql`a.name`, sql`a.external_id`], f.q));
  }
  const active = sql`(a.started_on <= ${f.today} AND (a.churned_on IS NULL OR a.churned_on > ${f.today}))`;
  if (f.status === "active") where.push(active);
  if (f.status === "churned") where.push(sql`(a.churned_on IS NOT NULL AND a.churned_on <= ${f.today})`);
  if (f.status === "at_risk") {
    where.push(active);
    where.push(sql`(sc.last_score < ${CATEGORY_BOUNDS.nps.passive} OR sc.last_score - sc.previous_score <= ${-AT_RISK_DROP})`);
  }
  const cursor = decodeCursor(f.before, 2);
  if (cursor) where.push(sql`(a.name > ${cursor[0]} OR (a.name = ${cursor[0]} AND a.id > ${cursor[1]}))`);
  // Unary +: the survey narrows rows found through the account index, it must not replace it
  // (the primary key would read every half-year answer of the survey for each account).
  const survey = f.surveyId ? sql`AND +c.survey_id = ${f.surveyId}` : sql``;
  // Standings of the accounts in \`scored\` only: their counted half-year answers, read through
  // counted_account_idx. Without the at-risk filter the page is chosen first (accounts_name_idx,
  // LIMIT), so a page costs the same with 1,000 or 1,000,000 answers. The at-risk filter needs
  // every account's standing before it can choose a page: it reads every account and, through the
  // index, its half-year answers (docs/SCALING.md says what that costs).
  // CROSS JOIN keeps the accounts as the outer loop (SQLite never reorders it): without table
  // statistics the planner would otherwise walk all of `counted` in index order for the GROUP BY.
  const standings = (scored: SQL) => sql`
    halves AS (
      SELECT c.account_id, c.bucket, avg(c.score) AS mean, max(c.created_at) AS last_at,
             row_number() OVER (PARTITION BY c.account_id ORDER BY c.bucket DESC) AS rn
      FROM ${scored} CROSS JOIN counted c ON c.account_id = scored.id AND c.interval = 'half'
      JOIN surveys s ON s.id = c.survey_id AND s.kind = 'nps'
      WHERE 1 = 1 ${survey}
      GROUP BY c.account_id, c.bucket
    ), sc AS (
      SELECT account_id, max(CASE WHEN rn = 1 THEN mean END) AS last_score,
             max(CASE WHEN rn = 2 THEN mean END) AS previous_score, max(CASE WHEN rn = 1 THEN last_at END) AS last_at
      FROM halves WHERE rn <= 2 GROUP BY account_id
    )`;
  const columns = sql`a.id, a.external_id, a.name, a.manager_user_id, a.segment, a.plan, a.mrr_cents, a.started_on,
           a.churned_on, sc.last_score, sc.previous_score, sc.last_at`;
  const rows =
    f.status === "at_risk"
      ? await db.all<AccountRow>(sql`
    WITH ${standings(sql`accounts AS scored`)}
    SELECT ${columns}
    FROM accounts a JOIN sc ON sc.account_id = a.id
    WHERE ${sql.join(where, sql` AND `)}
    ORDER BY a.name, a.id
    LIMIT ${f.limit + 1}`)
      : await db.all<AccountRow>(sql`
    WITH page AS (
      SELECT a.* FROM accounts a WHERE ${sql.join(where, sql` AND `)} ORDER BY a.name, a.id LIMIT ${f.limit + 1}
    ), ${standings(sql`page AS scored`)}
    SELECT ${columns}
    FROM page a LEFT JOIN sc ON sc.account_id = a.id
    ORDER BY a.name, a.id`);
  const more = rows.length > f.limit;
  const page = more ? rows.slice(0, f.limit) : rows;
  const last = page.at(-1);
  return { data: page.map(accountView), next: more && last ? encodeCursor([last.name, last.id]) : null };
}

/** One account the caller may see, or 404 (another manager's account is "not found", not 403). */
export async function getAccountInScope(db: Db, p: Principal, id: string, today: string) {
  const { data } = await listAccounts(db, p, { ids: [id], limit: 1, today });
  const account = data[0];
  if (!account) throw notFound("Account");
  return account;
}
