/** API key scopes on top of roles: a read-only key reads what its role may read and changes nothing. */
import { describe, expect, it } from "vitest";
import { ADMIN, api, createSurvey } from "../helpers";

describe("API key scopes", () => {
  it("a read-only admin key lists and reads, and gets 403 on every write", async () => {
    const s = await createSurvey();
    const created = await api("/api/v1/api-keys", { headers: ADMIN, body: { name: "reporting", role: "admin", scopes: ["read"] } });
    expect(created.status).toBe(201);
    expect(created.body.scopes).toEqual(["read"]);
    const ro = { authorization: `Bearer ${created.body.key}` };
    expect((await api("/api/v1/surveys", { headers: ro })).status).toBe(200);
    expect((await api(`/api/v1/surveys/${s.id}/metrics`, { headers: ro })).status).toBe(200);
    const write = await api("/api/v1/surveys", { headers: ro, body: { name: "nope", kind: "nps" } });
    expect(write.status).toBe(403);
    expect(write.body.error.message).toContain("write scope");
    expect((await api(`/api/v1/surveys/${s.id}`, { method: "PATCH", headers: ro, body: { name: "x" } })).status).toBe(403);
    const listed = await api("/api/v1/api-keys", { headers: ADMIN });
    expect(listed.body.data.find((k: any) => k.id === created.body.id).scopes).toEqual(["read"]);
  });

  it("keys default to read and write; scopes are validated", async () => {
    const k = await api("/api/v1/api-keys", { headers: ADMIN, body: { name: "full", role: "admin" } });
    expect(k.body.scopes).toEqual(["read", "write"]);
    expect((await api("/api/v1/surveys", { headers: { authorization: `Bearer ${k.body.key}` }, body: { name: "ok", kind: "nps" } })).status).toBe(
      201,
    );
    const bad = await api("/api/v1/api-keys", { headers: ADMIN, body: { name: "x", role: "admin", scopes: ["delete"] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toMatch(/^scopes/);
    expect((await api("/api/v1/api-keys", { headers: ADMIN, body: { name: "x", role: "admin", scopes: [] } })).status).toBe(400);
  });
});
