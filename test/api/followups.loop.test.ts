/**
 * Close the loop (issue points 1–3): every detractor answer is a follow-up item owned by the
 * account's manager, with names, a due day, an overdue flag and counts; only people who can act
 * can own an item; a manager takes items in their scope; resolving keeps (or sets) the owner.
 */
import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as schema from "../../worker/db/schema";
import { addWorkingDays } from "../../worker/metrics/followups";
import { createUser, db, sessionAs } from "../auth-helpers";
import { ADMIN, api, createSurvey, submit } from "../helpers";
import { answer, insertAccount } from "../scope-helpers";

const ids = (body: { data: { responseId: string }[] }) => body.data.map((x) => x.responseId);

describe("silent detractors are follow-up items (point 1)", () => {
  it("a detractor with no comment appears in the queue, owned by the account's manager, with a due day", async () => {
    const m = await sessionAs("manager");
    const s = await createSurvey();
    const acc = await insertAccount("Silent Co", m.user.id);
    const silent = await answer(s.id, acc, 2);
    const promoter = await answer(s.id, acc, 10);
    const list = await api(`/api/v1/comments?surveyId=${s.id}`, { headers: m.read });
    expect(list.status).toBe(200);
    expect(ids(list.body)).toEqual([silent.id]); // the silent promoter is not a to-do
    const item = list.body.data[0];
    expect(item.comment).toBeNull();
    expect(item.followup).toMatchObject({
      status: "open",
      ownerUserId: m.user.id,
      owner: { id: m.user.id, name: `manager ${m.user.id}` },
      overdue: false,
    });
    const row = await db.select().from(schema.responses).where(eq(schema.responses.id, silent.id)).get();
    expect(item.followup.dueOn).toBe(addWorkingDays(row!.createdAt.toISOString().slice(0, 10), 2));
    expect((await api(`/api/v1/followups/${promoter.id}`, { headers: m.read })).body.status).toBeNull();
  });

  it("an anonymous detractor is unassigned and visible to admins only", async () => {
    const m = await sessionAs("manager");
    const s = await createSurvey();
    const anon = await answer(s.id, null, 0);
    const adminView = await api(`/api/v1/comments?surveyId=${s.id}&owner=none`, { headers: ADMIN });
    expect(ids(adminView.body)).toEqual([anon.id]);
    expect(adminView.body.data[0].followup).toMatchObject({ status: "open", ownerUserId: null, owner: null });
    expect(ids((await api(`/api/v1/comments?surveyId=${s.id}`, { headers: m.read })).body)).toEqual([]);
    expect((await api(`/api/v1/followups/${anon.id}`, { headers: m.read })).status).toBe(404);
  });

  it("a score changed to a detractor's opens an item; an account changing hands takes its open items along", async () => {
    const m1 = await sessionAs("manager");
    const m2 = await createUser("manager");
    const s = await createSurvey();
    const acc = await insertAccount("Moving Co", m1.user.id);
    const r = await answer(s.id, acc, 9);
    expect((await api(`/api/v1/followups/${r.id}`, { headers: ADMIN })).body.status).toBeNull();
    const edit = await submit(s.id, { id: r.id, score: 4, editToken: r.editToken });
    expect(edit.status).toBeLessThan(300);
    expect((await api(`/api/v1/followups/${r.id}`, { headers: ADMIN })).body).toMatchObject({ status: "open", ownerUserId: m1.user.id });
    const moved = await api(`/api/v1/accounts/${acc.id}`, { method: "PATCH", headers: ADMIN, body: { managerUserId: m2.id } });
    expect(moved.status).toBe(200);
    expect((await api(`/api/v1/followups/${r.id}`, { headers: ADMIN })).body).toMatchObject({ ownerUserId: m2.id, owner: { id: m2.id } });
  });

  it("history imported from another tool is not a to-do list", async () => {
    const s = await createSurvey();
    const res = await api(`/api/v1/surveys/${s.id}/responses`, { headers: ADMIN, body: { id: crypto.randomUUID(), score: 1 } });
    expect(res.status).toBe(201);
    await env.DB.prepare("UPDATE responses SET channel = 'import' WHERE id = ?").bind(res.body.id).run();
    const imported = crypto.randomUUID();
    await env.DB.prepare(
      "INSERT INTO responses (id, survey_id, score, channel, bucket_month, bucket_quarter, bucket_half, created_at, updated_at) VALUES (?, ?, 2, 'import', '2024-01-01', '2024-01-01', '2024-01-01', 1704100000000, 1704100000000)",
    )
      .bind(imported, s.id)
      .run();
    expect((await api(`/api/v1/followups/${imported}`, { headers: ADMIN })).body.ownerUserId).toBeNull();
    expect(await db.select().from(schema.followups).where(eq(schema.followups.responseId, imported)).get()).toBeUndefined();
  });
});

describe("ownership (point 2)", () => {
  it("a manager takes an item in their scope, cannot hand it to others, and finds it under Owner: me after resolving", async () => {
    const m = await sessionAs("manager");
    const other = await createUser("manager");
    const admin = await createUser("admin");
    const s = await createSurvey();
    const acc = await insertAccount("Taken Co", m.user.id);
    const r = await answer(s.id, acc, 3);
    expect((await api(`/api/v1/followups/${r.id}`, { method: "PATCH", headers: ADMIN, body: { ownerUserId: null } })).status).toBe(200);

    const toOther = await api(`/api/v1/followups/${r.id}`, { method: "PATCH", headers: m.write, body: { ownerUserId: admin.id } });
    expect(toOther.status).toBe(403);
    expect(toOther.body.error.field).toBe("ownerUserId");

    const take = await api(`/api/v1/followups/${r.id}`, { method: "PATCH", headers: m.write, body: { ownerUserId: m.user.id } });
    expect(take.status).toBe(200);
    expect(take.body.owner).toEqual({ id: m.user.id, name: `manager ${m.user.id}` });

    const done = await api(`/api/v1/followups/${r.id}`, { method: "PATCH", headers: m.write, body: { status: "resolved" } });
    expect(done.body).toMatchObject({ status: "resolved", ownerUserId: m.user.id, overdue: false });
    expect(done.body.resolvedAt).not.toBeNull();
    expect(ids((await api(`/api/v1/comments?surveyId=${s.id}&owner=me`, { headers: m.read })).body)).toEqual([r.id]);

    // An admin cannot make another manager (not this account's) or a viewer the owner.
    const viewer = await createUser("viewer");
    for (const ownerUserId of [other.id, viewer.id]) {
      const res = await api(`/api/v1/followups/${r.id}`, { method: "PATCH", headers: ADMIN, body: { ownerUserId } });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: "invalid_owner", field: "ownerUserId" });
    }
    expect((await api(`/api/v1/followups/${r.id}`, { method: "PATCH", headers: ADMIN, body: { ownerUserId: admin.id } })).status).toBe(200);
  });

  it("resolving an item nobody held makes the resolver its owner; reopening clears resolvedAt", async () => {
    const a = await sessionAs("admin");
    const s = await createSurvey();
    const r = await answer(s.id, null, 5, "meh");
    const done = await api(`/api/v1/followups/${r.id}`, { method: "PATCH", headers: a.write, body: { status: "resolved" } });
    expect(done.body).toMatchObject({ status: "resolved", ownerUserId: a.user.id });
    const again = await api(`/api/v1/followups/${r.id}`, { method: "PATCH", headers: a.write, body: { status: "open" } });
    expect(again.body).toMatchObject({ status: "open", resolvedAt: null, ownerUserId: a.user.id });
  });

  it("a manager cannot touch another manager's item, and a viewer cannot write", async () => {
    const m = await sessionAs("manager");
    const v = await sessionAs("viewer");
    const other = await createUser("manager");
    const s = await createSurvey();
    const r = await answer(s.id, await insertAccount("Not mine", other.id), 1);
    expect((await api(`/api/v1/followups/${r.id}`, { method: "PATCH", headers: m.write, body: { ownerUserId: m.user.id } })).status).toBe(404);
    expect((await api(`/api/v1/followups/${r.id}`, { method: "PATCH", headers: v.write, body: { status: "resolved" } })).status).toBe(403);
  });
});

describe("due days, overdue and counts (point 3)", () => {
  it("an item past its due day is overdue, filterable and counted; resolving it clears the flag", async () => {
    const m = await sessionAs("manager");
    const s = await createSurvey();
    const acc = await insertAccount("Late Co", m.user.id);
    const late = await answer(s.id, acc, 2, "nobody called");
    const fresh = await answer(s.id, acc, 1);
    await env.DB.prepare("UPDATE followups SET due_on = '2020-01-02' WHERE response_id = ?").bind(late.id).run();

    const before = await api("/api/v1/followups/summary", { headers: m.read });
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ open: 2, overdue: 1, mine: 2, mineOverdue: 1, unassigned: 0 });

    const overdue = await api(`/api/v1/comments?surveyId=${s.id}&overdue=1`, { headers: m.read });
    expect(ids(overdue.body)).toEqual([late.id]);
    expect(overdue.body.data[0].followup).toMatchObject({ overdue: true, dueOn: "2020-01-02" });
    expect(ids((await api(`/api/v1/comments?surveyId=${s.id}&overdue=0`, { headers: m.read })).body)).toEqual([fresh.id]);
    expect((await api(`/api/v1/comments?surveyId=${s.id}&overdue=yes`, { headers: m.read })).status).toBe(400);

    await api(`/api/v1/followups/${late.id}`, { method: "PATCH", headers: m.write, body: { status: "resolved" } });
    expect((await api(`/api/v1/followups/${late.id}`, { headers: m.read })).body.overdue).toBe(false);
    expect((await api("/api/v1/followups/summary", { headers: m.read })).body).toMatchObject({ open: 1, overdue: 0 });
  });

  it("the due delay is a workspace setting (admins write it, bounded)", async () => {
    const get = await api("/api/v1/settings", { headers: ADMIN });
    expect(get.body).toMatchObject({ followupDueWorkingDays: 2 });
    for (const body of [{ followupDueWorkingDays: 0 }, { followupDueWorkingDays: 31 }, { followupDueWorkingDays: 1.5 }, {}, { other: 1 }]) {
      const res = await api("/api/v1/settings", { method: "PATCH", headers: ADMIN, body });
      expect(res.status).toBe(400);
    }
    const m = await sessionAs("manager");
    expect((await api("/api/v1/settings", { method: "PATCH", headers: m.write, body: { followupDueWorkingDays: 5 } })).status).toBe(403);
    expect(
      (await api("/api/v1/settings", { method: "PATCH", headers: ADMIN, body: { followupDueWorkingDays: 5 } })).body.followupDueWorkingDays,
    ).toBe(5);
    const s = await createSurvey();
    const r = await answer(s.id, null, 0);
    const row = await db.select().from(schema.responses).where(eq(schema.responses.id, r.id)).get();
    expect((await api(`/api/v1/followups/${r.id}`, { headers: ADMIN })).body.dueOn).toBe(
      addWorkingDays(row!.createdAt.toISOString().slice(0, 10), 5),
    );
    await api("/api/v1/settings", { method: "PATCH", headers: ADMIN, body: { followupDueWorkingDays: 2 } });
  });

  it("the trigger's SQL due day equals addWorkingDays() for every weekday and delay", async () => {
    const s = await createSurvey();
    const start = Date.parse("2026-03-01T12:00:00Z"); // a Sunday
    for (const n of [1, 2, 3, 4, 5, 6, 9, 10, 11]) {
      await env.DB.prepare(
        "INSERT INTO settings (key, value) VALUES ('followup_due_working_days', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      )
        .bind(String(n))
        .run();
      for (let d = 0; d < 7; d++) {
        const at = start + d * 86_400_000;
        const id = crypto.randomUUID();
        await env.DB.prepare(
          "INSERT INTO responses (id, survey_id, score, channel, bucket_month, bucket_quarter, bucket_half, created_at, updated_at) VALUES (?, ?, 3, 'api', '2026-03-01', '2026-01-01', '2026-01-01', ?, ?)",
        )
          .bind(id, s.id, at, at)
          .run();
        const row = await env.DB.prepare("SELECT due_on FROM followups WHERE response_id = ?").bind(id).first<{ due_on: string }>();
        expect(row?.due_on, `n=${n} day=${d}`).toBe(addWorkingDays(new Date(at).toISOString().slice(0, 10), n));
      }
    }
    await env.DB.prepare("DELETE FROM settings WHERE key = 'followup_due_working_days'").run();
  });
});
