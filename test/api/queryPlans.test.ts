/**
 * Every query the admin page's requests send to D1 uses an index or a rollup: none reads the whole
 * of `responses` (or of `counted`). The requests go through the real Worker with a D1 binding that
 * records each statement and its parameters; each SELECT is then run again under
 * EXPLAIN QUERY PLAN and its plan searched for a full scan.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { bucketOf } from "../../worker/metrics/buckets";
import { drizzle } from "drizzle-orm/d1";
import type { Db, Principal } from "../../worker/env";
import { ACCOUNT_SORTS } from "../../worker/schemas/accounts";
import type { ResponseFilter } from "../../worker/schemas/comments";
import { commentsPage } from "../../worker/services/commentsList";
import { getNewDetractors } from "../../worker/db/queries/getNewDetractors";
import { newId, randomString, sha256Hex } from "../../worker/lib/ids";
import { ADMIN, createSurvey } from "../helpers";

type Recorded = { sql: string; params: unknown[] };

/** A D1 binding that records what it is asked to run, then runs it on the real database. */
function recordingDb(db: D1Database, log: Recorded[]): D1Database {
  const wrapStatement = (sql: string, stmt: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(stmt, {
      get(target, prop) {
        if (prop === "bind") {
          return (...params: unknown[]) => {
            log.push({ sql, params });
            return target.bind(...params);
          };
        }
        if (prop === "all" || prop === "raw" || prop === "first" || prop === "run") {
          log.push({ sql, params: [] });
        }
        const v = Reflect.get(target, prop);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => wrapStatement(sql, target.prepare(sql));
      if (prop === "withSession") {
        return (...args: unknown[]) => {
          const session = (target as any).withSession(...args);
          return new Proxy(session, {
            get(s, p) {
              if (p === "prepare") return (sql: string) => wrapStatement(sql, s.prepare(sql));
              const v = Reflect.get(s, p);
              return typeof v === "function" ? v.bind(s) : v;
            },
          });
        };
      }
      const v = Reflect.get(target, prop);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

async function seed() {
  const survey = await createSurvey();
  const mgr = `usr_plan_${crypto.randomUUID().slice(0, 8)}`;
  await env.DB.prepare("INSERT INTO users (id, email, name, role) VALUES (?, ?, 'M', 'manager')").bind(mgr, `${mgr}@corp.test`).run();
  const stmts: D1PreparedStatement[] = [];
  for (let a = 0; a < 6; a++) {
    stmts.push(
      env.DB.prepare("INSERT INTO accounts (id, name, manager_user_id, segment, mrr_cents, started_on) VALUES (?, ?, ?, ?, 1000, '2024-01-01')").bind(
        `acc-plan-${a}`,
        `Account ${a}`,
        a % 2 ? mgr : null,
        `seg-${a % 3}`,
      ),
      env.DB.prepare("INSERT INTO account_mrr (account_id, effective_on, mrr_cents) VALUES (?, '2024-01-01', 1000)").bind(`acc-plan-${a}`),
    );
    for (let c = 0; c < 3; c++)
      stmts.push(
        env.DB.prepare("INSERT INTO contacts (id, account_id, email, name) VALUES (?, ?, ?, ?)").bind(
          `ct-plan-${a}-${c}`,
          `acc-plan-${a}`,
          `p${a}${c}@x.test`,
          `Person ${a}${c}`,
        ),
      );
  }
  const waveId = `wave-plan-${survey.id}`;
  stmts.push(
    env.DB.prepare("INSERT INTO waves (id, survey_id, period, opens_at, closes_at, status) VALUES (?, ?, '2026-01', ?, ?, 'closed')").bind(
      waveId,
      survey.id,
      Date.parse("2026-01-15T00:00:00Z"),
      Date.parse("2026-02-05T00:00:00Z"),
    ),
  );
  for (let i = 0; i < 40; i++) {
    const a = i % 6;
    const at = Date.parse("2025-06-01T00:00:00Z") + i * 11 * 86400_000;
    stmts.push(
      env.DB.prepare(
        `INSERT INTO responses (id, survey_id, contact_id, wave_id, score, comment, channel, locale, account_id, segment, manager_user_id, bucket_month, bucket_quarter, bucket_half, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'widget', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).bind(
        `plan-${survey.id}-${i}`,
        survey.id,
        `ct-plan-${a}-${i % 3}`,
        // Two answers in three tied to the wave (the by-wave overview reads them).
        i % 3 !== 2 ? waveId : null,
        i % 11,
        i % 2 ? `Très bon produit, délai ${i}` : null,
        i % 2 ? "fr" : "en",
        `acc-plan-${a}`,
        `seg-${a % 3}`,
        a % 2 ? mgr : null,
        bucketOf(at, "month", "UTC"),
        bucketOf(at, "quarter", "UTC"),
        bucketOf(at, "half", "UTC"),
        at,
        at,
      ),
    );
  }
  await env.DB.batch(stmts);
  const goal = await worker.fetch(
    new Request("http://localhost/api/v1/goals", {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify({ name: "NPS 40", metric: "nps", surveyId: survey.id, target: 40, deadline: "2027-06-30", scope: { segment: "seg-1" } }),
    }),
    env,
    createExecutionContext(),
  );
  const goalId = ((await goal.json()) as any).id;
  return { surveyId: survey.id as string, mgr, goalId: goalId as string };
}

/** The data is written once per file (the storage is shared by this file's tests). */
let seeded: ReturnType<typeof seed> | undefined;
const seedOnce = () => (seeded ??= seed());

/** The requests the admin page sends for each view, with the filters people combine. */
function dashboardRequests(s: { surveyId: string; mgr: string; goalId: string }): string[] {
  const range = "from=2025-01-01&to=2027-01-01";
  return [
    `/api/v1/surveys/${s.surveyId}/metrics?interval=month&${range}`,
    `/api/v1/surveys/${s.surveyId}/metrics?interval=month&${range}&segment=seg-1`,
    `/api/v1/surveys/${s.surveyId}/metrics?interval=quarter&${range}&segment=seg-1&channel=widget`,
    `/api/v1/surveys/${s.surveyId}/metrics`,
    `/api/v1/surveys/${s.surveyId}/metrics?interval=wave&segment=seg-1`,
    `/api/v1/surveys/${s.surveyId}/metrics?interval=wave&segment=seg-1&locale=fr`,
    `/api/v1/surveys/${s.surveyId}/metrics?interval=wave&account=acc-plan-1`,
    `/api/v1/metrics/breakdown?surveyId=${s.surveyId}&by=segment&interval=month&${range}`,
    `/api/v1/metrics/breakdown?surveyId=${s.surveyId}&by=account&interval=quarter&${range}`,
    `/api/v1/accounts?limit=50`,
    `/api/v1/accounts?limit=50&segment=seg-1&surveyId=${s.surveyId}`,
    `/api/v1/accounts?limit=50&status=at_risk`,
    `/api/v1/accounts?limit=50&q=Account`,
    ...ACCOUNT_SORTS.map((sort) => `/api/v1/accounts?limit=50&sort=${sort}`),
    `/api/v1/accounts?limit=50&sort=-score&status=at_risk&segment=seg-1&surveyId=${s.surveyId}`,
    `/api/v1/accounts/acc-plan-1`,
    `/api/v1/metrics/accounts?surveyId=${s.surveyId}&${range}`,
    `/api/v1/comments?surveyId=${s.surveyId}&limit=25`,
    `/api/v1/comments?surveyId=${s.surveyId}&limit=25&q=produit`,
    `/api/v1/comments?surveyId=${s.surveyId}&limit=25&sort=createdAt`,
    `/api/v1/comments?surveyId=${s.surveyId}&limit=25&sort=createdAt&category=detractor&segment=seg-1&${range}`,
    `/api/v1/comments?limit=25&q=tres%20bon&category=detractor&segment=seg-1`,
    `/api/v1/comments?limit=25&q=tres%20bon`,
    `/api/v1/comments?surveyId=${s.surveyId}&limit=25&q=tres%20bon&sort=createdAt`,
    `/api/v1/metrics/retention?interval=quarter&${range}`,
    `/api/v1/metrics/cohorts?${range}`,
    `/api/v1/metrics/retention-by-category?surveyId=${s.surveyId}&periods=half`,
    `/api/v1/metrics/retention-by-category?surveyId=${s.surveyId}&periods=wave`,
    `/api/v1/metrics/value-by-category?surveyId=${s.surveyId}`,
    // The monthly review of July 2025, within the seed's answers (new detractors: counted, and the
    // first ten walked per survey in time order).
    `/api/v1/digest?month=2025-08`,
    `/api/v1/goals`,
    `/api/v1/goals/${s.goalId}`,
    `/api/v1/waves?surveyId=${s.surveyId}`,
  ];
}

/** A table read whole: `SCAN responses`, `SCAN counted`, also through an index (`USING INDEX`). */
const FULL_SCAN = /^SCAN (responses|counted|r|c)\b/;
/** Every `counted` row of a survey and interval, whatever the range or account: a scan in disguise. */
const SURVEY_WIDE = /^SEARCH (counted|c) USING .*\(survey_id=\? AND interval=\?\)$/;
/**
 * Reads proportional to answers that a view needs by nature, each named in docs/SCALING.md:
 * retention by category over half-years reads every counted half-year answer of the survey.
 */
const ACCEPTED = [/FROM "counted" inner join "accounts" .*"counted"\."interval" = \?/i];
/**
 * The comment search's walk (services/commentsList.ts) across every survey: the commented answers
 * in the page's order through `responses_commented_idx`, stopped by its LIMIT (at most the walk's
 * bound; the first window's LIMIT is 0 on a database the search collects), never sorted: an index
 * read in order, not a scan of every answer.
 */
const WALK = /^SCAN (responses|r) USING INDEX responses_commented_idx$/;
const isWalk = (sql: string, steps: string[]) =>
  /"responses"\."comment" is not null/.test(sql) &&
  /limit (\?|CASE WHEN .* END)$/.test(sql.trim()) &&
  !steps.some((d) => /TEMP B-TREE FOR ORDER BY/.test(d));

/** A page of the accounts list read by walking an index in the list's order: no sort of every row. */
const WHOLE_LIST = /USE TEMP B-TREE FOR (ORDER BY|RIGHT PART OF ORDER BY)|^SCAN (a|s|accounts|account_standings)$/;

describe("query plans of the dashboard", () => {
  it("every SELECT of every dashboard request uses an index or a rollup, never a full scan of responses", async () => {
    const s = await seedOnce();
    const log: Recorded[] = [];
    const db = recordingDb(env.DB, log);
    for (const path of dashboardRequests(s)) {
      const ctx = createExecutionContext();
      const res = await worker.fetch(new Request(`http://localhost${path}`, { headers: ADMIN }), { ...env, DB: db }, ctx);
      await waitOnExecutionContext(ctx);
      expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
      await res.arrayBuffer();
    }
    const seen = new Set<string>();
    const offenders: string[] = [];
    let checked = 0;
    for (const q of log) {
      if (!/^\s*(select|with)\b/i.test(q.sql) || seen.has(q.sql)) continue;
      seen.add(q.sql);
      const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${q.sql}`)
        .bind(...q.params)
        .all<{ detail: string }>();
      checked++;
      const steps = results.map((r) => r.detail);
      const scans = steps.filter(
        (d) => (FULL_SCAN.test(d) && !(WALK.test(d) && isWalk(q.sql, steps))) || (SURVEY_WIDE.test(d) && !ACCEPTED.some((a) => a.test(q.sql))),
      );
      if (scans.length) offenders.push(`${scans.join("; ")}\n    in: ${q.sql.replace(/\s+/g, " ").slice(0, 400)}`);
    }
    expect(checked).toBeGreaterThan(15);
    expect(offenders, offenders.join("\n")).toEqual([]);
  }, 30_000);

  it("a page of the accounts list, in every sort order and filter, walks an index in that order", async () => {
    const survey = await createSurvey({ kind: "nps" });
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)
       INSERT INTO accounts (id, name, segment, mrr_cents, started_on) SELECT 'acc-sort-' || i, 'Sorted ' || (i % 7), 'seg-1', i % 5, '2024-01-01' FROM n`,
    ).run();
    await env.DB.prepare("UPDATE account_standings SET last_score = 3, previous_score = 8, last_at = 1 WHERE account_id LIKE 'acc-sort-%'").run();
    const s = { surveyId: survey.id as string };
    const log: Recorded[] = [];
    const db = recordingDb(env.DB, log);
    const pages = [
      ...ACCOUNT_SORTS.map((sort) => `/api/v1/accounts?limit=50&sort=${sort}`),
      ...ACCOUNT_SORTS.map((sort) => `/api/v1/accounts?limit=50&sort=${sort}&status=at_risk&surveyId=${s.surveyId}&segment=seg-1`),
    ];
    for (const path of pages) {
      const ctx = createExecutionContext();
      const res = await worker.fetch(
        new Request(`http://localhost${path.replace("limit=50", "limit=5")}`, { headers: ADMIN }),
        { ...env, DB: db },
        ctx,
      );
      await waitOnExecutionContext(ctx);
      expect(res.status, path).toBe(200);
      const next = ((await res.json()) as { next: string | null }).next;
      expect(next, `${path}: more than one page in the seed`).not.toBeNull();
    }
    const offenders: string[] = [];
    let checked = 0;
    for (const q of log) {
      if (!/\bfrom accounts a\b|account_standings s/i.test(q.sql)) continue;
      const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${q.sql}`)
        .bind(...q.params)
        .all<{ detail: string }>();
      checked++;
      // The few accounts at risk are read whole through their partial index and sorted: bounded
      // by FEW_AT_RISK in services/accounts.ts, not by the number of accounts.
      const few = results.some((r) => /USING INDEX account_standings_risk_idx/.test(r.detail));
      const bad = results.map((r) => r.detail).filter((d) => WHOLE_LIST.test(d) && !(few && /TEMP B-TREE/.test(d)));
      if (bad.length) offenders.push(`${bad.join("; ")}\n    in: ${q.sql.replace(/\s+/g, " ").slice(0, 500)}`);
    }
    expect(checked).toBeGreaterThanOrEqual(pages.length);
    expect(offenders, offenders.join("\n")).toEqual([]);
  }, 60_000);

  it("the accounts and contacts searches (3 characters or more) read the trigram index's matches, never every account or contact", async () => {
    const s = await seedOnce();
    // A key of the seed's manager, for their scope (contacts of their accounts only).
    const key = `bm_test_${randomString(24)}`;
    await env.DB.prepare("INSERT INTO api_keys (id, name, prefix, key_hash, role, user_id) VALUES (?, 'plan', ?, ?, 'manager', ?)")
      .bind(newId("key"), key.slice(0, 8), await sha256Hex(key), s.mgr)
      .run();
    const manager = { authorization: `Bearer ${key}` };
    const log: Recorded[] = [];
    const db = recordingDb(env.DB, log);
    const requests: [string, Record<string, string>][] = [
      ...ACCOUNT_SORTS.map((sort) => [`/api/v1/accounts?limit=2&q=account&sort=${sort}`, ADMIN] as [string, Record<string, string>]),
      [`/api/v1/accounts?limit=2&q=accou&status=at_risk`, ADMIN],
      [`/api/v1/accounts?limit=2&q=account&segment=seg-1&surveyId=${s.surveyId}&status=active`, ADMIN],
      [`/api/v1/accounts?limit=2&q=account&manager=${s.mgr}&sort=-score`, ADMIN],
      [`/api/v1/accounts?limit=2&q=account`, manager],
      [`/api/v1/contacts?limit=2&q=person`, ADMIN],
      [`/api/v1/contacts?limit=2&q=x.test&accountId=acc-plan-1`, ADMIN],
      [`/api/v1/contacts?limit=2&q=person`, manager],
    ];
    let nextPages = 0;
    for (const [path, headers] of requests) {
      // The first page and the next one (the cursor's condition must not bring the walk back).
      let next: string | null = null;
      for (let page = 0; page < 2 && (page === 0 || next !== null); page++) {
        const ctx = createExecutionContext();
        const url = `http://localhost${path}${next ? `&before=${encodeURIComponent(next)}` : ""}`;
        const res = await worker.fetch(new Request(url, { headers }), { ...env, DB: db }, ctx);
        await waitOnExecutionContext(ctx);
        expect(res.status, path).toBe(200);
        const body = (await res.json()) as { data: unknown[]; next: string | null };
        expect(body.data.length, `${path}: the seed matches`).toBeGreaterThan(0);
        next = body.next;
        if (page === 1) nextPages++;
      }
    }
    expect(nextPages, "second pages read").toBeGreaterThanOrEqual(requests.length - 3);
    const offenders: string[] = [];
    let checked = 0;
    for (const q of log) {
      if (!/(accounts|contacts)_fts MATCH/.test(q.sql)) continue;
      const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${q.sql}`)
        .bind(...q.params)
        .all<{ id: number; parent: number; detail: string }>();
      checked++;
      const steps = results.map((r) => r.detail);
      // Every account or contact read (SCAN, also through an index: a walk of all of them). A
      // search by name or MRR chooses its page in a subquery (CO-ROUTINE a) and then reads that
      // page's rows (at most limit + 1) as `SCAN a`, outside the co-routine: not a table scan.
      const coroutines = new Map(results.filter((r) => r.detail.startsWith("CO-ROUTINE ")).map((r) => [r.detail.slice(11), r.id]));
      const inside = (r: { parent: number }, id: number): boolean =>
        r.parent === id || results.some((p) => p.id === r.parent && p.id !== 0 && inside(p, id));
      // Allowed on accounts and contacts: the matches by rowid, and a manager's or an account's
      // rows through their index (bounded by the book). Not a range of the name, MRR or id
      // index either: after a cursor, that is a walk of the rest of the list.
      const bounded =
        /USING INTEGER PRIMARY KEY \(rowid=\?\)|USING (COVERING )?INDEX (accounts_manager_idx|contacts_account_idx) \((manager_user_id|account_id)=\?( AND rowid=\?)?\)$/;
      const whole = results
        .filter((r) => {
          const m = /^(SCAN|SEARCH) (a|accounts|contacts)\b/.exec(r.detail);
          if (!m || bounded.test(r.detail)) return false;
          const co = coroutines.get(m[2]!);
          return m[1] === "SEARCH" || co === undefined || inside(r, co);
        })
        .map((r) => r.detail);
      const throughIndex = steps.some((d) => /^SCAN (accounts|contacts)_fts VIRTUAL TABLE INDEX/.test(d));
      if (whole.length || !throughIndex) offenders.push(`${steps.join("; ")}\n    in: ${q.sql.replace(/\s+/g, " ").slice(0, 500)}`);
    }
    expect(checked).toBeGreaterThanOrEqual(requests.length + nextPages);
    expect(offenders, offenders.join("\n")).toEqual([]);
  });

  /** The plans of every SELECT the requests sent (one line per plan step), with the SQL. */
  async function plansOf(paths: string[]) {
    const log: Recorded[] = [];
    const db = recordingDb(env.DB, log);
    for (const path of paths) {
      const ctx = createExecutionContext();
      const res = await worker.fetch(new Request(`http://localhost${path}`, { headers: ADMIN }), { ...env, DB: db }, ctx);
      await waitOnExecutionContext(ctx);
      expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
      expect(((await res.json()) as any).totals.n, path).toBeGreaterThan(0);
    }
    const plans: { sql: string; steps: string[] }[] = [];
    for (const q of log) {
      if (!/^\s*(select|with)\b/i.test(q.sql)) continue;
      const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${q.sql}`)
        .bind(...q.params)
        .all<{ detail: string }>();
      plans.push({ sql: q.sql, steps: results.map((r) => r.detail) });
    }
    return plans;
  }

  it("combined filters (segment + channel, and all four) read the cube, not one row of responses", async () => {
    const s = await seedOnce();
    const range = "from=2025-01-01&to=2027-01-01";
    const plans = await plansOf([
      `/api/v1/surveys/${s.surveyId}/metrics?interval=month&${range}&segment=seg-1&channel=widget`,
      `/api/v1/surveys/${s.surveyId}/metrics?interval=quarter&${range}&segment=seg-1&channel=widget&locale=fr&manager=${s.mgr}`,
    ]);
    const steps = plans.flatMap((p) => p.steps.map((d) => `${d}  ←  ${p.sql.replace(/\s+/g, " ").slice(0, 200)}`));
    expect(steps.filter((d) => /^(SCAN|SEARCH) cube\b/.test(d)).length, steps.join("\n")).toBeGreaterThanOrEqual(4);
    expect(
      steps.filter((d) => /\b(responses|counted)\b/.test(d.split("  ←  ")[0]!)),
      steps.join("\n"),
    ).toEqual([]);
    expect(steps.filter((d) => /^SCAN cube\b/.test(d))).toEqual([]);
  });

  it("the overview by wave (the default for a survey with waves), with one filter, two, a manager or an account, reads rollups and the cube, not one row of responses", async () => {
    const s = await seedOnce();
    const plans = await plansOf([
      `/api/v1/surveys/${s.surveyId}/metrics`,
      `/api/v1/surveys/${s.surveyId}/metrics?interval=wave&segment=seg-1`,
      `/api/v1/surveys/${s.surveyId}/metrics?interval=wave&segment=seg-1&locale=fr`,
      `/api/v1/surveys/${s.surveyId}/metrics?interval=wave&manager=${s.mgr}&channel=widget`,
      `/api/v1/surveys/${s.surveyId}/metrics?interval=wave&account=acc-plan-1`,
    ]);
    const steps = plans.flatMap((p) => p.steps.map((d) => `${d}  ←  ${p.sql.replace(/\s+/g, " ").slice(0, 200)}`));
    expect(steps.filter((d) => /^SEARCH cube\b/.test(d)).length, steps.join("\n")).toBeGreaterThanOrEqual(3);
    expect(steps.filter((d) => /^SEARCH rollups\b/.test(d)).length, steps.join("\n")).toBeGreaterThanOrEqual(2);
    expect(
      steps.filter((d) => /\b(responses|counted|r)\b/.test(d.split("  ←  ")[0]!)),
      steps.join("\n"),
    ).toEqual([]);
    expect(steps.filter((d) => /^SCAN (cube|rollups)\b/.test(d))).toEqual([]);
  });

  it("no statement binds more than D1's 100 parameters, for a survey with 150 waves read by wave", async () => {
    await seedOnce();
    const survey = await createSurvey();
    const month = (i: number) => Date.UTC(2014, i, 1);
    await env.DB.batch(
      Array.from({ length: 150 }, (_, i) =>
        env.DB.prepare("INSERT INTO waves (id, survey_id, period, opens_at, closes_at, status, created_at) VALUES (?, ?, ?, ?, ?, 'closed', ?)").bind(
          `wav-many-${survey.id}-${i}`,
          survey.id,
          `p-${String(i).padStart(3, "0")}`,
          month(i),
          month(i) + 20 * 86_400_000,
          month(i),
        ),
      ),
    );
    const log: Recorded[] = [];
    const db = recordingDb(env.DB, log);
    for (const q of ["", "&segment=seg-1", "&segment=seg-1&locale=fr", "&account=acc-plan-1", "&account=acc-plan-1&channel=widget"]) {
      const ctx = createExecutionContext();
      const path = `/api/v1/surveys/${survey.id}/metrics?interval=wave${q}`;
      const res = await worker.fetch(new Request(`http://localhost${path}`, { headers: ADMIN }), { ...env, DB: db }, ctx);
      await waitOnExecutionContext(ctx);
      expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
      expect(((await res.json()) as any).waves, path).toHaveLength(150);
    }
    const over = log.filter((q) => q.params.length > 100).map((q) => `${q.params.length} parameters: ${q.sql.replace(/\s+/g, " ").slice(0, 200)}`);
    expect(over, over.join("\n")).toEqual([]);
  });

  it("an account combined with another filter reads that account's answers only (the account index)", async () => {
    const s = await seedOnce();
    const plans = await plansOf([
      `/api/v1/surveys/${s.surveyId}/metrics?interval=month&from=2025-01-01&to=2027-01-01&account=acc-plan-1&channel=widget`,
      `/api/v1/surveys/${s.surveyId}/metrics?interval=wave&account=acc-plan-1&channel=widget`,
    ]);
    const onResponses = plans.flatMap((p) => p.steps).filter((d) => /^(SCAN|SEARCH) responses\b/.test(d));
    expect(onResponses.length).toBeGreaterThan(0);
    for (const d of onResponses)
      expect(d).toMatch(/USING INDEX (responses_account_created_idx|responses_contact_created_idx) \((account_id|contact_id)=\?/);
  });

  it("the comment search's walk reads the answers in the page's order through an index, with no sort of every match", async () => {
    const s = await seedOnce();
    const log: Recorded[] = [];
    const db = drizzle(recordingDb(env.DB, log)) as unknown as Db;
    const admin: Principal = { kind: "bootstrap", userId: null, role: "admin" };
    const pages: [ResponseFilter, "asc" | "desc"][] = [
      [{ surveyId: s.surveyId, q: "tres bon" }, "desc"],
      [{ surveyId: s.surveyId, q: "tres bon" }, "asc"],
      [{ q: "tres bon" }, "desc"],
      [{ q: "tres bon", segment: "seg-1" }, "asc"],
    ];
    for (const [f, order] of pages) {
      // collectUpTo 0: walk first, as on a database of more than 100,000 answers.
      const page = await commentsPage(db, admin, f, "UTC", { order, before: null, limit: 5, collectUpTo: 0 });
      expect(page.servedBy, JSON.stringify(f)).toBe("walk");
      expect(page.rows.length, JSON.stringify(f)).toBeGreaterThan(0);
    }
    const walks: string[][] = [];
    for (const q of log) {
      // The walk's windows: the order key and the comment (services/commentsList.ts, windowQuery).
      if (!/^select "responses"\."id", "responses"\."created_at", "responses"\."comment" from/.test(q.sql)) continue;
      const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${q.sql}`)
        .bind(...q.params)
        .all<{ detail: string }>();
      walks.push(results.map((r) => r.detail));
    }
    expect(walks.length).toBeGreaterThanOrEqual(pages.length);
    for (const steps of walks) {
      expect(steps.join("; ")).toMatch(/(SEARCH|SCAN) responses USING INDEX (responses_survey_created_idx|responses_commented_idx)/);
      // "FOR LAST TERM OF ORDER BY" (the id among answers of the same millisecond, sorted group by
      // group as the walk goes) is allowed; a sort of every row before the first is not.
      expect(
        steps.filter((d) => /TEMP B-TREE FOR ORDER BY/.test(d)),
        steps.join("; "),
      ).toEqual([]);
    }
  });

  it("the monthly review's first new detractors walk each NPS survey's time index and stop, for admins and a manager", async () => {
    const s = await seedOnce();
    const log: Recorded[] = [];
    const db = drizzle(recordingDb(env.DB, log)) as unknown as Db;
    const scopes = [null, s.mgr];
    for (const manager of scopes) {
      const r = await getNewDetractors(db, {
        fromMs: Date.parse("2025-06-01T00:00:00Z"),
        toMs: Date.parse("2026-06-01T00:00:00Z"),
        manager,
        limit: 3,
      });
      expect(r.count, String(manager)).toBeGreaterThan(3);
      expect(r.first, String(manager)).toHaveLength(3);
    }
    const firsts = log.filter((q) => /"r2"/.test(q.sql));
    expect(firsts).toHaveLength(scopes.length);
    for (const q of firsts) {
      const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${q.sql}`)
        .bind(...q.params)
        .all<{ detail: string }>();
      const steps = results.map((r) => r.detail);
      expect(steps.join("; ")).toMatch(/SEARCH r2 USING INDEX responses_survey_created_idx \(survey_id=\? AND created_at>\? AND created_at<\?\)/);
      // One sort: the outer one, of at most `limit` rows per survey; none of the month's answers.
      expect(
        steps.filter((d) => /TEMP B-TREE/.test(d)),
        steps.join("; "),
      ).toEqual(["USE TEMP B-TREE FOR ORDER BY"]);
      expect(
        steps.findIndex((d) => /TEMP B-TREE/.test(d)),
        steps.join("; "),
      ).toBe(steps.length - 1);
    }
  });

  it("an account manager's comments queue, its search, its export and a survey's responses read the manager's own time index, with no sort of their book", async () => {
    const s = await seedOnce();
    const made = await worker.fetch(
      new Request("http://localhost/api/v1/api-keys", {
        method: "POST",
        headers: { ...ADMIN, "content-type": "application/json" },
        body: JSON.stringify({ name: "plans", role: "manager", userId: s.mgr }),
      }),
      env,
      createExecutionContext(),
    );
    expect(made.status).toBe(201);
    const manager = { authorization: `Bearer ${((await made.json()) as { key: string }).key}` };
    const log: Recorded[] = [];
    const recording = recordingDb(env.DB, log);
    const paths = [
      `/api/v1/comments?surveyId=${s.surveyId}&limit=25`,
      `/api/v1/comments?limit=25`,
      `/api/v1/comments?surveyId=${s.surveyId}&limit=25&sort=createdAt&category=detractor`,
      `/api/v1/surveys/${s.surveyId}/responses?limit=25`,
      `/api/v1/export/responses.csv?surveyId=${s.surveyId}`,
    ];
    for (const path of paths) {
      const ctx = createExecutionContext();
      const res = await worker.fetch(new Request(`http://localhost${path}`, { headers: manager }), { ...env, DB: recording }, ctx);
      await waitOnExecutionContext(ctx);
      expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
      await res.arrayBuffer();
    }
    // The search's walk, as on a database of more than 100,000 answers.
    const db = drizzle(recordingDb(env.DB, log)) as unknown as Db;
    const who: Principal = { kind: "session", userId: s.mgr, role: "manager" };
    for (const f of [{ surveyId: s.surveyId, q: "tres bon" }, { q: "tres bon" }] as ResponseFilter[]) {
      const page = await commentsPage(db, who, f, "UTC", { order: "desc", before: null, limit: 5, collectUpTo: 0 });
      expect(page.servedBy, JSON.stringify(f)).toBe("walk");
      expect(page.rows.length, JSON.stringify(f)).toBeGreaterThan(0);
    }
    // Their accounts list (name order, the default): a page read through their book's index in order.
    const accountsLog: Recorded[] = [];
    const accountsCtx = createExecutionContext();
    const accountsRes = await worker.fetch(
      new Request("http://localhost/api/v1/accounts?limit=50", { headers: manager }),
      { ...env, DB: recordingDb(env.DB, accountsLog) },
      accountsCtx,
    );
    await waitOnExecutionContext(accountsCtx);
    expect(accountsRes.status).toBe(200);
    const book = accountsLog.filter((q) => /INDEXED BY accounts_manager_idx/.test(q.sql));
    expect(book.length).toBe(1);
    const bookPlan = (
      await env.DB.prepare(`EXPLAIN QUERY PLAN ${book[0]!.sql}`)
        .bind(...book[0]!.params)
        .all<{ detail: string }>()
    ).results.map((r) => r.detail);
    expect(bookPlan.join("; ")).toMatch(/SEARCH a USING INDEX accounts_manager_idx \(manager_user_id=\?\)/);
    expect(
      bookPlan.filter((d) => WHOLE_LIST.test(d)),
      bookPlan.join("; "),
    ).toEqual([]);
    // The walk's page, read by id with the accounts checked: by primary key, not the manager's
    // whole index in time order (64 ms at 1M when it did).
    const pageById = log.filter((q) => /"responses"\."id" (in|IN) \(/.test(q.sql) && /exists \(select 1 from "accounts" "book"/.test(q.sql));
    expect(pageById.length).toBeGreaterThanOrEqual(2);
    for (const q of pageById) {
      const steps = (
        await env.DB.prepare(`EXPLAIN QUERY PLAN ${q.sql}`)
          .bind(...q.params)
          .all<{ detail: string }>()
      ).results.map((r) => r.detail);
      expect(steps.join("; "), q.sql).toMatch(/SEARCH (responses|r) USING INDEX sqlite_autoindex_responses_1 \(id=\?\)/);
    }
    const lists = log.filter(
      (q) => /from "responses"/.test(q.sql) && /"responses"\."manager_user_id" = \?/.test(q.sql) && /order by "responses"\."created_at"/.test(q.sql),
    );
    expect(lists.length).toBeGreaterThanOrEqual(paths.length + 1);
    for (const q of lists) {
      const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${q.sql}`)
        .bind(...q.params)
        .all<{ detail: string }>();
      const steps = results.map((r) => r.detail).join("; ");
      // The search's walk in one survey reads only their commented answers.
      const walkInSurvey =
        /^select "responses"\."id", "responses"\."created_at", "responses"\."comment" from/.test(q.sql) && /"survey_id" = \?/.test(q.sql);
      expect(steps, q.sql).toMatch(
        walkInSurvey
          ? /SEARCH (responses|r) USING INDEX responses_survey_manager_commented_idx \(survey_id=\? AND manager_user_id=\?/
          : /SEARCH (responses|r) USING INDEX responses_(survey_)?manager_(created|commented)_idx \((survey_id=\? AND )?manager_user_id=\?/,
      );
      expect(steps, q.sql).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
    }
  });
});
