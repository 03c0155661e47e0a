/**
 * Operators' endpoints (admin only):
 *   GET  /api/v1/maintenance/rollups            which zone the rollups are in, a rebuild's progress
 *   POST /api/v1/maintenance/rollups/rebuild    a bounded slice of the rebuild to the workspace zone
 * `npm run rollups:rebuild` (scripts/rebucket.mjs) calls the second until it says done; the hourly
 * cron does the same work a slice per tick. Both are safe to run together.
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { rebucket } from "../jobs/rebucket";
import { requireAuth } from "../middleware/auth";
import { readRollupZone } from "../services/rollupZone";

/** Batches per request: ~5,000 answers, well inside a request's CPU and subrequest budgets. */
const BATCHES_PER_REQUEST = 10;

export const maintenanceRoute = new Hono<AppEnv>()
  .get("/rollups", requireAuth("admin"), async (c) => {
    const state = await readRollupZone(c.env.DB);
    const workspace = c.env.TIMEZONE || "UTC";
    return c.json({ workspaceTimeZone: workspace, rollupsTimeZone: state.zone, upToDate: state.zone === workspace, rebuilding: state.target ?? null, cursor: state.cursor ?? null });
  })
  .post("/rollups/rebuild", requireAuth("admin"), async (c) => {
    const result = await rebucket(c.env.DB, c.env.TIMEZONE || "UTC", { maxBatches: BATCHES_PER_REQUEST });
    return c.json(result);
  });
