import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ADMIN, api, createSurvey, submit } from "../helpers";
import { bulkAccounts, bulkContacts, callers, makeUser, pastResponse, uniq } from "./accounts.fixtures";

describe("accounts bulk upsert", () => {
  it("creates, updates, leaves unchanged, and reports bad rows without writing them", async () => {
    const mgr = await makeUser("manager");
    const x = uniq("acme");
    const y = uniq("globex");
    const first = await bulkAccounts([
      { externalId: x, name: "Acme", startedOn: "2025-01-10", mrrCents: 10000, segment: "smb", managerEmail: mgr.email },
      { externalId: y, name: "Globex", startedOn: "2025-02-01" },
      { externalId: uniq("bad"), name: "No start" },
      { externalId: uniq("bad"), name: "Bad date", startedOn: "2025-02-30" },
      { externalId: x, name: "Acme again", startedOn: "2025-01-10" },
      { externalId: uniq("bad"), name: "Ghost manager", startedOn: "2025-01-01", managerEmail: "nobody@corp.test" },
      { externalId: uniq("bad"), name: "Churn before start", startedOn: "2025-05-01", churnedOn: "2025-04-01" },
      "not an object",
    ]);
    expect(first.created).toBe(2);
    expect(first.errors).toBe(6);
    expect(first.results.map((r: any) => r.status)).toEqual(["created", "created", "error", "error", "error", "error", "error", "error"]);
    expect(first.results[2].error).toMatchObject({ code: "required", field: "startedOn" });
    expect(first.results[3].error).toMatchObject({ code: "invalid_field", field: "startedOn" });
    expect(first.results[4].error).toMatchObject({ code: "duplicate_external_id", field: "externalId" });
    expect(first.results[5].error).toMatchObject({ code: "unknown_user", field: "managerEmail" });
    expect(first.results[6].error).toMatchObject({ code: "invalid_date", field: "churnedOn" });
    // The bad rows left nothing behind.
    const stored = await env.DB.prepare("SELECT count(*) AS n FROM accounts WHERE external_id LIKE 'bad-%'").first<{ n: number }>();
    expect(stored!.n).toBe(0);

    const acme = await api(`/api/v1/accounts/${first.results[0].id}`, { headers: ADMIN });
    expect(acme.body).toMatchObject({
      externalId: x,
      name: "Acme",
      managerUserId: mgr.id,
      segment: "smb",
      mrrCents: 10000,
      startedOn: "2025-01-10",
      churnedOn: null,
    });
    expect(acme.body.mrrHistory).toEqual([{ effectiveOn: "2025-01-10", mrrCents: 10000 }]);

    const second = await bulkAccounts([{ externalId: x, mrrCents: 12000, mrrEffectiveOn: "2025-06-01" }, { externalId: y }]);
    expect(second.results.map((r: any) => r.status)).toEqual(["updated", "unchanged"]);
    const after = await api(`/api/v1/accounts/${first.results[0].id}`, { headers: ADMIN });
    // Omitted fields kept; MRR change appended to the history.
    expect(after.body).toMatchObject({ name: "Acme", segment: "smb", mrrCents: 12000, managerUserId: mgr.id });
    expect(after.body.mrrHistory).toEqual([
      { effectiveOn: "2025-01-10", mrrCents: 10000 },
      { effectiveOn: "2025-06-01", mrrCents: 12000 },
    ]);
  });

  it("rejects an envelope over 1,000 rows", async () => {
    const rows = Array.from({ length: 1001 }, (_, i) => ({ externalId: `e${i}` }));
    const res = await api("/api/v1/accounts/bulk", { headers: ADMIN, body: { accounts: rows } });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("accounts");
  });
});

describe("accounts list and scores", () => {
  it("computes lastScore, previousScore, change and atRisk from half-year means, and paginates", async () => {
    const tag = uniq("seg");
    const ext = (n: string) => `${tag}-${n}`;
    const acc = await bulkAccounts([
      { externalId: ext("a"), name: `${tag} Alpha`, startedOn: "2024-01-01", segment: tag },
      { externalId: ext("b"), name: `${tag} Beta`, startedOn: "2024-01-01", segment: tag },
      { externalId: ext("c"), name: `${tag} Gamma`, startedOn: "2024-01-01", segment: tag, churnedOn: "2025-01-01" },
    ]);
    await bulkContacts([
      { externalId: ext("a1"), email: `${ext("a1")}@x.test`, accountExternalId: ext("a") },
      { externalId: ext("a2"), email: `${ext("a2")}@x.test`, accountExternalId: ext("a") },
      { externalId: ext("b1"), email: `${ext("b1")}@x.test`, accountExternalId: ext("b") },
    ]);
    const s = await createSurvey();
    const ids = await env.DB.prepare("SELECT id, external_id FROM contacts WHERE external_id LIKE ?")
      .bind(`${tag}-%`)
      .all<{ id: string; external_id: string }>();
    const idOf = Object.fromEntries(ids.results.map((r) => [r.external_id, r.id]));
    const answer = (contact: string, score: number, at: string) => pastResponse(s.id, idOf[contact]!, score, at);
    // Alpha: H1 mean (10 + 8) / 2 = 9 → H2 mean (6 + 8) / 2 = 7 → change −2, passive, not at risk…
    await answer(ext("a1"), 10, "2025-03-01");
    await answer(ext("a2"), 8, "2025-03-02");
    await answer(ext("a1"), 6, "2025-08-01");
    await answer(ext("a2"), 8, "2025-08-02");
    // Beta: 10 in H1, 7 in H2 → change −3 → at risk although passive.
    await answer(ext("b1"), 10, "2025-02-01");
    await answer(ext("b1"), 7, "2025-09-01");

    const list = await api(`/api/v1/accounts?segment=${tag}&surveyId=${s.id}`, { headers: ADMIN });
    expect(list.status).toBe(200);
    const byName = Object.fromEntries(list.body.data.map((a: any) => [a.name, a]));
    expect(byName[`${tag} Alpha`]).toMatchObject({
      lastScore: 7,
      previousScore: 9,
      change: -2,
      lastCategory: "passive",
      atRisk: false,
      lastResponseAt: "2025-08-02T12:00:00.000Z",
    });
    expect(byName[`${tag} Beta`]).toMatchObject({ lastScore: 7, previousScore: 10, change: -3, lastCategory: "passive", atRisk: true });
    expect(byName[`${tag} Gamma`]).toMatchObject({
      lastScore: null,
      previousScore: null,
      change: null,
      lastCategory: null,
      atRisk: false,
      churnedOn: "2025-01-01",
    });

    const risky = await api(`/api/v1/accounts?segment=${tag}&status=at_risk&surveyId=${s.id}`, { headers: ADMIN });
    expect(risky.body.data.map((a: any) => a.name)).toEqual([`${tag} Beta`]);
    const churned = await api(`/api/v1/accounts?segment=${tag}&status=churned`, { headers: ADMIN });
    expect(churned.body.data.map((a: any) => a.name)).toEqual([`${tag} Gamma`]);
    const active = await api(`/api/v1/accounts?segment=${tag}&status=active`, { headers: ADMIN });
    expect(active.body.data).toHaveLength(2);

    // A detractor mean makes an account at risk on its own: Alpha's a1 answers 2 in H2 → (2 + 8) / 2 = 5.
    await answer(ext("a1"), 2, "2025-10-01");
    const again = await api(`/api/v1/accounts?q=${encodeURIComponent(`${tag} Alpha`)}&surveyId=${s.id}`, { headers: ADMIN });
    expect(again.body.data[0]).toMatchObject({ lastScore: 5, lastCategory: "detractor", change: -4, atRisk: true });
    const detail = await api(`/api/v1/accounts/${again.body.data[0].id}`, { headers: ADMIN });
    expect(detail.body).toMatchObject({ lastScore: 5, previousScore: 9, lastCategory: "detractor", atRisk: true });
    expect(detail.body.responses).toHaveLength(5);

    // Cursor pagination: pages of 1 walk the three accounts in name order, without repeats.
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await api(`/api/v1/accounts?segment=${tag}&limit=1${cursor ? `&before=${cursor}` : ""}`, { headers: ADMIN });
      names.push(...page.body.data.map((a: any) => a.name));
      cursor = page.body.next;
    } while (cursor);
    expect(names).toEqual([`${tag} Alpha`, `${tag} Beta`, `${tag} Gamma`]);
    expect(acc.created).toBe(3);

    const bad = await api(`/api/v1/accounts?before=garbage`, { headers: ADMIN });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("before");
    const wildcard = await api(`/api/v1/accounts?q=%25`, { headers: ADMIN });
    expect(wildcard.body.data.every((a: any) => a.name.includes("%"))).toBe(true);
  });

  it("PATCH updates fields, appends MRR history and re-attributes responses to the new manager", async () => {
    const mgr = await makeUser("manager");
    const ext = uniq("patch");
    const acc = (await bulkAccounts([{ externalId: ext, name: "Patchy", startedOn: "2025-01-01", segment: "smb", mrrCents: 500 }])).results[0];
    await bulkContacts([{ externalId: `${ext}-c`, email: `${ext}@x.test`, accountExternalId: ext }]);
    const s = await createSurvey();
    await submit(s.id, { score: 9, contact: { id: `${ext}-c` } });
    const res = await api(`/api/v1/accounts/${acc.id}`, {
      method: "PATCH",
      headers: ADMIN,
      body: { managerUserId: mgr.id, segment: "enterprise", mrrCents: 900, mrrEffectiveOn: "2025-09-01", churnedOn: "2026-01-31", plan: "pro" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ managerUserId: mgr.id, segment: "enterprise", mrrCents: 900, churnedOn: "2026-01-31", plan: "pro" });
    const r = await env.DB.prepare("SELECT segment, manager_user_id FROM responses WHERE account_id = ?").bind(acc.id).first();
    expect(r).toEqual({ segment: "enterprise", manager_user_id: mgr.id });
    // The segment's figures are sums over the cube (migrations/0011): the answer moved there.
    const roll = await env.DB.prepare("SELECT sum(n) AS n FROM cube WHERE survey_id = ? AND interval = 'month' AND segment = 'enterprise'")
      .bind(s.id)
      .first<{ n: number }>();
    expect(roll!.n).toBe(1);
    const full = await api(`/api/v1/accounts/${acc.id}`, { headers: ADMIN });
    expect(full.body.mrrHistory).toEqual([
      { effectiveOn: "2025-01-01", mrrCents: 500 },
      { effectiveOn: "2025-09-01", mrrCents: 900 },
    ]);
    expect(full.body.contacts).toHaveLength(1);
    expect(full.body.responses).toHaveLength(1);

    for (const [body, field] of [
      [{ managerUserId: "usr_nobody" }, "managerUserId"],
      [{ churnedOn: "2024-01-01" }, "churnedOn"],
      [{ mrrCents: -1 }, "mrrCents"],
      [{ bogus: 1 }, ""],
    ] as const) {
      const bad = await api(`/api/v1/accounts/${acc.id}`, { method: "PATCH", headers: ADMIN, body });
      expect(bad.status, JSON.stringify(body)).toBe(400);
      if (field) expect(bad.body.error.field).toBe(field);
    }
  });
});

describe("accounts PATCH is all or nothing", () => {
  it("leaves the account, its MRR history and its answers as they were when the answers cannot follow", async () => {
    // The account row, its MRR history and its answers' copies of segment and manager change in
    // separate statements: a failure on the answers (a statement cut short, D1's time limit on a
    // large account) left the account with its new manager and its answers with the old one, so
    // neither manager's scope (copy and account must agree) showed those answers any more.
    const [before, after] = [await makeUser("manager"), await makeUser("manager")];
    const ext = uniq("atomic");
    const acc = (
      await bulkAccounts([{ externalId: ext, name: "Atomic", startedOn: "2025-01-01", segment: "smb", mrrCents: 500, managerUserId: before.id }])
    ).results[0];
    await bulkContacts([{ externalId: `${ext}-c`, email: `${ext}@x.test`, accountExternalId: ext }]);
    const s = await createSurvey();
    expect((await submit(s.id, { score: 9, contact: { id: `${ext}-c` } })).status).toBe(201);
    // A fault injected in D1 itself: the answers of this account refuse to change hands.
    const trigger = `test_refuse_${ext.replace(/\W/g, "_")}`;
    await env.DB.prepare(
      `CREATE TRIGGER ${trigger} BEFORE UPDATE OF manager_user_id ON responses WHEN NEW.account_id = '${acc.id}' BEGIN SELECT RAISE(ABORT, 'injected'); END`,
    ).run();
    try {
      const res = await api(`/api/v1/accounts/${acc.id}`, {
        method: "PATCH",
        headers: ADMIN,
        body: { managerUserId: after.id, mrrCents: 900, mrrEffectiveOn: "2025-09-01" },
      });
      expect(res.status).toBe(500);
    } finally {
      await env.DB.prepare(`DROP TRIGGER ${trigger}`).run();
    }
    const row = await env.DB.prepare("SELECT manager_user_id, mrr_cents FROM accounts WHERE id = ?").bind(acc.id).first();
    expect(row).toEqual({ manager_user_id: before.id, mrr_cents: 500 });
    const mrr = await env.DB.prepare("SELECT count(*) AS n FROM account_mrr WHERE account_id = ?").bind(acc.id).first<{ n: number }>();
    expect(mrr!.n).toBe(1);
    const answerRow = await env.DB.prepare("SELECT manager_user_id FROM responses WHERE account_id = ?").bind(acc.id).first();
    expect(answerRow).toEqual({ manager_user_id: before.id });
    // Without the fault the same request goes through, all of it.
    const ok = await api(`/api/v1/accounts/${acc.id}`, {
      method: "PATCH",
      headers: ADMIN,
      body: { managerUserId: after.id, mrrCents: 900, mrrEffectiveOn: "2025-09-01" },
    });
    expect(ok.status).toBe(200);
    expect(await env.DB.prepare("SELECT manager_user_id FROM responses WHERE account_id = ?").bind(acc.id).first()).toEqual({
      manager_user_id: after.id,
    });
  });
});

describe("permission matrix: every account and contact route", () => {
  it("admin writes, viewer reads, a manager sees only their accounts (404 for others)", async () => {
    const who = await callers();
    const tag = uniq("perm");
    const made = await bulkAccounts([
      { externalId: `${tag}-A`, name: `${tag} A`, startedOn: "2025-01-01", managerUserId: who.managerA.userId },
      { externalId: `${tag}-B`, name: `${tag} B`, startedOn: "2025-01-01", managerUserId: who.managerB.userId },
    ]);
    const [accA, accB] = made.results.map((r: any) => r.id);
    const people = await bulkContacts([
      { externalId: `${tag}-ca`, email: `${tag}-ca@x.test`, accountExternalId: `${tag}-A` },
      { externalId: `${tag}-cb`, email: `${tag}-cb@x.test`, accountExternalId: `${tag}-B` },
    ]);
    const [ctA, ctB] = people.results.map((r: any) => r.id);

    type Expect = Record<"admin" | "viewer" | "managerA" | "managerB", number>;
    const all = (n: number): Expect => ({ admin: n, viewer: n, managerA: n, managerB: n });
    const routes: { method: string; path: string; body?: unknown; expect: Expect }[] = [
      { method: "GET", path: `/api/v1/accounts?q=${tag}`, expect: all(200) },
      { method: "GET", path: `/api/v1/accounts/${accA}`, expect: { admin: 200, viewer: 200, managerA: 200, managerB: 404 } },
      {
        method: "PATCH",
        path: `/api/v1/accounts/${accA}`,
        body: { plan: "gold" },
        expect: { admin: 200, viewer: 403, managerA: 403, managerB: 403 },
      },
      {
        method: "POST",
        path: `/api/v1/accounts/bulk`,
        body: { accounts: [{ externalId: `${tag}-A` }] },
        expect: { admin: 200, viewer: 403, managerA: 403, managerB: 403 },
      },
      { method: "GET", path: `/api/v1/contacts?q=${tag}`, expect: all(200) },
      { method: "GET", path: `/api/v1/contacts/${ctA}`, expect: { admin: 200, viewer: 200, managerA: 200, managerB: 404 } },
      { method: "PATCH", path: `/api/v1/contacts/${ctA}`, body: { name: "Ann" }, expect: { admin: 200, viewer: 403, managerA: 403, managerB: 403 } },
      {
        method: "POST",
        path: `/api/v1/contacts/bulk`,
        body: { contacts: [{ externalId: `${tag}-ca` }] },
        expect: { admin: 200, viewer: 403, managerA: 403, managerB: 403 },
      },
      { method: "GET", path: `/api/v1/contacts/${ctA}/export`, expect: { admin: 200, viewer: 403, managerA: 200, managerB: 404 } },
      { method: "POST", path: `/api/v1/contacts/${ctB}/erase`, body: {}, expect: { admin: 200, viewer: 403, managerA: 403, managerB: 403 } },
    ];
    for (const r of routes) {
      // Erasure is last and admin goes last, so the others see the contact still there.
      for (const name of ["viewer", "managerA", "managerB", "admin"] as const) {
        const res = await api(r.path, { method: r.method, headers: who[name].headers, body: r.body });
        expect(res.status, `${name} ${r.method} ${r.path}: ${JSON.stringify(res.body)}`).toBe(r.expect[name]);
      }
    }
    // Lists are scoped: each manager sees their own account and contact only.
    const listA = await api(`/api/v1/accounts?q=${tag}`, { headers: who.managerA.headers });
    expect(listA.body.data.map((a: any) => a.id)).toEqual([accA]);
    const listB = await api(`/api/v1/accounts?q=${tag}`, { headers: who.managerB.headers });
    expect(listB.body.data.map((a: any) => a.id)).toEqual([accB]);
    const viewerList = await api(`/api/v1/accounts?q=${tag}`, { headers: who.viewer.headers });
    expect(viewerList.body.data).toHaveLength(2);
    // A manager filtering on another manager's id is refused (docs/SECURITY.md), not answered empty.
    const sneaky = await api(`/api/v1/accounts?q=${tag}&manager=${who.managerB.userId}`, { headers: who.managerA.headers });
    expect(sneaky.status).toBe(403);
    expect(sneaky.body.error).toMatchObject({ code: "forbidden", field: "manager" });
    const cA = await api(`/api/v1/contacts?q=${tag}`, { headers: who.managerA.headers });
    expect(cA.body.data.map((c: any) => c.id)).toEqual([ctA]);
    const unauth = await api(`/api/v1/accounts`);
    expect(unauth.status).toBe(401);
  });
});
