/** First admin through the bootstrap key (own file: it needs a database without admins). */
import { describe, expect, it } from "vitest";
import { createUser, login, signIn } from "../auth-helpers";
import { ADMIN, api } from "../helpers";

describe("POST /api/v1/auth/bootstrap", () => {
  it("creates the first admin once, only with ADMIN_API_KEY", async () => {
    const body = { email: "First.Admin@Example.com", password: "first admin password", name: "First" };
    expect((await api("/api/v1/auth/bootstrap", { body })).status).toBe(401);
    const bad = await api("/api/v1/auth/bootstrap", { headers: ADMIN, body: { ...body, password: "short" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("password");

    // A viewer existing does not count as an admin.
    await createUser("viewer");
    const made = await api("/api/v1/auth/bootstrap", { headers: ADMIN, body });
    expect(made.status).toBe(201);
    expect(made.body.user).toMatchObject({ email: "first.admin@example.com", role: "admin", name: "First" });

    const again = await api("/api/v1/auth/bootstrap", { headers: ADMIN, body: { ...body, email: "second@example.com" } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("already_bootstrapped");

    const s = await login("first.admin@example.com", "first admin password");
    expect(s.status).toBe(200);
    expect(s.body.user.role).toBe("admin");
  });

  it("a session, even an admin's, cannot use the bootstrap route", async () => {
    const s = await signIn(await createUser("admin"));
    const r = await api("/api/v1/auth/bootstrap", { headers: s.write, body: { email: "x@example.com", password: "long enough password" } });
    expect(r.status).toBe(403);
  });
});
