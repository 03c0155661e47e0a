/**
 * A workspace in a zone that once skipped a whole day (Samoa, Pacific/Apia, crossed the date line:
 * 30 December 2011 never happened there). A date typed as a filter or imported without a time is
 * turned into the instant that day starts (metrics/buckets.ts zonedMidnightUtc); for the skipped
 * day it looked for that day forever, so the request never answered (a 5xx once the runtime's CPU
 * limit cut it). Both requests here must answer, with the rows a hand count gives.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { bucketOf } from "../../worker/metrics/buckets";
import { ADMIN, createSurvey } from "../helpers";

const APIA = "Pacific/Apia";

/** The Worker deployed with TIMEZONE=Pacific/Apia. */
async function call(path: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`http://localhost${path}`, { ...init, headers: { ...ADMIN, ...(init.headers as Record<string, string>) } }),
    { ...env, TIMEZONE: APIA },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (await res.json()) as any };
}

/** One answer with a comment at `iso`, written straight into D1 with Apia's buckets. */
async function answerAt(surveyId: string, id: string, iso: string) {
  const at = Date.parse(iso);
  await env.DB.prepare(
    `INSERT INTO responses (id, survey_id, score, comment, channel, locale, bucket_month, bucket_quarter, bucket_half, created_at, updated_at)
     VALUES (?, ?, 9, ?, 'api', 'en', ?, ?, ?, ?, ?)`,
  )
    .bind(id, surveyId, `comment ${id}`, bucketOf(at, "month", APIA), bucketOf(at, "quarter", APIA), bucketOf(at, "half", APIA), at, at)
    .run();
}

describe("a day the workspace zone skipped", () => {
  it("filters comments from and to 30 December 2011 in Apia: the day starts where 31 December does", async () => {
    const survey = await createSurvey();
    // 2011-12-30T09:30Z was 29 December, 23:30 in Apia (UTC−10); 2011-12-30T10:30Z was
    // 31 December, 00:30 (UTC+14).
    await answerAt(survey.id, "00000000-0000-4000-8000-00000000a001", "2011-12-30T09:30:00Z");
    await answerAt(survey.id, "00000000-0000-4000-8000-00000000a002", "2011-12-30T10:30:00Z");
    const ids = (r: { body: any }) => r.body.data.map((c: any) => c.responseId).sort();

    const from = await call(`/api/v1/comments?surveyId=${survey.id}&from=2011-12-30`);
    expect(from.status).toBe(200);
    expect(ids(from)).toEqual(["00000000-0000-4000-8000-00000000a002"]);
    const to = await call(`/api/v1/comments?surveyId=${survey.id}&to=2011-12-30`);
    expect(to.status).toBe(200);
    expect(ids(to)).toEqual(["00000000-0000-4000-8000-00000000a001"]);
    // 31 December starts at the same instant: the same split.
    expect(ids(await call(`/api/v1/comments?surveyId=${survey.id}&from=2011-12-31`))).toEqual(ids(from));
  });

  it("imports an answer dated 2011-12-30 without a time at the first instant of 31 December", async () => {
    const survey = await createSurvey();
    const csv = "email,score,date\nann@example.test,9,2011-12-30\nbob@example.test,7,2011-12-29\n";
    const r = await call(`/api/v1/imports/history?surveyId=${survey.id}&source=generic`, {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: csv,
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ created: 2 });
    const rows = await env.DB.prepare("SELECT score, created_at, bucket_month FROM responses WHERE survey_id = ? ORDER BY score")
      .bind(survey.id)
      .all<{ score: number; created_at: number; bucket_month: string }>();
    expect(rows.results).toEqual([
      // 29 December, 00:00 at UTC−10.
      { score: 7, created_at: Date.parse("2011-12-29T10:00:00Z"), bucket_month: "2011-12-01" },
      { score: 9, created_at: Date.parse("2011-12-30T10:00:00Z"), bucket_month: "2011-12-01" },
    ]);
  });
});
