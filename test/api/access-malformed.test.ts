/**
 * No 5xx on malformed input: every route, fed broken bodies, queries and ids by an
 * admin (the caller who gets furthest into the code), answers 4xx with the error shape.
 */
import { describe, expect, it } from "vitest";
import { sessionAs } from "../auth-helpers";
import { api, createSurvey } from "../helpers";
import { answer } from "../scope-helpers";

const BODIES = ["", "{", "[]", "null", "42", '"text"', '{"a":', "\u0000", JSON.stringify({ deep: Array(50).fill({ x: [1, 2, { y: "z" }] }) })];
const WEIRD_IDS = ["%00", "..%2F..%2Fetc", "x".repeat(400), "%F0%9F%92%A9", "'%20OR%201=1--", "%E2%80%AE"];

describe("malformed input never yields a 5xx", () => {
  it("broken bodies on every mutating route", async () => {
    const admin = await sessionAs("admin");
    const s = await createSurvey();
    const r = await answer(s.id, null, 2, "x");
    const routes: [string, string][] = [
      ["POST", "/api/v1/auth/login"],
      ["POST", "/api/v1/auth/bootstrap"],
      ["PATCH", "/api/v1/auth/me"],
      ["POST", "/api/v1/auth/password"],
      ["POST", "/api/v1/users"],
      ["PATCH", `/api/v1/users/${admin.user.id}`],
      ["POST", "/api/v1/api-keys"],
      ["POST", "/api/v1/webhooks"],
      ["PATCH", `/api/v1/followups/${r.id}`],
      ["POST", `/api/v1/followups/${r.id}/notes`],
    ];
    for (const [method, path] of routes) {
      for (const raw of BODIES) {
        const res = await api(path, {
          method,
          raw,
          headers: { ...admin.write, "content-type": "application/json", "cf-connecting-ip": "10.99.0.1" },
        });
        expect(res.status, `${method} ${path} ${raw.slice(0, 20)}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${method} ${path} ${raw.slice(0, 20)}`).toBeLessThan(500);
        expect(res.body.error.code).toEqual(expect.any(String));
      }
      const big = await api(path, {
        method,
        raw: JSON.stringify({ name: "x".repeat(70_000) }),
        headers: { ...admin.write, "content-type": "application/json" },
      });
      expect(big.status, `${method} ${path} big`).toBeLessThan(500);
      expect(big.status).toBeGreaterThanOrEqual(400);
    }
  });

  it("odd ids and queries on every route", async () => {
    const admin = await sessionAs("admin");
    const paths = [
      ...WEIRD_IDS.flatMap((id) => [
        ["PATCH", `/api/v1/users/${id}`],
        ["POST", `/api/v1/users/${id}/password-reset`],
        ["DELETE", `/api/v1/api-keys/${id}`],
        ["PATCH", `/api/v1/webhooks/${id}`],
        ["DELETE", `/api/v1/webhooks/${id}`],
        ["GET", `/api/v1/webhooks/${id}/deliveries`],
        ["POST", `/api/v1/webhooks/${id}/test`],
        ["POST", `/api/v1/webhooks/${id}/deliveries/${id}/retry`],
        ["GET", `/api/v1/followups/${id}`],
        ["PATCH", `/api/v1/followups/${id}`],
        ["POST", `/api/v1/followups/${id}/notes`],
        ["GET", `/api/v1/comments?surveyId=${id}&manager=${id}&account=${id}&segment=${id}&q=${id}`],
        ["GET", `/api/v1/export/responses.csv?surveyId=${id}&q=${id}`],
      ]),
      ["GET", "/api/v1/comments?limit=abc"],
      ["GET", "/api/v1/comments?limit=-1&before=9999999999999999999_x"],
      ["GET", "/api/v1/comments?from=0000-00-00"],
      ["GET", "/api/v1/comments?from=2025-02-30"],
      ["GET", "/api/v1/comments?surveyId=a&surveyId=b"],
      ["GET", "/api/v1/export/responses.csv?from=yesterday"],
      ["GET", "/api/v1/export/responses.csv?bom=2"],
    ] as [string, string][];
    for (const [method, path] of paths) {
      const res = await api(path, {
        method,
        headers: admin.write,
        ...(method === "GET" || method === "DELETE" ? {} : { body: { status: "open", body: "x", name: "y" } }),
      });
      expect(res.status, `${method} ${path}`).toBeLessThan(500);
    }
  });
});
