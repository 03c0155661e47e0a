/** Cron housekeeping for auth tables: expired sessions and old rate-limit slots. */
import { drizzle } from "drizzle-orm/d1";
import { lt } from "drizzle-orm";
import * as schema from "../db/schema";
import { sessions } from "../db/schema";
import type { Env } from "../env";
import { pruneRateLimits } from "./rateLimit";

export async function pruneAuthTables(env: Env, now: number): Promise<void> {
  const db = drizzle(env.DB, { schema });
  await db.delete(sessions).where(lt(sessions.expiresAt, new Date(now)));
  await pruneRateLimits(db, now);
}
