/**
 * The Delighted-compatible API under /v1 (docs/INTEGRATIONS.md): former Delighted users point the
 * official clients at Baromètre by changing the host. Its own sub-app, because it speaks
 * Delighted's dialect (Basic auth, form bodies, `{status, message, errors}` errors), not ours.
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv, Principal } from "../../env";
import { ApiError } from "../../lib/errors";
import { principalForKey } from "../../middleware/auth";
import { withDb } from "../../middleware/db";
import { underLimit } from "../../middleware/rateLimit";
import { delightedOpenApi } from "../../openapi/delightedDocument";
import { V1Error, v1ErrorBody } from "../../lib/v1";
import { peopleRoute } from "./people";
import { responsesV1Route } from "./responses";
import { otherV1Route } from "./other";

const WRITE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** `Basic base64(key:)` or `Basic base64(key)`: the key is the user name, the password unused. */
function basicKey(header: string | undefined): string | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]{4,400})$/i.exec(header ?? "");
  if (!m) return null;
  let decoded: string;
  try {
    decoded = atob(m[1]!);
  } catch {
    return null;
  }
  const key = decoded.split(":")[0]!;
  return key.length >= 16 && key.length <= 200 ? key : null;
}

export const delightedRoute = new Hono<AppEnv>()
  .use(withDb)
  .use(async (c, next) => {
    await next();
    c.header("Cache-Control", "no-store");
    c.header("X-Content-Type-Options", "nosniff");
  })
  .get("/openapi.json", (c) => c.json(delightedOpenApi(new URL(c.req.url).origin)))
  .use(async (c, next) => {
    const key = basicKey(c.req.header("authorization"));
    if (!key) {
      c.header("WWW-Authenticate", 'Basic realm="Barometre v1"');
      throw new V1Error(401, "Invalid API key: send it as the user name of HTTP Basic auth");
    }
    let principal: Principal;
    try {
      principal = await principalForKey(c, key);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) throw new V1Error(401, "Invalid API key");
      throw e;
    }
    // The v1 API acts for the whole workspace, as Delighted's keys did: admin keys only.
    if (principal.role !== "admin") throw new V1Error(403, "The Delighted-compatible API needs an admin-role API key");
    const scope = WRITE.has(c.req.method) ? "write" : "read";
    if (principal.scopes && !principal.scopes.includes(scope)) throw new V1Error(403, `This API key lacks the ${scope} scope`);
    if (c.env.V1_API_LIMITER) {
      if (!(await underLimit(c.env.V1_API_LIMITER, principal.keyId ?? "bootstrap"))) throw new V1Error(429, "Too many requests", undefined, 60);
    }
    c.set("principal", principal);
    await next();
  })
  .route("/people", peopleRoute)
  .route("/survey_responses", responsesV1Route)
  .route("/", otherV1Route)
  .all("*", () => {
    throw new V1Error(404, "Not found");
  })
  .onError((err, c) => {
    if (err instanceof V1Error) {
      if (err.retryAfter) c.header("Retry-After", String(err.retryAfter));
      return c.json(v1ErrorBody(err.status, err.message, err.errors), err.status);
    }
    if (err instanceof ApiError) {
      // Baromètre's own validation errors, reshaped: Delighted clients know 422 for bad input.
      const status = err.status === 400 || err.status === 409 ? 422 : err.status;
      return c.json(v1ErrorBody(status, err.message, err.field ? { [err.field]: [err.message] } : undefined), status);
    }
    if (err instanceof HTTPException && err.status < 500) return c.json(v1ErrorBody(err.status, err.message), err.status);
    console.error(JSON.stringify({ level: "error", requestId: c.var.requestId, path: c.req.path, error: String(err), stack: (err as Error).stack }));
    return c.json(v1ErrorBody(500, "Internal error"), 500);
  });
