/**
 * Changing the workspace TIMEZONE on existing data: the answers stay exact while the bucket
 * columns and rollups are rebuilt in bounded batches (worker/jobs/rebucket.ts), and afterwards
 * every bucket of every interval and dimension equals a raw recount in the new zone: the rollups
 * (all, account), the cube row by row (every channel × locale × segment × manager), and the
 * single-dimension histograms the dashboard sums from the cube.
 */
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { rebucket } from "../../worker/jobs/rebucket";
import { bucketOf, type Interval } from "../../worker/metrics/buckets";
import { readRollupZone } from "../../worker/services/rollupZone";
import { ADMIN, createSurvey } from "../helpers";

const PARIS = "Europe/Paris";
const INTERVALS: Interval[] = ["month", "quarter", "half"];
const DIMS = [
  ["channel", "channel"],
  ["locale", "locale"],
  ["segment", "segment"],
  ["manager", "manager_user_id"],
  ["account", "account_id"],
] as const;

/** The Worker as deployed with another TIMEZONE (the binding the operator changed). */
async function call(path: string, timeZone: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`http://localhost${path}`, { ...init, headers: { ...ADMIN, ...(init.headers as Record<string, string>) } }),
    { ...env, TIMEZONE: timeZone },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (await res.json()) as any };
}

type Row = {
  id: string;
  contact_id: string | null;
  score: number;
  created_at: number;
  channel: string;
  locale: string;
  segment: string | null;
  manager_user_id: string | null;
  account_id: string | null;
};

/** Answers written straight into D1 with UTC buckets (the triggers run as for any write). */
async function seed(surveyId: string, n: number): Promise<Row[]> {
  let s = 7;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const contacts = Array.from({ length: 9 }, (_, i) => `tz-c${i}-${surveyId}`);
  await env.DB.batch(contacts.map((id) => env.DB.prepare("INSERT INTO contacts (id) VALUES (?)").bind(id)));
  // Instants near month, quarter and half-year edges, where UTC and Paris disagree; and the
  // answer of the bug report: 2026-07-31T22:10Z is 1 August, 00:10 in Paris.
  const edges = [
    "2026-01-01T00:00:00Z",
    "2026-04-01T00:00:00Z",
    "2026-07-01T00:00:00Z",
    "2026-08-01T00:00:00Z",
    "2026-10-01T00:00:00Z",
    "2027-01-01T00:00:00Z",
  ];
  const rows: Row[] = [
    {
      id: `tz-bug-${surveyId}`,
      contact_id: null,
      score: 0,
      created_at: Date.parse("2026-07-31T22:10:00Z"),
      channel: "api",
      locale: "fr",
      segment: null,
      manager_user_id: null,
      account_id: null,
    },
  ];
  for (let i = 1; i < n; i++) {
    const edge = Date.parse(edges[Math.floor(rnd() * edges.length)]!);
    const at = edge + Math.floor((rnd() - 0.5) * 6 * 3600_000);
    const k = Math.floor(rnd() * 4);
    rows.push({
      id: `tz-${surveyId}-${String(i).padStart(4, "0")}`,
      contact_id: rnd() < 0.75 ? contacts[Math.floor(rnd() * contacts.length)]! : null,
      score: Math.floor(rnd() * 11),
      created_at: at,
      channel: ["widget", "link", "email"][k % 3]!,
      locale: k % 2 ? "fr" : "en",
      segment: k === 3 ? null : `seg-${k}`,
      manager_user_id: k === 0 ? null : `mgr-${k % 2}`,
      account_id: k === 2 ? null : `acc-${Math.floor(rnd() * 3)}`,
    });
  }
  await env.DB.batch(rows.map((r) => insertRow(surveyId, r, "UTC")));
  return rows;
}

/** The INSERT of one answer with its buckets in `zone`, as the answer path writes it (triggers and all). */
const insertRow = (surveyId: string, r: Row, zone: string) =>
  env.DB.prepare(
    `INSERT INTO responses (id, survey_id, contact_id, score, channel, locale, segment, manager_user_id, account_id, bucket_month, bucket_quarter, bucket_half, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).bind(
    r.id,
    surveyId,
    r.contact_id,
    r.score,
    r.channel,
    r.locale,
    r.segment,
    r.manager_user_id,
    r.account_id,
    bucketOf(r.created_at, "month", zone),
    bucketOf(r.created_at, "quarter", zone),
    bucketOf(r.created_at, "half", zone),
    r.created_at,
    r.created_at,
  );

/**
 * The rollups a raw recount gives: per interval, bucket (of `bucketFor`) and member the latest
 * answer, then a score histogram per dimension value (keys `interval|dim|value|bucket`) and per
 * cube cell (keys `interval|cube|channel/locale/segment/manager|bucket`, '' for none).
 */
function recount(rows: Row[], bucketFor: (r: Row, i: Interval) => string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const interval of INTERVALS) {
    const latest = new Map<string, Row>();
    for (const r of rows) {
      const key = `${bucketFor(r, interval)}|${r.contact_id ?? `r:${r.id}`}`;
      const prev = latest.get(key);
      if (!prev || r.created_at > prev.created_at || (r.created_at === prev.created_at && r.id > prev.id)) latest.set(key, r);
    }
    for (const r of latest.values()) {
      const bucket = bucketFor(r, interval);
      const cell = [r.channel, r.locale, r.segment ?? "", r.manager_user_id ?? ""].join("/");
      const values: [string, string | null][] = [["all", ""], ["cube", cell], ...DIMS.map(([dim, col]) => [dim, r[col]] as [string, string | null])];
      for (const [dim, value] of values) {
        if (value === null) continue;
        const key = `${interval}|${dim}|${value}|${bucket}`;
        const h = out.get(key) ?? Array<number>(12).fill(0);
        h[0]! += 1;
        h[1 + r.score]! += 1;
        out.set(key, h);
      }
    }
  }
  return out;
}

/** What the dashboard reads, in recount's keys: rollup rows, cube rows, and the cube summed per dimension. */
async function storedRollups(surveyId: string): Promise<Map<string, number[]>> {
  const hist = Array.from({ length: 11 }, (_, i) => `s${i}`);
  const sums = ["n", ...hist].map((c) => `sum(${c}) AS ${c}`).join(", ");
  const perDim = DIMS.filter(([dim]) => dim !== "account").map(
    ([dim]) => `SELECT interval, '${dim}' AS dim, ${dim === "manager" ? "manager" : dim} AS dim_value, bucket, ${sums}
       FROM cube WHERE survey_id = ?1 AND ${dim} <> '' GROUP BY interval, ${dim}, bucket`,
  );
  // Two statements: D1 caps a compound SELECT at five terms.
  const stored = await env.DB.prepare(
    `SELECT interval, dim, dim_value, bucket, n, ${hist.join(", ")} FROM rollups WHERE survey_id = ?1
     UNION ALL SELECT interval, 'cube', channel || '/' || locale || '/' || segment || '/' || manager, bucket, n, ${hist.join(", ")} FROM cube WHERE survey_id = ?1`,
  )
    .bind(surveyId)
    .all<any>();
  const summed = await env.DB.prepare(perDim.join(" UNION ALL ")).bind(surveyId).all<any>();
  const results = [...stored.results, ...summed.results];
  return new Map(
    results
      .filter((r) => r.n !== 0)
      .map((r) => [`${r.interval}|${r.dim}|${r.dim_value}|${r.bucket}`, [r.n, ...Array.from({ length: 11 }, (_, i) => r[`s${i}`] as number)]]),
  );
}

async function storedBuckets(surveyId: string): Promise<Map<string, Record<Interval, string>>> {
  const { results } = await env.DB.prepare("SELECT id, bucket_month, bucket_quarter, bucket_half FROM responses WHERE survey_id = ?")
    .bind(surveyId)
    .all<any>();
  return new Map(results.map((r) => [r.id, { month: r.bucket_month, quarter: r.bucket_quarter, half: r.bucket_half }]));
}

const trendOf = (body: any) => Object.fromEntries(body.trend.map((p: any) => [p.bucket, p.summary.n]));

describe("changing the workspace time zone on existing data", () => {
  it("serves exact answers during the rebuild, then rollups equal to a raw recount in every bucket", async () => {
    const survey = await createSurvey();
    const rows = await seed(survey.id, 140);
    const metricsPath = `/api/v1/surveys/${survey.id}/metrics?interval=month&from=2026-07-01&to=2026-09-01`;
    // Built in UTC: the bug's answer is in July.
    expect((await readRollupZone(env.DB)).zone).toBe("UTC");
    const before = await call(metricsPath, "UTC");
    expect(before.body.source).toBe("rollups");

    // TIMEZONE becomes Europe/Paris. Before any rebuild the rollups are still UTC's: the raw path
    // answers, in Paris, and the 22:10Z answer is in August.
    const paris = (r: Row, i: Interval) => bucketOf(r.created_at, i, PARIS);
    const expectedParis = recount(rows, paris);
    const during = await call(metricsPath, PARIS);
    expect(during.status).toBe(200);
    expect(during.body.timeZone).toBe(PARIS);
    expect(during.body.source).toBe("raw");
    const aug = expectedParis.get("month|all||2026-08-01")![0];
    expect(trendOf(during.body)).toEqual({ "2026-07-01": expectedParis.get("month|all||2026-07-01")![0], "2026-08-01": aug });

    // Part of the rebuild: two batches of 25. The bucket columns are now a mix of both zones; the
    // rollups follow them row by row, and the dashboard stays on the raw path.
    const part = await rebucket(env.DB, PARIS, { batchSize: 25, maxBatches: 2 });
    expect(part).toMatchObject({ done: false, scanned: 50 });
    expect((await readRollupZone(env.DB)).zone).toBeNull();
    const mixed = await storedBuckets(survey.id);
    expect(await storedRollups(survey.id)).toEqual(recount(rows, (r, i) => mixed.get(r.id)![i]));
    const stillRaw = await call(metricsPath, PARIS);
    expect(stillRaw.body.source).toBe("raw");
    expect(trendOf(stillRaw.body)).toEqual(trendOf(during.body));
    const breakdown = await call(`/api/v1/metrics/breakdown?surveyId=${survey.id}&by=locale&interval=month&from=2026-08-01&to=2026-09-01`, PARIS);
    expect(breakdown.status).toBe(200);
    const frAug = expectedParis.get("month|locale|fr|2026-08-01")?.[0] ?? 0;
    expect(breakdown.body.groups.find((g: any) => g.value === "fr")?.summary.n ?? 0).toBe(frAug);

    // The cron picks it up from the saved cursor (resumable) and finishes.
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 * * * *" }), { ...env, TIMEZONE: PARIS }, ctx);
    await waitOnExecutionContext(ctx);
    expect((await readRollupZone(env.DB)).zone).toBe(PARIS);

    // Every bucket of every interval and dimension equals the raw recount in Paris.
    expect(await storedRollups(survey.id)).toEqual(expectedParis);
    const after = await call(metricsPath, PARIS);
    expect(after.body.source).toBe("rollups");
    expect(trendOf(after.body)).toEqual(trendOf(during.body));
    expect(after.body.totals).toEqual(during.body.totals);

    // Safe to run twice: a second run moves nothing.
    expect(await rebucket(env.DB, PARIS, { batchSize: 25 })).toMatchObject({ done: true, rewritten: 0 });
    expect(await storedRollups(survey.id)).toEqual(expectedParis);

    // And back to UTC through the operators' endpoint: the original rollups again.
    let r: Awaited<ReturnType<typeof call>>;
    do r = await call("/api/v1/maintenance/rollups/rebuild", "UTC", { method: "POST" });
    while (r.status === 200 && !r.body.done);
    expect(r.status).toBe(200);
    expect(await storedRollups(survey.id)).toEqual(recount(rows, (x, i) => bucketOf(x.created_at, i, "UTC")));
    const status = await call("/api/v1/maintenance/rollups", "UTC");
    expect(status.body).toMatchObject({ workspaceTimeZone: "UTC", rollupsTimeZone: "UTC", upToDate: true });
  }, 30_000);
  it("stays exact when answers arrive, change and go while a rebuild is half done, and when the zone changes again mid-way", async () => {
    const survey = await createSurvey();
    const rows = await seed(survey.id, 160);
    const contacts = [...new Set(rows.map((r) => r.contact_id).filter((c): c is string => c !== null))];
    let s = 11;
    const rnd = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const zoneOf = { current: "UTC" };
    /**
     * What the Worker does meanwhile, as the answer path writes it: new answers (bucketed in the
     * zone the Worker now runs in) of known contacts near the edges, a changed score, an erasure.
     */
    let k = 0;
    async function traffic(zone: string) {
      for (let i = 0; i < 12; i++) {
        const edge = Date.parse(["2026-06-30T22:30:00Z", "2026-07-31T18:50:00Z", "2026-09-30T14:10:00Z", "2026-12-31T20:00:00Z"][i % 4]!);
        const r: Row = {
          id: `tz-live-${survey.id}-${String(k++).padStart(3, "0")}`,
          contact_id: i % 3 === 0 ? null : contacts[Math.floor(rnd() * contacts.length)]!,
          score: Math.floor(rnd() * 11),
          created_at: edge + Math.floor(rnd() * 3 * 3600_000),
          channel: "widget",
          locale: i % 2 ? "fr" : "en",
          segment: "seg-1",
          manager_user_id: "mgr-1",
          account_id: "acc-1",
        };
        await insertRow(survey.id, r, zone).run();
        rows.push(r);
      }
      const amended = rows[Math.floor(rnd() * rows.length)]!;
      amended.score = (amended.score + 5) % 11;
      await env.DB.prepare("UPDATE responses SET score = ? WHERE id = ?").bind(amended.score, amended.id).run();
      const gone = rows.splice(Math.floor(rnd() * rows.length), 1)[0]!;
      await env.DB.prepare("DELETE FROM responses WHERE id = ?").bind(gone.id).run();
    }
    const exactIn = async (zone: string) => {
      const stored = await storedBuckets(survey.id);
      // The rows and the rollups agree at every step, whatever zone each row is in so far...
      expect(await storedRollups(survey.id)).toEqual(recount(rows, (r, i) => stored.get(r.id)![i]));
      // ...and the dashboard's trend in the workspace zone is the raw recount in that zone.
      const body = (await call(`/api/v1/surveys/${survey.id}/metrics?interval=month&from=2026-06-01&to=2027-02-01`, zone)).body;
      const expected = recount(rows, (r, i) => bucketOf(r.created_at, i, zone));
      expect(trendOf(body), zone).toEqual(
        Object.fromEntries(body.trend.map((p: any) => [p.bucket, expected.get(`month|all||${p.bucket}`)?.[0] ?? 0])),
      );
    };

    // UTC → Kathmandu (UTC+5:45), half done, with traffic bucketed in Kathmandu.
    zoneOf.current = "Asia/Kathmandu";
    expect(await rebucket(env.DB, zoneOf.current, { batchSize: 20, maxBatches: 3 })).toMatchObject({ done: false });
    await traffic(zoneOf.current);
    await exactIn(zoneOf.current);
    // Changed again before the walk ended: Lord Howe (UTC+10:30 in winter, +11 in summer: a
    // half-hour DST change); the walk starts over for the new zone.
    zoneOf.current = "Australia/Lord_Howe";
    expect(await rebucket(env.DB, zoneOf.current, { batchSize: 20, maxBatches: 2 })).toMatchObject({ done: false });
    await traffic(zoneOf.current);
    await exactIn(zoneOf.current);
    expect(await rebucket(env.DB, zoneOf.current, { batchSize: 20, maxBatches: 1 })).toMatchObject({ done: false });
    await traffic(zoneOf.current);
    expect((await rebucket(env.DB, zoneOf.current)).done).toBe(true);
    expect((await readRollupZone(env.DB)).zone).toBe(zoneOf.current);
    expect(await storedRollups(survey.id)).toEqual(recount(rows, (r, i) => bucketOf(r.created_at, i, zoneOf.current)));
    await exactIn(zoneOf.current);
    // Back and forth: Kolkata (UTC+5:30) half done, then back to UTC to the end.
    expect(await rebucket(env.DB, "Asia/Kolkata", { batchSize: 30, maxBatches: 2 })).toMatchObject({ done: false });
    await traffic("Asia/Kolkata");
    await exactIn("Asia/Kolkata");
    expect((await rebucket(env.DB, "UTC")).done).toBe(true);
    expect(await storedRollups(survey.id)).toEqual(recount(rows, (r, i) => bucketOf(r.created_at, i, "UTC")));
    await exactIn("UTC");
  }, 60_000);
  it("never records a zone its rows are not in when two rebuilds to different zones overlap (a deploy changing TIMEZONE while a slice runs)", async () => {
    const survey = await createSurvey();
    const rows = await seed(survey.id, 150);
    for (const [first, second] of [
      [PARIS, "Asia/Kolkata"],
      ["Australia/Lord_Howe", "UTC"],
    ] as const) {
      // One slice walks slowly towards `first`; when it is 40 answers in, a faster one towards
      // `second` starts (the next deployment's cron or queue message), takes the walk over from the
      // start, passes it and finishes first. The slow one is still running.
      const slow = rebucket(env.DB, first, { batchSize: 5 });
      for (;;) {
        const { zone, cursor, target } = await readRollupZone(env.DB);
        expect(zone, "the slow walk ended before the other started").not.toBe(first);
        const done = cursor ? await env.DB.prepare("SELECT count(*) AS n FROM responses WHERE id <= ?").bind(cursor).first<{ n: number }>() : null;
        if (target === first && (done?.n ?? 0) >= 40) break;
      }
      const [stopped] = await Promise.all([slow, rebucket(env.DB, second, { batchSize: 50 })]);
      expect(stopped).toMatchObject({ done: false, superseded: true });
      const state = await readRollupZone(env.DB);
      if (state.zone !== null) {
        const stored = await storedBuckets(survey.id);
        const zone = state.zone;
        const off = rows.filter((r) => (["month", "quarter", "half"] as const).some((i) => stored.get(r.id)![i] !== bucketOf(r.created_at, i, zone)));
        expect(
          off.map((r) => r.id),
          `rows not in ${zone}, the zone recorded`,
        ).toEqual([]);
      }
      // Whatever happened, the next runs in the new zone end with every row and rollup in it.
      while (!(await rebucket(env.DB, second, { batchSize: 40 })).done);
      expect((await readRollupZone(env.DB)).zone).toBe(second);
      expect(await storedRollups(survey.id)).toEqual(recount(rows, (r, i) => bucketOf(r.created_at, i, second)));
    }
  }, 60_000);
});
