/**
 * JSON only, for the routes that sign someone in (login, accepting an invitation): a cross-site
 * HTML form can send text/plain but not application/json, so nobody can sign a visitor into the
 * attacker's account through a hidden form (login CSRF). Checked before jsonBody, which reads any
 * content type.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";

export const jsonOnly = createMiddleware<AppEnv>(async (c, next) => {
  if (!/^application\/json\b/i.test(c.req.header("content-type") ?? "")) {
    throw new ApiError(415, "unsupported_media_type", "Send the credentials as application/json");
  }
  await next();
});
