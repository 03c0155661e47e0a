/**
 * The access matrix: every route × every kind of caller (anonymous, viewer,
 * manager A, manager B, admin; each through a session AND through an API key).
 * Managers must never see or touch another manager's accounts, whatever the route.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, api } from "../helpers";
import { answer, insertAccount, makeWorld, type World } from "../scope-helpers";
import { createUser, uniqueEmail } from "../auth-helpers";

type Role = "anon" | "viewer" | "manager" | "admin";
interface Caller {
  name: string;
  role: Role;
  manager?: "A" | "B";
  headers: Record<string, string>;
}

let w: World;
let callers: Caller[];

beforeAll(async () => {
  w = await makeWorld();
  callers = [
    { name: "anonymous", role: "anon", headers: {} },
    { name: "viewer session", role: "viewer", headers: w.viewer.write },
    { name: "viewer key", role: "viewer", headers: w.keys.viewer },
    { name: "manager A session", role: "manager", manager: "A", headers: w.managerA.write },
    { name: "manager A key", role: "manager", manager: "A", headers: w.keys.managerA },
    { name: "manager B session", role: "manager", manager: "B", headers: w.managerB.write },
    { name: "manager B key", role: "manager", manager: "B", headers: w.keys.managerB },
    { name: "admin session", role: "admin", headers: w.admin.write },
    { name: "admin key", role: "admin", headers: ADMIN },
  ];
});

const call = (c: Caller, method: string, path: string, body?: unknown) =>
  api(path, { method, headers: c.headers, ...(body !== undefined ? { body } : {}) });

describe("routes every signed-in role may read", () => {
  const paths = () => ["/api/v1/auth/me", "/api/v1/surveys", `/api/v1/surveys/${w.survey.id}`, "/api/v1/users"];
  it("200 for all roles, 401 for anonymous", async () => {
    for (const path of paths()) {
      for (const c of callers) {
        const r = await call(c, "GET", path);
        expect(r.status, `${c.name} GET ${path}`).toBe(c.role === "anon" ? 401 : 200);
      }
    }
  });

  it("the users list shows non-admins only names and roles (no Slack URLs, no hashes)", async () => {
    for (const c of callers.filter((c) => c.role !== "anon")) {
      const r = await call(c, "GET", "/api/v1/users");
      const keys = new Set(r.body.data.flatMap((u: object) => Object.keys(u)));
      expect(keys.has("passwordHash"), c.name).toBe(false);
      expect(keys.has("slackWebhookUrl"), c.name).toBe(c.role === "admin");
    }
  });

  it("the users list gives managers and viewers {id, name, role} only: no e-mail", async () => {
    for (const c of callers.filter((c) => c.role === "viewer" || c.role === "manager")) {
      const r = await call(c, "GET", "/api/v1/users");
      expect(r.status, c.name).toBe(200);
      expect(r.body.data.length, c.name).toBeGreaterThan(0);
      for (const u of r.body.data) expect(Object.keys(u).sort(), c.name).toEqual(["id", "name", "role"]);
      expect(JSON.stringify(r.body), c.name).not.toContain(w.managerA.user.email);
    }
    const admin = await call(callers.find((c) => c.role === "admin")!, "GET", "/api/v1/users");
    expect(admin.body.data.map((u: { email: string }) => u.email)).toContain(w.managerA.user.email);
  });
});

describe("admin-only routes", () => {
  /** Each case builds its own target, so every admin call succeeds on fresh data. */
  const cases: { method: string; path: string | (() => Promise<string> | string); body?: () => unknown; ok: number }[] = [
    { method: "POST", path: "/api/v1/surveys", body: () => ({ name: "New", kind: "nps" }), ok: 201 },
    { method: "PATCH", path: () => `/api/v1/surveys/${w.survey.id}`, body: () => ({ name: "Renamed" }), ok: 200 },
    { method: "POST", path: () => newSurveyPath("/archive"), ok: 200 },
    // GET /api-keys: managers list their own keys (apiKeys.test.ts, "a manager's own keys").
    { method: "POST", path: "/api/v1/api-keys", body: () => ({ name: "k", role: "viewer" }), ok: 201 },
    { method: "DELETE", path: () => newKeyPath(), ok: 204 },
    { method: "POST", path: "/api/v1/users", body: () => ({ email: uniqueEmail("new"), role: "viewer" }), ok: 201 },
    { method: "PATCH", path: () => newUserPath(""), body: () => ({ name: "Changed" }), ok: 200 },
    { method: "POST", path: () => newUserPath("/password-reset"), ok: 200 },
    { method: "GET", path: "/api/v1/invitations", ok: 200 },
    { method: "POST", path: "/api/v1/invitations", body: () => ({ email: uniqueEmail("invited"), role: "viewer" }), ok: 201 },
    { method: "POST", path: () => newInvitationPath("/resend"), ok: 200 },
    { method: "DELETE", path: () => newInvitationPath(""), ok: 204 },
    { method: "GET", path: "/api/v1/webhooks", ok: 200 },
    { method: "POST", path: "/api/v1/webhooks", body: () => ({ url: "https://hooks.example.com/x", events: ["response.created"] }), ok: 201 },
    { method: "PATCH", path: () => newHookPath(""), body: () => ({ active: false }), ok: 200 },
    { method: "DELETE", path: () => newHookPath(""), ok: 204 },
    { method: "GET", path: () => newHookPath("/deliveries"), ok: 200 },
  ];

  it("403 for viewers and managers (sessions and keys), 401 anonymous, success for admins", async () => {
    for (const k of cases) {
      for (const c of callers) {
        const path = typeof k.path === "string" ? k.path : await k.path();
        const r = await call(c, k.method, path, k.body?.());
        const want = c.role === "anon" ? 401 : c.role === "admin" ? k.ok : 403;
        expect(r.status, `${c.name} ${k.method} ${path}: ${JSON.stringify(r.body)}`).toBe(want);
      }
    }
  });
});

async function newSurveyPath(suffix: string) {
  const r = await api("/api/v1/surveys", { headers: ADMIN, body: { name: "Target", kind: "nps" } });
  return `/api/v1/surveys/${r.body.id}${suffix}`;
}
async function newKeyPath() {
  const r = await api("/api/v1/api-keys", { headers: ADMIN, body: { name: "target", role: "viewer" } });
  return `/api/v1/api-keys/${r.body.id}`;
}
async function newInvitationPath(suffix: string) {
  const r = await api("/api/v1/invitations", { headers: ADMIN, body: { email: uniqueEmail("invited"), role: "viewer" } });
  return `/api/v1/invitations/${r.body.invitation.id}${suffix}`;
}
async function newUserPath(suffix: string) {
  const r = await api("/api/v1/users", { headers: ADMIN, body: { email: uniqueEmail("target"), role: "viewer" } });
  return `/api/v1/users/${r.body.user.id}${suffix}`;
}
async function newHookPath(suffix: string) {
  const r = await api("/api/v1/webhooks", { headers: ADMIN, body: { url: "https://hooks.example.com/t", events: ["response.created"] } });
  return `/api/v1/webhooks/${r.body.id}${suffix}`;
}

/** Which of the three answers (A's account, B's account, the unmanaged one) a caller may see. */
function visible(c: Caller): string[] {
  if (c.role === "manager") return [c.manager === "A" ? w.rA.id : w.rB.id];
  return [w.rA.id, w.rB.id, w.rNone.id];
}
const sorted = (xs: string[]) => [...xs].sort();

describe("scoped reads: a manager sees their own accounts only", () => {
  it("GET /surveys/:id/responses", async () => {
    for (const c of callers.filter((c) => c.role !== "anon")) {
      const r = await call(c, "GET", `/api/v1/surveys/${w.survey.id}/responses`);
      expect(r.status, c.name).toBe(200);
      expect(sorted(r.body.data.map((x: { id: string }) => x.id)), c.name).toEqual(sorted(visible(c)));
    }
  });

  it("GET /comments, and asking for another manager's is 403", async () => {
    for (const c of callers.filter((c) => c.role !== "anon")) {
      const r = await call(c, "GET", `/api/v1/comments?surveyId=${w.survey.id}`);
      expect(r.status, c.name).toBe(200);
      expect(sorted(r.body.data.map((x: { responseId: string }) => x.responseId)), c.name).toEqual(sorted(visible(c)));
      if (c.role === "manager") {
        const other = c.manager === "A" ? w.managerB.user.id : w.managerA.user.id;
        const own = c.manager === "A" ? w.managerA.user.id : w.managerB.user.id;
        expect((await call(c, "GET", `/api/v1/comments?manager=${other}`)).status, c.name).toBe(403);
        expect((await call(c, "GET", `/api/v1/comments?manager=${own}`)).status, c.name).toBe(200);
        // Filtering by the other manager's account id yields nothing, not their data.
        const acc = c.manager === "A" ? w.accountB.id : w.accountA.id;
        const byAccount = await call(c, "GET", `/api/v1/comments?account=${acc}`);
        expect(byAccount.body.data, c.name).toEqual([]);
      }
    }
    expect((await call(callers[0]!, "GET", "/api/v1/comments")).status).toBe(401);
  });

  it("GET /export/responses.csv", async () => {
    for (const c of callers.filter((c) => c.role !== "anon")) {
      const r = await call(c, "GET", `/api/v1/export/responses.csv?surveyId=${w.survey.id}`);
      expect(r.status, c.name).toBe(200);
      const ids = (r.body as string)
        .trim()
        .split("\r\n")
        .slice(1)
        .map((line) => line.split(",")[0]!);
      expect(sorted(ids), c.name).toEqual(sorted(visible(c)));
      if (c.role === "manager") {
        const other = c.manager === "A" ? w.managerB.user.id : w.managerA.user.id;
        expect((await call(c, "GET", `/api/v1/export/responses.csv?manager=${other}`)).status, c.name).toBe(403);
      }
    }
    expect((await call(callers[0]!, "GET", "/api/v1/export/responses.csv")).status).toBe(401);
  });

  it("GET /surveys/:id/metrics counts only the manager's answers; another manager's is 403", async () => {
    for (const c of callers.filter((c) => c.role !== "anon")) {
      const r = await call(c, "GET", `/api/v1/surveys/${w.survey.id}/metrics?interval=month`);
      expect(r.status, c.name).toBe(200);
      expect(r.body.totals.n, c.name).toBe(visible(c).length);
      if (c.role === "manager") {
        const other = c.manager === "A" ? w.managerB.user.id : w.managerA.user.id;
        expect((await call(c, "GET", `/api/v1/surveys/${w.survey.id}/metrics?manager=${other}`)).status, c.name).toBe(403);
      }
    }
  });

  it("GET /accounts: a manager sees their own; asking for another manager's is 403 naming `manager`", async () => {
    for (const c of callers.filter((c) => c.role !== "anon")) {
      const r = await call(c, "GET", "/api/v1/accounts?limit=200");
      expect(r.status, c.name).toBe(200);
      const ids = r.body.data.map((a: { id: string }) => a.id);
      if (c.role === "manager") {
        expect(ids, c.name).toEqual([c.manager === "A" ? w.accountA.id : w.accountB.id]);
        const other = c.manager === "A" ? w.managerB.user.id : w.managerA.user.id;
        const own = c.manager === "A" ? w.managerA.user.id : w.managerB.user.id;
        const refused = await call(c, "GET", `/api/v1/accounts?manager=${other}`);
        expect(refused.status, c.name).toBe(403);
        expect(refused.body.error, c.name).toMatchObject({ code: "forbidden", field: "manager" });
        expect(
          (await call(c, "GET", `/api/v1/accounts?manager=${own}`)).body.data.map((a: { id: string }) => a.id),
          c.name,
        ).toEqual(ids);
      } else {
        // Admins and viewers may filter by any manager.
        const byB = await call(c, "GET", `/api/v1/accounts?manager=${w.managerB.user.id}`);
        expect(
          byB.body.data.map((a: { id: string }) => a.id),
          c.name,
        ).toEqual([w.accountB.id]);
      }
    }
  });

  it("GET /followups/:id is 404 outside the caller's scope", async () => {
    for (const c of callers) {
      for (const r of [w.rA, w.rB, w.rNone]) {
        const res = await call(c, "GET", `/api/v1/followups/${r.id}`);
        const want = c.role === "anon" ? 401 : visible(c).includes(r.id) ? 200 : 404;
        expect(res.status, `${c.name} ${r.id}`).toBe(want);
      }
    }
  });
});

describe("follow-up writes", () => {
  it("admins and the account's manager write; viewers get 403; other managers 404 (nothing changes)", async () => {
    for (const c of callers) {
      for (const r of [w.rA, w.rB]) {
        const patch = await call(c, "PATCH", `/api/v1/followups/${r.id}`, { status: "contacted" });
        const note = await call(c, "POST", `/api/v1/followups/${r.id}/notes`, { body: `note by ${c.name}` });
        const want = c.role === "anon" ? [401, 401] : c.role === "viewer" ? [403, 403] : visible(c).includes(r.id) ? [200, 201] : [404, 404];
        expect([patch.status, note.status], `${c.name} on ${r.id}`).toEqual(want);
      }
    }
    // Only notes of allowed callers landed: admins (2) and the owning manager (session + key).
    const f = await api(`/api/v1/followups/${w.rA.id}`, { headers: ADMIN });
    expect(f.body.notes.map((n: { body: string }) => n.body).sort()).toEqual([
      "note by admin key",
      "note by admin session",
      "note by manager A key",
      "note by manager A session",
    ]);
  });
});

describe("API keys never outrank their user's current role", () => {
  type Effective = "admin" | "manager" | "viewer" | "disabled";
  /** A key bound to a user; then an admin demotes or disables the user; the key must follow at once. */
  const cases: {
    key: "admin" | "manager" | "viewer";
    user: "admin" | "manager" | "viewer";
    change: { role?: string; disabled?: boolean };
    then: Effective;
  }[] = [
    { key: "admin", user: "admin", change: { role: "manager" }, then: "manager" },
    { key: "admin", user: "admin", change: { role: "viewer" }, then: "viewer" },
    { key: "admin", user: "admin", change: { disabled: true }, then: "disabled" },
    { key: "manager", user: "manager", change: { role: "viewer" }, then: "viewer" },
    { key: "manager", user: "manager", change: { disabled: true }, then: "disabled" },
    { key: "viewer", user: "manager", change: { role: "viewer" }, then: "viewer" },
    { key: "viewer", user: "viewer", change: { disabled: true }, then: "disabled" },
  ];

  /** Representative endpoints of each privilege level, and the status each effective role gets. */
  const probes = (own: string) => [
    {
      what: "create an admin",
      method: "POST",
      path: "/api/v1/users",
      body: () => ({ email: uniqueEmail("made"), role: "admin" }),
      want: { admin: 201, manager: 403, viewer: 403, disabled: 401 },
    },
    {
      what: "create a key",
      method: "POST",
      path: "/api/v1/api-keys",
      body: () => ({ name: "k", role: "admin" }),
      want: { admin: 201, manager: 403, viewer: 403, disabled: 401 },
    },
    {
      what: "create a survey",
      method: "POST",
      path: "/api/v1/surveys",
      body: () => ({ name: "By key", kind: "nps" }),
      want: { admin: 201, manager: 403, viewer: 403, disabled: 401 },
    },
    {
      what: "edit own follow-up",
      method: "PATCH",
      path: `/api/v1/followups/${own}`,
      body: () => ({ status: "contacted" }),
      want: { admin: 200, manager: 200, viewer: 403, disabled: 401 },
    },
    {
      what: "edit another's follow-up",
      method: "PATCH",
      path: `/api/v1/followups/${w.rB.id}`,
      body: () => ({ status: "contacted" }),
      want: { admin: 200, manager: 404, viewer: 403, disabled: 401 },
    },
    {
      what: "read responses",
      method: "GET",
      path: `/api/v1/surveys/${w.survey.id}/responses`,
      want: { admin: 200, manager: 200, viewer: 200, disabled: 401 },
    },
    { what: "read users", method: "GET", path: "/api/v1/users", want: { admin: 200, manager: 200, viewer: 200, disabled: 401 } },
  ];

  it("after a demotion or a disabling, each key has at most its user's rights (admin, manager and viewer keys)", async () => {
    for (const k of cases) {
      const label = `${k.key} key of a ${k.user} → ${JSON.stringify(k.change)}`;
      const user = await createUser(k.user);
      // An account of the key's user, with an answer, so "own follow-up" means something.
      const account = await insertAccount(`Own of ${user.id}`, user.id);
      const own = (await answer(w.survey.id, account, 4)).id;
      const issued = await api("/api/v1/api-keys", { headers: ADMIN, body: { name: label, role: k.key, userId: user.id } });
      expect(issued.status, label).toBe(201);
      const headers = { authorization: `Bearer ${issued.body.key}` };
      const run = async (as: Effective, when: string) => {
        for (const p of probes(own)) {
          const r = await api(p.path, { method: p.method, headers, ...(p.body ? { body: p.body() } : {}) });
          expect(r.status, `${label}, ${when}: ${p.what} ${JSON.stringify(r.body)}`).toBe(p.want[as]);
        }
      };
      await run(k.key, "before");
      const patched = await api(`/api/v1/users/${user.id}`, { method: "PATCH", headers: ADMIN, body: k.change });
      expect(patched.status, label).toBe(200);
      await run(k.then, "after");
    }
  });
});
