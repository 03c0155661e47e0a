import { createDb } from "../db/client";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";

/** One drizzle client per request, on the context (drizzle over D1 is a thin wrapper). */
export const withDb = createMiddleware<AppEnv>(async (c, next) => {
  c.set("db", createDb(c.env.DB));
  await next();
});
