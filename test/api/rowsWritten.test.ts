/**
 * What one answer costs in D1's billing unit, `meta.rows_written` (every row and index entry the
 * statement writes, triggers included), for the three kinds of answers the submission path sees.
 * Prints the figures docs/BENCHMARKS.md and docs/SCALING.md quote, and holds them to a budget so
 * a new trigger or index on the answer path is a conscious choice.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { bucketOf } from "../../worker/metrics/buckets";
import { createSurvey } from "../helpers";

async function rowsWritten(
  surveyId: string,
  id: string,
  contact: { id: string; account: string } | null,
  comment: string | null,
  at: number,
  score = 9,
  waveId: string | null = null,
) {
  const r = await env.DB.prepare(
    `INSERT INTO responses (id, survey_id, contact_id, wave_id, score, comment, channel, locale, account_id, segment, manager_user_id, bucket_month, bucket_quarter, bucket_half, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 'widget', 'fr', ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
    .bind(
      id,
      surveyId,
      contact?.id ?? null,
      waveId,
      score,
      comment,
      contact?.account ?? null,
      contact ? "Enterprise" : null,
      contact ? "usr_rw" : null,
      bucketOf(at, "month", "UTC"),
      bucketOf(at, "quarter", "UTC"),
      bucketOf(at, "half", "UTC"),
      at,
      at,
    )
    .run();
  return r.meta.rows_written;
}

describe("D1 rows written per answer", () => {
  it("measures anonymous, identified, and identified with a comment (first answer in its buckets, and a later one)", async () => {
    const s = await createSurvey();
    await env.DB.batch([
      env.DB.prepare("INSERT INTO accounts (id, name, started_on) VALUES ('acc_rw', 'RW', '2024-01-01')"),
      env.DB.prepare("INSERT INTO contacts (id, account_id) VALUES ('ct_rw', 'acc_rw')"),
    ]);
    const at = Date.parse("2026-03-10T10:00:00Z");
    const figures = {
      anonymous: await rowsWritten(s.id, crypto.randomUUID(), null, null, at),
      identifiedFirst: await rowsWritten(s.id, crypto.randomUUID(), { id: "ct_rw", account: "acc_rw" }, null, at),
      identifiedAgain: await rowsWritten(s.id, crypto.randomUUID(), { id: "ct_rw", account: "acc_rw" }, null, at + 1000),
      identifiedAgainOtherScore: await rowsWritten(s.id, crypto.randomUUID(), { id: "ct_rw", account: "acc_rw" }, null, at + 1500, 4),
      identifiedWithComment: await rowsWritten(s.id, crypto.randomUUID(), { id: "ct_rw", account: "acc_rw" }, "Très bon support, merci", at + 2000),
    };
    // The widget's comment arriving: the same answer re-sent with its comment (the score again).
    const id = crypto.randomUUID();
    await rowsWritten(s.id, id, { id: "ct_rw", account: "acc_rw" }, null, at + 3000);
    const comment = await env.DB.prepare("UPDATE responses SET score = 9, comment = 'Merci', updated_at = ? WHERE id = ?")
      .bind(at + 4000, id)
      .run();
    const allFigures = { ...figures, commentArriving: comment.meta.rows_written };
    console.log(`rows_written per answer: ${JSON.stringify(allFigures)}`);
    // Re-assigning the same score moves no rollup: only the row, its comment index and updated_at.
    expect(allFigures.commentArriving).toBeLessThanOrEqual(5);
    // Budget: today's cost (see docs/SCALING.md for where each row goes). Since the cube
    // (migrations/0011) a counted row feeds three rollup rows (all, account, cube) instead of six,
    // and a replacement that lands on the same rows writes their difference once.
    // The account standings (migrations/0012) add 9 to 11 rows to an identified answer: two
    // standings recomputed with their index entries, and the metric cache's answer generation
    // (these answers are dated months back). Budgets: the cube's, plus that.
    expect(figures.anonymous).toBeLessThanOrEqual(30);
    expect(figures.identifiedFirst).toBeLessThanOrEqual(44);
    expect(figures.identifiedAgain).toBeLessThanOrEqual(29);
    expect(figures.identifiedAgainOtherScore).toBeLessThanOrEqual(41);
    expect(figures.identifiedWithComment).toBeLessThanOrEqual(39);
    expect(figures.anonymous).toBeGreaterThan(0);
  });

  it("measures answers tied to a wave (a fourth counted row, interval 'wave', and its three upserts)", async () => {
    const s = await createSurvey();
    const wave = `wav_rw_${s.id}`;
    const at = Date.parse("2026-03-10T10:00:00Z");
    await env.DB.batch([
      env.DB.prepare("INSERT INTO accounts (id, name, started_on) VALUES ('acc_rww', 'RWW', '2024-01-01')"),
      env.DB.prepare("INSERT INTO contacts (id, account_id) VALUES ('ct_rww', 'acc_rww')"),
      env.DB.prepare("INSERT INTO waves (id, survey_id, period, opens_at, closes_at) VALUES (?, ?, '2026-03', ?, ?)").bind(
        wave,
        s.id,
        at,
        at + 864e6,
      ),
    ]);
    const who = { id: "ct_rww", account: "acc_rww" };
    const figures = {
      anonymous: await rowsWritten(s.id, crypto.randomUUID(), null, null, at, 9, wave),
      identifiedFirst: await rowsWritten(s.id, crypto.randomUUID(), who, null, at, 9, wave),
      identifiedAgain: await rowsWritten(s.id, crypto.randomUUID(), who, null, at + 1000, 9, wave),
      identifiedAgainOtherScore: await rowsWritten(s.id, crypto.randomUUID(), who, null, at + 1500, 4, wave),
    };
    console.log(`rows_written per answer tied to a wave: ${JSON.stringify(figures)}`);
    // Budget (docs/SCALING.md): the same answer without a wave, plus the wave's counted row and
    // index entry and its upserts into rollups (all, account) and cube; an identified answer also
    // recomputes its account's standings, as above (+9 to 11).
    expect(figures.anonymous).toBeLessThanOrEqual(36);
    expect(figures.identifiedFirst).toBeLessThanOrEqual(51);
    expect(figures.identifiedAgain).toBeLessThanOrEqual(29);
    expect(figures.identifiedAgainOtherScore).toBeLessThanOrEqual(45);
    expect(figures.anonymous).toBeGreaterThan(0);
  });
});
