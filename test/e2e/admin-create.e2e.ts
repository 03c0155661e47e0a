/** `npm run admin:create` hashes in Node; the Worker must accept that hash at login. */
import { execFileSync } from "node:child_process";
import { describe, expect, inject, it } from "vitest";

describe("npm run admin:create", () => {
  it("creates an admin who can sign in through the running Worker", async () => {
    const email = `cli-${Date.now()}@example.com`;
    execFileSync(
      "node",
      ["scripts/admin-create.mjs", "--email", email, "--password", "cli password 123", "--name", "Cli O'Admin", "--persist-to", inject("persistDir")],
      { stdio: "pipe", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
    );
    const res = await fetch(`${inject("baseUrl")}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: "cli password 123" }),
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.user).toMatchObject({ email, role: "admin", name: "Cli O'Admin" });
    expect(res.headers.get("set-cookie")).toMatch(/bm_session=.+HttpOnly/i);

    const wrong = await fetch(`${inject("baseUrl")}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: "not it at all" }),
    });
    expect(wrong.status).toBe(401);
  }, 60_000);
});
