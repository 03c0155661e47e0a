import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import { enqueueEvents } from "../../worker/jobs/webhooks";
import { groupCommit, MAX_BATCH } from "../../worker/services/groupCommit";
import { recordResponse } from "../../worker/services/recordResponse";
import { findSurvey } from "../../worker/services/surveys";
import { ADMIN, api, createSurvey } from "../helpers";

/** env.DB with its `batch` replaced (every other method the binding's own). */
function withBatch(batch: (real: D1Database, stmts: D1PreparedStatement[]) => Promise<D1Result[]>): D1Database {
  return new Proxy(env.DB, {
    get(target, key) {
      if (key === "batch") return (stmts: D1PreparedStatement[]) => batch(target, stmts);
      const value = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** env.DB whose every batch commits, then loses its reply (group commit then runs each statement again alone). */
const replyLost = () =>
  withBatch(async (real, stmts) => {
    await real.batch(stmts);
    throw new Error("Network connection lost.");
  });

/** Runs `fn` with a webhook subscribed to the response events, deleted afterwards. */
async function withHook(fn: (hookId: string) => Promise<void>) {
  const hook = await api("/api/v1/webhooks", {
    headers: ADMIN,
    body: { url: "http://127.0.0.1:9/hook", events: ["response.created", "response.updated", "response.detractor"] },
  });
  expect(hook.status).toBe(201);
  try {
    await fn(hook.body.id);
  } finally {
    expect((await api(`/api/v1/webhooks/${hook.body.id}`, { method: "DELETE", headers: ADMIN })).status).toBe(204);
  }
}

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

  it("a batch whose leader is gone (its request cancelled mid-batch) does not hold up the isolate: its statements run again", async () => {
    await env.DB.exec("CREATE TABLE IF NOT EXISTS gc_lost (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)");
    let calls = 0;
    // The first batch never answers, as when workerd cancels the request that sent it.
    const db = withBatch((real, stmts) => (++calls === 1 ? new Promise<D1Result[]>(() => {}) : real.batch(stmts)));
    const stmt = (i: number) => env.DB.prepare("INSERT INTO gc_lost (id, v) VALUES (?, ?) ON CONFLICT DO NOTHING RETURNING id").bind(i, i);
    const staleMs = 50;
    void groupCommit(db, stmt(1), { staleMs }); // leads; it never returns, like its cancelled request
    const results = await Promise.all([groupCommit(db, stmt(2), { staleMs }), groupCommit(db, stmt(3), { staleMs })]);
    expect(results.map((r) => r.results)).toEqual([[{ id: 2 }], [{ id: 3 }]]);
    // The lost batch's statement ran again, in the batch that took over.
    expect(calls).toBe(2);
    const rows = await env.DB.prepare("SELECT id FROM gc_lost ORDER BY id").all();
    expect(rows.results).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    // And the isolate's group commit goes on.
    expect((await groupCommit(db, stmt(4), { staleMs })).results).toEqual([{ id: 4 }]);
  });

  it("the leader hands its batch to the request's waitUntil, so the batch outlives a client that leaves", async () => {
    await env.DB.exec("CREATE TABLE IF NOT EXISTS gc_defer (id INTEGER PRIMARY KEY)");
    const deferred: Promise<unknown>[] = [];
    const defer = (work: Promise<unknown>) => void deferred.push(work);
    const stmt = (i: number) => env.DB.prepare("INSERT INTO gc_defer (id) VALUES (?) RETURNING id").bind(i);
    const results = await Promise.all([1, 2, 3].map((i) => groupCommit(env.DB, stmt(i), { defer })));
    expect(results.map((r) => r.results)).toEqual([[{ id: 1 }], [{ id: 2 }], [{ id: 3 }]]);
    // One hand-off per batch, by its leader only (here: the first alone, then the two that waited).
    expect(deferred).toHaveLength(2);
    await Promise.all(deferred);
  });

  it("an answer committed by a batch whose reply was lost is still a creation: 201 with its edit token, stored once", async () => {
    const s = await createSurvey();
    // The batch commits, then its reply is lost; group commit runs each statement again alone.
    const db = createDb(replyLost());
    const survey = await findSurvey(db, s.id);
    const id = crypto.randomUUID();
    const out = await recordResponse(db, survey, { id, score: 3, comment: "Trop lent" }, { timeZone: "UTC", channel: "api" });
    expect(out.created).toBe(true);
    expect(out.editToken).toMatch(/^[A-Za-z0-9_-]{22,64}$/);
    expect(out.response).toMatchObject({ id, score: 3, comment: "Trop lent" });
    // The token it returns is the one that lets the respondent change the answer.
    const patch = await api(`/api/v1/surveys/${s.id}/responses/${id}`, {
      method: "PATCH",
      body: { comment: "Trop lent, et cher", editToken: out.editToken },
    });
    expect(patch.status).toBe(200);
    const rows = await env.DB.prepare("SELECT count(*) AS n, max(comment) AS c FROM responses WHERE id = ?").bind(id).first();
    expect(rows).toEqual({ n: 1, c: "Trop lent, et cher" });
  });

  it("an answer sent with its own edit token, committed by a batch whose reply was lost, is a creation: its detractor alert goes out", async () => {
    const s = await createSurvey();
    await withHook(async (hookId) => {
      // Only the answer's batch loses its reply; the webhook enqueue after it goes through.
      let calls = 0;
      const db = createDb(
        withBatch(async (real, stmts) => {
          const results = await real.batch(stmts);
          if (++calls === 1) throw new Error("Network connection lost.");
          return results;
        }),
      );
      const survey = await findSurvey(db, s.id);
      const id = crypto.randomUUID();
      const editToken = `client-token-${id}`;
      const out = await recordResponse(db, survey, { id, score: 2, editToken }, { timeZone: "UTC", channel: "api" });
      expect(out.created).toBe(true);
      expect(out.editToken).toBe(editToken);
      // A new detractor: created and detractor, as for any answer; not an update of itself.
      const events = await env.DB.prepare("SELECT event FROM webhook_deliveries WHERE webhook_id = ? AND payload LIKE ? ORDER BY event")
        .bind(hookId, `%${id}%`)
        .all<{ event: string }>();
      expect(events.results.map((e) => e.event)).toEqual(["response.created", "response.detractor"]);
      const row = await env.DB.prepare("SELECT count(*) AS n, max(score) AS score FROM responses WHERE id = ?").bind(id).first();
      expect(row).toEqual({ n: 1, score: 2 });
    });
  });

  it("an event whose enqueue batch committed but lost its reply is queued once per hook, and still handed on", async () => {
    const s = await createSurvey();
    await withHook(async (hookId) => {
      // Every batch commits, then loses its reply: the answer's INSERT and the enqueue both run twice.
      const db = createDb(replyLost());
      const survey = await findSurvey(db, s.id);
      const id = crypto.randomUUID();
      const out = await recordResponse(db, survey, { id, score: 1, editToken: `client-token-${id}` }, { timeZone: "UTC", channel: "api" });
      expect(out.created).toBe(true);
      const rows = await env.DB.prepare(
        "SELECT event, count(*) AS n, count(DISTINCT json_extract(payload, '$.id')) AS events FROM webhook_deliveries WHERE webhook_id = ? AND payload LIKE ? GROUP BY event ORDER BY event",
      )
        .bind(hookId, `%${id}%`)
        .all();
      expect(rows.results).toEqual([
        { event: "response.created", n: 1, events: 1 },
        { event: "response.detractor", n: 1, events: 1 },
      ]);
      // The caller gets the deliveries the first run stored, to send them (not an empty list).
      const direct = await enqueueEvents(db, [{ event: "response.updated", data: { probe: id } }], null);
      expect(direct).toHaveLength(1);
      const stored = await env.DB.prepare("SELECT id FROM webhook_deliveries WHERE webhook_id = ? AND event = 'response.updated' AND payload LIKE ?")
        .bind(hookId, `%${id}%`)
        .all<{ id: string }>();
      expect(stored.results.map((r) => r.id)).toEqual(direct);
    });
  });

  it("a retry of someone's stored answer is still not a creation (no edit token for the retry)", async () => {
    const s = await createSurvey();
    const id = crypto.randomUUID();
    const first = await api<{ editToken?: string }>(`/api/v1/surveys/${s.id}/responses`, { body: { id, score: 8 } });
    expect(first.status).toBe(201);
    const retry = await api<{ editToken?: string }>(`/api/v1/surveys/${s.id}/responses`, { body: { id, score: 8 } });
    expect(retry.status).toBe(200);
    expect(retry.body.editToken).toBeUndefined();
  });
});
