/**
 * Operators' endpoints (admin only):
 *   GET  /api/v1/maintenance/rollups            which zone the rollups are in, a rebuild's progress
 *   POST /api/v1/maintenance/rollups/rebuild    a bounded slice of the rebuild to the workspace zone
 * `npm run rollups:rebuild` (scripts/rebucket.mjs) calls the second until it says done; the hourly
 * cron does the same work, then the jobs queue a slice per message (jobs/jobsQueue.ts). All are
 * safe to run together.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { BATCHES_PER_INVOCATION, rebucket } from "../jobs/rebucket";
import { errors, json, KEY_OR_SESSION, router } from "../lib/openapi";
import { workspaceTz } from "../lib/timezone";
import { requireAuth } from "../middleware/auth";
import { readRollupZone } from "../services/rollupZone";

const RollupStateSchema = z
  .object({
    workspaceTimeZone: z.string(),
    rollupsTimeZone: z.string().nullable().openapi({ description: "Null while a rebuild is under way" }),
    upToDate: z.boolean(),
    rebuilding: z.string().nullable(),
    cursor: z.string().nullable(),
  })
  .openapi("RollupState");

const RebuildSchema = z
  .object({
    zone: z.string(),
    done: z.boolean(),
    scanned: z.number().int(),
    rewritten: z.number().int(),
    cursor: z.string().nullable(),
    superseded: z.boolean().openapi({ description: "A walk to another zone took over meanwhile; call again to carry on in the workspace zone" }),
  })
  .openapi("RollupRebuild");

const state = createRoute({
  method: "get",
  path: "/rollups",
  summary: "Which time zone the rollups are built in, and a rebuild's progress (admins)",
  tags: ["maintenance"],
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin")] as const,
  responses: { 200: json(RollupStateSchema, "The rollups' zone against the workspace's"), ...errors(401, 403) },
});

const rebuild = createRoute({
  method: "post",
  path: "/rollups/rebuild",
  summary: "Rebuild a bounded slice of the bucket columns and rollups in the workspace zone (admins; call until done)",
  tags: ["maintenance"],
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin")] as const,
  responses: { 200: json(RebuildSchema, "What this slice did; `done` once every answer is in the zone"), ...errors(401, 403) },
});

export const maintenanceRoute = router()
  .openapi(state, async (c) => {
    const s = await readRollupZone(c.env.DB);
    const workspace = workspaceTz(c.env);
    return c.json(
      {
        workspaceTimeZone: workspace,
        rollupsTimeZone: s.zone,
        upToDate: s.zone === workspace,
        rebuilding: s.target ?? null,
        cursor: s.cursor ?? null,
      },
      200,
    );
  })
  .openapi(rebuild, async (c) => c.json(await rebucket(c.env.DB, workspaceTz(c.env), { maxBatches: BATCHES_PER_INVOCATION }), 200));
