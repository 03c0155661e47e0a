// Bulk generation of a benchmark database: `answers` NPS answers over two years (70 % from known
// contacts, 30 % with a comment), answers/10 accounts, answers·0.3 contacts, written straight into
// a local D1 SQLite file with node:sqlite after the same migrations wrangler applies. The survey
// has two waves a year (January and July, three weeks each); an identified answer given during a
// wave is tied to it, as a personal link's would be (the demo seed does the same). The insert
// triggers are set aside during the load and `counted`, `rollups` and the comment index built
// set-wise with the same rules (the accounts and contacts search indexes rebuilt), then the
// triggers restored; the totals are checked against a recount from `responses`. Used by
// bench/dashboard.mjs and bench/firstView.mjs (see benchDatabase).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { bucketOf } from "../worker/metrics/buckets.ts";
import { buildStandings, STANDINGS_TRIGGERS } from "./bulkStandings.mjs";
import { applyMigrations } from "./lib.mjs";

export const KEY = "bench-admin-key-0123456789abcdef";
export const SURVEY = "srv_nps";
const MANAGERS = 20;
/** How long each wave stays open. */
const WAVE_DAYS = 21;
const start = Date.parse("2024-12-01T00:00:00Z");
const span = 730 * 86_400_000;
/**
 * A few accounts and contacts with French names, accented and in mixed case, at indexes below
 * 100 and 300 so that both databases have them (the accounts and contacts search of
 * bench/dashboard.mjs looks them up typed without accents); nothing else depends on a name.
 */
const ACCOUNT_NAMES = new Map([
  [7, "Société Générale Assurances"],
  [57, "SOCIÉTÉ GÉNÉRALE Factoring"],
]);
const CONTACT_NAMES = new Map([
  [3, "Élodie Martin"],
  [203, "ÉLODIE Dubois"],
]);
const WORDS = [
  "support",
  "rapide",
  "très",
  "bon",
  "produit",
  "délai",
  "facture",
  "slow",
  "great",
  "price",
  "prix",
  "équipe",
  "team",
  "bug",
  "export",
];

/** Drops the schema objects of `type` matching `where` and returns them, to be put back with their own SQL. */
function setAside(db, type, where) {
  const objects = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = '${type}' AND sql IS NOT NULL AND ${where}`).all();
  for (const o of objects) db.exec(`DROP ${type.toUpperCase()} ${o.name}`);
  return objects;
}

// The month, quarter and half-year buckets of an instant, formatted once per UTC day (the rows
// come in time order): bucketOf goes through Intl, and three calls a row cost about 45 s of CPU
// for 1,000,000 rows on the bench machine.
let bucketDay = NaN;
let bucketDayLabels = [];
function bucketsOf(at) {
  const day = Math.floor(at / 86_400_000);
  if (day !== bucketDay) {
    bucketDay = day;
    bucketDayLabels = [bucketOf(at, "month", "UTC"), bucketOf(at, "quarter", "UTC"), bucketOf(at, "half", "UTC")];
  }
  return bucketDayLabels;
}

// The migrated, empty database, made once per process with wrangler (its start-up is most of
// the cost) and copied for each database generated.
let migratedTemplate = null;
function migrated(dir) {
  if (!migratedTemplate) {
    migratedTemplate = mkdtempSync(join(tmpdir(), "barometre-bench-migrated-"));
    applyMigrations(migratedTemplate);
    process.on("exit", () => rmSync(migratedTemplate, { recursive: true, force: true }));
  }
  cpSync(migratedTemplate, dir, { recursive: true });
}

/**
 * The databases of the scale benchmarks, generated once per `npm run bench`: bench/run.mjs sets
 * BENCH_DBS to a folder and generates them there first (bench/run.mjs), and dashboard and
 * firstview reuse them (the 1,000,000-answer one took a minute or more, and was made twice).
 * Without BENCH_DBS a benchmark generates its own; `owned` says it must remove them.
 */
export function benchDatabase(answers) {
  const shared = process.env.BENCH_DBS;
  if (!shared) return { ...generate(answers), owned: true };
  const dir = join(shared, String(answers));
  const info = join(dir, "bulk.json");
  if (existsSync(info)) return { ...JSON.parse(readFileSync(info, "utf8")), owned: false };
  mkdirSync(dir, { recursive: true });
  const made = generate(answers, dir);
  writeFileSync(info, JSON.stringify(made));
  return { ...made, owned: false };
}

/** One database: `answers` responses, answers/10 accounts, answers·0.3 contacts, in bulk. */
export function generate(answers, dir = mkdtempSync(join(tmpdir(), "barometre-bench-dash-"))) {
  migrated(dir);
  const d1dir = join(dir, "v3", "d1", "miniflare-D1DatabaseObject");
  const file = join(
    d1dir,
    readdirSync(d1dir).find((f) => f.endsWith(".sqlite")),
  );
  const db = new DatabaseSync(file);
  // A throwaway file: no journal, no syncs, and a cache that holds the indexes being built (with
  // SQLite's 2 MB default, the contact index's random inserts went to the OS page by page).
  db.exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF; PRAGMA cache_size = -524288; PRAGMA temp_store = MEMORY;");
  let seed = 11;
  // The product is taken in 32-bit integer arithmetic (Math.imul): as a double, seed × 1103515245
  // passes 2^53 and loses its low bits, and the sequence fell into a cycle of about 10,000 values,
  // so a million answers came from a few thousand distinct draws (few contacts, few accounts).
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 2 ** 31;
  const nAccounts = Math.max(10, Math.round(answers / 10));
  const nContacts = Math.max(30, Math.round(answers * 0.3));
  const t0 = performance.now();
  // The search indexes of accounts and contacts (migrations/0022) are built once, after their rows
  // ('rebuild' below, as the comment index is), rather than row by row through their triggers.
  const searchTriggers = setAside(db, "trigger", "name IN ('accounts_fts_insert', 'contacts_fts_insert')");
  db.exec("BEGIN");
  db.prepare("INSERT INTO surveys (id, name, kind, signing_secret) VALUES (?, 'NPS', 'nps', 'x')").run(SURVEY);
  const user = db.prepare("INSERT INTO users (id, email, name, role) VALUES (?, ?, ?, 'manager')");
  for (let m = 0; m < MANAGERS; m++) user.run(`usr_m${m}`, `m${m}@bench.test`, `Manager ${m}`);
  const acc = db.prepare(
    "INSERT INTO accounts (id, external_id, name, manager_user_id, segment, mrr_cents, started_on, churned_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const mrr = db.prepare("INSERT INTO account_mrr (account_id, effective_on, mrr_cents) VALUES (?, ?, ?)");
  const accounts = [];
  for (let a = 0; a < nAccounts; a++) {
    const startedOn = new Date(Date.parse("2021-01-01") + Math.floor(rnd() * 5 * 365) * 86_400_000).toISOString().slice(0, 10);
    const churned = rnd() < 0.2 ? new Date(Date.parse(startedOn) + Math.floor(rnd() * 700) * 86_400_000).toISOString().slice(0, 10) : null;
    const row = { id: `acc_${a}`, manager: `usr_m${a % MANAGERS}`, segment: ["SMB", "Mid-market", "Enterprise"][a % 3] };
    const cents = 1000 + Math.floor(rnd() * 100_000);
    acc.run(row.id, `ext-${a}`, ACCOUNT_NAMES.get(a) ?? `Account ${String(a).padStart(6, "0")}`, row.manager, row.segment, cents, startedOn, churned);
    mrr.run(row.id, startedOn, cents);
    accounts.push(row);
  }
  const con = db.prepare("INSERT INTO contacts (id, external_id, account_id, email, name) VALUES (?, ?, ?, ?, ?)");
  for (let c = 0; c < nContacts; c++)
    con.run(`ct_${c}`, `cext-${c}`, accounts[c % nAccounts].id, `p${c}@bench.test`, CONTACT_NAMES.get(c) ?? `Person ${c}`);
  const wave = db.prepare("INSERT INTO waves (id, survey_id, period, opens_at, closes_at, status) VALUES (?, ?, ?, ?, ?, 'closed')");
  const waveWindows = ["2025-01", "2025-07", "2026-01", "2026-07"].map((p) => ({
    id: `wave_${p}`,
    opens: Date.parse(`${p}-15T00:00:00Z`),
    closes: Date.parse(`${p}-15T00:00:00Z`) + WAVE_DAYS * 86_400_000,
  }));
  for (const w of waveWindows) wave.run(w.id, SURVEY, w.id.slice(5), w.opens, w.closes);
  const waveAt = (at) => waveWindows.find((w) => at >= w.opens && at < w.closes)?.id ?? null;
  db.exec("COMMIT");
  // Bulk load: the per-row insert triggers are set aside, `counted`, `rollups` and the comment
  // index are then built set-wise with the same rules, and the triggers put back as they were.
  const bulkTriggers = db
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ('responses_counted_insert', 'responses_counted_wave_insert', 'counted_rollups_insert', 'responses_fts_insert')",
    )
    .all()
    .concat(
      db
        .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (${STANDINGS_TRIGGERS.map((t) => `'${t}'`).join(", ")})`)
        .all(),
    );
  for (const t of bulkTriggers) db.exec(`DROP TRIGGER ${t.name}`);
  // The secondary indexes of the two big tables too: built once, sorted, after their rows are in.
  const bulkIndexes = setAside(db, "index", "tbl_name IN ('responses', 'counted')");
  const res =
    db.prepare(`INSERT INTO responses (id, survey_id, contact_id, wave_id, score, comment, locale, channel, account_id, segment, manager_user_id, bucket_month, bucket_quarter, bucket_half, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  db.exec("BEGIN");
  for (let i = 0; i < answers; i++) {
    const at = start + Math.floor((i / answers) * span + rnd() * 3_600_000);
    const known = rnd() < 0.7;
    const c = Math.floor(rnd() * nContacts);
    const a = known ? accounts[c % nAccounts] : null;
    const comment = rnd() < 0.3 ? Array.from({ length: 3 + Math.floor(rnd() * 6) }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(" ") : null;
    res.run(
      `r_${String(i).padStart(8, "0")}`,
      SURVEY,
      known ? `ct_${c}` : null,
      known ? waveAt(at) : null,
      Math.floor(rnd() * 11),
      comment,
      rnd() < 0.6 ? "fr" : "en",
      ["widget", "link", "email"][i % 3],
      a?.id ?? null,
      a?.segment ?? null,
      a?.manager ?? null,
      ...bucketsOf(at),
      at,
      at,
    );
    if (i % 100_000 === 99_999) {
      db.exec("COMMIT");
      db.exec("BEGIN");
    }
  }
  db.exec("COMMIT");
  db.exec("BEGIN");
  const cols = "survey_id, interval, bucket, member, response_id, score, channel, locale, account_id, segment, manager_user_id, created_at";
  // The calendar intervals, and the waves (bucket = the wave id, answers tied to a wave only).
  for (const [interval, column] of [
    ["month", "bucket_month"],
    ["quarter", "bucket_quarter"],
    ["half", "bucket_half"],
    ["wave", "wave_id"],
  ]) {
    db.exec(`INSERT INTO counted (${cols})
      SELECT survey_id, '${interval}', ${column}, member, id, score, channel, locale, account_id, segment, manager_user_id, created_at FROM (
        SELECT *, coalesce(contact_id, 'r:' || id) AS member,
               row_number() OVER (PARTITION BY survey_id, ${column}, coalesce(contact_id, 'r:' || id) ORDER BY created_at DESC, id DESC) AS rn
        FROM responses WHERE ${column} IS NOT NULL) WHERE rn = 1`);
  }
  const bins = Array.from({ length: 11 }, (_, i) => `sum(score = ${i})`).join(", ");
  // Channel, locale, segment and manager live in the cube (buildCube), not in rollups.
  for (const [dim, column] of [
    ["all", "''"],
    ["account", "account_id"],
  ]) {
    db.exec(`INSERT INTO rollups (survey_id, interval, bucket, dim, dim_value, n, ${Array.from({ length: 11 }, (_, i) => `s${i}`).join(", ")})
      SELECT survey_id, interval, bucket, '${dim}', ${column}, count(*), ${bins} FROM counted WHERE ${column} IS NOT NULL
      GROUP BY survey_id, interval, bucket, ${column}`);
  }
  for (const t of bulkIndexes) db.exec(t.sql);
  buildCube(db);
  db.exec("INSERT INTO comments_fts (comments_fts) VALUES ('rebuild')");
  db.exec("INSERT INTO accounts_fts (accounts_fts) VALUES ('rebuild')");
  db.exec("INSERT INTO contacts_fts (contacts_fts) VALUES ('rebuild')");
  for (const t of searchTriggers) db.exec(t.sql);
  buildStandings(db);
  for (const t of bulkTriggers) db.exec(t.sql);
  db.exec("COMMIT");
  const seconds = (performance.now() - t0) / 1000;
  const rollups = db.prepare("SELECT count(*) AS n FROM rollups").get().n;
  const recount = db.prepare(`SELECT count(*) AS n FROM (SELECT DISTINCT bucket_month, coalesce(contact_id, 'r:' || id) FROM responses)`).get().n;
  const rolled = db.prepare("SELECT sum(n) AS n FROM rollups WHERE interval = 'month' AND dim = 'all'").get().n;
  if (recount !== rolled) throw new Error(`rollups ${rolled} ≠ recount ${recount}`);
  const cubed = db.prepare("SELECT sum(n) AS n FROM cube WHERE interval = 'month'").get().n;
  if (recount !== cubed) throw new Error(`cube ${cubed} ≠ recount ${recount}`);
  const waveRecount = db
    .prepare("SELECT count(*) AS n FROM (SELECT DISTINCT wave_id, coalesce(contact_id, 'r:' || id) FROM responses WHERE wave_id IS NOT NULL)")
    .get().n;
  const waveRolled = db.prepare("SELECT sum(n) AS n FROM rollups WHERE interval = 'wave' AND dim = 'all'").get().n;
  const waveCubed = db.prepare("SELECT sum(n) AS n FROM cube WHERE interval = 'wave'").get().n;
  if (waveRecount !== waveRolled || waveRecount !== waveCubed)
    throw new Error(`waves: rollups ${waveRolled}, cube ${waveCubed} ≠ recount ${waveRecount}`);
  const waveAnswers = db.prepare("SELECT count(*) AS n FROM responses WHERE wave_id IS NOT NULL").get().n;
  const bytes = db.prepare("SELECT page_count * page_size AS b FROM pragma_page_count(), pragma_page_size()").get().b;
  db.close();
  return { dir, seconds, rollups, nAccounts, nContacts, bytes, waveAnswers, waveMembers: waveRecount };
}

/**
 * The cube (migrations/0011_cube.sql) built set-wise from `counted`, as its triggers would: one
 * histogram per survey, interval, bucket, channel, locale, segment and manager ('' for none).
 * Checked against `counted` itself: the same total for every single-dimension slice.
 */
function buildCube(db) {
  const hist = ["n", ...Array.from({ length: 11 }, (_, i) => `s${i}`)].join(", ");
  const bins = Array.from({ length: 11 }, (_, i) => `sum(score = ${i})`).join(", ");
  db.exec(`INSERT INTO cube (survey_id, interval, bucket, channel, locale, segment, manager, ${hist})
    SELECT survey_id, interval, bucket, channel, locale, coalesce(segment, ''), coalesce(manager_user_id, ''), count(*), ${bins}
    FROM counted GROUP BY survey_id, interval, bucket, channel, locale, coalesce(segment, ''), coalesce(manager_user_id, '')`);
  for (const [col, countedCol] of [
    ["channel", "channel"],
    ["locale", "locale"],
    ["segment", "segment"],
    ["manager", "manager_user_id"],
  ]) {
    const diff = db
      .prepare(
        `SELECT count(*) AS n FROM (
          SELECT interval, bucket, ${countedCol} AS v, count(*) AS n, ${bins} FROM counted WHERE ${countedCol} IS NOT NULL GROUP BY 1, 2, 3
          EXCEPT
          SELECT interval, bucket, ${col}, sum(n), ${Array.from({ length: 11 }, (_, i) => `sum(s${i})`).join(", ")} FROM cube WHERE ${col} <> '' GROUP BY 1, 2, 3)`,
      )
      .get().n;
    if (diff !== 0) throw new Error(`cube by ${col}: ${diff} buckets differ from counted`);
  }
}
