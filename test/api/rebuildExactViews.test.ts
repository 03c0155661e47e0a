/**
 * The views that read `counted` directly stay exact while a change of TIMEZONE is rebuilt
 * (worker/jobs/rebucket.ts): account-level NPS, retention by category and customer value per
 * half-year, the accounts list and the account page, and the monthly review's accounts at risk.
 * Each test writes answers with UTC buckets, then asks the Worker deployed with
 * TIMEZONE=Europe/Paris before any rebuild (everything still in UTC), mid-way (a mix of both
 * zones) and after it, and expects the same body each time, plus a hand-computed figure for an
 * answer that changes month or half-year between the zones. The audit recount (docs/AUDIT.md)
 * found these views off between the change and the end of the rebuild.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { eq, sql } from "drizzle-orm";
import { contacts } from "../../worker/db/schema";
import { createDb } from "../../worker/db/client";
import { rawStandingsTable } from "../../worker/db/queries/standingsRaw";
import { rebucket } from "../../worker/jobs/rebucket";
import { readRollupZone } from "../../worker/services/rollupZone";
import { ADMIN, createSurvey } from "../helpers";
import { answer, db, makeAccount, makeContact, tag } from "./retention-fixtures";

const PARIS = "Europe/Paris";

async function call(path: string, timeZone: string) {
  // Retention views keep their last body per request; each call here must compute its own.
  await env.DB.prepare("DELETE FROM metric_cache").run();
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`http://localhost${path}`, { headers: ADMIN }), { ...env, TIMEZONE: timeZone }, ctx);
  await waitOnExecutionContext(ctx);
  expect(res.status, path).toBe(200);
  return (await res.json()) as any;
}

/**
 * The body of `path` under TIMEZONE=Paris before the rebuild starts, mid-way, and after it; then
 * back to UTC. Mid-way is just past the first of `moving` (answers whose bucket moves) in the
 * rebuild's order (response ids), so some of them are in Paris's buckets and some still in UTC's.
 */
async function acrossRebuild(path: string, moving: string[]) {
  await rebucket(env.DB, "UTC");
  expect((await readRollupZone(env.DB)).zone).toBe("UTC");
  const before = await call(path, PARIS);
  const [first] = [...moving].sort();
  const upTo = await env.DB.prepare("SELECT count(*) AS n FROM responses WHERE id <= ?").bind(first).first<{ n: number }>();
  const part = await rebucket(env.DB, PARIS, { batchSize: upTo!.n, maxBatches: 1 });
  expect(part.done).toBe(false);
  const moved = await env.DB.prepare("SELECT id, bucket_month FROM responses WHERE id IN (?, ?) ORDER BY id")
    .bind(...[...moving].sort())
    .all<{ id: string; bucket_month: string }>();
  expect(moved.results.map((r) => r.bucket_month)).toEqual(["2026-07-01", "2026-06-01"]);
  expect((await readRollupZone(env.DB)).zone).toBeNull();
  const mid = await call(path, PARIS);
  expect((await rebucket(env.DB, PARIS)).done).toBe(true);
  const after = await call(path, PARIS);
  await rebucket(env.DB, "UTC");
  return { before, mid, after };
}

/**
 * Account A: contact a1 answers 10 on 2026-03-02, contact a2 answers 2 on 2026-06-30T22:30Z,
 * which is 1 July 00:30 in Paris. Account B: contact b1 answers 9 on 2026-06-10 and 4 on
 * 2026-06-30T23:00Z (Paris: 1 July). In UTC everything is in June / H1 2026; in Paris a2's and
 * b1's second answers are in July / H2 2026.
 */
async function seed() {
  const survey = await createSurvey();
  const segment = tag("rx");
  const a = await makeAccount({ name: `A ${segment}`, segment, startedOn: "2020-01-01" });
  const b = await makeAccount({ name: `B ${segment}`, segment, startedOn: "2020-01-01" });
  await answer(survey.id, await makeContact(a), 10, "2026-03-02T10:00:00Z");
  const a2 = await answer(survey.id, await makeContact(a), 2, "2026-06-30T22:30:00Z");
  const b1 = await makeContact(b);
  await answer(survey.id, b1, 9, "2026-06-10T10:00:00Z");
  const b1Late = await answer(survey.id, b1, 4, "2026-06-30T23:00:00Z");
  return { survey, segment, a, b, moving: [a2, b1Late] };
}

describe("views that read counted, during a time-zone rebuild", () => {
  it("account-level NPS", async () => {
    const { survey, segment, a, b, moving } = await seed();
    for (const filter of ["", `&segment=${segment}`]) {
      // June in Paris: A has a1's 10 only (promoter), B b1's 9 (promoter). In UTC A was
      // (10 + 2) / 2 = 6 and B 4, both detractors.
      const june = await acrossRebuild(`/api/v1/metrics/accounts?surveyId=${survey.id}&from=2026-03-01&to=2026-07-01${filter}`, moving);
      expect(june.before).toEqual(june.after);
      expect(june.mid).toEqual(june.after);
      const of = (id: string) => june.after.accounts.find((x: any) => x.accountId === id);
      expect(of(a)).toMatchObject({ mean: 10, category: "promoter", n: 1 });
      expect(of(b)).toMatchObject({ mean: 9, category: "promoter", n: 1 });
      // July in Paris: A has a2's 2, B b1's 4.
      const july = await acrossRebuild(`/api/v1/metrics/accounts?surveyId=${survey.id}&from=2026-07-01&to=2026-08-01${filter}`, moving);
      expect(july.mid).toEqual(july.after);
      expect(july.after.accounts.find((x: any) => x.accountId === a)).toMatchObject({ mean: 2, category: "detractor" });
      expect(july.after.accounts.find((x: any) => x.accountId === b)).toMatchObject({ mean: 4, category: "detractor" });
    }
  }, 30_000);

  it("retention by NPS category and customer value per half-year", async () => {
    const { survey, segment, a, moving } = await seed();
    // Two more contacts of A in H1 2026. a3 answered 0, then 10: its latest (10) counts. m answered
    // 0 for A, then moved to C, outside the segment, and answered 10 there: m's latest answer of
    // the half is C's, so A keeps nothing of m (the latest is taken before the scope applies).
    const a3 = await makeContact(a);
    await answer(survey.id, a3, 0, "2026-02-01T10:00:00Z");
    await answer(survey.id, a3, 10, "2026-04-01T10:00:00Z");
    const c = await makeAccount({ name: `C ${segment}`, segment: `${segment}-other`, startedOn: "2020-01-01" });
    const m = await makeContact(a);
    await answer(survey.id, m, 0, "2026-02-02T10:00:00Z");
    await db().update(contacts).set({ accountId: c }).where(eq(contacts.id, m)).run();
    await answer(survey.id, m, 10, "2026-03-03T10:00:00Z");
    const byCategory = await acrossRebuild(`/api/v1/metrics/retention-by-category?surveyId=${survey.id}&segment=${segment}&periods=half`, moving);
    expect(byCategory.before).toEqual(byCategory.after);
    expect(byCategory.mid).toEqual(byCategory.after);
    // H1 2026 in Paris: A (a1's 10, a3's 10) and B (9) are promoters.
    const h1 = byCategory.after.periods.find((p: any) => p.period === "2026-01-01");
    expect(h1.groups.promoter.n).toBe(2);
    expect(h1.groups.detractor.n).toBe(0);
    const value = await acrossRebuild(`/api/v1/metrics/value-by-category?surveyId=${survey.id}&segment=${segment}&periods=half`, moving);
    expect(value.before).toEqual(value.after);
    expect(value.mid).toEqual(value.after);
  }, 30_000);

  it("the accounts list, the account page and the monthly review's accounts at risk", async () => {
    const { survey, segment, a, b, moving } = await seed();
    for (const q of [
      `surveyId=${survey.id}&segment=${segment}`,
      `surveyId=${survey.id}&segment=${segment}&sort=-score`,
      `segment=${segment}&status=at_risk`,
      // Searched by name, one per page, and the second page through the first's cursor.
      `surveyId=${survey.id}&q=${encodeURIComponent(segment)}&sort=score&limit=1`,
    ]) {
      const list = await acrossRebuild(`/api/v1/accounts?${q}`, moving);
      expect(list.before, q).toEqual(list.after);
      expect(list.mid, q).toEqual(list.after);
      if (q.includes("limit=1")) {
        expect(list.after.data, q).toHaveLength(1);
        const second = await acrossRebuild(`/api/v1/accounts?${q}&before=${encodeURIComponent(list.after.next)}`, moving);
        expect(second.mid, `${q}, page 2`).toEqual(second.after);
        expect(second.before, `${q}, page 2`).toEqual(second.after);
        expect(second.after.data).toHaveLength(1);
      }
    }
    // Paris: A's last half is H2 2026 (a2's 2), the one before H1 (a1's 10): change −8, at risk.
    // B: H2 4, H1 9. In UTC both had H1 only: A (10 + 2) / 2 = 6, B 4.
    const page = await acrossRebuild(`/api/v1/accounts/${a}`, moving);
    expect(page.before).toEqual(page.after);
    expect(page.mid).toEqual(page.after);
    expect(page.after).toMatchObject({ lastScore: 2, previousScore: 10, change: -8, atRisk: true });
    const list = await acrossRebuild(`/api/v1/accounts?surveyId=${survey.id}&segment=${segment}&sort=score`, moving);
    expect(list.after.data.map((x: any) => [x.id, x.lastScore, x.previousScore])).toEqual([
      [a, 2, 10],
      [b, 4, 9],
    ]);
    const review = await acrossRebuild(`/api/v1/digest?month=2026-11`, moving);
    expect(review.before.atRisk).toEqual(review.after.atRisk);
    expect(review.mid.atRisk).toEqual(review.after.atRisk);
  }, 60_000);

  it("the monthly review's total of accounts at risk, for an account at risk in one zone only", async () => {
    // Account C: c1 answers 10 on 2026-03-02; c2 and c3 answer 7 on 30 June after 22:00Z (Paris:
    // 1 July). UTC: H1 (10 + 7 + 7) / 3 = 8, no half before, not at risk. Paris: H2 7, H1 10,
    // down 3 points: at risk.
    const survey = await createSurvey();
    const c = await makeAccount({ name: `C ${tag("rx")}`, startedOn: "2020-01-01" });
    await answer(survey.id, await makeContact(c), 10, "2026-03-02T10:00:00Z");
    const c2 = await answer(survey.id, await makeContact(c), 7, "2026-06-30T22:45:00Z");
    const c3 = await answer(survey.id, await makeContact(c), 7, "2026-06-30T23:10:00Z");
    const review = await acrossRebuild(`/api/v1/digest?month=2026-11`, [c2, c3]);
    expect(review.after.atRisk.map((x: any) => x.id)).toContain(c);
    expect(review.before.atRiskTotal).toEqual(review.after.atRiskTotal);
    expect(review.mid.atRiskTotal).toEqual(review.after.atRiskTotal);
  }, 60_000);

  it("computes the standings the triggers keep, for every account and every NPS survey together", async () => {
    const { survey, a } = await seed();
    // A second NPS survey: the '' standings mix both. A contact of A answers it twice the same day in
    // H2, another on 2025-12-31T23:30Z (1 January 2026 in Paris).
    const other = await createSurvey();
    const c = await makeContact(a);
    await answer(other.id, c, 6, "2026-09-01T08:00:00Z");
    await answer(other.id, c, 8, "2026-09-01T09:00:00Z");
    await answer(other.id, await makeContact(a), 5, "2025-12-31T23:30:00Z");
    await rebucket(env.DB, PARIS);
    const d = createDb(db().$client);
    for (const of of ["", survey.id, other.id]) {
      const raw = await d.all(
        sql`SELECT account_id, last_score, previous_score, last_at FROM ${await rawStandingsTable(d, of, PARIS)} s ORDER BY account_id`,
      );
      const stored = await d.all(
        sql`SELECT account_id, last_score, previous_score, last_at FROM account_standings WHERE survey_id = ${of} ORDER BY account_id`,
      );
      expect(raw.length).toBeGreaterThan(1);
      expect(raw, of).toEqual(stored);
    }
    await rebucket(env.DB, "UTC");
  }, 30_000);
});
