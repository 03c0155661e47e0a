/**
 * A TIMEZONE that is no IANA zone (a typo in wrangler.toml: "Europe/Pari"). Every bucket key,
 * "today" and the rebuild's target come from it, and Intl throws on an unknown zone: every answer
 * was refused with a 500 (a link page's respondent lost their answer), every dashboard request
 * failed, and the cron's rebuild threw each hour. The Worker now works in UTC, says so in every
 * `timeZone` it returns, and logs the bad setting; fixing the setting rebuilds into the intended
 * zone as any change of zone does.
 */
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { readRollupZone } from "../../worker/services/rollupZone";
import { ADMIN, createSurvey } from "../helpers";

const TYPO = "Europe/Pari";

async function call(path: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`http://localhost${path}`, {
      ...init,
      headers: { ...ADMIN, "content-type": "application/json", ...(init.headers as Record<string, string>) },
    }),
    { ...env, TIMEZONE: TYPO },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (await res.json()) as any };
}

describe("a TIMEZONE that is not a time zone", () => {
  it("stores answers and answers the dashboard in UTC instead of failing every request", async () => {
    const survey = await createSurvey();
    const answer = await call(`/api/v1/surveys/${survey.id}/responses`, {
      method: "POST",
      body: JSON.stringify({ id: crypto.randomUUID(), score: 9 }),
    });
    expect(answer.status).toBe(201);
    const stored = await env.DB.prepare("SELECT bucket_month FROM responses WHERE id = ?").bind(answer.body.id).first<{ bucket_month: string }>();
    expect(stored?.bucket_month).toBe(`${new Date().toISOString().slice(0, 7)}-01`);

    const metrics = await call(`/api/v1/surveys/${survey.id}/metrics?interval=month`);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatchObject({ timeZone: "UTC", source: "rollups", totals: { n: 1 } });
    expect((await call("/api/v1/digest")).status).toBe(200);
    expect((await call("/api/v1/maintenance/rollups")).body).toMatchObject({ workspaceTimeZone: "UTC", upToDate: true });

    // The hourly cron runs its jobs (the rebuild among them) without throwing, and leaves the
    // rollups in UTC.
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 * * * *" }), { ...env, TIMEZONE: TYPO }, ctx);
    await waitOnExecutionContext(ctx);
    expect((await readRollupZone(env.DB)).zone).toBe("UTC");
  });
});
