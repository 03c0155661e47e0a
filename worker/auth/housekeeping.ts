/** Cron housekeeping for auth tables: expired sessions and reset links, old rate-limit slots. */
import { createDb } from "../db/client";
import { lt } from "drizzle-orm";
import { passwordResets, sessions } from "../db/schema";
import type { Env } from "../env";
import { pruneRateLimits } from "./rateLimit";

export async function pruneAuthTables(env: Env, now: number): Promise<void> {
  const db = createDb(env.DB);
  await db.delete(sessions).where(lt(sessions.expiresAt, new Date(now)));
  await db.delete(passwordResets).where(lt(passwordResets.expiresAt, new Date(now)));
  await pruneRateLimits(db, now);
}
