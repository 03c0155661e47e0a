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
) {
  const r = await env.DB.prepare(
    `INSERT INTO responses (id, survey_id, contact_id, score, comment, channel, locale, account_id, segment, manager_user_id, bucket_month, bucket_quarter, bucket_half, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'widget', 'fr', ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
    .bind(
      id,
      surveyId,
      contact?.id ?? null,
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
    expect(figures.anonymous).toBeLessThanOrEqual(30);
    expect(figures.identifiedFirst).toBeLessThanOrEqual(35);
    expect(figures.identifiedAgain).toBeLessThanOrEqual(20);
    expect(figures.identifiedAgainOtherScore).toBeLessThanOrEqual(30);
    expect(figures.identifiedWithComment).toBeLessThanOrEqual(30);
    expect(figures.anonymous).toBeGreaterThan(0);
  });
});
