/**
 * GET /api/v1/segments → {data: [{value, accounts}]}: the known segments of the caller's accounts
 * (a manager: their own), sorted, for the segment filter's select. Everyone signed in may read it.
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { getSegments } from "../db/queries/getSegments";
import { requireAuth } from "../middleware/auth";

export const segmentsRoute = new Hono<AppEnv>().get("/", requireAuth(), async (c) => c.json({ data: await getSegments(c.var.db, c.var.principal) }));
