/**
 * Rate limits on the public endpoints, through Cloudflare's Rate Limiting binding (declared in
 * wrangler.toml; miniflare runs the same binding locally). It counts in the edge's memory, so the
 * submission hot path pays no D1 write for it.
 *
 * The key is the action, the client IP and the survey, so one noisy page cannot starve other
 * surveys. Requests without `CF-Connecting-IP` did not come through Cloudflare's edge (service
 * bindings, the test harness's SELF.fetch): there is no client to limit, so they pass. In production
 * and under `wrangler dev` every request carries it.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";

export type LimitedAction = "read" | "write";

/**
 * One request counted under `key`: false past the limit. The limiter failing (the binding
 * unreachable, an error of its own) lets the request through, logged: a respondent's answer is
 * not refused, nor lost in a 500, because the counter is down; the limits only bound abuse.
 */
export async function underLimit(limiter: RateLimit, key: string): Promise<boolean> {
  try {
    return (await limiter.limit({ key })).success;
  } catch (e) {
    console.warn(
      JSON.stringify({ level: "warn", msg: "rate limiter failed; request let through", key: key.split(":")[0], error: String(e).slice(0, 200) }),
    );
    return true;
  }
}

/**
 * Counts one request of an edge client under `key` and answers 429 `rate_limited` (Retry-After:
 * the bindings' 60-second period) past the limit. The one place for what every limit on an `/api`
 * route shares: only requests that came through the edge count, and a failing binding lets them
 * through (underLimit).
 */
export async function enforceLimit(c: Context<AppEnv>, limiter: RateLimit | undefined, key: string, message: string): Promise<void> {
  if (!limiter || !c.req.header("cf-connecting-ip")) return;
  if (!(await underLimit(limiter, key))) {
    c.header("Retry-After", "60");
    throw new ApiError(429, "rate_limited", message);
  }
}

export const rateLimit = (action: LimitedAction) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const limiter = action === "read" ? c.env.PUBLIC_READ_LIMITER : c.env.PUBLIC_WRITE_LIMITER;
    const survey = (c.req.param("surveyId") ?? "").slice(0, 64);
    await enforceLimit(c, limiter, `${action}:${c.req.header("cf-connecting-ip")}:${survey}`, "Too many requests, try again in a minute");
    await next();
  });
