/** Follow-ups: status, owner, notes; created on first touch. */
import { describe, expect, it } from "vitest";
import { createUser, sessionAs } from "../auth-helpers";
import { ADMIN, api, createSurvey } from "../helpers";
import { answer, insertAccount } from "../scope-helpers";

describe("/api/v1/followups/:responseId", () => {
  it("a manager opens, assigns, annotates and resolves a detractor's follow-up", async () => {
    const m = await sessionAs("manager");
    const s = await createSurvey();
    const acc = await insertAccount("Mine", m.user.id);
    const r = await answer(s.id, acc, 3, "slow");

    // Every detractor answer is an item from the start, owned by the account's manager.
    const fresh = await api(`/api/v1/followups/${r.id}`, { headers: m.read });
    expect(fresh.body).toMatchObject({ status: "open", ownerUserId: m.user.id, notes: [] });
    expect(fresh.body.createdAt).not.toBeNull();

    const released = await api(`/api/v1/followups/${r.id}`, { method: "PATCH", headers: m.write, body: { ownerUserId: null } });
    expect(released.body.ownerUserId).toBeNull();
    const own = await api(`/api/v1/followups/${r.id}`, { method: "PATCH", headers: m.write, body: { ownerUserId: m.user.id } });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ status: "open", ownerUserId: m.user.id });

    const n1 = await api(`/api/v1/followups/${r.id}/notes`, { headers: m.write, body: { body: "Called, left a message" } });
    expect(n1.status).toBe(201);
    expect(n1.body).toMatchObject({ body: "Called, left a message", authorUserId: m.user.id });
    await api(`/api/v1/followups/${r.id}/notes`, { headers: m.write, body: { body: "Fixed their SSO" } });
    const done = await api(`/api/v1/followups/${r.id}`, { method: "PATCH", headers: m.write, body: { status: "resolved" } });
    expect(done.body.status).toBe("resolved");
    expect(done.body.ownerUserId).toBe(m.user.id);
    expect(done.body.notes.map((n: { body: string }) => n.body)).toEqual(["Called, left a message", "Fixed their SSO"]);
    expect(done.body.notes[0].authorName).toBe(`manager ${m.user.id}`);

    const list = await api(`/api/v1/comments?surveyId=${s.id}`, { headers: m.read });
    expect(list.body.data[0].followup).toMatchObject({ status: "resolved", ownerUserId: m.user.id });
    expect(list.body.data[0].followup.notes).toHaveLength(2);

    // "My follow-ups" and "nobody's yet".
    const other = await answer(s.id, acc, 1, "also unhappy");
    await api(`/api/v1/followups/${other.id}`, { method: "PATCH", headers: m.write, body: { ownerUserId: null } });
    const mine = await api(`/api/v1/comments?surveyId=${s.id}&owner=me`, { headers: m.read });
    expect(mine.body.data.map((x: { responseId: string }) => x.responseId)).toEqual([r.id]);
    const byId = await api(`/api/v1/comments?surveyId=${s.id}&owner=${m.user.id}`, { headers: m.read });
    expect(byId.body.data).toHaveLength(1);
    const nobody = await api(`/api/v1/comments?surveyId=${s.id}&owner=none&category=detractor`, { headers: m.read });
    expect(nobody.body.data.map((x: { responseId: string }) => x.responseId)).toEqual([other.id]);
  });

  it("a note on a response nobody opened creates its follow-up; passives have none until then", async () => {
    const s = await createSurvey();
    const r = await answer(s.id, null, 8, "fine");
    expect((await api(`/api/v1/followups/${r.id}`, { headers: ADMIN })).body.status).toBeNull();
    expect((await api(`/api/v1/followups/${r.id}/notes`, { headers: ADMIN, body: { body: "worth a call" } })).status).toBe(201);
    expect((await api(`/api/v1/followups/${r.id}`, { headers: ADMIN })).body).toMatchObject({ status: "open", notes: [{ body: "worth a call" }] });
  });

  it("owners must be active admins or managers; bodies are validated; unknown responses are 404", async () => {
    const s = await createSurvey();
    const r = await answer(s.id, null, 1, "bad");
    const viewer = await createUser("viewer");
    const off = await createUser("manager", { disabled: true });
    for (const ownerUserId of [viewer.id, off.id, "usr_ghost"]) {
      const res = await api(`/api/v1/followups/${r.id}`, { method: "PATCH", headers: ADMIN, body: { ownerUserId } });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("invalid_owner");
    }
    for (const body of [{}, { status: "closed" }, { status: "open", extra: 1 }]) {
      expect((await api(`/api/v1/followups/${r.id}`, { method: "PATCH", headers: ADMIN, body })).status).toBe(400);
    }
    for (const body of [{}, { body: "" }, { body: "x".repeat(5001) }]) {
      expect((await api(`/api/v1/followups/${r.id}/notes`, { headers: ADMIN, body })).status).toBe(400);
    }
    expect((await api(`/api/v1/followups/${crypto.randomUUID()}`, { headers: ADMIN })).status).toBe(404);
    expect((await api(`/api/v1/followups/${"z".repeat(200)}`, { method: "PATCH", headers: ADMIN, body: { status: "open" } })).status).toBe(404);
    // Clearing the owner is allowed.
    expect((await api(`/api/v1/followups/${r.id}`, { method: "PATCH", headers: ADMIN, body: { ownerUserId: null } })).status).toBe(200);
  });
});
