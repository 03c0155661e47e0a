/**
 * A rate limit per signed-in reader on the reads whose cost grows with the workspace: the CSV
 * export, the per-account views (retention, cohorts, retention and value by category, account-level
 * NPS, the breakdown by account) and the trend in another time zone than the workspace's (the raw
 * path: it reads every answer of the range, seconds at a million answers, and D1 bills every row
 * read). Viewers and managers are
 * many and their keys sit in BI tools and scripts; one budget per user, whatever the way in (session
 * or any of their API keys), through Cloudflare's Rate Limiting binding (`HEAVY_READ_LIMITER`,
 * wrangler.toml). Admins are not limited: they already hold every right in the workspace,
 * deleting it included, and the operator's own checks run as admin. Without `CF-Connecting-IP` the
 * request did not come through Cloudflare's edge (a service binding, the test harness's
 * SELF.fetch): it passes, as on the public limiter (worker/middleware/rateLimit.ts).
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv, Principal } from "../env";
import { error } from "../lib/openapi";
import { enforceLimit } from "./rateLimit";

/** The budget a caller spends: their user, else their key; none for an admin. */
export function heavyReadKey(p: Principal): string | null {
  if (p.role === "admin") return null;
  return p.userId ? `user:${p.userId}` : `key:${p.keyId ?? "bootstrap"}`;
}

/** Counts one heavy read for the caller; 429 `rate_limited` past the limit. Call after requireAuth. */
export async function spendHeavyRead(c: Context<AppEnv>): Promise<void> {
  const key = heavyReadKey(c.var.principal);
  if (key === null) return;
  await enforceLimit(
    c,
    c.env.HEAVY_READ_LIMITER,
    `heavy:${key}`,
    "Too many heavy reads (exports, per-account views, other time zones); try again in a minute",
  );
}

/** spendHeavyRead as route middleware, for routes that are heavy whatever their query. */
export const heavyRead = createMiddleware<AppEnv>(async (c, next) => {
  await spendHeavyRead(c);
  await next();
});

/** The 429 of a heavy read, for a route's OpenAPI responses. */
export const heavyReadErrors = {
  429: error("`rate_limited`: 120 heavy reads a minute per viewer or manager, across their session and keys (Retry-After)"),
};
