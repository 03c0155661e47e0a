/**
 * After a change of TIMEZONE, the rebuild of the bucket columns and rollups goes on through the
 * jobs queue (worker/jobs/jobsQueue.ts), a slice per message, without waiting for the next cron
 * tick: against a real `wrangler dev` with its local queues as declared in wrangler.toml. The
 * database holds 1,200 answers in UTC buckets; the Worker runs in Europe/Paris with slices of one
 * batch (500 answers), so the one cron run below cannot finish alone: the queue must.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { callApi, startWorker, type RunningWorker } from "./worker";

const ADMIN = "e2e-rebucket-admin-key-0123456789";
const ANSWERS = 1200;
const START = Date.parse("2026-07-31T20:00:00Z");
const STEP = 10 * 60_000; // ten minutes apart: 2026-07-31 20:00 UTC to 2026-08-09 03:50 UTC
/** Midnight in Paris (UTC+2 in summer): the answers from 22:00 UTC on July 31 are August's there. */
const PARIS_AUGUST = Date.parse("2026-07-31T22:00:00Z");
let worker: RunningWorker;

function seed(dir: string, env: NodeJS.ProcessEnv) {
  const sql = `
INSERT INTO surveys (id, name, kind, signing_secret) VALUES ('srv_rb', 'Rebuild', 'nps', 'x');
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${ANSWERS - 1})
INSERT INTO responses (id, survey_id, score, channel, locale, bucket_month, bucket_quarter, bucket_half, created_at, updated_at)
SELECT printf('rb-%04d', i), 'srv_rb', i % 11, 'widget', 'en', strftime('%Y-%m-01', t / 1000, 'unixepoch'), '2026-07-01', '2026-07-01', t, t
FROM (SELECT i, ${START} + i * ${STEP} AS t FROM n);
`;
  const file = join(dir, "seed.sql");
  writeFileSync(file, sql);
  execFileSync("npx", ["wrangler", "d1", "execute", "DB", "--local", "--persist-to", dir, "--file", file], { env, stdio: "ignore" });
}

beforeAll(async () => {
  worker = await startWorker({ ADMIN_API_KEY: ADMIN, TIMEZONE: "Europe/Paris", REBUCKET_BATCHES: "1" }, [], seed);
}, 120_000);

afterAll(async () => {
  await worker?.stop();
});

describe("the time-zone rebuild through the jobs queue", () => {
  it("finishes from one cron run, a slice per message, and the rollups then answer in the new zone", async () => {
    const state = () => callApi(worker.base, ADMIN, "/api/v1/maintenance/rollups");
    expect((await state()).body).toMatchObject({ workspaceTimeZone: "Europe/Paris", rollupsTimeZone: "UTC", upToDate: false });
    const metrics = () => callApi(worker.base, ADMIN, "/api/v1/surveys/srv_rb/metrics?interval=month&from=2026-07-01&to=2026-09-01");
    const raw = await metrics();
    expect(raw.body.source).toBe("raw");

    // One cron run: one slice of 500, then the queue.
    const cron = await fetch(`${worker.base}/__scheduled?cron=${encodeURIComponent("17 * * * *")}`);
    expect(cron.status).toBe(200);
    await vi.waitFor(
      async () => {
        expect((await state()).body).toMatchObject({ rollupsTimeZone: "Europe/Paris", upToDate: true });
      },
      { timeout: 60_000, interval: 500 },
    );

    const july = Math.ceil((PARIS_AUGUST - START) / STEP);
    const after = await metrics();
    expect(after.body.source).toBe("rollups");
    const n = Object.fromEntries(after.body.trend.map((p: any) => [p.bucket, p.summary.n]));
    expect(n).toEqual({ "2026-07-01": july, "2026-08-01": ANSWERS - july });
    // The same figures the raw path gave in Paris during the rebuild.
    expect(after.body.trend.map((p: any) => p.summary)).toEqual(raw.body.trend.map((p: any) => p.summary));
  }, 120_000);
});
