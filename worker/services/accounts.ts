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
import { AT_RISK_DROP, AT_RISK_SQL } from "../db/queries/atRisk";
import { nameMatches, trigramQuery } from "../db/queries/nameSearch";
import { categoryOf, type Category } from "../domain/categories";
import { decodeCursor, encodeCursor } from "../lib/cursor";
import { ApiError, notFound } from "../lib/errors";
import type { AccountSort } from "../schemas/accounts";
import { rawStandingsTable } from "../db/queries/standingsRaw";
import { readRollupZone } from "./rollupZone";
import { managerScope } from "./scope";
import { inList } from "../db/queries/inList";

export { AT_RISK_DROP };

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
  /** `name` by default; `-` for descending (schemas/accounts.ts ACCOUNT_SORTS). */
  sort?: AccountSort;
  limit: number;
  before?: string;
  today: string;
  /** The workspace zone: the half-years the standings are in. */
  timeZone: string;
}

const STORED = sql`account_standings`;

/** Below this many accounts at risk, the at-risk list reads them all and sorts (see listAccounts). */
const FEW_AT_RISK = 1000;

/** The SQL column of each sort key: an account's own, or its standing's. */
const SORT_COLUMNS = {
  name: { column: sql`a.name`, standing: false },
  mrr: { column: sql`a.mrr_cents`, standing: false },
  score: { column: sql`s.last_score`, standing: true },
  change: { column: sql`s.change`, standing: true },
  last: { column: sql`s.last_at`, standing: true },
} as const;
type SortField = keyof typeof SORT_COLUMNS;

/** The cursor holds the sort it was made for, the part (v: a value, n: an empty score), the value and the id. */
function readCursor(before: string | undefined, sort: AccountSort) {
  const c = decodeCursor(before, 4);
  if (!c) return null;
  const [made, part, value, id] = c as [string, string, string, string];
  const numeric = sort.replace("-", "") !== "name";
  if (made !== sort || (part !== "v" && part !== "n") || (part === "v" && numeric && !Number.isFinite(Number(value)))) {
    throw new ApiError(400, "invalid_field", "before: not a cursor from this list and sort", "before");
  }
  return { part, value: numeric && part === "v" ? Number(value) : value, id };
}

/**
 * The accounts a caller may see, filtered, sorted (name by default, then id), one page.
 *
 * Standings come from `account_standings` (kept by triggers, one row per account and NPS survey,
 * '' for every NPS survey together), so a page is read through an index, never every account:
 * - sorted by name or MRR: walk the accounts in that order (accounts_name_idx, accounts_mrr_idx)
 *   and look up each one's standing by primary key; filters (segment, text, status, at risk) are
 *   checked along the walk;
 * - sorted by score, change or last answer: walk the standings index of the survey in that order,
 *   then, once the scored accounts are exhausted, the unscored ones by id (empty scores last in
 *   both directions);
 * - a manager's book (their scope or `manager=`): the manager's accounts through
 *   accounts_manager_idx (manager, name, id): by name (the default) a page read in order; by
 *   another field the book read and sorted: proportional to the book, not to the workspace;
 * - at risk, when fewer than FEW_AT_RISK accounts are: those, through their partial index, sorted.
 */
export async function listAccounts(db: Db, p: Principal, f: AccountFilter) {
  const sort = f.sort ?? "name";
  const desc = sort.startsWith("-");
  const field = sort.replace("-", "") as SortField;
  const dir = desc ? sql`DESC` : sql`ASC`;
  const cursor = readCursor(f.before, sort);
  const scope = managerScope(p);
  const book = scope ?? f.manager ?? null;
  // The standings of every NPS survey together (''), or of one NPS survey. Another kind of survey
  // has no standings: every account is then unscored, as the list showed before.
  let standingsOf = f.surveyId ?? "";
  let unscored = false;
  if (f.surveyId) {
    const survey = await db.get<{ kind: string }>(sql`SELECT kind FROM surveys WHERE id = ${f.surveyId}`);
    if (survey?.kind !== "nps") unscored = true;
  }
  if (unscored) standingsOf = "\u0000none";

  const where: SQL[] = [];
  if (book !== null) where.push(sql`a.manager_user_id = ${book}`);
  if (scope !== null && f.manager && f.manager !== scope) where.push(sql`0`);
  if (f.segment) where.push(sql`a.segment = ${f.segment}`);
  if (f.ids) where.push(inList(sql`a.id`, f.ids));
  if (f.q) where.push(nameMatches("accounts_fts", sql`a.rowid`, [sql`a.name`, sql`a.external_id`], f.q));
  // A search the trigram index answers reads its matches and sorts them (see below).
  const searched = f.q !== undefined && trigramQuery(f.q) !== null;
  const active = sql`(a.started_on <= ${f.today} AND (a.churned_on IS NULL OR a.churned_on > ${f.today}))`;
  if (f.status === "active") where.push(active);
  if (f.status === "churned") where.push(sql`(a.churned_on IS NOT NULL AND a.churned_on <= ${f.today})`);
  if (f.status === "at_risk") {
    where.push(active);
    // The partial index's own text (literal numbers), so SQLite can read the at-risk rows through it.
    where.push(sql.raw(AT_RISK_SQL.replaceAll("last_score", "s.last_score").replaceAll("previous_score", "s.previous_score")));
  }
  const columns = sql`a.id, a.external_id, a.name, a.manager_user_id, a.segment, a.plan, a.mrr_cents, a.started_on,
           a.churned_on, s.last_score, s.previous_score, s.last_at`;
  const { column, standing } = SORT_COLUMNS[field];
  const limit = f.limit + 1;
  const and = (extra: SQL[]) => sql.join([sql`1 = 1`, ...where, ...extra], sql` AND `);
  const after = (key: SQL, id: SQL) =>
    desc ? sql`(${key}, ${id}) < (${cursor!.value}, ${cursor!.id})` : sql`(${key}, ${id}) > (${cursor!.value}, ${cursor!.id})`;

  // The standings of the stored table, read while the zone is checked (no extra round trip);
  // during a time-zone rebuild they mix two zones' half-years, and the page is read again over
  // standings computed from the answers in the workspace zone (db/queries/standingsRaw.ts).
  const readPage = async (st: SQL): Promise<AccountRow[]> => {
    // At risk, when few accounts are (fewer than FEW_AT_RISK in the survey's standings): read them
    // all through the partial index and sort, rather than walk an order past every account not at
    // risk. When many are, walking the order finds a page in a few rows per account listed.
    let fewAtRisk = false;
    if (st === STORED && f.status === "at_risk" && book === null && !f.ids && !unscored && !searched) {
      const counted = await db.get<{ n: number }>(sql`
        SELECT count(*) AS n FROM (SELECT 1 FROM account_standings INDEXED BY account_standings_risk_idx
          WHERE survey_id = ${standingsOf} AND ${sql.raw(AT_RISK_SQL)} LIMIT ${FEW_AT_RISK})`);
      fewAtRisk = (counted?.n ?? 0) < FEW_AT_RISK;
    }

    let rows: AccountRow[];
    if (searched && !standing && f.status !== "at_risk") {
      // A search by name or MRR: the page is chosen among the matches first, then only its accounts'
      // standings are read (joined before the sort, a broad search's 10,000 matches cost 5 ms more).
      rows = await db.all<AccountRow>(sql`
        SELECT ${columns}
        FROM (SELECT * FROM accounts a NOT INDEXED WHERE ${and(cursor ? [after(column, sql`a.id`)] : [])}
              ORDER BY ${column} ${dir}, a.id ${dir} LIMIT ${limit}) a
        LEFT JOIN ${st} s ON s.account_id = a.id AND s.survey_id = ${standingsOf}
        ORDER BY ${column} ${dir}, a.id ${dir}`);
    } else if (book !== null || f.ids || fewAtRisk || searched) {
      // A manager's book, a handful of ids, the few accounts at risk, or the accounts a search
      // matches: read them all and sort. A search goes through its index's matches (NOT INDEXED
      // leaves SQLite the rowid lookup only), whatever the order or the book: a walk in the list's
      // order would read every account to fill a page of a rare name.
      const from = fewAtRisk
        ? sql`account_standings s INDEXED BY account_standings_risk_idx CROSS JOIN accounts a ON a.id = s.account_id AND s.survey_id = ${standingsOf}`
        : sql`accounts a ${searched ? sql`NOT INDEXED` : book !== null ? sql`INDEXED BY accounts_manager_idx` : sql``}
        LEFT JOIN ${st} s ON s.account_id = a.id AND s.survey_id = ${standingsOf}`;
      const nulls = standing ? sql`${column} IS NULL, ` : sql``;
      const keyset = !cursor
        ? []
        : cursor.part === "n"
          ? [sql`${column} IS NULL`, sql`a.id > ${cursor.id}`]
          : [sql`(${column} IS NULL OR ${after(column, sql`a.id`)})`];
      rows = await db.all<AccountRow>(sql`
        SELECT ${columns}
        FROM ${from}
        WHERE ${and(keyset)}
        ORDER BY ${nulls}${column} ${dir}, CASE WHEN ${standing ? sql`${column} IS NULL` : sql`0`} THEN a.id END ASC, a.id ${dir}
        LIMIT ${limit}`);
    } else if (!standing) {
      // INDEXED BY: with a segment filter the planner would rather find the segment's accounts
      // (accounts_segment_idx) and sort them all; walking the order's index reads one page.
      const order = field === "name" ? sql`accounts_name_idx` : sql`accounts_mrr_idx`;
      rows = await db.all<AccountRow>(sql`
        SELECT ${columns}
        FROM accounts a INDEXED BY ${order} LEFT JOIN ${st} s ON s.account_id = a.id AND s.survey_id = ${standingsOf}
        WHERE ${and(cursor ? [after(column, sql`a.id`)] : [])}
        ORDER BY ${column} ${dir}, a.id ${dir}
        LIMIT ${limit}`);
    } else if (unscored) {
      // No standings at all: every account is in the "empty score" part, by id.
      rows = await db.all<AccountRow>(sql`
        SELECT ${columns}
        FROM accounts a LEFT JOIN ${st} s ON s.account_id = a.id AND s.survey_id = ${standingsOf}
        WHERE ${and(cursor ? [sql`a.id > ${cursor.id}`] : [])}
        ORDER BY a.id
        LIMIT ${limit}`);
    } else {
      // CROSS JOIN keeps the standings index as the outer loop (SQLite never reorders it).
      const scored = sql`
        SELECT ${columns}
        FROM ${st} s CROSS JOIN accounts a ON a.id = s.account_id
        WHERE s.survey_id = ${standingsOf} AND ${column} IS NOT NULL AND ${and(cursor ? [after(column, sql`s.account_id`)] : [])}
        ORDER BY ${column} ${dir}, s.account_id ${dir}
        LIMIT ${limit}`;
      const empty = (fromId: string | null) => sql`
        SELECT ${columns}
        FROM ${st} s CROSS JOIN accounts a ON a.id = s.account_id
        WHERE s.survey_id = ${standingsOf} AND ${column} IS NULL AND ${and(fromId === null ? [] : [sql`s.account_id > ${fromId}`])}
        ORDER BY s.account_id
        LIMIT ${limit}`;
      if (cursor?.part === "n") rows = await db.all<AccountRow>(empty(cursor.id));
      else {
        rows = await db.all<AccountRow>(scored);
        if (rows.length < limit) rows = rows.concat(await db.all<AccountRow>(empty(null)));
      }
    }
    return rows;
  };
  const [zone, stored] = await Promise.all([unscored ? null : readRollupZone(db.$client), readPage(STORED)]);
  let rows = zone === null || zone.zone === f.timeZone ? stored : await readPage(await rawStandingsTable(db, standingsOf, f.timeZone));
  rows = rows.slice(0, limit);
  const more = rows.length > f.limit;
  const page = more ? rows.slice(0, f.limit) : rows;
  const last = page.at(-1);
  let next: string | null = null;
  if (more && last) {
    const value = { name: last.name, mrr: last.mrr_cents, score: last.last_score, change: change(last), last: last.last_at }[field];
    next = encodeCursor([sort, value === null ? "n" : "v", value === null ? "" : String(value), last.id]);
  }
  return { data: page.map(accountView), next };
}

const change = (a: AccountRow) => (a.last_score !== null && a.previous_score !== null ? a.last_score - a.previous_score : null);

/** One account the caller may see, or 404 (another manager's account is "not found", not 403). */
export async function getAccountInScope(db: Db, p: Principal, id: string, today: string, timeZone: string) {
  const { data } = await listAccounts(db, p, { ids: [id], limit: 1, today, timeZone });
  const account = data[0];
  if (!account) throw notFound("Account");
  return account;
}
