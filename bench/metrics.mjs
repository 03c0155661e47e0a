// Dashboard metrics at scale: the same GET /metrics on a survey with 1,000 responses and on one
// with 1,000,000 responses, in the same database, through the real Worker (rollups); the raw
// scan of the same figures (the query the rollups replace) is timed beside it, in SQLite itself.
//
//   node bench/metrics.mjs [--big 1000000] [--small 1000] [--repeat 25]
//
// The responses are written straight into the local D1 SQLite file with node:sqlite, through
// the same migrations and triggers wrangler applies, so the rollups are built exactly as in use.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";
import { bucketOf } from "../worker/metrics/buckets.ts";
import { applyMigrations, fmt, median, request, startWorker } from "./lib.mjs";
import { machine, writeSection } from "./report.mjs";

const { values: o } = parseArgs({
  options: { big: { type: "string", default: "1000000" }, small: { type: "string", default: "1000" }, repeat: { type: "string", default: "25" } },
});
const BIG = Number(o.big),
  SMALL = Number(o.small),
  REPEAT = Number(o.repeat);
const KEY = "bench-admin-key-0123456789abcdef";
const dir = mkdtempSync(join(tmpdir(), "barometre-bench-metrics-"));
applyMigrations(dir);
const d1dir = join(dir, "v3", "d1", "miniflare-D1DatabaseObject");
const file = join(
  d1dir,
  readdirSync(d1dir).find((f) => f.endsWith(".sqlite")),
);

// --- fill -------------------------------------------------------------------------------------
const db = new DatabaseSync(file);
db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;");
const start = Date.parse("2024-12-01T00:00:00Z");
const span = 730 * 86_400_000;
let seed = 7;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const surveyIns = db.prepare("INSERT INTO surveys (id, name, kind, signing_secret) VALUES (?, ?, 'nps', 'x')");
const resIns =
  db.prepare(`INSERT INTO responses (id, survey_id, contact_id, score, locale, channel, segment, bucket_month, bucket_quarter, bucket_half, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, 'widget', ?, ?, ?, ?, ?, ?)`);
function fill(surveyId, n, contacts) {
  surveyIns.run(surveyId, surveyId);
  db.exec("BEGIN");
  for (let i = 0; i < n; i++) {
    const at = start + Math.floor((i / n) * span + rnd() * 3_600_000);
    const contact = rnd() < 0.7 ? `${surveyId}-c${Math.floor(rnd() * contacts)}` : null;
    resIns.run(
      crypto.randomUUID(),
      surveyId,
      contact,
      Math.floor(rnd() * 11),
      rnd() < 0.6 ? "fr" : "en",
      ["SMB", "Mid-market", "Enterprise"][Math.floor(rnd() * 3)],
      bucketOf(at, "month", "UTC"),
      bucketOf(at, "quarter", "UTC"),
      bucketOf(at, "half", "UTC"),
      at,
      at,
    );
    if (i % 100_000 === 99_999) {
      db.exec("COMMIT");
      db.exec("BEGIN");
    }
  }
  db.exec("COMMIT");
}
db.exec("PRAGMA foreign_keys = OFF"); // contacts are synthetic ids; the app's FK checks are not under test
const t = performance.now();
fill("srv_small", SMALL, Math.max(10, SMALL / 4));
fill("srv_big", BIG, BIG / 20);
const fillSeconds = (performance.now() - t) / 1000;

// Raw scan: the dedup-per-bucket aggregate computed from `responses`, the query rollups replace.
const rawSql = `SELECT bucket_month, score, count(*) AS n FROM (
    SELECT bucket_month, score, row_number() OVER (PARTITION BY bucket_month, coalesce(contact_id, 'r:' || id) ORDER BY created_at DESC, id DESC) AS rn
    FROM responses WHERE survey_id = ? AND created_at >= ? AND created_at < ?)
  WHERE rn = 1 GROUP BY bucket_month, score`;
const raw = db.prepare(rawSql);
const rawTime = (surveyId) => {
  const times = [];
  for (let i = 0; i < Math.min(REPEAT, 5); i++) {
    const s = performance.now();
    raw.all(surveyId, start, start + span);
    times.push(performance.now() - s);
  }
  return median(times);
};
const rawSmall = rawTime("srv_small"),
  rawBig = rawTime("srv_big");
const rows = db.prepare("SELECT count(*) AS n FROM rollups").get().n;
db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
db.close();

// --- query through the Worker -------------------------------------------------------------------
const app = await startWorker({ persistTo: dir, vars: { ADMIN_API_KEY: KEY }, probe: "/api/v1/health" });
try {
  const q = "interval=month&from=2024-12-01&to=2026-12-01";
  const get = (id) => request(`${app.url}/api/v1/surveys/${id}/metrics?${q}`, { headers: { authorization: `Bearer ${KEY}` } });
  const check = JSON.parse((await get("srv_big")).body);
  if (check.source !== "rollups" || check.trend.length !== 24) throw new Error(`unexpected answer: ${JSON.stringify(check).slice(0, 300)}`);
  for (let i = 0; i < 5; i++) {
    await get("srv_small");
    await get("srv_big");
  }
  const small = [],
    big = [];
  for (let i = 0; i < REPEAT; i++) {
    let s = performance.now();
    await get("srv_small");
    small.push(performance.now() - s);
    s = performance.now();
    await get("srv_big");
    big.push(performance.now() - s);
  }
  const ms = median(small),
    mb = median(big);
  const md = `## Dashboard metrics at 1,000,000 responses

Command: \`node bench/metrics.mjs --big ${BIG} --small ${SMALL} --repeat ${REPEAT}\` (${new Date().toISOString().slice(0, 10)}, ${machine()}).
Two NPS surveys in one local D1: ${SMALL.toLocaleString("en-US")} and ${BIG.toLocaleString("en-US")} responses over two years (70 % from known
contacts), written through the real triggers (${fmt(fillSeconds, 0)} s to load; ${rows.toLocaleString("en-US")} rollup rows in all).
\`GET /api/v1/surveys/:id/metrics?${q}\` (24 monthly buckets, totals, intervals, changes) through
\`wrangler dev\`, alternating, median of ${REPEAT}:

| survey | via the Worker (rollups) | raw scan of \`responses\` (SQLite alone, no Worker) |
|---|---:|---:|
| ${SMALL.toLocaleString("en-US")} responses | ${fmt(ms, 2)} ms | ${fmt(rawSmall, 2)} ms |
| ${BIG.toLocaleString("en-US")} responses | ${fmt(mb, 2)} ms | ${fmt(rawBig, 2)} ms |

**${BIG.toLocaleString("en-US")} vs ${SMALL.toLocaleString("en-US")} responses: ${fmt(mb / ms, 2)}×** (target ≤ 2×). The rollups read at most one row per bucket, so the
cost follows the number of buckets, not of responses; the raw scan grows ${fmt(rawBig / rawSmall, 0)}× and, at
${BIG.toLocaleString("en-US")}, takes ${fmt(rawBig / mb, 0)}× the whole Worker request.`;
  writeSection("metrics", md);
  console.log(md);
} finally {
  app.stop();
  rmSync(dir, { recursive: true, force: true });
}
