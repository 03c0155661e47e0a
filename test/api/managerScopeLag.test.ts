/**
 * A manager's time-ordered lists (services/scope.ts, responsesInScopeInTimeOrder) find answers
 * through the manager copied onto each answer and check the account's manager row by row: when the
 * copy lags a reassignment, the former manager never sees the answer, and after reattribution
 * (what the API and the import do in the same request) the new one does.
 */
import { env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import type { Db, Principal } from "../../worker/env";
import { bucketOf } from "../../worker/metrics/buckets";
import { commentsPage } from "../../worker/services/commentsList";
import { reattributeAccounts } from "../../worker/services/scope";
import { createSurvey } from "../helpers";

const db = drizzle(env.DB) as unknown as Db;
const manager = (userId: string): Principal => ({ kind: "session", userId, role: "manager" });

describe("a manager's lists when the copied manager lags", () => {
  it("never show an answer to its account's former manager, and show it to the new one once reattributed", async () => {
    const s = (await createSurvey()).id;
    const at = Date.parse("2025-05-01T10:00:00Z");
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO users (id, email, name, role) VALUES ('usr_lag_a', 'lag-a@corp.test', 'A', 'manager'), ('usr_lag_b', 'lag-b@corp.test', 'B', 'manager')",
      ),
      env.DB.prepare(
        "INSERT INTO accounts (id, name, manager_user_id, segment, mrr_cents, started_on) VALUES ('acc-lag', 'Lag', 'usr_lag_a', 'seg', 100, '2024-01-01')",
      ),
      env.DB.prepare(
        `INSERT INTO responses (id, survey_id, score, comment, channel, locale, account_id, segment, manager_user_id, bucket_month, bucket_quarter, bucket_half, created_at, updated_at)
         VALUES ('lag-1', ?, 3, 'très lent', 'widget', 'fr', 'acc-lag', 'seg', 'usr_lag_a', ?, ?, ?, ?, ?)`,
      ).bind(s, bucketOf(at, "month", "UTC"), bucketOf(at, "quarter", "UTC"), bucketOf(at, "half", "UTC"), at, at),
    ]);
    const seen = async (who: string, q?: string) => {
      const ways = q ? (["walk", "collect"] as const) : (["auto"] as const);
      const out = new Set<string>();
      for (const strategy of ways) {
        const page = await commentsPage(db, manager(who), { surveyId: s, q }, "UTC", { order: "desc", before: null, limit: 10, strategy });
        out.add(JSON.stringify(page.rows.map((r) => r.responseId)));
      }
      expect(out.size, `${who} ${q}: the walk and the collect agree`).toBe(1);
      return JSON.parse([...out][0]!) as string[];
    };
    expect(await seen("usr_lag_a")).toEqual(["lag-1"]);
    expect(await seen("usr_lag_a", "lent")).toEqual(["lag-1"]);
    // The account changes hands; its answer's copy is not rewritten yet.
    await env.DB.prepare("UPDATE accounts SET manager_user_id = 'usr_lag_b' WHERE id = 'acc-lag'").run();
    expect(await seen("usr_lag_a")).toEqual([]);
    expect(await seen("usr_lag_a", "lent")).toEqual([]);
    // The walk finds it by the copied manager, then the page's account check fails: the collect answers.
    const walked = await commentsPage(db, manager("usr_lag_a"), { surveyId: s, q: "lent" }, "UTC", {
      order: "desc",
      before: null,
      limit: 10,
      strategy: "walk",
    });
    expect([walked.servedBy, walked.rows]).toEqual(["collect", []]);
    await db.run(reattributeAccounts(["acc-lag"]));
    expect(await seen("usr_lag_b")).toEqual(["lag-1"]);
    expect(await seen("usr_lag_b", "lent")).toEqual(["lag-1"]);
    expect(await seen("usr_lag_a")).toEqual([]);
  });
});
