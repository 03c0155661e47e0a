/**
 * A rate limiter that fails lets the request through (worker/middleware/rateLimit.ts, underLimit):
 * an answer is neither refused nor lost in a 500 because the counter is down.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { responses } from "../../worker/db/schema";
import worker from "../../worker/index";
import { db, sessionAs } from "../auth-helpers";
import { createSurvey } from "../helpers";

const broken = { limit: async () => Promise.reject(new Error("limiter unreachable")) } as unknown as RateLimit;

async function call(path: string, init: RequestInit, bindings: Record<string, unknown>) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`http://localhost${path}`, init), { ...env, ...bindings }, ctx);
  const body = await res.text();
  await waitOnExecutionContext(ctx);
  return { status: res.status, body };
}

describe("a failing rate limiter", () => {
  it("lets an answer through and stores it, and a heavy read too, with a warning logged", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const s = await createSurvey();
      const id = crypto.randomUUID();
      const answered = await call(
        `/api/v1/surveys/${s.id}/responses`,
        {
          method: "POST",
          headers: { "content-type": "application/json", "cf-connecting-ip": "203.0.113.50" },
          body: JSON.stringify({ id, score: 3 }),
        },
        { PUBLIC_WRITE_LIMITER: broken },
      );
      expect(answered.status).toBe(201);
      expect((await db.select().from(responses).where(eq(responses.id, id)).get())?.score).toBe(3);

      const viewer = await sessionAs("viewer");
      const read = await call(
        "/api/v1/metrics/retention",
        { headers: { ...viewer.read, "cf-connecting-ip": "203.0.113.51" } },
        { HEAVY_READ_LIMITER: broken },
      );
      expect(read.status).toBe(200);
      expect(warn.mock.calls.map((c) => JSON.parse(String(c[0])).msg)).toEqual([
        "rate limiter failed; request let through",
        "rate limiter failed; request let through",
      ]);
    } finally {
      warn.mockRestore();
    }
  });
});
