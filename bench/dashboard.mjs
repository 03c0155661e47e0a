// Every admin-page request at scale: the same requests against two local D1 databases side by
// side, one with 1,000 answers (100 accounts, 300 contacts) and one with 1,000,000 answers
// (100,000 accounts, 300,000 contacts), each behind its own `wrangler dev`, alternating, median of
// --repeat. Also the overview's figures computed by a raw scan of `responses` in SQLite alone (what
// the rollups replace), and the CSV export of every answer of the big survey (time, bytes, workerd RSS).
//
//   node bench/dashboard.mjs [--big 1000000] [--small 1000] [--repeat 9] [--only search,newest]
//
// --only: just the requests whose label contains one of these words (case folded), side by side
// as usual, printed only: no raw scans, no CSV export, and docs/BENCHMARKS.md left as it is (its
// section is the whole table's). With BENCH_DBS=<folder> the databases are generated there once
// and reused by later runs (bench/bulk.mjs, benchDatabase), e.g.
//   BENCH_DBS=/tmp/bench-dbs node bench/dashboard.mjs --only search --repeat 15
//
// The data is generated in bulk, straight into the local D1 SQLite files with node:sqlite (not
// through HTTP), after the same migrations wrangler applies. The insert triggers are set aside
// during the load and `counted`, `rollups` and the comment index built set-wise with the same
// rules (the tests hold the triggers to a raw recount), then the triggers are restored; the
// load checks the totals against a recount from `responses`.
import { execFileSync } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";
import { benchDatabase, KEY, SURVEY } from "./bulk.mjs";
import { fmt, heavyReadsUnlimitedConfig, median, request, startWorker } from "./lib.mjs";
import { machine, writeSection } from "./report.mjs";

const { values: o } = parseArgs({
  options: {
    big: { type: "string", default: "1000000" },
    small: { type: "string", default: "1000" },
    repeat: { type: "string", default: "9" },
    only: { type: "string" },
  },
});
const ONLY = o.only
  ?.split(",")
  .map((w) => w.trim().toLowerCase())
  .filter(Boolean);
const WAVE_DAYS_TEXT = "three weeks";
const BIG = Number(o.big),
  SMALL = Number(o.small),
  REPEAT = Number(o.repeat);
const range = "from=2024-12-01&to=2026-12-01";
const OVERVIEW = `/api/v1/surveys/${SURVEY}/metrics?interval=month&${range}`;
const ALL_REQUESTS = [
  ["overview, no filter", OVERVIEW],
  ["overview, one filter (segment)", `/api/v1/surveys/${SURVEY}/metrics?interval=month&${range}&segment=Enterprise`],
  ["overview, two filters (segment + channel)", `/api/v1/surveys/${SURVEY}/metrics?interval=month&${range}&segment=Enterprise&channel=widget`],
  ["overview by wave (the default grouping)", `/api/v1/surveys/${SURVEY}/metrics`],
  ["overview by wave, one filter", `/api/v1/surveys/${SURVEY}/metrics?interval=wave&segment=Enterprise`],
  ["overview by wave, two filters", `/api/v1/surveys/${SURVEY}/metrics?interval=wave&segment=Enterprise&channel=widget`],
  ["breakdown by segment", `/api/v1/metrics/breakdown?surveyId=${SURVEY}&by=segment&interval=month&${range}`],
  ["breakdown by manager", `/api/v1/metrics/breakdown?surveyId=${SURVEY}&by=manager&interval=quarter&${range}`],
  ["accounts list, page of 50", `/api/v1/accounts?limit=50`],
  ["accounts list, segment filter + survey", `/api/v1/accounts?limit=50&segment=Enterprise&surveyId=${SURVEY}`],
  ["accounts list, at risk", `/api/v1/accounts?limit=50&status=at_risk`],
  // A client looked up by name, typed without accents or capitals: two accounts and two contacts
  // match in either database (bench/bulk.mjs names them).
  ["accounts list, search 'societe generale'", `/api/v1/accounts?limit=50&q=societe%20generale`],
  ["contacts list, search 'elodie'", `/api/v1/contacts?limit=50&q=elodie`],
  ["manager: accounts list, page of 50", `/api/v1/accounts?limit=50`, "manager"],
  ["account page", `/api/v1/accounts/acc_7`],
  ["comments, newest 25", `/api/v1/comments?surveyId=${SURVEY}&limit=25`],
  ["comments, search 'tres bon'", `/api/v1/comments?surveyId=${SURVEY}&limit=25&q=tres%20bon`],
  // The same two as an account manager (a manager's API key: one of the 20 books), the users who
  // matter most: their own comments queue and its search.
  ["manager: comments, newest 25", `/api/v1/comments?surveyId=${SURVEY}&limit=25`, "manager"],
  ["manager: comments, search 'tres bon'", `/api/v1/comments?surveyId=${SURVEY}&limit=25&q=tres%20bon`, "manager"],
  // The follow-up counts of the menu (every page) and of the monthly review.
  ["follow-up summary", `/api/v1/followups/summary`],
  ["manager: follow-up summary", `/api/v1/followups/summary`, "manager"],
  ["retention by quarter", `/api/v1/metrics/retention?interval=quarter&${range}`],
  ["cohorts", `/api/v1/metrics/cohorts?${range}`],
  ["retention by category (waves)", `/api/v1/metrics/retention-by-category?surveyId=${SURVEY}&periods=wave`],
  ["monthly review", `/api/v1/digest?month=2026-10`],
  ["customer value by category", `/api/v1/metrics/value-by-category?surveyId=${SURVEY}`],
  // Account-level NPS (the Retention page's list of accounts with their category), for admins and
  // for a manager, whose scope keeps each contact's latest answer whatever the account.
  ["account-level NPS", `/api/v1/metrics/accounts?surveyId=${SURVEY}&${range}`],
  ["manager: account-level NPS", `/api/v1/metrics/accounts?surveyId=${SURVEY}&${range}`, "manager"],
  ["manager: monthly review", `/api/v1/digest?month=2026-10`, "manager"],
  ["goals", `/api/v1/goals`],
  ["waves", `/api/v1/waves?surveyId=${SURVEY}`],
];
// More requests for --only (not in the default run, whose table they would change): the
// search's other order, and a rarer phrase (four words together: about 1 comment in 100).
const EXTRA_REQUESTS = [
  ["comments, search 'tres bon', oldest first", `/api/v1/comments?surveyId=${SURVEY}&limit=25&q=tres%20bon&sort=createdAt`],
  ["comments, search a rarer phrase 'facture bug export slow'", `/api/v1/comments?surveyId=${SURVEY}&limit=25&q=facture%20bug%20export%20slow`],
  // Broad name searches: 98 of the 100 accounts at 1k, 9,998 of the 100,000 at 1M; 11 contacts at 1k,
  // 11,111 of the 300,000 at 1M (Person 12, 120–129, 1200–1299 …).
  ["accounts list, search a broad 'account 00'", `/api/v1/accounts?limit=50&q=account%2000`],
  ["contacts list, search a broad 'person 12'", `/api/v1/contacts?limit=50&q=person%2012`],
  // A manager's name searches (usr_m3: both Élodies are theirs, neither Société Générale).
  ["manager: accounts list, search 'societe generale'", `/api/v1/accounts?limit=50&q=societe%20generale`, "manager"],
  ["manager: contacts list, search 'elodie'", `/api/v1/contacts?limit=50&q=elodie`, "manager"],
  // The other screens' requests (survey list, segment picker, follow-up counts in the menu,
  // monthly review, customer value, a contact's page, a survey's responses).
  ["surveys list", `/api/v1/surveys`],
  ["segments", `/api/v1/segments`],
  ["contact page", `/api/v1/contacts/ct_7`],
  ["a survey's responses, newest 50", `/api/v1/surveys/${SURVEY}/responses?limit=50`],
  ["manager: overview", OVERVIEW, "manager"],
  // Breakdowns by the other dimensions, the overview by quarter and half-year, and the follow-up
  // inbox's filters (overdue: the monthly review's link; open and mine; detractors).
  ["breakdown by account", `/api/v1/metrics/breakdown?surveyId=${SURVEY}&by=account&interval=quarter&${range}`],
  ["breakdown by channel", `/api/v1/metrics/breakdown?surveyId=${SURVEY}&by=channel&interval=month&${range}`],
  ["overview by half-year", `/api/v1/surveys/${SURVEY}/metrics?interval=half&${range}`],
  ["comments, overdue", `/api/v1/comments?surveyId=${SURVEY}&limit=50&overdue=1`],
  ["comments, open, detractors", `/api/v1/comments?surveyId=${SURVEY}&limit=50&status=open&category=detractor`],
  ["comments, oldest first", `/api/v1/comments?surveyId=${SURVEY}&limit=50&sort=createdAt`],
  ["manager: breakdown by account", `/api/v1/metrics/breakdown?surveyId=${SURVEY}&by=account&interval=quarter&${range}`, "manager"],
  ["manager: comments, overdue", `/api/v1/comments?surveyId=${SURVEY}&limit=50&overdue=1`, "manager"],
  ["manager: comments, mine, open", `/api/v1/comments?surveyId=${SURVEY}&limit=50&owner=me&status=open`, "manager"],
  ["manager: retention by quarter", `/api/v1/metrics/retention?interval=quarter&${range}`, "manager"],
  ["manager: cohorts", `/api/v1/metrics/cohorts?${range}`, "manager"],
  ["manager: account page", `/api/v1/accounts/acc_3`, "manager"],
  // A manager's queue across surveys (the API's default without surveyId).
  ["manager: comments across surveys, newest 25", `/api/v1/comments?limit=25`, "manager"],
  ["manager: comments across surveys, search 'tres bon'", `/api/v1/comments?limit=25&q=tres%20bon`, "manager"],
];
const REQUESTS = ONLY ? [...ALL_REQUESTS, ...EXTRA_REQUESTS].filter(([label]) => ONLY.some((w) => label.toLowerCase().includes(w))) : ALL_REQUESTS;
if (REQUESTS.length === 0) throw new Error(`--only ${o.only}: no request's label contains it`);

/** workerd's resident memory (the Worker and local D1), sampled while something runs. */
function workerdRss() {
  try {
    const out = execFileSync("ps", ["-C", "workerd", "-o", "rss="], { encoding: "utf8" });
    return Math.max(0, ...out.split("\n").map(Number).filter(Boolean)) * 1024;
  } catch {
    return 0;
  }
}

function download(url, headers) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let bytes = 0,
          lines = 0;
        res.on("data", (c) => {
          bytes += c.length;
          for (const b of c) if (b === 10) lines++;
        });
        res.on("end", () => resolve({ status: res.statusCode, bytes, lines }));
      })
      .on("error", reject);
  });
}

console.log(`generating ${SMALL} and ${BIG} answers…`);
const small = benchDatabase(SMALL);
const big = benchDatabase(BIG);
console.log(`generated in ${fmt(small.seconds, 1)} s and ${fmt(big.seconds, 0)} s`);

// The overview's figures by a raw scan of `responses` (deduplicated per contact and month), the
// query the rollups replace, timed in SQLite alone (node:sqlite, no Worker), median of 3.
const RAW_SQL = `SELECT bucket_month, score, count(*) AS n FROM (
    SELECT bucket_month, score, row_number() OVER (PARTITION BY bucket_month, coalesce(contact_id, 'r:' || id) ORDER BY created_at DESC, id DESC) AS rn
    FROM responses WHERE survey_id = ? AND created_at >= ? AND created_at < ?)
  WHERE rn = 1 GROUP BY bucket_month, score`;
// The by-wave overview with one filter as it was read before the wave rows (migrations/0014):
// every answer of the listed waves through the wave index, ranked per member. Timed the same way.
const RAW_WAVE_SQL = `SELECT wave_id, score, count(*) AS n
  FROM (SELECT r.wave_id, r.score,
               row_number() OVER (PARTITION BY r.wave_id, coalesce(r.contact_id, 'r:' || r.id) ORDER BY r.created_at DESC, r.id DESC) AS rn
        FROM responses r
        WHERE r.wave_id IN (SELECT id FROM waves WHERE survey_id = ?) AND r.survey_id = ? AND r.segment = 'Enterprise')
  WHERE rn = 1 GROUP BY wave_id, score`;
function rawScan(dir, sql = RAW_SQL, params = [SURVEY, Date.parse("2024-12-01T00:00:00Z"), Date.parse("2026-12-01T00:00:00Z")]) {
  const d1dir = join(dir, "v3", "d1", "miniflare-D1DatabaseObject");
  const db = new DatabaseSync(
    join(
      d1dir,
      readdirSync(d1dir).find((f) => f.endsWith(".sqlite")),
    ),
    { readOnly: true },
  );
  const stmt = db.prepare(sql);
  const times = [];
  for (let i = 0; i < 3; i++) {
    const s = performance.now();
    stmt.all(...params);
    times.push(performance.now() - s);
  }
  db.close();
  return median(times);
}
// Not with --only: the requests alone.
let rawSmall, rawBig, rawWaveSmall, rawWaveBig;
if (!ONLY) {
  rawSmall = rawScan(small.dir);
  rawBig = rawScan(big.dir);
  console.log(`raw scan of the overview: ${fmt(rawSmall, 2)} ms vs ${fmt(rawBig, 2)} ms`);
  rawWaveSmall = rawScan(small.dir, RAW_WAVE_SQL, [SURVEY, SURVEY]);
  rawWaveBig = rawScan(big.dir, RAW_WAVE_SQL, [SURVEY, SURVEY]);
  console.log(`by wave, one filter, read from responses (before the wave rows): ${fmt(rawWaveSmall, 2)} ms vs ${fmt(rawWaveBig, 2)} ms`);
}
const vars = { ADMIN_API_KEY: KEY };
const config = heavyReadsUnlimitedConfig();
const ws = await startWorker({ config, persistTo: small.dir, vars, probe: "/api/v1/health" });
const wb = await startWorker({ config, persistTo: big.dir, vars, probe: "/api/v1/health" });
const headers = { authorization: `Bearer ${KEY}` };
try {
  // A goal in each database (through the API: it is the admin page's own write); with --only,
  // when a goal is among the requests (reused databases would otherwise gather one per run).
  for (const w of !ONLY || REQUESTS.some(([, path]) => path.includes("/goals")) ? [ws, wb] : []) {
    await request(`${w.url}/api/v1/goals`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ name: "NPS 40", metric: "nps", surveyId: SURVEY, target: 40, deadline: "2027-06-30" }),
    });
  }
  // A manager's key in each database, for the requests made as a manager (usr_m3's book).
  const managerHeaders = new Map();
  for (const w of REQUESTS.some(([, , who]) => who === "manager") ? [ws, wb] : []) {
    const r = await request(`${w.url}/api/v1/api-keys`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ name: "bench manager", role: "manager", userId: "usr_m3" }),
    });
    if (r.status !== 201) throw new Error(`manager key: ${r.status} ${r.body.slice(0, 300)}`);
    managerHeaders.set(w, { authorization: `Bearer ${JSON.parse(r.body).key}` });
  }
  const rows = [];
  for (const [label, path, who] of REQUESTS) {
    const get = async (w) => {
      const s = performance.now();
      const r = await request(w.url + path, { headers: who === "manager" ? managerHeaders.get(w) : headers });
      if (r.status !== 200) throw new Error(`${label}: ${r.status} ${r.body.slice(0, 300)}`);
      return performance.now() - s;
    };
    for (let i = 0; i < 2; i++) {
      await get(ws);
      await get(wb);
    }
    const a = [],
      b = [];
    for (let i = 0; i < REPEAT; i++) {
      a.push(await get(ws));
      b.push(await get(wb));
    }
    rows.push({ label, path, small: median(a), big: median(b), a, b });
    console.log(`${label}: ${fmt(median(a), 2)} ms vs ${fmt(median(b), 2)} ms`);
  }
  // The runs' spread around the median (lowest and highest as a share of it), to show whether
  // --repeat runs were enough.
  const spread = (xs) => `${fmt((Math.min(...xs) / median(xs)) * 100, 0)}–${fmt((Math.max(...xs) / median(xs)) * 100, 0)} %`;
  if (ONLY) {
    console.log(
      `\nnode bench/dashboard.mjs --big ${BIG} --small ${SMALL} --repeat ${REPEAT} --only ${o.only} (${new Date().toISOString()}, ${machine()}; not written to docs/BENCHMARKS.md)`,
    );
    for (const r of rows)
      console.log(`| ${r.label} | ${fmt(r.small, 2)} ms | ${fmt(r.big, 2)} ms | ${fmt(r.big / r.small, 2)}× | ${spread(r.a)} · ${spread(r.b)} |`);
  } else {
    // The CSV export of every answer of the big survey, streamed.
    const rssBefore = workerdRss();
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, workerdRss());
    }, 200);
    const t = performance.now();
    const csv = await download(`${wb.url}/api/v1/export/responses.csv?surveyId=${SURVEY}`, headers);
    const exportSeconds = (performance.now() - t) / 1000;
    clearInterval(sampler);

    const flat = rows.filter((r) => r.big / r.small <= 2);
    const overview = rows[0];
    const table = rows
      .map(
        (r) =>
          `| ${r.label} | ${fmt(r.small, 2)} ms | ${fmt(r.big, 2)} ms | ${r.big / r.small <= 2 ? "" : "**"}${fmt(r.big / r.small, 2)}×${r.big / r.small <= 2 ? "" : "**"} | ${spread(r.a)} · ${spread(r.b)} |`,
      )
      .join("\n");
    const md = `## Every dashboard request at 1,000,000 answers

Command: \`node bench/dashboard.mjs --big ${BIG} --small ${SMALL} --repeat ${REPEAT}\` (${new Date().toISOString().slice(0, 10)}, ${machine()}).
Two local D1 databases generated in bulk with node:sqlite through the real migrations and triggers:
${SMALL.toLocaleString("en-US")} answers, ${small.nAccounts.toLocaleString("en-US")} accounts, ${small.nContacts.toLocaleString("en-US")} contacts (${fmt(small.seconds, 1)} s) and
${BIG.toLocaleString("en-US")} answers, ${big.nAccounts.toLocaleString("en-US")} accounts, ${big.nContacts.toLocaleString("en-US")} contacts (${fmt(big.seconds, 0)} s; ${big.rollups.toLocaleString("en-US")} rollup rows;
database ${fmt(big.bytes / 2 ** 20, 0)} MiB, about ${fmt((big.bytes - small.bytes) / (BIG - SMALL), 0)} bytes per answer with its share of everything else),
two years of answers, 70 % from known contacts, 30 % with a comment, two waves a year of ${WAVE_DAYS_TEXT} (an identified
answer given during one is tied to it: ${big.waveAnswers.toLocaleString("en-US")} answers, ${big.waveMembers.toLocaleString("en-US")} counted, in the big database) (generation: the rows, then
\`counted\`, \`rollups\`, the cube and the comment index built set-wise, checked against a recount). Each behind its own
\`wrangler dev\`; every request sent to both in turn, median of ${REPEAT} (after 2 warm-ups each); the spread
is the fastest and slowest run as a share of the median (small · big).

| request | ${SMALL.toLocaleString("en-US")} answers | ${BIG.toLocaleString("en-US")} answers | ratio (target ≤ 2×) | spread |
|---|---:|---:|---:|---:|
${table}

**${flat.length} of ${rows.length} requests within 2×.** Requests over 2× are in bold; why, and what
would make them flat, is in docs/SCALING.md ("Views that are not flat").

The overview (\`${OVERVIEW}\`: 24 monthly buckets, totals, intervals, changes) reads
rollups, at most one row per bucket: **${fmt(overview.big / overview.small, 2)}× at ${BIG.toLocaleString("en-US")} vs ${SMALL.toLocaleString("en-US")} answers**. The same figures by a raw
scan of \`responses\` (deduplicated per contact and month, the query the rollups replace), in SQLite
alone with no Worker, median of 3: ${fmt(rawSmall, 2)} ms vs ${fmt(rawBig, 0)} ms (${fmt(rawBig / rawSmall, 0)}×; at ${BIG.toLocaleString("en-US")}, ${fmt(rawBig / overview.big, 0)}× the whole Worker request).

The overview by wave with one filter (segment), as it was read before waves were buckets of their own
(migrations/0014: every answer of the survey's waves through \`responses_wave_idx\`, ranked per member), in SQLite
alone, median of 3: ${fmt(rawWaveSmall, 2)} ms vs ${fmt(rawWaveBig, 0)} ms; it now reads the waves' \`cube\` cells (see the table).

CSV export of the ${BIG.toLocaleString("en-US")}-answer survey (\`GET /api/v1/export/responses.csv?surveyId=…\`), streamed page by page:
${(csv.lines - 1).toLocaleString("en-US")} rows, ${fmt(csv.bytes / 2 ** 20, 0)} MiB in ${fmt(exportSeconds, 1)} s (**${fmt((csv.lines - 1) / exportSeconds, 0)} rows/s**, ${fmt(csv.bytes / 2 ** 20 / exportSeconds, 1)} MiB/s); workerd RSS ${fmt(rssBefore / 2 ** 20, 0)} MB before, ${fmt(rssPeak / 2 ** 20, 0)} MB peak
(workerd holds the Worker *and* local D1 with its SQLite page cache; the Worker itself holds at most two pages of 2,000 rows).`;
    writeSection("dashboard", md);
    console.log(md);
  }
} finally {
  ws.stop();
  wb.stop();
  for (const d of [small, big]) if (d.owned) rmSync(d.dir, { recursive: true, force: true });
}
