/**
 * A wave invites its eligible contacts in chunks (worker/jobs/waves.ts, a keyset over contact ids,
 * INVITE_CHUNK per statement). Across more contacts than one chunk holds, each is invited exactly
 * once, and a second run invites nobody.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import { surveys, waves } from "../../worker/db/schema";
import { eq } from "drizzle-orm";
import { inviteEligible } from "../../worker/jobs/waves";
import { createSurvey } from "../helpers";

const N = 2_150;

describe("a wave for more contacts than one chunk", () => {
  it(`invites each of ${N} contacts once, and nobody on a second run`, async () => {
    const s = await createSurvey();
    const tag = `chunk-${s.id}`;
    await env.DB.prepare("INSERT INTO accounts (id, name, mrr_cents, started_on) VALUES (?, 'Chunky', 1000, '2020-01-01')").bind(tag).run();
    await env.DB.prepare(
      `INSERT INTO contacts (id, account_id, email, name)
       WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < ${N})
       SELECT printf('%s-%05d', ?, k), ?, printf('%s-%05d@client.test', ?, k), 'Person' FROM n`,
    )
      .bind(tag, tag, tag)
      .run();
    const now = Date.now();
    const waveId = `wav-${tag}`;
    await env.DB.prepare("INSERT INTO waves (id, survey_id, period, opens_at, closes_at, status) VALUES (?, ?, 'chunks', ?, ?, 'open')")
      .bind(waveId, s.id, now - 3_600_000, now + 14 * 86_400_000)
      .run();
    const db = createDb(env.DB);
    const survey = (await db.select().from(surveys).where(eq(surveys.id, s.id)).get())!;
    const wave = (await db.select().from(waves).where(eq(waves.id, waveId)).get())!;
    const first = await inviteEligible(db, survey, wave, now, "UTC");
    expect(first).toBeGreaterThanOrEqual(N);
    const ours = await env.DB.prepare(
      "SELECT count(*) AS n, count(DISTINCT contact_id) AS d FROM invitations WHERE wave_id = ? AND contact_id LIKE ?",
    )
      .bind(waveId, `${tag}-%`)
      .first();
    expect(ours).toEqual({ n: N, d: N });
    expect(await inviteEligible(db, survey, wave, now, "UTC")).toBe(0);
  });
});
