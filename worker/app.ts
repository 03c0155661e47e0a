/**
 * The Hono app: middleware, routers, and the one error handler that turns every failure into
 *   { "error": { "code", "message", "field"?, "requestId" } }
 * A 5xx here is a bug: it is logged with the request id and reported without internals.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context, Next } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./env";
import { ApiError } from "./lib/errors";
import { randomString } from "./lib/ids";
import { withDb } from "./middleware/db";
import { accountsRoute } from "./routes/accounts";
import { contactsRoute } from "./routes/contacts";
import { importsRoute } from "./routes/imports";
import { historyImportRoute } from "./routes/historyImport";
import { integrationsRoute } from "./routes/integrations";
import { emailRoute } from "./routes/email";
import { defaultHook, json, PUBLIC } from "./lib/openapi";
import { SESSION_COOKIE } from "./auth/sessions";
import { breakdownRoute } from "./routes/breakdown";
import { goalsRoute } from "./routes/goals";
import { apiKeysRoute } from "./routes/apiKeys";
import { authRoute } from "./routes/auth";
import { commentsRoute } from "./routes/comments";
import { exportRoute } from "./routes/export";
import { followupsRoute } from "./routes/followups";
import { emailSnippetRoute } from "./routes/emailSnippet";
import { embedRoute } from "./routes/embed";
import { linkPageRoute } from "./routes/linkPage";
import { maintenanceRoute } from "./routes/maintenance";
import { metricsRoute } from "./routes/metrics";
import { publicWidgetRoute } from "./routes/publicWidget";
import { responsesRoute } from "./routes/responses";
import { retentionRoute } from "./routes/retention";
import { surveysRoute } from "./routes/surveys";
import { unsubscribeRoute } from "./routes/unsubscribe";
import { wavesRoute } from "./routes/waves";
import { usersRoute } from "./routes/users";
import { invitationsRoute } from "./routes/invitations";
import { selfServiceRoute } from "./routes/selfService";
import { webhooksRoute } from "./routes/webhooks";
import { segmentsRoute } from "./routes/segments";
import { delightedRoute } from "./routes/delighted";
import { settingsRoute } from "./routes/settings";
import { digestRoute } from "./routes/digest";

// Delighted's other clients ask for `/v1/people.json`; the suffix names the format we always serve.
const getPath = (req: Request) => {
  const path = new URL(req.url).pathname;
  return path.startsWith("/v1/") && path.endsWith(".json") && path !== "/v1/openapi.json" ? path.slice(0, -5) : path;
};

export const app = new OpenAPIHono<AppEnv>({ defaultHook, getPath });

app.use(async (c, next) => {
  c.set("requestId", randomString(12));
  await next();
});
app.use("/api/*", withDb);
app.use("/s/*", withDb);
app.use("/api/*", async (c, next) => {
  await next();
  // In place: c.header() after the handler copies the whole Response on every call (hono), twice
  // per request here. A response whose headers are immutable (one fetched from elsewhere) is copied.
  try {
    setApiHeaders(c.res.headers);
  } catch {
    c.res = new Response(c.res.body, c.res);
    setApiHeaders(c.res.headers);
  }
});

function setApiHeaders(headers: Headers): void {
  if (!headers.has("Cache-Control")) headers.set("Cache-Control", "no-store");
  headers.set("X-Content-Type-Options", "nosniff");
}

const health = createRoute({
  method: "get",
  path: "/api/v1/health",
  summary: "Liveness",
  tags: ["meta"],
  security: PUBLIC,
  responses: { 200: json(z.object({ ok: z.literal(true) }), "OK") },
});

const openApiJson = createRoute({
  method: "get",
  path: "/api/v1/openapi.json",
  summary: "This document: every /api route, generated from the definitions that validate them",
  tags: ["meta"],
  security: PUBLIC,
  responses: { 200: json(z.record(z.string(), z.unknown()), "OpenAPI 3.1") },
});

app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
  type: "http",
  scheme: "bearer",
  description: "An API key (or the bootstrap ADMIN_API_KEY)",
});
app.openAPIRegistry.registerComponent("securitySchemes", "session", {
  type: "apiKey",
  in: "cookie",
  name: SESSION_COOKIE,
  description: "The admin page's session; mutating requests also send `X-CSRF-Token`",
});

/** The OpenAPI 3.1 document of every route declared with createRoute, built once per isolate. */
let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
export function generatedDocument() {
  return (document ??= app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Baromètre API",
      version: "1",
      description: "Surveys, answers and NPS/retention metrics. Errors share one shape with a stable `code`.",
    },
  }));
}
export const openApiDocument = (serverUrl: string) => ({ ...generatedDocument(), servers: [{ url: serverUrl }] });

const routes = app
  .openapi(health, (c) => c.json({ ok: true as const }, 200))
  .openapi(openApiJson, (c) => c.json(openApiDocument(new URL(c.req.url).origin), 200))
  .route("/api/v1/surveys", surveysRoute)
  .route("/api/v1/surveys", responsesRoute)
  .route("/api/v1/surveys", metricsRoute)
  .route("/api/v1/metrics", retentionRoute)
  .route("/api/v1/metrics", breakdownRoute)
  .route("/api/v1/goals", goalsRoute)
  .route("/api/v1/accounts", accountsRoute)
  .route("/api/v1/contacts", contactsRoute)
  .route("/api/v1/imports/history", historyImportRoute)
  .route("/api/v1/integrations", integrationsRoute)
  .route("/api/v1/imports", importsRoute)
  .route("/api/v1/waves", wavesRoute)
  .route("/api/v1/email", emailRoute)
  .route("/u", unsubscribeRoute)
  .route("/api/v1/auth", authRoute)
  .route("/api/v1/auth", selfServiceRoute)
  .route("/api/v1/invitations", invitationsRoute)
  .route("/api/v1/users", usersRoute)
  .route("/api/v1/api-keys", apiKeysRoute)
  .route("/api/v1/webhooks", webhooksRoute)
  .route("/api/v1/comments", commentsRoute)
  .route("/api/v1/followups", followupsRoute)
  .route("/api/v1/export", exportRoute)
  .route("/api/v1/maintenance", maintenanceRoute)
  .route("/api/v1/settings", settingsRoute)
  .route("/api/v1/segments", segmentsRoute)
  .route("/api/v1/digest", digestRoute)
  .route("/api/v1/surveys", publicWidgetRoute)
  .route("/api/v1/surveys", emailSnippetRoute)
  .route("/s", linkPageRoute)
  .route("/", embedRoute);

// The Delighted-compatible API: its own dialect and error shape (routes/delighted/index.ts).
app.route("/v1", delightedRoute);

export type AppType = typeof routes;

// The admin page is a single-page app: /admin and every client-side route under it get its
// index.html, unless a real file matches. A missing /admin/assets/* file stays a 404 (a stale
// chunk must not receive HTML). The shell is never cached, and gets a strict CSP: scripts only
// from this origin, so even a rendering bug could not run injected markup.
const ADMIN_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const adminPage = async (c: Context<AppEnv>, next: Next) => {
  if (!c.env.ASSETS) return next();
  const asset = await c.env.ASSETS.fetch(c.req.raw);
  if (asset.status !== 404 && c.req.path !== "/admin/" && c.req.path !== "/admin/index.html") return asset;
  if (c.req.path.startsWith("/admin/assets/")) return next();
  const index = await c.env.ASSETS.fetch(new URL("/admin/", c.req.url));
  if (!index.ok) return next();
  const headers = new Headers(index.headers);
  headers.set("Cache-Control", "no-cache");
  headers.set("Content-Security-Policy", ADMIN_CSP);
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "same-origin");
  return new Response(index.body, { status: 200, headers });
};
app.get("/admin", adminPage);
app.get("/admin/*", adminPage);

// Everything that is not an API route is a built asset (the widget, the admin page), if any.
app.get("*", async (c, next) => {
  if (c.req.path.startsWith("/api/") || !c.env.ASSETS) return next();
  const res = await c.env.ASSETS.fetch(c.req.raw);
  return res.status === 404 ? next() : res;
});

app.notFound((c) => c.json({ error: { code: "not_found", message: "No such route", requestId: c.var.requestId } }, 404));

app.onError((err, c) => {
  const requestId = c.var.requestId;
  if (err instanceof ApiError) {
    const { code, message, field } = err;
    return c.json({ error: { code, message, ...(field ? { field } : {}), requestId } }, err.status);
  }
  if (err instanceof HTTPException && err.status < 500) {
    return c.json({ error: { code: "bad_request", message: err.message, requestId } }, err.status);
  }
  console.error(JSON.stringify({ level: "error", requestId, path: c.req.path, error: String(err), stack: (err as Error).stack }));
  return c.json({ error: { code: "internal", message: "Internal error", requestId } }, 500);
});
