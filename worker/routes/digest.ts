/**
 * The monthly review as a page:
 *   GET /api/v1/digest?month=YYYY-MM   → the caller's review (a manager: their accounts; admins and
 *                                        viewers: the workspace). Default month: the current one
 *                                        (it covers the month before).
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { parseQuery } from "../lib/validate";
import { requireAuth } from "../middleware/auth";
import { localDate } from "../metrics/buckets";
import { buildDigest } from "../services/digest";

const DigestQuery = z
  .object({ month: z.string().regex(/^(19|20)\d\d-(0[1-9]|1[0-2])$/, "expected YYYY-MM").optional() })
  .strict();

export const digestRoute = new Hono<AppEnv>().get("/", requireAuth(), async (c) => {
  const q = parseQuery(c, DigestQuery);
  const tz = c.env.TIMEZONE || "UTC";
  const now = Date.now();
  const month = q.month ?? localDate(now, tz).slice(0, 7);
  return c.json(await buildDigest(c.var.db, c.var.principal, { month, timeZone: tz, now }));
});
