import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { groupCommit, MAX_BATCH } from "../../worker/services/groupCommit";
import { api, createSurvey } from "../helpers";

describe("group commit", () => {
  it("stores concurrent answers and concurrent retries exactly once", async () => {
    const s = await createSurvey();
    const ids = Array.from({ length: 40 }, () => crypto.randomUUID());
    // Every answer is sent twice at the same time, as a widget retrying after a lost reply would:
    // the same body, edit token included.
    const sends = [...ids, ...ids].map((id, i) =>
      api(`/api/v1/surveys/${s.id}/responses`, { body: { id, score: (i % 40) % 11, editToken: `tok-${id}` } }),
    );
    const results = await Promise.all(sends);
    expect(results.every((r) => r.status === 201 || r.status === 200)).toBe(true);
    expect(results.filter((r) => r.status === 201)).toHaveLength(40);
    const row = await env.DB.prepare("SELECT count(*) AS n, count(DISTINCT id) AS d FROM responses WHERE survey_id = ?")
      .bind(s.id)
      .first<{ n: number; d: number }>();
    expect(row).toEqual({ n: 40, d: 40 });
  });

  it("a failing statement fails alone; its batch-mates are committed", async () => {
    await env.DB.exec("CREATE TABLE IF NOT EXISTS gc_probe (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    const ok = (id: number) => env.DB.prepare("INSERT INTO gc_probe (id, v) VALUES (?, 'x') RETURNING id").bind(id);
    const bad = env.DB.prepare("INSERT INTO gc_probe (id, v) VALUES (?, NULL)").bind(999); // NOT NULL violation
    const outcomes = await Promise.allSettled([
      groupCommit(env.DB, ok(1)),
      groupCommit(env.DB, ok(2)),
      groupCommit(env.DB, bad),
      groupCommit(env.DB, ok(3)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    const rows = await env.DB.prepare("SELECT id FROM gc_probe ORDER BY id").all();
    expect(rows.results).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  it("more statements than one batch holds: each runs once, in a later batch, and reports its own result", async () => {
    await env.DB.exec("CREATE TABLE IF NOT EXISTS gc_many (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)");
    const n = MAX_BATCH * 2 + 17;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        groupCommit(env.DB, env.DB.prepare("INSERT INTO gc_many (id, v) VALUES (?, ?) ON CONFLICT DO NOTHING RETURNING id, v").bind(i, i * 3)),
      ),
    );
    // Each caller gets the row of its own statement back.
    expect(results.map((r) => r.results)).toEqual(Array.from({ length: n }, (_, i) => [{ id: i, v: i * 3 }]));
    const row = await env.DB.prepare("SELECT count(*) AS n, sum(v) AS s FROM gc_many").first<{ n: number; s: number }>();
    expect(row).toEqual({ n, s: (3 * n * (n - 1)) / 2 });
  });
});
