/**
 * Which zone the rollups are in, and so whether they may answer a request (worker/jobs/rebucket.ts).
 * `zone` is null while a rebuild is under way: the bucket columns are then a mix of two zones and
 * only the raw path is exact.
 */
export const ROLLUP_ZONE_KEY = "rollups.time_zone";

export interface RollupZoneState {
  zone: string | null;
  /** The zone a rebuild under way is heading to, and the last response id it has done. */
  target?: string;
  cursor?: string;
}

export async function readRollupZone(db: D1Database): Promise<RollupZoneState> {
  const row = await db.prepare("SELECT value FROM settings WHERE key = ?1").bind(ROLLUP_ZONE_KEY).first<{ value: string }>();
  // No row: a database whose migrations were applied, then the row removed by hand. Unknown.
  if (!row) return { zone: null };
  return JSON.parse(row.value) as RollupZoneState;
}

/** True when the rollups, `counted` and the bucket columns are all in `zone`. */
export async function rollupsServe(db: D1Database, zone: string): Promise<boolean> {
  return (await readRollupZone(db)).zone === zone;
}
