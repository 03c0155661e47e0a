/**
 * Public survey endpoints answer browsers on the survey's allowed origins only. The widget posts
 * `text/plain` so no preflight is needed, but JSON clients preflight and get the same rule.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { surveys } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";
import { findSurveyCached } from "../services/surveys";

export function isOriginAllowed(survey: typeof surveys.$inferSelect, origin: string | undefined, selfOrigin?: string): boolean {
  if (!origin) return true; // not a browser cross-origin request (servers, curl, same-origin forms)
  if (survey.allowedOrigins.length === 0) return true;
  // Our own pages (the link survey at /s/:id) post here too, whatever the embedding list says.
  if (selfOrigin && origin.toLowerCase() === selfOrigin.toLowerCase()) return true;
  return survey.allowedOrigins.includes(origin.toLowerCase());
}

/** Throws 403 for a disallowed origin; otherwise sets the CORS headers for it. */
export function checkOrigin(c: Context, survey: typeof surveys.$inferSelect): void {
  const origin = c.req.header("origin");
  if (!isOriginAllowed(survey, origin, new URL(c.req.url).origin)) {
    throw new ApiError(403, "origin_not_allowed", "This survey may not be embedded on this site", "origin");
  }
  if (origin) {
    c.header("Access-Control-Allow-Origin", origin);
    c.header("Vary", "Origin");
  }
}

export function preflight(c: Context, survey: typeof surveys.$inferSelect): Response {
  checkOrigin(c, survey);
  c.header("Access-Control-Allow-Methods", "GET, POST, PATCH, OPTIONS");
  c.header("Access-Control-Allow-Headers", "Content-Type");
  c.header("Access-Control-Max-Age", "86400");
  return c.body(null, 204);
}

export type SurveyEnv = AppEnv & { Variables: { survey: typeof surveys.$inferSelect } };

/**
 * A survey that accepts answers from this caller's origin, on `c.var.survey` (404, 403 or 410
 * otherwise). A middleware so that these answers come before any complaint about the body.
 */
export const openSurvey = createMiddleware<SurveyEnv>(async (c, next) => {
  const survey = await findSurveyCached(c.var.db, c.req.param("surveyId") ?? "");
  checkOrigin(c, survey);
  if (survey.status === "archived") {
    throw new ApiError(410, "survey_archived", "This survey no longer accepts answers");
  }
  c.set("survey", survey);
  await next();
});
