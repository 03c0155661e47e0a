/**
 * Account standings (migrations/0012): the table the triggers keep equals a raw recount from
 * `responses` after every kind of write (answers, replacements, edits, a contact moving to another
 * account, erasure, a time-zone rebuild, a survey created or deleted); and the accounts list
 * sorted by every key pages through the same order as sorting everything at once.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { bucketOf } from "../../worker/metrics/buckets";
import { ADMIN, api, createSurvey } from "../helpers";
import { answer, makeAccount, makeContact, makeUser, tag } from "./retention-fixtures";

interface Standing {
  last: number | null;
  previous: number | null;
  lastAt: number | null;
}

/**
 * METRICS.md "Account-level NPS" counted from the raw answers: per NPS survey, half-year and
 * member, the latest answer; per account, the mean of each half; the latest half with answers
 * and the one before. `''`: every NPS survey together.
 */
async function recount(accountIds: string[]): Promise<Map<string, Standing>> {
  const { results } = await env.DB.prepare(
    `SELECT r.id, r.survey_id, r.contact_id, r.account_id, r.score, r.bucket_half, r.created_at
     FROM responses r JOIN surveys s ON s.id = r.survey_id AND s.kind = 'nps'`,
  ).all<{
    id: string;
    survey_id: string;
    contact_id: string | null;
    account_id: string | null;
    score: number;
    bucket_half: string;
    created_at: number;
  }>();
  const latest = new Map<string, (typeof results)[number]>();
  for (const r of results) {
    const k = `${r.survey_id}|${r.bucket_half}|${r.contact_id ?? `r:${r.id}`}`;
    const was = latest.get(k);
    if (!was || r.created_at > was.created_at || (r.created_at === was.created_at && r.id > was.id)) latest.set(k, r);
  }
  const halves = new Map<string, Map<string, { sum: number; n: number; lastAt: number }>>();
  for (const r of latest.values()) {
    if (r.account_id === null) continue;
    for (const scope of [r.survey_id, ""]) {
      const key = `${r.account_id}|${scope}`;
      const m = halves.get(key) ?? halves.set(key, new Map()).get(key)!;
      const h = m.get(r.bucket_half) ?? { sum: 0, n: 0, lastAt: 0 };
      m.set(r.bucket_half, { sum: h.sum + r.score, n: h.n + 1, lastAt: Math.max(h.lastAt, r.created_at) });
    }
  }
  const out = new Map<string, Standing>();
  const surveys = await env.DB.prepare("SELECT id FROM surveys WHERE kind = 'nps'").all<{ id: string }>();
  for (const a of accountIds) {
    for (const scope of ["", ...surveys.results.map((s) => s.id)]) {
      const m = halves.get(`${a}|${scope}`);
      const sorted = m ? [...m.entries()].sort((x, y) => (x[0] < y[0] ? 1 : -1)) : [];
      const mean = (i: number) => (sorted[i] ? sorted[i]![1].sum / sorted[i]![1].n : null);
      out.set(`${a}|${scope}`, { last: mean(0), previous: mean(1), lastAt: sorted[0]?.[1].lastAt ?? null });
    }
  }
  return out;
}

async function stored(accountIds: string[]): Promise<Map<string, Standing>> {
  const { results } = await env.DB.prepare(
    `SELECT account_id, survey_id, last_score, previous_score, last_at FROM account_standings
     WHERE account_id IN (SELECT value FROM json_each(?))`,
  )
    .bind(JSON.stringify(accountIds))
    .all<{ account_id: string; survey_id: string; last_score: number | null; previous_score: number | null; last_at: number | null }>();
  return new Map(results.map((r) => [`${r.account_id}|${r.survey_id}`, { last: r.last_score, previous: r.previous_score, lastAt: r.last_at }]));
}

async function expectExact(accountIds: string[], step: string) {
  const want = await recount(accountIds);
  const got = await stored(accountIds);
  // Not a comparison of two empty tables: most accounts have a score once they have answered.
  if ([...want.values()].some((w) => w.last !== null)) expect([...got.values()].filter((g) => g.last !== null).length, step).toBeGreaterThan(0);
  expect([...got.keys()].sort(), step).toEqual([...want.keys()].sort());
  for (const [k, w] of want) {
    const g = got.get(k)!;
    expect(g.lastAt, `${step} ${k}`).toBe(w.lastAt);
    for (const f of ["last", "previous"] as const) {
      if (w[f] === null) expect(g[f], `${step} ${k} ${f}`).toBeNull();
      else expect(g[f], `${step} ${k} ${f}`).toBeCloseTo(w[f]!, 9);
    }
  }
}

describe("account standings", () => {
  it("equal a raw recount after answers, replacements, edits, moves, erasure, a time-zone rebuild and survey changes", async () => {
    const nps1 = await createSurvey({ kind: "nps" });
    const nps2 = await createSurvey({ kind: "nps" });
    const csat = await createSurvey({ kind: "csat" });
    const segment = tag("std");
    const accounts: string[] = [];
    const contacts: string[][] = [];
    for (let i = 0; i < 5; i++) {
      const a = await makeAccount({ name: `Std ${i}`, startedOn: "2024-01-01", segment });
      accounts.push(a);
      contacts.push([await makeContact(a), await makeContact(a)]);
    }
    await expectExact(accounts, "accounts created");
    const halves = ["2025-03-10T10:00:00Z", "2025-08-20T10:00:00Z", "2025-12-31T23:30:00Z", "2026-02-01T09:00:00Z"];
    const ids: string[] = [];
    let k = 0;
    for (let i = 0; i < 5; i++) {
      for (const [j, at] of halves.entries()) {
        if ((i + j) % 3 === 2) continue;
        ids.push(await answer(nps1.id, contacts[i]![j % 2]!, (i * 3 + j * 5 + k++) % 11, at));
        if (i % 2 === 0) ids.push(await answer(nps2.id, contacts[i]![(j + 1) % 2]!, (i + j * 7) % 11, at));
      }
      await answer(csat.id, contacts[i]![0]!, 1 + (i % 5), halves[3]!);
    }
    await expectExact(accounts, "answers");
    // A contact's next answer in the same half replaces the previous one.
    await answer(nps1.id, contacts[1]![0]!, 0, "2026-02-02T09:00:00Z");
    await answer(nps1.id, contacts[1]![0]!, 10, "2026-02-02T08:00:00Z");
    await expectExact(accounts, "replacements");
    // An edited score.
    await env.DB.prepare("UPDATE responses SET score = 2 WHERE id = ?").bind(ids[3]).run();
    await expectExact(accounts, "edit");
    // A contact moves to another account, its answers with it.
    await env.DB.batch([
      env.DB.prepare("UPDATE contacts SET account_id = ? WHERE id = ?").bind(accounts[4], contacts[0]![0]),
      env.DB.prepare("UPDATE responses SET account_id = ? WHERE contact_id = ?").bind(accounts[4], contacts[0]![0]),
    ]);
    await expectExact(accounts, "move");
    // Erasure: every answer of a contact deleted.
    await env.DB.prepare("DELETE FROM responses WHERE contact_id = ?").bind(contacts[2]![1]).run();
    await expectExact(accounts, "erasure");
    // A time-zone rebuild: the bucket columns rewritten (Auckland moves 2025-12-31T23:30Z into 2026-H1).
    const { results } = await env.DB.prepare("SELECT id, created_at FROM responses WHERE account_id IN (SELECT value FROM json_each(?))")
      .bind(JSON.stringify(accounts))
      .all<{ id: string; created_at: number }>();
    const tz = "Pacific/Auckland";
    await env.DB.batch(
      results.map((r) =>
        env.DB.prepare("UPDATE responses SET bucket_month = ?, bucket_quarter = ?, bucket_half = ? WHERE id = ?").bind(
          bucketOf(r.created_at, "month", tz),
          bucketOf(r.created_at, "quarter", tz),
          bucketOf(r.created_at, "half", tz),
          r.id,
        ),
      ),
    );
    await expectExact(accounts, "time-zone rebuild");
    // A new NPS survey: every account gets an (empty) standing for it; a new account, one per survey.
    await createSurvey({ kind: "nps" });
    accounts.push(await makeAccount({ name: "Std late", startedOn: "2026-01-01", segment }));
    await expectExact(accounts, "survey and account created");
    // A survey deleted: its standings go, the all-surveys standing drops its answers.
    await env.DB.prepare("DELETE FROM surveys WHERE id = ?").bind(nps2.id).run();
    await expectExact(accounts, "survey deleted");
    // An account deleted: its standings go with it.
    await env.DB.prepare("DELETE FROM accounts WHERE id = ?").bind(accounts.at(-1)).run();
    const gone = await env.DB.prepare("SELECT count(*) AS n FROM account_standings WHERE account_id = ?")
      .bind(accounts.at(-1))
      .first<{ n: number }>();
    expect(gone?.n).toBe(0);
  });
});

const SORTS = ["name", "-name", "mrr", "-mrr", "score", "-score", "change", "-change", "last", "-last"] as const;

describe("GET /api/v1/accounts?sort=", () => {
  async function world() {
    const survey = await createSurvey({ kind: "nps" });
    const segment = tag("sort");
    const ids: string[] = [];
    // Ties on MRR, on score and on change; accounts without answers (empty scores) and with one half only.
    const specs: [string, number, number[], number[]][] = [
      ["Delta", 500, [9, 10], [3]],
      ["alpha", 500, [6], [9, 9]],
      ["Bravo", 800, [], []],
      ["Charlie", 100, [9, 10], [8]],
      ["Echo", 800, [4], []],
      ["Foxtrot", 100, [], [7]],
      ["Golf", 300, [6], [6]],
      ["Hotel", 300, [10, 8], [2, 4]],
    ];
    for (const [i, [name, mrr, recent, earlier]] of specs.entries()) {
      const a = await makeAccount({ name, startedOn: "2024-01-01", segment, mrrCents: mrr });
      ids.push(a);
      for (const s of earlier) await answer(survey.id, await makeContact(a), s, `2025-03-${10 + i}T10:00:00Z`);
      for (const s of recent) await answer(survey.id, await makeContact(a), s, `2026-02-${10 + i}T10:00:00Z`);
    }
    return { survey, segment, ids };
  }

  /** The whole list sorted at once, from the stored values (not the rounded ones the API shows). */
  async function expected(segment: string, surveyId: string, sort: string, atRisk = false) {
    const { results } = await env.DB.prepare(
      `SELECT a.id, a.name, a.mrr_cents, s.last_score, s.change, s.last_at FROM accounts a
       JOIN account_standings s ON s.account_id = a.id AND s.survey_id = ? WHERE a.segment = ?`,
    )
      .bind(surveyId, segment)
      .all<{ id: string; name: string; mrr_cents: number; last_score: number | null; change: number | null; last_at: number | null }>();
    const field = sort.replace("-", "");
    const desc = sort.startsWith("-");
    const value = (r: (typeof results)[number]) =>
      ({ name: r.name, mrr: r.mrr_cents, score: r.last_score, change: r.change, last: r.last_at })[field] as string | number | null;
    const rows = results.filter((r) => !atRisk || (r.last_score !== null && (r.last_score < 7 || (r.change !== null && r.change <= -3))));
    const cmp = (x: string | number, y: string | number) => (x < y ? -1 : x > y ? 1 : 0);
    return rows
      .sort((a, b) => {
        const va = value(a);
        const vb = value(b);
        if (va === null || vb === null) return va === vb ? cmp(a.id, b.id) : va === null ? 1 : -1;
        const c = cmp(va, vb) || cmp(a.id, b.id);
        return desc ? -c : c;
      })
      .map((r) => r.id);
  }

  async function pages(query: string, headers = ADMIN, limit = 3) {
    const seen: string[] = [];
    let before: string | null = null;
    for (let i = 0; i < 50; i++) {
      const r: { status: number; body: { data: { id: string }[]; next: string | null } } = await api(
        `/api/v1/accounts?${query}&limit=${limit}${before ? `&before=${before}` : ""}`,
        { headers },
      );
      expect(r.status).toBe(200);
      seen.push(...r.body.data.map((a) => a.id));
      before = r.body.next;
      if (!before) break;
    }
    return seen;
  }

  it("pages through every sort key, ascending and descending, in the order of the whole list, empty scores last", async () => {
    const { survey, segment } = await world();
    for (const sort of SORTS) {
      expect(await pages(`segment=${segment}&surveyId=${survey.id}&sort=${sort}`), sort).toEqual(await expected(segment, survey.id, sort));
      expect(await pages(`segment=${segment}&sort=${sort}`), `${sort} (every NPS survey)`).toEqual(await expected(segment, "", sort));
      expect(await pages(`segment=${segment}&surveyId=${survey.id}&status=at_risk&sort=${sort}`), `${sort} at risk`).toEqual(
        await expected(segment, survey.id, sort, true),
      );
    }
  });

  it("pages the at-risk list by walking each order when many accounts are at risk (1,000 or more)", async () => {
    const survey = await createSurvey({ kind: "nps" });
    const segment = tag("many");
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1400)
       INSERT INTO accounts (id, name, segment, mrr_cents, started_on) SELECT ? || '-' || i, 'Many ' || (i % 37), ?, i % 11, '2024-01-01' FROM n`,
    )
      .bind(segment, segment)
      .run();
    // Standings set directly (the triggers are tested above): 3 in 4 accounts at risk, ties included.
    await env.DB.prepare(
      `UPDATE account_standings SET last_score = (CAST(substr(account_id, length(?) + 2) AS INTEGER) % 9) * 1.0,
         previous_score = (CAST(substr(account_id, length(?) + 2) AS INTEGER) % 5) + 5.0, last_at = CAST(substr(account_id, length(?) + 2) AS INTEGER) % 13
       WHERE survey_id = ? AND account_id LIKE ? || '-%'`,
    )
      .bind(segment, segment, segment, survey.id, segment)
      .run();
    for (const sort of ["name", "-score", "change", "-last", "mrr"]) {
      const want = await expected(segment, survey.id, sort, true);
      expect(want.length).toBeGreaterThan(1000);
      expect(await pages(`segment=${segment}&surveyId=${survey.id}&status=at_risk&sort=${sort}`, ADMIN, 250), sort).toEqual(want);
    }
  }, 120_000);

  it("sorts a manager's book the same way", async () => {
    const { survey, segment, ids } = await world();
    const m = await makeUser("manager");
    await env.DB.prepare("UPDATE accounts SET manager_user_id = ? WHERE segment = ?").bind(m.userId, segment).run();
    for (const sort of SORTS) {
      expect(await pages(`surveyId=${survey.id}&sort=${sort}`, m.headers), sort).toEqual(await expected(segment, survey.id, sort));
    }
    expect((await pages(`surveyId=${survey.id}`, m.headers)).sort()).toEqual([...ids].sort());
  });

  it("answers 400 naming sort for an unknown key, and naming before for a cursor of another sort", async () => {
    const { segment } = await world();
    const bad = await api("/api/v1/accounts?sort=revenue", { headers: ADMIN });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("sort");
    const first = await api(`/api/v1/accounts?segment=${segment}&sort=-score&limit=2`, { headers: ADMIN });
    const other = await api(`/api/v1/accounts?segment=${segment}&sort=score&limit=2&before=${first.body.next}`, { headers: ADMIN });
    expect(other.status).toBe(400);
    expect(other.body.error.field).toBe("before");
  });

  it("lists every account unscored, by id, for a survey that is not NPS", async () => {
    const { segment, ids } = await world();
    const csat = await createSurvey({ kind: "csat" });
    const seen = await pages(`segment=${segment}&surveyId=${csat.id}&sort=-score`);
    expect(seen).toEqual([...ids].sort());
  });
});
