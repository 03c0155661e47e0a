/** The admin page's way in: session cookies, with the CSRF token on every write. */
import { describe, expect, it } from "vitest";
import { sessionAs } from "../auth-helpers";
import { api } from "../helpers";
import { bulkAccounts, bulkContacts, uniq } from "./accounts.fixtures";

describe("accounts and contacts through a session", () => {
  it("scopes a manager's session, and refuses writes without the CSRF token", async () => {
    const admin = await sessionAs("admin");
    const manager = await sessionAs("manager");
    const t = uniq("sess");
    const made = await bulkAccounts([
      { externalId: `${t}-mine`, name: `${t} mine`, startedOn: "2025-01-01", managerUserId: manager.user.id },
      { externalId: `${t}-other`, name: `${t} other`, startedOn: "2025-01-01" },
    ]);
    const [mine, other] = made.results.map((r: any) => r.id);
    const people = await bulkContacts([{ externalId: `${t}-c`, email: `${t}-c@x.test`, accountExternalId: `${t}-other` }]);

    const list = await api(`/api/v1/accounts?q=${t}`, { headers: manager.read });
    expect(list.body.data.map((a: any) => a.id)).toEqual([mine]);
    expect((await api(`/api/v1/accounts/${other}`, { headers: manager.read })).status).toBe(404);
    expect((await api(`/api/v1/contacts/${people.results[0].id}/export`, { headers: manager.read })).status).toBe(404);

    const noToken = await api(`/api/v1/accounts/${other}`, { method: "PATCH", headers: admin.read, body: { plan: "gold" } });
    expect(noToken.status).toBe(403);
    expect(noToken.body.error.code).toBe("csrf_failed");
    const withToken = await api(`/api/v1/accounts/${other}`, { method: "PATCH", headers: admin.write, body: { plan: "gold" } });
    expect(withToken.status).toBe(200);
    expect((await api(`/api/v1/accounts/${mine}`, { method: "PATCH", headers: manager.write, body: { plan: "gold" } })).status).toBe(403);

    const csv = `external_id,name,started_on\n${t}-csv,From the admin page,2025-03-01\n`;
    const refused = await api("/api/v1/imports/accounts", { method: "POST", raw: csv, headers: { ...admin.read, "content-type": "text/csv" } });
    expect(refused.body.error.code).toBe("csrf_failed");
    const imported = await api("/api/v1/imports/accounts", { method: "POST", raw: csv, headers: { ...admin.write, "content-type": "text/csv" } });
    expect(imported.body).toMatchObject({ status: "done", okRows: 1 });
    const erase = await api(`/api/v1/contacts/${people.results[0].id}/erase`, { method: "POST", headers: admin.read, body: {} });
    expect(erase.body.error.code).toBe("csrf_failed");
  });
});
