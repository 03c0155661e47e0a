/**
 * In Chromium: the session cookie is invisible to scripts, and a forged cross-origin form post
 * (the classic text/plain JSON trick, which our body parser accepts) carries the cookie but not
 * the CSRF token, so it is refused and nothing changes.
 */
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { adminApi } from "./api";
import { launchBrowser } from "./browser";

let evil: Server;
let evilBase = "";
const email = `csrf-admin-${Date.now()}@example.com`;
const password = "csrf test password";
const victimEmail = `forged-${Date.now()}@evil.example`;

beforeAll(async () => {
  const created = await adminApi("/api/v1/users", { body: { email, role: "admin", password } });
  expect(created.status).toBe(201);
  // Another origin (another port: same site, so SameSite=Lax still sends the cookie; the token must stop it).
  evil = createServer((_req, res) => {
    const action = `${inject("baseUrl")}/api/v1/users`;
    const name = `{"email":"${victimEmail}","role":"admin","name":"`;
    res
      .writeHead(200, { "content-type": "text/html" })
      .end(
        `<form method="POST" action="${action}" enctype="text/plain"><input name='${name}' value='x"}'></form>` +
          `<script>document.forms[0].submit()</script>`,
      );
  });
  await new Promise<void>((r) => evil.listen(0, "127.0.0.1", r));
  const addr = evil.address();
  evilBase = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
});

afterAll(async () => {
  await new Promise((r) => evil.close(r));
});

describe("session cookie in a real browser", () => {
  it("is HttpOnly, and a cross-origin forged POST is refused with csrf_failed", async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${inject("baseUrl")}/api/v1/health`);
      const login = await page.evaluate(
        async ([e, p]) => {
          const r = await fetch("/api/v1/auth/login", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ email: e, password: p }),
          });
          return { status: r.status, body: await r.json() };
        },
        [email, password],
      );
      expect(login.status).toBe(200);
      expect(await page.evaluate(() => document.cookie)).not.toContain("bm_session");
      const cookies = await page.context().cookies();
      expect(cookies.find((c) => c.name === "bm_session")).toMatchObject({ httpOnly: true, secure: true, sameSite: "Lax" });

      // The browser is signed in: /auth/me works from the app's own origin.
      expect(await page.evaluate(async () => (await fetch("/api/v1/auth/me")).status)).toBe(200);

      // The attack: a page on another origin auto-submits a form to the API.
      const response = page.waitForResponse((r) => r.url().endsWith("/api/v1/users"));
      await page.goto(`${evilBase}/`);
      const res = await response;
      expect(res.status()).toBe(403);
      expect((await res.json()).error.code).toBe("csrf_failed");
      const users = await adminApi("/api/v1/users");
      expect(users.body.data.some((u: { email: string }) => u.email === victimEmail)).toBe(false);

      // The same request from the app with its token goes through (the control).
      await page.goto(`${inject("baseUrl")}/api/v1/health`);
      const ok = await page.evaluate(
        async ([token, e]) => {
          const r = await fetch("/api/v1/users", {
            method: "POST",
            headers: { "content-type": "application/json", "x-csrf-token": token },
            body: JSON.stringify({ email: e, role: "viewer" }),
          });
          return r.status;
        },
        [login.body.csrfToken as string, `legit-${Date.now()}@example.com`],
      );
      expect(ok).toBe(201);
    } finally {
      await browser.close();
    }
  });
});
