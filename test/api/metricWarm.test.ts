/**
 * The cron computes the retention views people read ahead of them (jobs/warmMetrics.ts): after a
 * change drops them, or on a new day, the next reader finds them stored, and what is stored is
 * what a fresh computation gives, in each reader's own scope.
 */
import { createScheduledController, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { DEMAND_DAYS, warmMetrics } from "../../worker/jobs/warmMetrics";
import { ADMIN, api, createSurvey } from "../helpers";
import { answer, makeAccount, makeContact, makeUser, tag } from "./retention-fixtures";

const count = async (table: string) => (await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())!.n;

/** A fresh computation: the stored results emptied first (they are put back by the read). */
async function fresh(path: string, headers: Record<string, string>) {
  await env.DB.prepare("DELETE FROM metric_cache").run();
  const r = await api(path, { headers });
  expect(r.status, path).toBe(200);
  return r.body;
}

async function setUp() {
  const survey = await createSurvey({ kind: "nps" });
  const segment = tag("warm");
  const m = await makeUser("manager");
  const other = await makeUser("manager");
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) {
    const id = await makeAccount({
      name: `Warm ${i}`,
      segment,
      startedOn: `202${3 + (i % 3)}-0${1 + i}-15`,
      churnedOn: i % 3 === 2 ? "2025-05-20" : null,
      managerUserId: i % 2 ? m.userId : other.userId,
      mrrCents: 1000 + i * 100,
      mrr: [[`202${3 + (i % 3)}-0${1 + i}-15`, 1000 + i * 100]],
    });
    ids.push(id);
    const c = await makeContact(id);
    await answer(survey.id, c, (i * 4) % 11, "2024-03-10T10:00:00Z");
    await answer(survey.id, c, (i * 7) % 11, "2025-02-10T10:00:00Z");
  }
  const q = `segment=${segment}`;
  const paths: [string, Record<string, string>][] = [
    [`/api/v1/metrics/retention?interval=quarter&from=2024-01-01&to=2026-12-01&${q}`, ADMIN],
    [`/api/v1/metrics/retention?interval=quarter&from=2024-01-01&to=2026-12-01&${q}`, m.headers],
    [`/api/v1/metrics/cohorts?from=2023-01-01&to=2026-12-01&${q}`, ADMIN],
    [`/api/v1/metrics/retention-by-category?surveyId=${survey.id}&periods=half&horizonMonths=6&${q}`, m.headers],
  ];
  return { survey, m, ids, paths };
}

describe("warming the retention views", () => {
  it("the cron computes again what a change dropped, exactly, in each reader's scope", async () => {
    const { ids, paths } = await setUp();
    const bodies = [];
    for (const [p, h] of paths) bodies.push((await api(p, { headers: h })).body);
    // Four reads, four views remembered (admin and manager read the same query: two scopes).
    expect(await count("metric_demand")).toBe(4);
    expect(bodies[0]).not.toEqual(bodies[1]);

    // A change that touches every view: the triggers drop all four stored results.
    await env.DB.prepare("UPDATE accounts SET churned_on = '2025-08-01' WHERE id = ?").bind(ids[1]).run();
    expect(await count("metric_cache")).toBe(0);

    const ctrl = createScheduledController({ scheduledTime: Date.now(), cron: "17 * * * *" });
    await worker.scheduled(ctrl, env);
    expect(await count("metric_cache")).toBe(4);

    // The readers now read back what the cron stored (no new row), and it is the exact answer.
    const served = [];
    for (const [p, h] of paths) {
      served.push((await api(p, { headers: h })).body);
      expect(await count("metric_cache"), p).toBe(4);
    }
    for (const [i, [p, h]] of paths.entries()) expect(served[i], p).toEqual(await fresh(p, h));
    // The churn is in the answer the cron stored (not yesterday's body).
    expect((await api(paths[0]![0], { headers: ADMIN })).body).not.toEqual(bodies[0]);
  });

  it("is bounded per run, safe to run twice, and forgets views nobody read lately or that can no longer be made", async () => {
    // The file's tests share one database: start from no remembered view.
    await env.DB.prepare("DELETE FROM metric_demand").run();
    const { survey, paths } = await setUp();
    for (const [p, h] of paths) expect((await api(p, { headers: h })).status).toBe(200);
    await env.DB.prepare("DELETE FROM metric_cache").run();
    const old = new Date(Date.now() - (DEMAND_DAYS + 2) * 86_400_000).toISOString().slice(0, 10);
    await env.DB.prepare("INSERT INTO metric_demand (key, kind, params, read_on) VALUES ('stale', 'retention', ?, ?)")
      .bind(JSON.stringify({ query: { interval: "month" }, scope: null }), old)
      .run();
    await env.DB.prepare("INSERT INTO metric_demand (key, kind, params, read_on) VALUES ('bad', 'cohorts', ?, ?)")
      .bind(JSON.stringify({ query: { from: "not a date" }, scope: null }), new Date().toISOString().slice(0, 10))
      .run();

    const first = await warmMetrics(env, Date.now(), 3);
    expect(first).toEqual({ computed: 3, fresh: 0, dropped: 1 });
    expect(await env.DB.prepare("SELECT key FROM metric_demand WHERE key IN ('stale', 'bad')").all()).toMatchObject({ results: [] });
    const second = await warmMetrics(env, Date.now(), 3);
    expect(second).toEqual({ computed: 1, fresh: 3, dropped: 0 });
    expect(await warmMetrics(env, Date.now(), 3)).toEqual({ computed: 0, fresh: 4, dropped: 0 });
    // The cron's own reads do not count as people's: the demand rows are the four read above.
    expect(await count("metric_demand")).toBe(4);

    // The survey gone (no route deletes one; an operator could): its view is forgotten, the others stay.
    await env.DB.prepare("DELETE FROM surveys WHERE id = ?").bind(survey.id).run();
    await env.DB.prepare("DELETE FROM metric_cache").run();
    expect(await warmMetrics(env, Date.now(), 10)).toEqual({ computed: 3, fresh: 0, dropped: 1 });
    expect(await count("metric_demand")).toBe(3);
  });
});

describe("warming customer value and the monthly review's views", () => {
  it("remembers what the value page and the review read, and the cron computes them again exactly", async () => {
    await env.DB.prepare("DELETE FROM metric_demand").run();
    const { survey, m, ids } = await setUp();
    await env.DB.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES ('default_survey_id', ?)").bind(JSON.stringify(survey.id)).run();
    const paths: [string, Record<string, string>][] = [
      [`/api/v1/metrics/value-by-category?surveyId=${survey.id}&periods=half`, ADMIN],
      [`/api/v1/metrics/value-by-category?surveyId=${survey.id}`, m.headers],
      ["/api/v1/digest", m.headers],
    ];
    for (const [p, h] of paths) expect((await api(p, { headers: h })).status, p).toBe(200);
    // Two value reads, and the review's two views (last quarter's retention, customer value) in
    // the manager's scope, the latter the same request as the manager's own value read.
    const remembered = await env.DB.prepare("SELECT kind, params FROM metric_demand ORDER BY kind, params").all<{ kind: string }>();
    expect(remembered.results.map((r) => r.kind)).toEqual(["retention", "value", "value"]);

    await env.DB.prepare("UPDATE accounts SET churned_on = '2025-08-01' WHERE id = ?").bind(ids[1]).run();
    expect(await count("metric_cache")).toBe(0);
    expect(await warmMetrics(env, Date.now())).toEqual({ computed: 3, fresh: 0, dropped: 0 });
    const stored = (await env.DB.prepare("SELECT key, computed_at FROM metric_cache ORDER BY key").all()).results;
    expect(stored).toHaveLength(3);

    // Readers read back what the cron stored (nothing computed again), and it is the exact answer.
    const served = [];
    for (const [p, h] of paths) served.push((await api(p, { headers: h })).body);
    expect((await env.DB.prepare("SELECT key, computed_at FROM metric_cache ORDER BY key").all()).results).toEqual(stored);
    for (const [i, [p, h]] of paths.entries()) expect(served[i], p).toEqual(await fresh(p, h));
    await env.DB.prepare("DELETE FROM settings WHERE key = 'default_survey_id'").run();
  });
});
