/**
 * `followup_counts` (migrations/0018) against the items themselves: after every kind of change an
 * item or its answer can go through (created by a detractor's answer or a note, moved between
 * open and contacted, resolved and reopened, given to someone, due another day, its owner deleted,
 * its account handed to another manager, its answer deleted, its contact erased, its survey
 * deleted), the table equals a GROUP BY over the unresolved items, and the follow-up summary of
 * every caller equals a count of the items in their scope, as it was computed before the table.
 */
import { env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import type { Db } from "../../worker/env";
import { reattributeAccounts } from "../../worker/services/scope";
import { createUser } from "../auth-helpers";
import { ADMIN, api, createSurvey } from "../helpers";
import { answer, apiKeyFor, insertAccount } from "../scope-helpers";

const db = drizzle(env.DB) as unknown as Db;
type Row = { manager: string; owner: string; due_on: string; open: number };

async function expectCountsMatchItems(step: string) {
  const kept = (await env.DB.prepare("SELECT manager, owner, due_on, open FROM followup_counts ORDER BY 1, 2, 3").all<Row>()).results;
  const items = (
    await env.DB.prepare(
      `SELECT coalesce(r.manager_user_id, '') AS manager, coalesce(f.owner_user_id, '') AS owner, coalesce(f.due_on, '') AS due_on, count(*) AS open
       FROM followups f JOIN responses r ON r.id = f.response_id WHERE f.status <> 'resolved' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    ).all<Row>()
  ).results;
  expect(kept, step).toEqual(items);
}

/** The summary as it was computed before the table: every unresolved item in the caller's scope. */
async function countedFromItems(userId: string | null, manager: string | null, today: string) {
  const me = userId ?? "\u0000nobody";
  const row = await env.DB.prepare(
    `SELECT count(*) AS open,
            coalesce(sum(f.due_on < ?1), 0) AS overdue,
            coalesce(sum(f.owner_user_id = ?2), 0) AS mine,
            coalesce(sum(f.owner_user_id = ?2 AND f.due_on < ?1), 0) AS mineOverdue,
            coalesce(sum(f.owner_user_id IS NULL), 0) AS unassigned
     FROM followups f JOIN responses r ON r.id = f.response_id
     WHERE f.status <> 'resolved' AND (?3 IS NULL OR r.account_id IN (SELECT id FROM accounts WHERE manager_user_id = ?3))`,
  )
    .bind(today, me, manager)
    .first<Record<string, number>>();
  return row!;
}

let ctx: Awaited<ReturnType<typeof world>>;

async function world() {
  const a = await createUser("manager", { name: "Count A" });
  const b = await createUser("manager", { name: "Count B" });
  const accA = await insertAccount("Count A's", a.id);
  const accB = await insertAccount("Count B's", b.id);
  const accNone = await insertAccount("Count nobody's", null);
  const survey = await createSurvey();
  const keys = { admin: ADMIN, a: await apiKeyFor("manager", a.id), b: await apiKeyFor("manager", b.id) };
  return { a, b, accA, accB, accNone, survey, keys };
}

async function expectSummaries(step: string, withB = true) {
  const today = (await api("/api/v1/followups/summary", { headers: ADMIN })).body.asOf as string;
  for (const [who, headers, userId, manager] of [
    ["admin", ctx.keys.admin, null, null],
    ["manager A", ctx.keys.a, ctx.a.id, ctx.a.id],
    ["manager B", ctx.keys.b, ctx.b.id, ctx.b.id],
  ] as const) {
    if (who === "manager B" && !withB) continue;
    const got = await api("/api/v1/followups/summary", { headers });
    expect(got.status).toBe(200);
    const { asOf: _, ...figures } = got.body;
    expect(figures, `${step}, ${who}`).toEqual(await countedFromItems(userId, manager, today));
  }
}

describe("followup_counts", () => {
  it("equals the unresolved items after every kind of change, and the summary equals a count of them", async () => {
    ctx = await world();
    const { accA, accB, accNone, survey } = ctx;
    // Detractors on every account and anonymous, a passive and a promoter.
    const r: { id: string }[] = [];
    for (const [acc, score] of [
      [accA, 2],
      [accA, 5],
      [accA, 0],
      [accB, 3],
      [accB, 6],
      [accNone, 1],
      [null, 4],
      [accA, 8],
      [accB, 10],
    ] as const)
      r.push(await answer(survey.id, acc, score, `comment ${score}`));
    await expectCountsMatchItems("detractors answered");
    await expectSummaries("detractors answered");

    const run = (q: string, ...p: unknown[]) =>
      env.DB.prepare(q)
        .bind(...p)
        .run();
    await run("UPDATE followups SET status = 'contacted' WHERE response_id = ?", r[0]!.id);
    await expectCountsMatchItems("open to contacted");
    await run("UPDATE followups SET status = 'resolved' WHERE response_id IN (?, ?)", r[1]!.id, r[3]!.id);
    await expectCountsMatchItems("resolved");
    await run("UPDATE followups SET status = 'open' WHERE response_id = ?", r[3]!.id);
    await expectCountsMatchItems("reopened");
    await run("UPDATE followups SET owner_user_id = ? WHERE response_id = ?", ctx.b.id, r[2]!.id);
    await run("UPDATE followups SET owner_user_id = NULL WHERE response_id = ?", r[4]!.id);
    await expectCountsMatchItems("owners changed");
    await run("UPDATE followups SET due_on = '2000-01-03' WHERE response_id IN (?, ?)", r[0]!.id, r[5]!.id);
    await run("UPDATE followups SET due_on = NULL WHERE response_id = ?", r[6]!.id);
    await expectCountsMatchItems("due days changed");
    await expectSummaries("after changes (some overdue)");

    // Through the API: a note on the passive opens an item; a manager takes one; one is resolved.
    expect((await api(`/api/v1/followups/${r[7]!.id}/notes`, { method: "POST", headers: ADMIN, body: { body: "call them" } })).status).toBe(201);
    expect((await api(`/api/v1/followups/${r[3]!.id}`, { method: "PATCH", headers: ctx.keys.b, body: { status: "resolved" } })).status).toBe(200);
    await expectCountsMatchItems("through the API");
    await expectSummaries("through the API");

    // The account changes hands (the API's way: the account, then its answers).
    await run("UPDATE accounts SET manager_user_id = ? WHERE id = ?", ctx.b.id, accA.id);
    await db.run(reattributeAccounts([accA.id]));
    await expectCountsMatchItems("account A handed to B");
    await expectSummaries("account A handed to B");
    await run("UPDATE accounts SET manager_user_id = NULL WHERE id = ?", accB.id);
    await db.run(reattributeAccounts([accB.id]));
    await expectCountsMatchItems("account B left without a manager");

    // Manager B's user is deleted: their items lose their owner (a foreign-key action).
    await run("DELETE FROM api_keys WHERE user_id = ?", ctx.b.id);
    await run("DELETE FROM sessions WHERE user_id = ?", ctx.b.id).catch(() => undefined);
    await run("DELETE FROM users WHERE id = ?", ctx.b.id);
    await expectCountsMatchItems("an owner deleted");

    // An answer deleted, a contact erased, then the whole survey.
    await run("DELETE FROM responses WHERE id = ?", r[2]!.id);
    await expectCountsMatchItems("an answer deleted");
    const contact = (await env.DB.prepare("SELECT contact_id FROM responses WHERE id = ?").bind(r[0]!.id).first<{ contact_id: string }>())!
      .contact_id;
    expect((await api(`/api/v1/contacts/${contact}/erase`, { method: "POST", headers: ADMIN, body: {} })).status).toBe(200);
    await expectCountsMatchItems("a contact erased");
    await expectSummaries("a contact erased", false);
    const left = (await env.DB.prepare("SELECT count(*) AS n FROM followup_counts").first<{ n: number }>())!.n;
    expect(left).toBeGreaterThan(0);
    await run("DELETE FROM surveys WHERE id = ?", survey.id);
    await expectCountsMatchItems("the survey deleted");
    expect((await env.DB.prepare("SELECT count(*) AS n FROM followup_counts").first<{ n: number }>())!.n).toBe(0);
  });
});
