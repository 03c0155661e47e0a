/**
 * The stored results of retention, cohorts, retention by category and customer value by category
 * (services/metricCache.ts) stay exact: after each kind of write, the answer served (from the cache, or recomputed where the
 * triggers dropped it) equals the answer computed from scratch with the cache emptied. Also: a
 * warm read is served from the cache (a row exists), and managers get their own scope.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ADMIN, api, createSurvey } from "../helpers";
import { answer, makeAccount, makeContact, makeUser, makeWave, tag } from "./retention-fixtures";

async function fresh(path: string, headers: Record<string, string>) {
  await env.DB.prepare("DELETE FROM metric_cache").run();
  const r = await api(path, { headers });
  expect(r.status, path).toBe(200);
  return r.body;
}

/** Warm every path first, make the change, then the served answer must equal a fresh computation. */
async function expectExactAfter(paths: [string, Record<string, string>][], change: () => Promise<unknown>, step: string) {
  for (const [p, h] of paths) expect((await api(p, { headers: h })).status).toBe(200);
  const stored = await env.DB.prepare("SELECT count(*) AS n FROM metric_cache").first<{ n: number }>();
  expect(stored?.n, `${step}: warmed`).toBeGreaterThanOrEqual(paths.length);
  await change();
  // Every served body first: fresh() empties the stored results, so a path read after it would be
  // computed anew whatever the triggers did.
  const served = [];
  for (const [p, h] of paths) served.push((await api(p, { headers: h })).body);
  for (const [i, [p, h]] of paths.entries()) expect(served[i], `${step}: ${p}`).toEqual(await fresh(p, h));
}

describe("metric cache", () => {
  it("serves retention, cohorts, retention by category and customer value exactly through every kind of change", async () => {
    const survey = await createSurvey({ kind: "nps" });
    const segment = tag("cache");
    const m = await makeUser("manager");
    const other = await makeUser("manager");
    const ids: string[] = [];
    const people: string[] = [];
    for (let i = 0; i < 8; i++) {
      const a = await makeAccount({
        name: `Cache ${i}`,
        segment,
        startedOn: `202${3 + (i % 3)}-0${1 + (i % 6)}-15`,
        churnedOn: i % 4 === 3 ? `2025-0${1 + i / 4}-20` : null,
        managerUserId: i % 2 ? m.userId : other.userId,
        mrrCents: 1000 + i * 100,
        mrr: [[`202${3 + (i % 3)}-0${1 + (i % 6)}-15`, 1000 + i * 100]],
      });
      ids.push(a);
      const c = await makeContact(a);
      people.push(c);
      await answer(survey.id, c, (i * 4) % 11, "2024-03-10T10:00:00Z");
      await answer(survey.id, c, (i * 7) % 11, "2025-02-10T10:00:00Z");
    }
    const wave = await makeWave(survey.id, "2025-02", "2025-02-01T00:00:00Z", "2025-02-28T00:00:00Z");
    const q = `segment=${segment}`;
    const paths: [string, Record<string, string>][] = [
      [`/api/v1/metrics/retention?interval=quarter&from=2024-01-01&to=2026-12-01&${q}`, ADMIN],
      [`/api/v1/metrics/retention?interval=month&from=2025-01-01&to=2026-01-01&${q}`, m.headers],
      [`/api/v1/metrics/cohorts?from=2023-01-01&to=2026-12-01&${q}`, ADMIN],
      [`/api/v1/metrics/cohorts?from=2023-01-01&to=2026-12-01`, m.headers],
      [`/api/v1/metrics/retention-by-category?surveyId=${survey.id}&periods=half&horizonMonths=6&${q}`, ADMIN],
      [`/api/v1/metrics/retention-by-category?surveyId=${survey.id}&periods=wave&horizonMonths=3&${q}`, ADMIN],
      [`/api/v1/metrics/retention-by-category?surveyId=${survey.id}&periods=half`, m.headers],
      // Customer value reads the answers as by category does and the MRR history as retention does.
      [`/api/v1/metrics/value-by-category?surveyId=${survey.id}&periods=half&${q}`, ADMIN],
      [`/api/v1/metrics/value-by-category?surveyId=${survey.id}&periods=wave&${q}`, ADMIN],
      [`/api/v1/metrics/value-by-category?surveyId=${survey.id}`, m.headers],
    ];
    const run = (sql: string, ...args: unknown[]) =>
      env.DB.prepare(sql)
        .bind(...args)
        .run();
    await expectExactAfter(
      paths,
      () => makeAccount({ name: "Cache new", segment, startedOn: "2024-05-01", mrr: [["2024-05-01", 700]] }),
      "account created",
    );
    await expectExactAfter(paths, () => run("UPDATE accounts SET churned_on = '2025-04-01' WHERE id = ?", ids[0]), "churned");
    await expectExactAfter(paths, () => run("UPDATE accounts SET churned_on = NULL WHERE id = ?", ids[3]), "churn undone");
    await expectExactAfter(paths, () => run("UPDATE accounts SET started_on = '2023-02-01' WHERE id = ?", ids[1]), "start moved");
    await expectExactAfter(
      paths,
      () => run("INSERT INTO account_mrr (account_id, effective_on, mrr_cents) VALUES (?, '2025-03-01', 2500)", ids[2]),
      "MRR change",
    );
    await expectExactAfter(
      paths,
      () => run("INSERT INTO account_mrr (account_id, effective_on, mrr_cents) VALUES (?, '2020-01-01', 50)", ids[4]),
      "MRR row before the first",
    );
    await expectExactAfter(
      paths,
      () => run("DELETE FROM account_mrr WHERE account_id = ? AND effective_on = '2025-03-01'", ids[2]),
      "MRR row deleted",
    );
    await expectExactAfter(
      paths,
      () => run("INSERT INTO account_mrr (account_id, effective_on, mrr_cents) VALUES (?, '2025-06-01', 4200)", ids[1]),
      "MRR change before a period's end (customer value's MRR then)",
    );
    await expectExactAfter(paths, () => run("UPDATE accounts SET manager_user_id = ? WHERE id = ?", m.userId, ids[0]), "manager reassigned");
    await expectExactAfter(paths, () => run("UPDATE accounts SET segment = 'elsewhere' WHERE id = ?", ids[5]), "segment changed");
    await expectExactAfter(paths, () => answer(survey.id, people[6]!, 0, "2025-02-20T10:00:00Z"), "answer replaced in a closed half and wave");
    await expectExactAfter(
      paths,
      () => answer(survey.id, people[7]!, 10, "2026-11-29T10:00:00Z", { waveId: wave }),
      "late answer tied to a closed wave",
    );
    await expectExactAfter(
      paths,
      () => run("UPDATE responses SET score = 1 WHERE contact_id = ? AND created_at = ?", people[1], Date.parse("2025-02-10T10:00:00Z")),
      "score edited",
    );
    await expectExactAfter(paths, () => run("DELETE FROM responses WHERE contact_id = ?", people[2]), "erasure");
    await expectExactAfter(paths, () => run("UPDATE responses SET bucket_half = '2025-07-01' WHERE contact_id = ?", people[3]), "rebucketed");
    await expectExactAfter(paths, () => run("DELETE FROM accounts WHERE id = ?", ids[6]), "account deleted");
  }, 180_000);

  it("answers a warm read from the stored body, and keeps managers' scopes apart", async () => {
    const segment = tag("warm");
    const m = await makeUser("manager");
    await makeAccount({ name: "W1", segment, startedOn: "2024-01-01", managerUserId: m.userId });
    await makeAccount({ name: "W2", segment, startedOn: "2024-01-01" });
    const path = `/api/v1/metrics/cohorts?from=2024-01-01&to=2024-04-01&segment=${segment}`;
    const admin = await api(path, { headers: ADMIN });
    const manager = await api(path, { headers: m.headers });
    expect(admin.body.cohorts[0].size).toBe(2);
    expect(manager.body.cohorts[0].size).toBe(1);
    // The stored body is what a warm read returns: altering it (never done by the app) shows it is read.
    await env.DB.prepare("UPDATE metric_cache SET body = json_set(body, '$.cohorts[0].size', 99) WHERE key LIKE ? AND key NOT LIKE '%usr_%'")
      .bind(`cohorts:%${segment}%`)
      .run();
    expect((await api(path, { headers: ADMIN })).body.cohorts[0].size).toBe(99);
    expect((await api(path, { headers: m.headers })).body.cohorts[0].size).toBe(1);
  });
});
