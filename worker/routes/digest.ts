/**
 * The monthly review as a page: the caller's review (a manager: their accounts; admins and
 * viewers: the workspace). Default month: the current one (it covers the month before). A month's
 * review is the picture at that month's end; its action lists are today's (docs/METRICS.md).
 */
import { createRoute } from "@hono/zod-openapi";
import { errors, json, KEY_OR_SESSION, router } from "../lib/openapi";
import { workspaceTz } from "../lib/timezone";
import { localDate } from "../metrics/buckets";
import { requireAuth } from "../middleware/auth";
import { DigestQuery, DigestSchema } from "../schemas/digest";
import { buildDigest } from "../services/digest";

const get = createRoute({
  method: "get",
  path: "/",
  summary: "The monthly review (`?month=YYYY-MM`, default the current month, which covers the month before)",
  tags: ["digest"],
  security: KEY_OR_SESSION,
  middleware: [requireAuth()] as const,
  request: { query: DigestQuery },
  responses: { 200: json(DigestSchema, "The review"), ...errors(400, 401) },
});

export const digestRoute = router().openapi(get, async (c) => {
  const timeZone = workspaceTz(c.env);
  const now = Date.now();
  const month = c.req.valid("query").month ?? localDate(now, timeZone).slice(0, 7);
  return c.json(await buildDigest(c.var.db, c.var.principal, { month, timeZone, now }), 200);
});
