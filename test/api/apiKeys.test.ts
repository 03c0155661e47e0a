/** API keys: shown once, stored hashed, roles, manager keys bound to a user, revocation. */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { apiKeys } from "../../worker/db/schema";
import { sha256Hex } from "../../worker/lib/ids";
import { createUser, db, signIn } from "../auth-helpers";
import { ADMIN, api } from "../helpers";

describe("/api/v1/api-keys", () => {
  it("shows the key once, stores only its SHA-256, and the key works as its role", async () => {
    const r = await api("/api/v1/api-keys", { headers: ADMIN, body: { name: "CRM sync", role: "viewer" } });
    expect(r.status).toBe(201);
    const key: string = r.body.key;
    expect(key).toMatch(/^bm_[0-9a-z]{32}$/);
    expect(r.body.prefix).toBe(key.slice(0, 10));
    const row = await db.select().from(apiKeys).where(eq(apiKeys.id, r.body.id)).get();
    expect(row!.keyHash).toBe(await sha256Hex(key));
    expect(JSON.stringify(row)).not.toContain(key);

    const list = await api("/api/v1/api-keys", { headers: ADMIN });
    const listed = list.body.data.find((k: { id: string }) => k.id === r.body.id);
    expect(listed).toMatchObject({ name: "CRM sync", role: "viewer", prefix: key.slice(0, 10), revokedAt: null });
    expect(JSON.stringify(list.body)).not.toContain(key);

    const auth = { authorization: `Bearer ${key}` };
    expect((await api("/api/v1/surveys", { headers: auth })).status).toBe(200);
    expect((await api("/api/v1/surveys", { headers: auth, body: { name: "x", kind: "nps" } })).status).toBe(403);
    const used = await db.select().from(apiKeys).where(eq(apiKeys.id, r.body.id)).get();
    expect(used!.lastUsedAt).not.toBeNull();

    expect((await api(`/api/v1/api-keys/${r.body.id}`, { method: "DELETE", headers: ADMIN })).status).toBe(204);
    const after = await api("/api/v1/surveys", { headers: auth });
    expect(after.status).toBe(401);
    expect((await api(`/api/v1/api-keys/${r.body.id}`, { method: "DELETE", headers: ADMIN })).status).toBe(204);
    expect((await api("/api/v1/api-keys/key_unknown", { method: "DELETE", headers: ADMIN })).status).toBe(404);
  });

  it("a manager key needs a manager user, and dies with the user's access", async () => {
    const viewer = await createUser("viewer");
    const manager = await createUser("manager");
    expect((await api("/api/v1/api-keys", { headers: ADMIN, body: { name: "m", role: "manager" } })).status).toBe(400);
    expect((await api("/api/v1/api-keys", { headers: ADMIN, body: { name: "m", role: "manager", userId: viewer.id } })).status).toBe(400);
    expect((await api("/api/v1/api-keys", { headers: ADMIN, body: { name: "m", role: "manager", userId: "usr_ghost" } })).status).toBe(400);
    const outranks = await api("/api/v1/api-keys", { headers: ADMIN, body: { name: "v", role: "admin", userId: viewer.id } });
    expect(outranks.status).toBe(400);
    expect(outranks.body.error.code).toBe("invalid_role");
    expect((await api("/api/v1/api-keys", { headers: ADMIN, body: { name: "v", role: "viewer", userId: viewer.id } })).status).toBe(201);
    const r = await api("/api/v1/api-keys", { headers: ADMIN, body: { name: "m", role: "manager", userId: manager.id } });
    expect(r.status).toBe(201);
    const auth = { authorization: `Bearer ${r.body.key}` };
    const me = await api("/api/v1/auth/me", { headers: auth });
    expect(me.body).toMatchObject({ kind: "api_key", role: "manager", user: { id: manager.id } });

    await api(`/api/v1/users/${manager.id}`, { method: "PATCH", headers: ADMIN, body: { disabled: true } });
    expect((await api("/api/v1/auth/me", { headers: auth })).status).toBe(401);
  });

  it("rejects malformed Authorization headers and bodies without 5xx", async () => {
    for (const authorization of ["Bearer", "Bearer short", "Basic abc", `Bearer ${"k".repeat(500)}`, "Bearer bm_00000000000000000000000000000000"]) {
      const r = await api("/api/v1/api-keys", { headers: { authorization } });
      expect(r.status, authorization).toBe(401);
    }
    for (const body of [{}, { name: "", role: "viewer" }, { name: "x", role: "owner" }, { name: "x".repeat(101), role: "viewer" }]) {
      expect((await api("/api/v1/api-keys", { headers: ADMIN, body })).status).toBe(400);
    }
  });
  it("a manager, signed in, creates a key bound to themselves, lists and revokes only their own", async () => {
    const manager = await signIn(await createUser("manager"));
    const other = await createUser("manager");
    const made = await api("/api/v1/api-keys", { headers: manager.write, body: { name: "My CRM", role: "manager" } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ role: "manager", userId: manager.user.id, createdBy: manager.user.id });
    const auth = { authorization: `Bearer ${made.body.key}` };
    expect((await api("/api/v1/auth/me", { headers: auth })).body).toMatchObject({ role: "manager", user: { id: manager.user.id } });

    // Naming themselves is fine; naming someone else, or any other role, is refused.
    expect((await api("/api/v1/api-keys", { headers: manager.write, body: { name: "Mine", role: "manager", userId: manager.user.id } })).status).toBe(
      201,
    );
    const forOther = await api("/api/v1/api-keys", { headers: manager.write, body: { name: "Theirs", role: "manager", userId: other.id } });
    expect(forOther.status).toBe(403);
    expect(forOther.body.error.code).toBe("forbidden");
    for (const role of ["viewer", "admin"]) {
      expect((await api("/api/v1/api-keys", { headers: manager.write, body: { name: "Wider", role } })).status, role).toBe(403);
    }
    // A bad body is still a 400, not a 403 or a 500.
    expect((await api("/api/v1/api-keys", { headers: manager.write, body: { name: "", role: "manager" } })).status).toBe(400);

    // The list holds their keys only (an admin's and another manager's are not in it).
    const othersKey = await api("/api/v1/api-keys", { headers: ADMIN, body: { name: "Other's", role: "manager", userId: other.id } });
    const list = await api("/api/v1/api-keys", { headers: manager.write });
    expect(list.status).toBe(200);
    expect(list.body.data.map((k: { userId: string }) => k.userId)).toEqual([manager.user.id, manager.user.id]);
    expect((await api(`/api/v1/api-keys/${othersKey.body.id}`, { method: "DELETE", headers: manager.write })).status).toBe(403);
    expect((await api(`/api/v1/api-keys/${made.body.id}`, { method: "DELETE", headers: manager.write })).status).toBe(204);
    expect((await api("/api/v1/auth/me", { headers: auth })).status).toBe(401);

    // A manager's key does not mint keys, and a viewer has no keys of their own to manage.
    const mine = await api("/api/v1/api-keys", { headers: manager.write, body: { name: "Third", role: "manager" } });
    expect(
      (await api("/api/v1/api-keys", { headers: { authorization: `Bearer ${mine.body.key}` }, body: { name: "Minted", role: "manager" } })).status,
    ).toBe(403);
    expect((await api("/api/v1/api-keys", { headers: { authorization: `Bearer ${mine.body.key}` } })).status).toBe(403);
    const viewer = await signIn(await createUser("viewer"));
    expect((await api("/api/v1/api-keys", { headers: viewer.write })).status).toBe(403);
  });
});
