/**
 * GET /api/v1/segments → {data: [{value, accounts}]}: the known segments of the caller's accounts
 * (a manager: their own), sorted, for the segment filter's select. Everyone signed in may read it.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { getSegments } from "../db/queries/getSegments";
import { errors, json, KEY_OR_SESSION, router } from "../lib/openapi";
import { requireAuth } from "../middleware/auth";

const SegmentsSchema = z.object({ data: z.array(z.object({ value: z.string(), accounts: z.number().int() })) }).openapi("Segments");

const segments = createRoute({
  method: "get",
  path: "/",
  summary: "Known segments of the caller's accounts, with their account counts (the segment filter's exact values)",
  tags: ["accounts"],
  security: KEY_OR_SESSION,
  middleware: [requireAuth()] as const,
  responses: { 200: json(SegmentsSchema, "Sorted by value; at most 500"), ...errors(401) },
});

export const segmentsRoute = router().openapi(segments, async (c) => c.json({ data: await getSegments(c.var.db, c.var.principal) }, 200));
