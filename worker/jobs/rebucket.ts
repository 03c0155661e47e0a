/**
 * Time-zone changes, kept exact. Bucket columns (`responses.bucket_*`) and, through the
 * triggers, `counted`, `rollups` and `cube` are built in one zone, recorded in `settings` under
 * `rollups.time_zone`. When the workspace's TIMEZONE differs, this job rewrites the bucket columns
 * in bounded batches (the rebucket trigger of migrations/0006 moves `counted` with each row, and
 * the triggers on `counted` move `rollups` and `cube`), then records the new zone. Until then the
 * zone is recorded as unknown (`zone: null`) and the dashboard takes the raw path, which buckets
 * in any zone exactly (services/rollupZone.ts).
 *
 * Resumable: the cursor (last response id done) is saved in the same D1 batch as the rows it
 * covers, so a run cut short resumes where it stopped. Safe to run twice, even at the same time:
 * a row already in the target zone is not written, and rewriting a row with the same buckets
 * does not fire the trigger.
 *
 * One walk per target: every batch writes only while the saved state still names this walk's
 * target (checked inside the batch's own transaction), and a walk that finds it changed stops.
 * A slice of the previous deployment still walking towards the old zone when the new one's walk
 * starts over (a change of TIMEZONE while a slice runs, or two changes in a row) would otherwise
 * rewrite rows the new walk had already passed, then record its own zone, or let the new walk
 * record the new zone over rows left in the old one (test/api/timezoneRebuild.test.ts).
 */
import { bucketOf, isValidTimeZone } from "../metrics/buckets";
import { readRollupZone, ROLLUP_ZONE_KEY, type RollupZoneState } from "../services/rollupZone";

/**
 * Batches for a request or a queue message: ~5,000 answers, well inside an invocation's CPU and
 * its 1,000 D1 queries (a SELECT per batch, and an UPDATE per answer whose bucket moves: a few
 * percent of them, all of them at worst: 10 batches is then 5,010 statements in 10 D1 batches).
 */
export const BATCHES_PER_INVOCATION = 10;

export interface RebucketOptions {
  /** Responses read per batch (one D1 batch writes at most this many rows, plus their triggers). */
  batchSize?: number;
  /** Stop after this many batches (a cron tick, an HTTP request); the next run resumes. */
  maxBatches?: number;
}

export interface RebucketResult {
  zone: string;
  done: boolean;
  /** Rows read and rows rewritten in this run. */
  scanned: number;
  rewritten: number;
  cursor: string | null;
}

const saveState = (db: D1Database, state: RollupZoneState) =>
  db
    .prepare(
      "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = cast(unixepoch('subsec') * 1000 as integer)",
    )
    .bind(ROLLUP_ZONE_KEY, JSON.stringify(state));

/** SQL: the saved state still names `?N` as the target of the walk under way. */
const stillTarget = (n: number) => `EXISTS (SELECT 1 FROM settings WHERE key = '${ROLLUP_ZONE_KEY}' AND json_extract(value, '$.target') = ?${n})`;

/** Saves the state only while the walk under way is still this one (its target unchanged). */
const advanceState = (db: D1Database, target: string, state: RollupZoneState) =>
  db
    .prepare(`UPDATE settings SET value = ?2, updated_at = cast(unixepoch('subsec') * 1000 as integer) WHERE key = ?1 AND ${stillTarget(3)}`)
    .bind(ROLLUP_ZONE_KEY, JSON.stringify(state), target);

/** Brings the bucket columns and rollups to `zone`, at most `maxBatches` batches this run. */
export async function rebucket(db: D1Database, zone: string, opts: RebucketOptions = {}): Promise<RebucketResult> {
  if (!isValidTimeZone(zone)) throw new Error(`not an IANA time zone: ${zone}`);
  const batchSize = opts.batchSize ?? 500;
  const maxBatches = opts.maxBatches ?? Infinity;
  let state = await readRollupZone(db);
  if (state.zone === zone) return { zone, done: true, scanned: 0, rewritten: 0, cursor: null };
  if (state.target !== zone) {
    // A new target (or the first run): from now on the buckets are mixed, so nothing may trust
    // the rollups for any zone until the walk is over.
    state = { zone: null, target: zone, cursor: "" };
    await saveState(db, state).run();
  }
  let cursor = state.cursor ?? "";
  let scanned = 0;
  let rewritten = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const { results } = await db
      .prepare("SELECT id, created_at, bucket_month, bucket_quarter, bucket_half FROM responses WHERE id > ?1 ORDER BY id LIMIT ?2")
      .bind(cursor, batchSize)
      .all<{ id: string; created_at: number; bucket_month: string; bucket_quarter: string; bucket_half: string }>();
    const updates: D1PreparedStatement[] = [];
    for (const r of results) {
      const month = bucketOf(r.created_at, "month", zone);
      const quarter = bucketOf(r.created_at, "quarter", zone);
      const half = bucketOf(r.created_at, "half", zone);
      if (month === r.bucket_month && quarter === r.bucket_quarter && half === r.bucket_half) continue;
      updates.push(
        db
          .prepare(`UPDATE responses SET bucket_month = ?2, bucket_quarter = ?3, bucket_half = ?4 WHERE id = ?1 AND ${stillTarget(5)}`)
          .bind(r.id, month, quarter, half, zone),
      );
    }
    const last = results.at(-1)?.id;
    const finished = results.length < batchSize;
    if (last !== undefined) cursor = last;
    const next: RollupZoneState = finished ? { zone } : { zone: null, target: zone, cursor };
    // The rows and the cursor that covers them commit together, and only while this walk is the
    // one under way: when another target took over, nothing of this batch is written and this
    // walk stops (the next run, in the workspace zone, carries on the walk that took over).
    const written = await db.batch([...updates, advanceState(db, zone, next)]);
    if (written.at(-1)!.meta.changes === 0) return { zone, done: false, scanned, rewritten, cursor: null };
    scanned += results.length;
    rewritten += updates.length;
    if (finished) return { zone, done: true, scanned, rewritten, cursor: null };
  }
  return { zone, done: false, scanned, rewritten, cursor };
}

/** The cron's part: when the workspace zone is not the one the rollups are in, work towards it. */
export async function runRebucket(
  env: { DB: D1Database; TIMEZONE?: string },
  maxBatches = BATCHES_PER_INVOCATION,
): Promise<RebucketResult | "up to date"> {
  const zone = env.TIMEZONE || "UTC";
  const state = await readRollupZone(env.DB);
  if (state.zone === zone) return "up to date";
  return rebucket(env.DB, zone, { maxBatches });
}
