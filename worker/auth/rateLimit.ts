/**
 * Counting events per key in D1 (`rate_limits`), for login throttling.
 *
 * Counts live in 5-minute slots; a limit "N per 15 minutes" sums the last three slots, so the
 * window slides in 5-minute steps instead of resetting all at once (a fixed 15-minute window would
 * let 2N attempts through around its edge).
 */
import { and, gte, inArray, lt, sql } from "drizzle-orm";
import { rateLimits } from "../db/schema";
import type { Db } from "../env";

const SLOT_MS = 5 * 60_000;

export interface Limit {
  max: number;
  windowMs: number;
}

/** Login: 5 failures per e-mail and 30 per IP (offices share one) within 15 minutes. */
export const LOGIN_PER_EMAIL: Limit = { max: 5, windowMs: 15 * 60_000 };
export const LOGIN_PER_IP: Limit = { max: 30, windowMs: 15 * 60_000 };

const slotOf = (now: number) => Math.floor(now / SLOT_MS) * SLOT_MS;

/** The first slot inside a window of `windowMs` ending at `now`. */
const windowSince = (now: number, windowMs: number) => slotOf(now) - windowMs + SLOT_MS;

/** How many events each key has within `windowMs` before `now`. */
export async function countsFor(db: Db, keys: string[], windowMs: number, now: number): Promise<Map<string, number>> {
  const since = windowSince(now, windowMs);
  const rows = await db
    .select({ key: rateLimits.key, n: sql<number>`sum(${rateLimits.count})` })
    .from(rateLimits)
    .where(and(inArray(rateLimits.key, keys), gte(rateLimits.windowStart, since)))
    .groupBy(rateLimits.key)
    .all();
  return new Map(rows.map((r) => [r.key, Number(r.n)]));
}

/** Records one event for each key (one statement). */
export async function hit(db: Db, keys: string[], now: number): Promise<void> {
  if (keys.length === 0) return;
  await db
    .insert(rateLimits)
    .values(keys.map((key) => ({ key, windowStart: slotOf(now), count: 1 })))
    .onConflictDoUpdate({
      target: [rateLimits.key, rateLimits.windowStart],
      set: { count: sql`${rateLimits.count} + 1` },
    });
}

/**
 * Reserves one attempt under every limit at once, before the costly or risky work (a password
 * check): in ONE statement, so parallel requests cannot all read "4 failures" and all go ahead.
 * Each key's current slot goes up by one only if every key is still under its `max` within
 * `windowMs`; otherwise nothing changes. Returns the slot to hand back to `release` when the
 * attempt turns out fine, or null when a limit is reached.
 * (SQLite runs an INSERT … SELECT reading its own table to completion before writing, and D1
 * runs one statement at a time, so the check and the increment are one atomic step.)
 */
export async function reserve(db: Db, limits: { key: string; max: number }[], windowMs: number, now: number): Promise<number | null> {
  const slot = slotOf(now);
  const rows = sql.join(
    limits.map((l) => sql`(${l.key}, ${l.max})`),
    sql`, `,
  );
  const reserved = await db.all<{ key: string }>(sql`
    WITH l(key, max) AS (VALUES ${rows})
    INSERT INTO rate_limits (key, window_start, count)
    SELECT l.key, ${slot}, 1 FROM l
    WHERE NOT EXISTS (
      SELECT 1 FROM l AS over
      WHERE (SELECT coalesce(sum(r.count), 0) FROM rate_limits r
             WHERE r.key = over.key AND r.window_start >= ${windowSince(now, windowMs)}) >= over.max)
    ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1
    RETURNING key`);
  return reserved.length === limits.length ? slot : null;
}

/** Hands back an attempt reserved in `slot` (it was no failure). */
export async function release(db: Db, key: string, slot: number): Promise<void> {
  await db.run(sql`UPDATE rate_limits SET count = count - 1 WHERE key = ${key} AND window_start = ${slot} AND count > 0`);
}

/** Forgets a key (a successful login clears its e-mail's failures). */
export async function clear(db: Db, key: string): Promise<void> {
  await db.delete(rateLimits).where(sql`${rateLimits.key} = ${key}`);
}

/** Drops slots older than a day, so the table stays small (called from the cron). */
export async function pruneRateLimits(db: Db, now: number): Promise<void> {
  await db.delete(rateLimits).where(lt(rateLimits.windowStart, now - 24 * 3600_000));
}
