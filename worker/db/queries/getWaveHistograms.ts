/**
 * Score histograms per wave: the answers tied to each wave (`responses.wave_id`), a member (a
 * contact, or an anonymous answer on its own) counting once, with their latest answer.
 * Read through `responses_wave_idx` for the listed waves only, so the cost follows the answers of
 * those waves, not the survey's whole history (docs/METRICS.md, "By wave").
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../../env";
import { emptyHistogram, type Histogram } from "../../metrics/histogram";
import type { ScoreFilter } from "./scoreFilter";

const COLUMN_SQL = {
  channel: sql`r.channel`,
  locale: sql`r.locale`,
  segment: sql`r.segment`,
  manager: sql`r.manager_user_id`,
  account: sql`r.account_id`,
} as const;

export interface WaveHistogramQuery {
  surveyId: string;
  waveIds: string[];
  filters: ScoreFilter[];
  /** Extra condition on `responses r` (a caller's scope). */
  where?: SQL;
}

export async function getWaveHistograms(db: Db, q: WaveHistogramQuery): Promise<Map<string, Histogram>> {
  const out = new Map<string, Histogram>();
  if (q.waveIds.length === 0) return out;
  const conditions = [sql`r.survey_id = ${q.surveyId}`, ...q.filters.map((f) => sql`${COLUMN_SQL[f.dim]} = ${f.value}`)];
  if (q.where) conditions.push(q.where);
  const rows = await db.all<{ wave_id: string; score: number; n: number }>(sql`
    SELECT wave_id, score, count(*) AS n
    FROM (SELECT r.wave_id, r.score,
                 row_number() OVER (PARTITION BY r.wave_id, coalesce(r.contact_id, 'r:' || r.id) ORDER BY r.created_at DESC, r.id DESC) AS rn
          FROM responses r
          WHERE r.wave_id IN (SELECT value FROM json_each(${JSON.stringify(q.waveIds)})) AND ${sql.join(conditions, sql` AND `)})
    WHERE rn = 1
    GROUP BY wave_id, score`);
  for (const r of rows) {
    const h = out.get(r.wave_id) ?? emptyHistogram();
    h[r.score] = (h[r.score] ?? 0) + r.n;
    out.set(r.wave_id, h);
  }
  return out;
}
