/**
 * The monthly review's figures (services/digest.ts), beside test/api/digest.test.ts: the month's new
 * detractors counted in SQL with only the first ten fetched; retention over the last complete
 * quarter and what satisfaction is worth read through the stored views (services/metricCache.ts),
 * equal to the computation the review made before it read them (getRetention and satisfactionValue
 * on rows read from scratch), and still equal after changes that drop the stored views.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import { accountWhereInScope } from "../../worker/db/queries/accountFilter";
import { getRetention } from "../../worker/db/queries/getRetention";
import { bucketLabel, bucketOfDate, localDate, nextBucket } from "../../worker/metrics/buckets";
import { addMonths } from "../../worker/metrics/calendar";
import { retentionSeries, retentionSeriesDates } from "../../worker/metrics/retention";
import { buildDigest } from "../../worker/services/digest";
import { satisfactionValue } from "../../worker/services/satisfactionValue";
import { api, createSurvey } from "../helpers";
import { answer, makeAccount, makeContact, makeUser, makeWave, tag } from "./retention-fixtures";

const run = (sql: string, ...args: unknown[]) =>
  env.DB.prepare(sql)
    .bind(...args)
    .run();

/**
 * The review's retention and value as it computed them before reading the stored views: the
 * query and the pure functions, on the rows as they are now (a manager's scope, UTC workspace).
 */
async function fromScratch(scope: string, surveyId: string, now: number) {
  const db = createDb(env.DB);
  const today = localDate(now, "UTC");
  const lastQuarter = addMonths(bucketOfDate(today, "quarter"), -3);
  const where = accountWhereInScope(scope);
  const periods = [{ bucket: lastQuarter, label: bucketLabel(lastQuarter, "quarter"), start: lastQuarter, end: nextBucket(lastQuarter, "quarter") }];
  const accounts = await getRetention(db, {
    where,
    activeFrom: lastQuarter,
    activeUntil: lastQuarter,
    mrrDates: retentionSeriesDates(periods, today),
  });
  const [q] = retentionSeries(accounts, periods, today);
  const worth = await satisfactionValue(db, { surveyId, where, asked: "auto", timeZone: "UTC", asOf: today, now });
  const h = worth.horizons.find((x) => x.horizonMonths === 12 && x.periods.length > 0) ?? worth.horizons[0]!;
  return {
    retention: q ? { quarter: q.label, startCount: q.startCount, crr: q.crr, nrr: q.nrr, complete: q.complete } : null,
    value: {
      horizonMonths: h.horizonMonths,
      mrrAtRisk: worth.mrrAtRisk,
      promoter: { n: h.groups.promoter.n, value: h.groups.promoter.value, ci95: h.groups.promoter.valueCi95 },
      detractor: { n: h.groups.detractor.n, value: h.groups.detractor.value, ci95: h.groups.detractor.valueCi95 },
      promoterMinusDetractor: h.promoterMinusDetractor,
    },
  };
}

describe("the monthly review's figures", () => {
  it("counts the month's new detractors in the caller's scope and lists the first ten by time", async () => {
    const m = await makeUser("manager");
    const other = await makeUser("manager");
    const nps = await createSurvey({ kind: "nps" });
    const csat = await createSurvey({ kind: "csat" });
    const mine = await makeAccount({ name: tag("Det mine"), startedOn: "2024-01-01", managerUserId: m.userId });
    const theirs = await makeAccount({ name: tag("Det theirs"), startedOn: "2024-01-01", managerUserId: other.userId });
    const me = await makeContact(mine);
    // ?month=2026-10 reviews September 2026. Twelve detractors on distinct days, given out of
    // order; no comment on i = 0, 3, 6, 9 and an empty one on i = 1: five silent.
    const detractors: { id: string; day: number }[] = [];
    for (let i = 0; i < 12; i++) {
      const day = 1 + ((i * 7) % 29);
      const id = await answer(nps.id, me, i % 7, `2026-09-${String(day).padStart(2, "0")}T10:00:00Z`);
      if (i % 3 !== 0) await run("UPDATE responses SET comment = ? WHERE id = ?", i === 1 ? "" : `raison ${i}`, id);
      detractors.push({ id, day });
    }
    // Not new detractors of September in this scope: just outside the month, a passive, a
    // promoter, a low score on a CSAT survey, another manager's detractor.
    await answer(nps.id, me, 0, "2026-08-31T23:59:59Z");
    await answer(nps.id, me, 0, "2026-10-01T00:00:00Z");
    await answer(nps.id, me, 7, "2026-09-10T10:00:00Z");
    await answer(nps.id, me, 10, "2026-09-11T10:00:00Z");
    await answer(csat.id, me, 1, "2026-09-12T10:00:00Z");
    await answer(nps.id, await makeContact(theirs), 2, "2026-09-13T10:00:00Z");

    const res = await api("/api/v1/digest?month=2026-10", { headers: m.headers });
    expect(res.status).toBe(200);
    expect(res.body.newDetractors.count).toBe(12);
    expect(res.body.newDetractors.silent).toBe(5);
    const firstTen = detractors
      .sort((a, b) => a.day - b.day)
      .slice(0, 10)
      .map((d) => d.id);
    expect(res.body.newDetractors.items.map((i: { responseId: string }) => i.responseId)).toEqual(firstTen);
    expect(new Set(res.body.newDetractors.items.map((i: { account: { id: string } }) => i.account.id))).toEqual(new Set([mine]));
  });

  it("gives the Retention page's last quarter and customer value, from the stored views, exact after each change", async () => {
    const m = await makeUser("manager");
    const survey = await createSurvey({ kind: "nps" });
    // The review's survey is the newest active NPS survey unless the workspace names one.
    await run("INSERT OR REPLACE INTO settings (key, value) VALUES ('default_survey_id', ?)", JSON.stringify(survey.id));
    const now = Date.now();
    const today = localDate(now, "UTC");
    const lastQuarter = addMonths(bucketOfDate(today, "quarter"), -3);
    const ids: string[] = [];
    const people: string[] = [];
    for (let i = 0; i < 8; i++) {
      const start = `202${3 + (i % 3)}-0${1 + (i % 6)}-15`;
      const id = await makeAccount({
        name: tag(`Review ${i}`),
        startedOn: start,
        churnedOn: i === 7 ? "2025-09-20" : null,
        managerUserId: m.userId,
        mrrCents: 1000 + i * 100,
        mrr: [[start, 1000 + i * 100]],
      });
      ids.push(id);
      const c = await makeContact(id);
      people.push(c);
      await answer(survey.id, c, (i * 4) % 11, "2024-03-10T10:00:00Z");
      await answer(survey.id, c, (i * 7) % 11, "2025-02-10T10:00:00Z");
    }
    const wave = await makeWave(survey.id, tag("2025-02"), "2025-02-01T00:00:00Z", "2025-02-28T00:00:00Z");

    const review = async () => {
      const r = await api("/api/v1/digest", { headers: m.headers });
      expect(r.status).toBe(200);
      expect(r.body.survey.id).toBe(survey.id);
      return { retention: r.body.retention, value: r.body.value };
    };
    const first = await review();
    expect(first).toEqual(await fromScratch(m.userId, survey.id, Date.now()));
    expect(first.value.promoter.n + first.value.detractor.n).toBeGreaterThan(0);
    // Read through the stored views: the Retention page's own requests in the same scope.
    const stored = await env.DB.prepare("SELECT kind FROM metric_cache WHERE key LIKE ? ORDER BY kind").bind(`%${m.userId}%`).all<{ kind: string }>();
    expect(stored.results.map((r) => r.kind)).toEqual(["retention", "value"]);
    const page = await api(`/api/v1/metrics/retention?interval=quarter&from=${lastQuarter}&to=${nextBucket(lastQuarter, "quarter")}`, {
      headers: m.headers,
    });
    const { label, startCount, crr, nrr, complete } = page.body.points[0];
    expect({ quarter: label, startCount, crr, nrr, complete }).toEqual(first.retention);
    const worth = await api(`/api/v1/metrics/value-by-category?surveyId=${survey.id}`, { headers: m.headers });
    expect(worth.body.mrrAtRisk).toEqual(first.value.mrrAtRisk);

    const changes: [string, () => Promise<unknown>][] = [
      ["churned last quarter", () => run("UPDATE accounts SET churned_on = ? WHERE id = ?", addMonths(lastQuarter, 1), ids[0])],
      // A detractor of the closed wave, active at its close: its MRR then and today change.
      ["MRR change", () => run("INSERT INTO account_mrr (account_id, effective_on, mrr_cents) VALUES (?, '2025-01-01', 2500)", ids[4])],
      ["MRR row deleted", () => run("DELETE FROM account_mrr WHERE account_id = ? AND effective_on = '2025-01-01'", ids[4])],
      ["answer replaced in a closed half", () => answer(survey.id, people[6]!, 0, "2025-02-20T10:00:00Z")],
      ["late answer tied to a closed wave", () => answer(survey.id, people[5]!, 10, "2026-11-29T10:00:00Z", { waveId: wave })],
      ["score edited", () => run("UPDATE responses SET score = CASE WHEN score >= 7 THEN 0 ELSE 10 END WHERE contact_id = ?", people[4])],
      ["erasure", () => run("DELETE FROM responses WHERE contact_id = ?", people[3])],
      [
        "account created",
        () => makeAccount({ name: tag("Review new"), startedOn: "2024-05-01", managerUserId: m.userId, mrr: [["2024-05-01", 700]] }),
      ],
    ];
    let before = first;
    for (const [step, change] of changes) {
      await change();
      const served = await review();
      expect(served, step).toEqual(await fromScratch(m.userId, survey.id, Date.now()));
      // Each change alters the review, so a stale stored view could not pass for a fresh one.
      expect(served, `${step} shows`).not.toEqual(before);
      before = served;
    }
    await run("DELETE FROM settings WHERE key = 'default_survey_id'");
  }, 60_000);

  it("a person's review keeps its views on the warm-up list; the cron's e-mails do not", async () => {
    const demand = async (scope: string) =>
      (
        await env.DB.prepare("SELECT kind FROM metric_demand WHERE params LIKE ? ORDER BY kind").bind(`%"scope":"${scope}"%`).all<{ kind: string }>()
      ).results.map((r) => r.kind);
    await createSurvey({ kind: "nps" }); // the review's survey: its customer value is one of its views
    const db = createDb(env.DB);
    const now = Date.now();
    const month = localDate(now, "UTC").slice(0, 7);
    const mailed = await makeUser("manager");
    await buildDigest(db, { kind: "session", userId: mailed.userId, role: "manager" }, { month, timeZone: "UTC", now, record: false });
    expect(await demand(mailed.userId)).toEqual([]);
    const reader = await makeUser("manager");
    expect((await api("/api/v1/digest", { headers: reader.headers })).status).toBe(200);
    expect(await demand(reader.userId)).toEqual(["retention", "value"]);
  });
});
