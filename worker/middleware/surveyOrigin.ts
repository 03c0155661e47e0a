/**
 * Public survey endpoints answer browsers on the survey's allowed origins only. The widget posts
 * `text/plain` so no preflight is needed, but JSON clients preflight and get the same rule.
 */
import type { Context } from "hono";
import type { surveys } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";

export function isOriginAllowed(
  survey: typeof surveys.$inferSelect,
  origin: string | undefined,
  selfOrigin?: string,
): boolean {
  if (!origin) return true; // not a browser cross-origin request (servers, curl, same-origin forms)
  if (survey.allowedOrigins.length === 0) return true;
  // Our own pages (the link survey at /s/:id) post here too, whatever the embedding list says.
  if (selfOrigin && origin.toLowerCase() === selfOrigin.toLowerCase()) return true;
  return survey.allowedOrigins.includes(origin.toLowerCase());
}

/** Throws 403 for a disallowed origin; otherwise sets the CORS headers for it. */
export function checkOrigin(c: Context<AppEnv>, survey: typeof surveys.$inferSelect): void {
  const origin = c.req.header("origin");
  if (!isOriginAllowed(survey, origin, new URL(c.req.url).origin)) {
    throw new ApiError(403, "origin_not_allowed", "This survey may not be embedded on this site", "origin");
  }
  if (origin) {
    c.header("Access-Control-Allow-Origin", origin);
    c.header("Vary", "Origin");
  }
}

export function preflight(c: Context<AppEnv>, survey: typeof surveys.$inferSelect): Response {
  checkOrigin(c, survey);
  c.header("Access-Control-Allow-Methods", "GET, POST, PATCH, OPTIONS");
  c.header("Access-Control-Allow-Headers", "Content-Type");
  c.header("Access-Control-Max-Age", "86400");
  return c.body(null, 204);
}
