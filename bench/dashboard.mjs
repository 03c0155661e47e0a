// Every admin-page request at scale: the same requests against two local D1 databases side by
// side, one with 1,000 answers (100 accounts, 300 contacts) and one with 1,000,000 answers
// (100,000 accounts, 300,000 contacts), each behind its own `wrangler dev`, alternating, median of
// --repeat. Also the CSV export of every answer of the big survey (time, bytes, workerd RSS).
//
//   node bench/dashboard.mjs [--big 1000000] [--small 1000] [--repeat 15]
//
// The data is generated in bulk, straight into the local D1 SQLite files with node:sqlite (not
// through HTTP), after the same migrations wrangler applies. The insert triggers are set aside
// during the load and `counted`, `rollups` and the comment index built set-wise with the same
// rules (the tests hold the triggers to a raw recount), then the triggers are restored; the
// load checks the totals against a recount from `responses`.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";
import { bucketOf } from "../worker/metrics/buckets.ts";
import { applyMigrations, fmt, median, request, startWorker } from "./lib.mjs";
import { machine, writeSection } from "./report.mjs";

const { values: o } = parseArgs({
  options: { big: { type: "string", default: "1000000" }, small: { type: "string", default: "1000" }, repeat: { type: "string", default: "15" } },
});
const BIG = Number(o.big), SMALL = Number(o.small), REPEAT = Number(o.repeat);
const KEY = "bench-admin-key-0123456789abcdef";
const SURVEY = "srv_nps";
const MANAGERS = 20;
const start = Date.parse("2024-12-01T00:00:00Z");
const span = 730 * 86_400_000;
const WORDS = ["support", "rapide", "très", "bon", "produit", "délai", "facture", "slow", "great", "price", "prix", "équipe", "team", "bug", "export"];

/** One database: `answers` responses, answers/10 accounts, answers·0.3 contacts, in bulk. */
function generate(answers) {
  const dir = mkdtempSync(join(tmpdir(), "barometre-bench-dash-"));
  applyMigrations(dir);
  const d1dir = join(dir, "v3", "d1", "miniflare-D1DatabaseObject");
  const file = join(d1dir, readdirSync(d1dir).find((f) => f.endsWith(".sqlite")));
  const db = new DatabaseSync(file);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF;");
  let seed = 11;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const nAccounts = Math.max(10, Math.round(answers / 10));
  const nContacts = Math.max(30, Math.round(answers * 0.3));
  const t0 = performance.now();
  db.exec("BEGIN");
  db.prepare("INSERT INTO surveys (id, name, kind, signing_secret) VALUES (?, 'NPS', 'nps', 'x')").run(SURVEY);
  const user = db.prepare("INSERT INTO users (id, email, name, role) VALUES (?, ?, ?, 'manager')");
  for (let m = 0; m < MANAGERS; m++) user.run(`usr_m${m}`, `m${m}@bench.test`, `Manager ${m}`);
  const acc = db.prepare("INSERT INTO accounts (id, external_id, name, manager_user_id, segment, mrr_cents, started_on, churned_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  const mrr = db.prepare("INSERT INTO account_mrr (account_id, effective_on, mrr_cents) VALUES (?, ?, ?)");
  const accounts = [];
  for (let a = 0; a < nAccounts; a++) {
    const startedOn = new Date(Date.parse("2021-01-01") + Math.floor(rnd() * 5 * 365) * 86_400_000).toISOString().slice(0, 10);
    const churned = rnd() < 0.2 ? new Date(Date.parse(startedOn) + Math.floor(rnd() * 700) * 86_400_000).toISOString().slice(0, 10) : null;
    const row = { id: `acc_${a}`, manager: `usr_m${a % MANAGERS}`, segment: ["SMB", "Mid-market", "Enterprise"][a % 3] };
    const cents = 1000 + Math.floor(rnd() * 100_000);
    acc.run(row.id, `ext-${a}`, `Account ${String(a).padStart(6, "0")}`, row.manager, row.segment, cents, startedOn, churned);
    mrr.run(row.id, startedOn, cents);
    accounts.push(row);
  }
  const con = db.prepare("INSERT INTO contacts (id, external_id, account_id, email, name) VALUES (?, ?, ?, ?, ?)");
  for (let c = 0; c < nContacts; c++) con.run(`ct_${c}`, `cext-${c}`, accounts[c % nAccounts].id, `p${c}@bench.test`, `Person ${c}`);
  const wave = db.prepare("INSERT INTO waves (id, survey_id, period, opens_at, closes_at, status) VALUES (?, ?, ?, ?, ?, 'closed')");
  for (const p of ["2025-01", "2025-07", "2026-01", "2026-07"]) wave.run(`wave_${p}`, SURVEY, p, Date.parse(`${p}-15T00:00:00Z`), Date.parse(`${p}-15T00:00:00Z`) + 21 * 86_400_000);
  db.exec("COMMIT");
  // Bulk load: the per-row insert triggers are set aside, `counted`, `rollups` and the comment
  // index are then built set-wise with the same rules, and the triggers put back as they were.
  const bulkTriggers = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ('responses_counted_insert', 'counted_rollups_insert', 'responses_fts_insert')").all();
  for (const t of bulkTriggers) db.exec(`DROP TRIGGER ${t.name}`);
  const res = db.prepare(`INSERT INTO responses (id, survey_id, contact_id, score, comment, locale, channel, account_id, segment, manager_user_id, bucket_month, bucket_quarter, bucket_half, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  db.exec("BEGIN");
  for (let i = 0; i < answers; i++) {
    const at = start + Math.floor((i / answers) * span + rnd() * 3_600_000);
    const known = rnd() < 0.7;
    const c = Math.floor(rnd() * nContacts);
    const a = known ? accounts[c % nAccounts] : null;
    const comment = rnd() < 0.3 ? Array.from({ length: 3 + Math.floor(rnd() * 6) }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(" ") : null;
    res.run(`r_${String(i).padStart(8, "0")}`, SURVEY, known ? `ct_${c}` : null, Math.floor(rnd() * 11), comment, rnd() < 0.6 ? "fr" : "en",
      ["widget", "link", "email"][i % 3], a?.id ?? null, a?.segment ?? null, a?.manager ?? null,
      bucketOf(at, "month", "UTC"), bucketOf(at, "quarter", "UTC"), bucketOf(at, "half", "UTC"), at, at);
    if (i % 100_000 === 99_999) { db.exec("COMMIT"); db.exec("BEGIN"); }
  }
  db.exec("COMMIT");
  db.exec("BEGIN");
  const cols = "survey_id, interval, bucket, member, response_id, score, channel, locale, account_id, segment, manager_user_id, created_at";
  for (const [interval, column] of [["month", "bucket_month"], ["quarter", "bucket_quarter"], ["half", "bucket_half"]]) {
    db.exec(`INSERT INTO counted (${cols})
      SELECT survey_id, '${interval}', ${column}, member, id, score, channel, locale, account_id, segment, manager_user_id, created_at FROM (
        SELECT *, coalesce(contact_id, 'r:' || id) AS member,
               row_number() OVER (PARTITION BY survey_id, ${column}, coalesce(contact_id, 'r:' || id) ORDER BY created_at DESC, id DESC) AS rn
        FROM responses) WHERE rn = 1`);
  }
  const bins = Array.from({ length: 11 }, (_, i) => `sum(score = ${i})`).join(", ");
  for (const [dim, column] of [["all", "''"], ["channel", "channel"], ["locale", "locale"], ["segment", "segment"], ["manager", "manager_user_id"], ["account", "account_id"]]) {
    db.exec(`INSERT INTO rollups (survey_id, interval, bucket, dim, dim_value, n, ${Array.from({ length: 11 }, (_, i) => `s${i}`).join(", ")})
      SELECT survey_id, interval, bucket, '${dim}', ${column}, count(*), ${bins} FROM counted WHERE ${column} IS NOT NULL
      GROUP BY survey_id, interval, bucket, ${column}`);
  }
  db.exec("INSERT INTO comments_fts (comments_fts) VALUES ('rebuild')");
  for (const t of bulkTriggers) db.exec(t.sql);
  db.exec("COMMIT");
  const seconds = (performance.now() - t0) / 1000;
  const rollups = db.prepare("SELECT count(*) AS n FROM rollups").get().n;
  const recount = db.prepare(`SELECT count(*) AS n FROM (SELECT DISTINCT bucket_month, coalesce(contact_id, 'r:' || id) FROM responses)`).get().n;
  const rolled = db.prepare("SELECT sum(n) AS n FROM rollups WHERE interval = 'month' AND dim = 'all'").get().n;
  if (recount !== rolled) throw new Error(`rollups ${rolled} ≠ recount ${recount}`);
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  const bytes = db.prepare("SELECT page_count * page_size AS b FROM pragma_page_count(), pragma_page_size()").get().b;
  db.close();
  return { dir, seconds, rollups, nAccounts, nContacts, bytes };
}

const range = "from=2024-12-01&to=2026-12-01";
const REQUESTS = [
  ["overview, one filter (segment)", `/api/v1/surveys/${SURVEY}/metrics?interval=month&${range}&segment=Enterprise`],
  ["overview, two filters (segment + channel)", `/api/v1/surveys/${SURVEY}/metrics?interval=month&${range}&segment=Enterprise&channel=widget`],
  ["breakdown by segment", `/api/v1/metrics/breakdown?surveyId=${SURVEY}&by=segment&interval=month&${range}`],
  ["breakdown by manager", `/api/v1/metrics/breakdown?surveyId=${SURVEY}&by=manager&interval=quarter&${range}`],
  ["accounts list, page of 50", `/api/v1/accounts?limit=50`],
  ["accounts list, segment filter + survey", `/api/v1/accounts?limit=50&segment=Enterprise&surveyId=${SURVEY}`],
  ["accounts list, at risk", `/api/v1/accounts?limit=50&status=at_risk`],
  ["account page", `/api/v1/accounts/acc_7`],
  ["comments, newest 25", `/api/v1/comments?surveyId=${SURVEY}&limit=25`],
  ["comments, search 'tres bon'", `/api/v1/comments?surveyId=${SURVEY}&limit=25&q=tres%20bon`],
  ["retention by quarter", `/api/v1/metrics/retention?interval=quarter&${range}`],
  ["cohorts", `/api/v1/metrics/cohorts?${range}`],
  ["retention by category (waves)", `/api/v1/metrics/retention-by-category?surveyId=${SURVEY}&periods=wave`],
  ["goals", `/api/v1/goals`],
  ["waves", `/api/v1/waves?surveyId=${SURVEY}`],
];

/** workerd's resident memory (the Worker and local D1), sampled while something runs. */
function workerdRss() {
  try {
    const out = execFileSync("ps", ["-C", "workerd", "-o", "rss="], { encoding: "utf8" });
    return Math.max(0, ...out.split("\n").map(Number).filter(Boolean)) * 1024;
  } catch { return 0; }
}

function download(url, headers) {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      let bytes = 0, lines = 0;
      res.on("data", (c) => { bytes += c.length; for (const b of c) if (b === 10) lines++; });
      res.on("end", () => resolve({ status: res.statusCode, bytes, lines }));
    }).on("error", reject);
  });
}

console.log(`generating ${SMALL} and ${BIG} answers…`);
const small = generate(SMALL);
const big = generate(BIG);
console.log(`generated in ${fmt(small.seconds, 1)} s and ${fmt(big.seconds, 0)} s`);
const vars = { ADMIN_API_KEY: KEY };
const [ws, wb] = [await startWorker({ persistTo: small.dir, vars, probe: "/api/v1/health" }), await startWorker({ persistTo: big.dir, vars, probe: "/api/v1/health" })];
const headers = { authorization: `Bearer ${KEY}` };
try {
  // A goal in each database (through the API: it is the admin page's own write).
  for (const w of [ws, wb]) {
    await request(`${w.url}/api/v1/goals`, { method: "POST", headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ name: "NPS 40", metric: "nps", surveyId: SURVEY, target: 40, deadline: "2027-06-30" }) });
  }
  const rows = [];
  for (const [label, path] of REQUESTS) {
    const get = async (w) => {
      const s = performance.now();
      const r = await request(w.url + path, { headers });
      if (r.status !== 200) throw new Error(`${label}: ${r.status} ${r.body.slice(0, 300)}`);
      return performance.now() - s;
    };
    for (let i = 0; i < 3; i++) { await get(ws); await get(wb); }
    const a = [], b = [];
    for (let i = 0; i < REPEAT; i++) { a.push(await get(ws)); b.push(await get(wb)); }
    rows.push({ label, path, small: median(a), big: median(b) });
    console.log(`${label}: ${fmt(median(a), 2)} ms vs ${fmt(median(b), 2)} ms`);
  }
  // The CSV export of every answer of the big survey, streamed.
  const rssBefore = workerdRss();
  let rssPeak = rssBefore;
  const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, workerdRss()); }, 200);
  const t = performance.now();
  const csv = await download(`${wb.url}/api/v1/export/responses.csv?surveyId=${SURVEY}`, headers);
  const exportSeconds = (performance.now() - t) / 1000;
  clearInterval(sampler);

  const flat = rows.filter((r) => r.big / r.small <= 2);
  const table = rows.map((r) => `| ${r.label} | ${fmt(r.small, 2)} ms | ${fmt(r.big, 2)} ms | ${r.big / r.small <= 2 ? "" : "**"}${fmt(r.big / r.small, 2)}×${r.big / r.small <= 2 ? "" : "**"} |`).join("\n");
  const md = `## Every dashboard request at 1,000,000 answers

Command: \`node bench/dashboard.mjs --big ${BIG} --small ${SMALL} --repeat ${REPEAT}\` (${new Date().toISOString().slice(0, 10)}, ${machine()}).
Two local D1 databases generated in bulk with node:sqlite through the real migrations and triggers:
${SMALL.toLocaleString("en-US")} answers, ${small.nAccounts.toLocaleString("en-US")} accounts, ${small.nContacts.toLocaleString("en-US")} contacts (${fmt(small.seconds, 1)} s) and
${BIG.toLocaleString("en-US")} answers, ${big.nAccounts.toLocaleString("en-US")} accounts, ${big.nContacts.toLocaleString("en-US")} contacts (${fmt(big.seconds, 0)} s; ${big.rollups.toLocaleString("en-US")} rollup rows;
database ${fmt(big.bytes / 2 ** 20, 0)} MiB, about ${fmt((big.bytes - small.bytes) / (BIG - SMALL), 0)} bytes per answer with its share of everything else),
two years of answers, 70 % from known contacts, 30 % with a comment (generation: the rows, then
\`counted\`, \`rollups\` and the comment index built set-wise, checked against a recount). Each behind its own
\`wrangler dev\`; every request sent to both in turn, median of ${REPEAT} (after 3 warm-ups each).

| request | ${SMALL.toLocaleString("en-US")} answers | ${BIG.toLocaleString("en-US")} answers | ratio (target ≤ 2×) |
|---|---:|---:|---:|
${table}

**${flat.length} of ${rows.length} requests within 2×.** Requests over 2× are in bold; why, and what
would make them flat, is in docs/SCALING.md ("Views that are not flat").

CSV export of the ${BIG.toLocaleString("en-US")}-answer survey (\`GET /api/v1/export/responses.csv?surveyId=…\`), streamed page by page:
${(csv.lines - 1).toLocaleString("en-US")} rows, ${fmt(csv.bytes / 2 ** 20, 0)} MiB in ${fmt(exportSeconds, 1)} s; workerd RSS ${fmt(rssBefore / 2 ** 20, 0)} MB before, ${fmt(rssPeak / 2 ** 20, 0)} MB peak
(workerd holds the Worker *and* local D1 with its SQLite page cache; the Worker itself holds one page of rows).`;
  writeSection("dashboard", md);
  console.log(md);
} finally {
  ws.stop();
  wb.stop();
  rmSync(small.dir, { recursive: true, force: true });
  rmSync(big.dir, { recursive: true, force: true });
}
