/**
 * The cron's survey waves (docs/WAVES.md). For each active survey whose cadence is enabled:
 * open the wave of the current period once its date arrives (the unique (survey_id, period) index
 * makes opening idempotent), invite every eligible contact exactly once (the unique
 * (wave_id, contact_id) index), and close waves whose window is over.
 *
 * Idempotent and catch-up safe: every run recomputes what should exist at `now` and only adds
 * what is missing, so running twice changes nothing and a late run still opens a missed wave
 * whose window is not over and invites whoever is still missing.
 */
import { workspaceTz } from "../lib/timezone";
import { and, eq, lte, sql } from "drizzle-orm";
import { createDb } from "../db/client";
import { surveys, waves } from "../db/schema";
import type { Db, Env } from "../env";
import { newId, randomString } from "../lib/ids";
import { isoDate, localDate, localParts, parseIsoDate, zonedMidnightUtc } from "../metrics/buckets";
import { rawBatch } from "../services/rawBatch";

const DAY = 86_400_000;
/**
 * The re-survey interval is shortened by this much when compared with the previous waves: the
 * default biannual cadence (15 January → 15 July = 181 days) would otherwise fall one day short of
 * the default 182-day interval and skip every contact invited in January.
 */
export const RESURVEY_GRACE_DAYS = 7;
/**
 * Contacts invited per statement. Each chunk is two D1 queries, and an invocation may make 1,000
 * (D1's limits page): at 500 a wave opening for 300,000 contacts needed 1,200 and its cron run
 * stopped part-way (the next run finished it, an hour later); at 2,000 it needs 300. One JSON
 * parameter carries the chunk's rows (about 120 KB).
 */
const INVITE_CHUNK = 2_000;

type Survey = typeof surveys.$inferSelect;

export interface Period {
  period: string;
  opensAt: number;
  closesAt: number;
}

const addDays = (date: string, days: number) => {
  const d = parseIsoDate(date)!;
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day) + days * DAY);
  return isoDate(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
};

/** The cadence's periods around `now` (last year and this year), opening at local midnight. */
export function cadencePeriods(cadence: Survey["cadence"], now: number, tz: string): Period[] {
  const year = localParts(now, tz).year;
  const out: Period[] = [];
  for (const y of [year - 1, year]) {
    for (const m of [...new Set(cadence.months)].sort((a, b) => a - b)) {
      const opens = isoDate(y, m, cadence.day);
      out.push({
        period: opens.slice(0, 7),
        opensAt: zonedMidnightUtc(opens, tz),
        closesAt: zonedMidnightUtc(addDays(opens, cadence.windowDays), tz),
      });
    }
  }
  return out;
}

export interface WavesReport {
  opened: number;
  invited: number;
  closed: number;
}

export async function runWaves(env: Env, now: number): Promise<WavesReport> {
  const db: Db = createDb(env.DB);
  const tz = workspaceTz(env);
  const report: WavesReport = { opened: 0, invited: 0, closed: 0 };

  const active = await db.select().from(surveys).where(eq(surveys.status, "active")).all();
  for (const survey of active) {
    if (!survey.cadence?.enabled) continue;
    for (const p of cadencePeriods(survey.cadence, now, tz)) {
      if (p.opensAt > now || now >= p.closesAt) continue;
      const created = await db
        .insert(waves)
        .values({
          id: newId("wav"),
          surveyId: survey.id,
          period: p.period,
          opensAt: new Date(p.opensAt),
          closesAt: new Date(p.closesAt),
          status: "open",
          createdAt: new Date(now),
        })
        .onConflictDoNothing()
        .run();
      report.opened += created.meta.changes ?? 0;
    }
    const open = await db
      .select()
      .from(waves)
      // Waves of Delighted-style survey requests (jobs/surveyRequests.ts) invite no one else.
      .where(
        and(
          eq(waves.surveyId, survey.id),
          eq(waves.status, "open"),
          sql`${waves.closesAt} > ${now}`,
          lte(waves.opensAt, new Date(now)),
          sql`${waves.period} NOT LIKE 'v1-%'`,
        ),
      )
      .all();
    for (const wave of open) report.invited += await inviteEligible(db, survey, wave, now, tz);
  }
  // Closing does not depend on the survey still being active: a paused survey's wave ends too.
  const closed = await db
    .update(waves)
    .set({ status: "closed", closedAt: new Date(now) })
    .where(and(eq(waves.status, "open"), lte(waves.closesAt, new Date(now))))
    .run();
  report.closed = closed.meta.changes ?? 0;
  return report;
}

/**
 * Invites the contacts eligible for `wave` that are not invited yet: an email, not unsubscribed,
 * no bounce since the contact record last changed (a corrected email lifts it), an account active today, and not surveyed within the survey's re-survey interval before the
 * wave opened (no answer to this survey, no invitation from a wave of this survey that opened in
 * that interval). Returns how many invitations were created.
 */
export async function inviteEligible(db: Db, survey: Survey, wave: typeof waves.$inferSelect, now: number, tz: string): Promise<number> {
  const today = localDate(now, tz);
  const opensAt = wave.opensAt.getTime();
  const since = opensAt - Math.max(0, survey.resurveyDays - RESURVEY_GRACE_DAYS) * DAY;
  let total = 0;
  // Keyset over contact ids: each pass starts after the last contact seen, so a run over 100,000
  // contacts reads each of them once instead of rescanning the invited ones every pass.
  let after = "";
  for (;;) {
    const eligible = await db.all<{ id: string }>(sql`
      SELECT c.id FROM contacts c JOIN accounts a ON a.id = c.account_id
      WHERE c.id > ${after} AND c.unsubscribed_at IS NULL AND c.email IS NOT NULL AND c.email <> ''
        AND a.started_on <= ${today} AND (a.churned_on IS NULL OR a.churned_on > ${today})
        AND NOT EXISTS (SELECT 1 FROM invitations i JOIN waves w ON w.id = i.wave_id
                        WHERE i.contact_id = c.id AND i.survey_id = ${survey.id}
                          AND (i.wave_id = ${wave.id} OR (w.opens_at > ${since} AND w.opens_at < ${opensAt})))
        AND NOT EXISTS (SELECT 1 FROM invitations b
                        WHERE b.contact_id = c.id AND b.status = 'bounced' AND b.bounced_at >= c.updated_at)
        AND NOT EXISTS (SELECT 1 FROM responses r
                        WHERE r.contact_id = c.id AND r.survey_id = ${survey.id} AND r.created_at > ${since}
                          AND (r.wave_id IS NULL OR r.wave_id <> ${wave.id}))
      ORDER BY c.id LIMIT ${INVITE_CHUNK}`);
    if (eligible.length === 0) return total;
    after = eligible.at(-1)!.id;
    // Tokens from WebCrypto (160 bits); the unique indexes make a concurrent run harmless.
    const rows = eligible.map((c) => ({ id: newId("inv"), c: c.id, t: randomString(32) }));
    const [res] = await rawBatch(db, [
      sql`INSERT INTO invitations (id, wave_id, survey_id, contact_id, token, status, created_at)
          SELECT value ->> '$.id', ${wave.id}, ${survey.id}, value ->> '$.c', value ->> '$.t', 'pending', ${now}
          FROM json_each(${JSON.stringify(rows)}) WHERE true
          ON CONFLICT DO NOTHING`,
    ]);
    total += res?.meta.changes ?? 0;
  }
}
