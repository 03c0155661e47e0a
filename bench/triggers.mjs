// What an answer costs inside SQLite, without the Worker or the local D1 transport: the same
// INSERT the submission path sends (services/recordResponse.ts, through group commit), timed in
// node:sqlite on a database built from migrations/ in order, with its triggers, against a plain
// one-table INSERT (the floor Worker's), for several transaction sizes (a group commit of g
// answers is one transaction of g statements). Then the same with each trigger dropped in turn,
// to attribute the per-answer cost.
//
//   node bench/triggers.mjs [--answers 4000] [--identified]
//
// --identified: every answer from a contact of an account (the standings and metric-cache
// triggers fire); without it, anonymous answers like bench/submit.mjs sends.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values: o } = parseArgs({ options: { answers: { type: "string", default: "4000" }, identified: { type: "boolean", default: false } } });
const N = Number(o.answers);
const SURVEY = "svy_bench";

function migrated(file) {
  const db = new DatabaseSync(file);
  // Local D1 keeps its file in WAL mode and syncs at commit, as a Durable Object's SQLite does.
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
  for (const f of readdirSync("migrations")
    .filter((n) => n.endsWith(".sql"))
    .sort()) {
    for (const stmt of readFileSync(join("migrations", f), "utf8").split("--> statement-breakpoint")) {
      if (stmt.trim()) db.exec(stmt);
    }
  }
  db.prepare("INSERT INTO surveys (id, name, kind, signing_secret) VALUES (?, 'NPS', 'nps', 'x')").run(SURVEY);
  db.prepare("INSERT INTO users (id, email, name, role) VALUES ('usr_m', 'm@bench.test', 'M', 'manager')").run();
  for (let a = 0; a < 50; a++) {
    db.prepare("INSERT INTO accounts (id, name, manager_user_id, segment, started_on) VALUES (?, ?, 'usr_m', 'SMB', '2024-01-01')").run(
      `acc_${a}`,
      `A${a}`,
    );
  }
  db.exec("CREATE TABLE answers (id TEXT PRIMARY KEY, score INTEGER NOT NULL)");
  return db;
}

// The statement of services/recordResponse.ts (drizzle's text for an insert … on conflict do nothing returning id).
const COLS =
  "id, survey_id, contact_id, invitation_id, wave_id, score, comment, answers, locale, channel, account_id, segment, manager_user_id, bucket_month, bucket_quarter, bucket_half, properties, edit_key_hash, created_at, updated_at";
const INSERT = `INSERT INTO responses (${COLS}) VALUES (${COLS.split(",")
  .map(() => "?")
  .join(", ")}) ON CONFLICT (id) DO NOTHING RETURNING id`;

let serial = 0;
function answerValues(i) {
  const now = Date.now();
  const identified = o.identified;
  return [
    `r${serial++}-${i}`,
    SURVEY,
    null,
    null,
    null,
    i % 11,
    null,
    null,
    "en",
    "widget",
    identified ? `acc_${i % 50}` : null,
    identified ? "SMB" : null,
    identified ? "usr_m" : null,
    "2026-11",
    "2026-Q4",
    "2026-H2",
    null,
    "h".repeat(43),
    now,
    now,
  ];
}

function time(db, sql, values, group) {
  const stmt = db.prepare(sql);
  const t0 = performance.now();
  for (let i = 0; i < N; i += group) {
    db.exec("BEGIN IMMEDIATE");
    for (let j = i; j < Math.min(N, i + group); j++) stmt.all(...values(j));
    db.exec("COMMIT");
  }
  return ((performance.now() - t0) * 1000) / N; // µs per answer
}

const dir = mkdtempSync(join(tmpdir(), "barometre-triggers-"));
try {
  const groups = [1, 4, 16, 32];
  console.log(`${N} answers per cell, ${o.identified ? "identified (contact of an account)" : "anonymous"}; µs per answer`);
  console.log(`| transaction of | plain one-table INSERT | Baromètre's INSERT + triggers |\n|---:|---:|---:|`);
  let k = 0;
  for (const g of groups) {
    const db = migrated(join(dir, `g${k++}.sqlite`));
    const plain = time(db, "INSERT INTO answers (id, score) VALUES (?, ?) ON CONFLICT DO NOTHING", (i) => [`p${serial++}-${i}`, i % 11], g);
    const ours = time(db, INSERT, answerValues, g);
    console.log(`| ${g} | ${plain.toFixed(1)} | ${ours.toFixed(1)} |`);
    db.close();
  }
  // Per trigger, in transactions of 32 (what group commit reaches under load): the cost without it.
  const probe = migrated(join(dir, "probe.sqlite"));
  const triggers = probe
    .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('responses', 'counted') AND sql LIKE '%INSERT ON%'")
    .all()
    .map((r) => r.name);
  probe.close();
  const base = (() => {
    const db = migrated(join(dir, "base.sqlite"));
    const t = time(db, INSERT, answerValues, 32);
    db.close();
    return t;
  })();
  console.log(`\nwith every trigger, transactions of 32: ${base.toFixed(1)} µs per answer`);
  console.log("| trigger dropped | µs per answer | saved |\n|---|---:|---:|");
  for (const name of triggers) {
    const db = migrated(join(dir, `${name}.sqlite`));
    db.exec(`DROP TRIGGER ${name}`);
    const t = time(db, INSERT, answerValues, 32);
    console.log(`| ${name} | ${t.toFixed(1)} | ${(base - t).toFixed(1)} |`);
    db.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
