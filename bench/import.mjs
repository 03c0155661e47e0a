#!/usr/bin/env node
/**
 * CSV import benchmark: streams generated CSV files (accounts, then contacts linked to them) into a
 * fresh `wrangler dev` and measures wall time and the peak memory of the workerd process that runs
 * the Worker (and local D1). Runs several sizes so "bounded memory" shows as a flat peak.
 *
 *   npx node bench/import.mjs [--rows 100000] [--sizes 10000,100000] [--write]
 *
 * --write puts the figures into docs/BENCHMARKS.md, section "CSV import".
 * The CSV is generated while it is sent (a stream): the benchmark itself never holds the file.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import { join } from "node:path";
import { freePort, waitFor } from "./lib.mjs";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const sizes = opt("sizes", "10000,100000").split(",").map(Number);
const write = args.includes("--write");
const KEY = "bench-admin-key-0123456789abcdef";

function descendants(pid) {
  const kids = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) kids.push(Number(d), ...descendants(Number(d)));
    } catch {}
  }
  return kids;
}
const procName = (pid) => {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
};
/** Bytes of local D1 on disk (the SQLite files under the persist folder). */
function dbBytes(dir) {
  let total = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.sqlite(-wal|-shm)?$/.test(e.name)) total += statSync(p).size;
    }
  };
  walk(dir);
  return total;
}
const rssKb = (pid) => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]);
  } catch {
    return 0;
  }
};

function csvStream(kind, rows) {
  let i = 0;
  const enc = new TextEncoder();
  return new ReadableStream({
    pull(ctl) {
      if (i === 0)
        ctl.enqueue(
          enc.encode(
            kind === "accounts" ? "external_id,name,started_on,mrr,segment,plan\r\n" : "external_id,email,name,locale,account_external_id\r\n",
          ),
        );
      if (i >= rows) return ctl.close();
      let chunk = "";
      const end = Math.min(rows, i + 2000);
      for (; i < end; i++) {
        if (kind === "accounts") {
          chunk += `acc-${i},"Company ${i}, Ltd",20${String(15 + (i % 10)).padStart(2, "0")}-0${1 + (i % 9)}-1${i % 10},${(i % 997) * 10}.50,${["smb", "mid", "enterprise"][i % 3]},plan-${i % 4}\r\n`;
        } else {
          chunk += `ctc-${i},person${i}@client${i % 5000}.test,"Person ""${i}""",${i % 2 ? "fr" : "en"},acc-${i % rowsAccounts}\r\n`;
        }
      }
      ctl.enqueue(enc.encode(chunk));
    },
  });
}
let rowsAccounts = 1;

async function run(size) {
  const dir = mkdtempSync(join(tmpdir(), "barometre-bench-"));
  const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" };
  execFileSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", dir], { env, stdio: "ignore" });
  const port = await freePort();
  const child = spawn(
    "npx",
    [
      "wrangler",
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--persist-to",
      dir,
      "--var",
      `ADMIN_API_KEY:${KEY}`,
      "--test-scheduled",
      "--show-interactive-dev-session=false",
      "--log-level",
      "error",
    ],
    { env, stdio: "ignore", detached: true },
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${base}/api/v1/health`, 90_000);
    const workerd = descendants(child.pid).filter((p) => procName(p).startsWith("workerd"));
    const sample = () => workerd.reduce((s, p) => s + rssKb(p), 0);
    const results = {};
    for (const kind of ["accounts", "contacts"]) {
      rowsAccounts = size;
      const baseline = sample();
      let peak = baseline;
      const timer = setInterval(() => (peak = Math.max(peak, sample())), 50);
      const t0 = performance.now();
      const res = await fetch(`${base}/api/v1/imports/${kind}`, {
        method: "POST",
        headers: { authorization: `Bearer ${KEY}`, "content-type": "text/csv" },
        body: csvStream(kind, size),
        duplex: "half",
      });
      const job = await res.json();
      const ms = performance.now() - t0;
      clearInterval(timer);
      peak = Math.max(peak, sample());
      if (job.status !== "done" || job.okRows !== size) throw new Error(`${kind} ${size}: ${JSON.stringify(job).slice(0, 500)}`);
      const dbMb = dbBytes(dir) / 1048576;
      results[kind] = {
        rows: size,
        seconds: ms / 1000,
        rowsPerSecond: Math.round(size / (ms / 1000)),
        baselineMb: baseline / 1024,
        peakMb: peak / 1024,
        dbMb,
      };
      console.log(
        `${kind.padEnd(8)} ${String(size).padStart(7)} rows  ${(ms / 1000).toFixed(1).padStart(6)} s  ${results[kind].rowsPerSecond} rows/s  workerd RSS ${(baseline / 1024).toFixed(0)} → peak ${(peak / 1024).toFixed(0)} MB  D1 on disk ${dbMb.toFixed(0)} MB`,
      );
    }
    // Then the waves cron over that book: one invitation per contact, through wrangler's /__scheduled.
    const auth = { authorization: `Bearer ${KEY}`, "content-type": "application/json" };
    const survey = await (
      await fetch(`${base}/api/v1/surveys`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({
          name: "Bench",
          kind: "nps",
          cadence: { enabled: true, months: [new Date().getUTCMonth() + 1], day: 1, windowDays: 120 },
        }),
      })
    ).json();
    const t0 = performance.now();
    const cron = await fetch(`${base}/__scheduled?cron=${encodeURIComponent("17 * * * *")}`);
    await cron.text();
    const seconds = (performance.now() - t0) / 1000;
    const waves = await (await fetch(`${base}/api/v1/waves?surveyId=${survey.id}`, { headers: auth })).json();
    const invited = waves.data[0]?.invited ?? 0;
    if (invited !== size) throw new Error(`cron invited ${invited} of ${size}`);
    await (await fetch(`${base}/__scheduled?cron=${encodeURIComponent("17 * * * *")}`)).text();
    const again = (await (await fetch(`${base}/api/v1/waves?surveyId=${survey.id}`, { headers: auth })).json()).data;
    if (again.length !== 1 || again[0].invited !== size) throw new Error(`second run changed the wave: ${JSON.stringify(again).slice(0, 300)}`);
    results.cron = { invited, seconds };
    console.log(`waves cron: ${invited} invitations in ${seconds.toFixed(1)} s`);
    return results;
  } finally {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
    rmSync(dir, { recursive: true, force: true });
  }
}

const all = [];
for (const size of sizes) all.push(await run(size));

if (write) {
  const path = "docs/BENCHMARKS.md";
  const table = [
    "| file | rows | time | rows/s | workerd RSS before | workerd RSS peak | local D1 size after |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...all.flatMap((r) =>
      ["accounts", "contacts"].map((k) => {
        const x = r[k];
        return `| ${k} | ${x.rows.toLocaleString("en")} | ${x.seconds.toFixed(1)} s | ${x.rowsPerSecond.toLocaleString("en")} | ${x.baselineMb.toFixed(0)} MB | ${x.peakMb.toFixed(0)} MB | ${x.dbMb.toFixed(0)} MB |`;
      }),
    ),
  ].join("\n");
  const cronLines = all
    .map(
      (r) =>
        `- waves cron over ${r.cron.invited.toLocaleString("en")} eligible contacts: ${r.cron.invited.toLocaleString("en")} invitations in ${r.cron.seconds.toFixed(1)} s (one run; a second run adds none).`,
    )
    .join("\n");
  const section = `## CSV import

Command: \`npx node bench/import.mjs --sizes ${sizes.join(",")} --write\` (fresh local D1 under \`wrangler dev\` per size;
${cpus().length} shared cores, ${new Date().toISOString().slice(0, 10)}). Each file is generated while it is uploaded, so
neither side ever holds it whole; contacts reference the accounts imported just before.
Memory is the resident set of the workerd process, which runs the Worker *and* local D1 (SQLite
page cache included), sampled every 50 ms.

${table}

After each import, the cron (\`/__scheduled\`) opens a wave for a survey whose cadence starts this month:
${cronLines}

What the Worker holds during an import: one batch (250 rows) and, for duplicate detection, the
external ids and emails already seen (a Map entry each: 23 MB for the 200,000 entries of a
100,000-row contacts file, measured in Node's V8 with \`--expose-gc\`; hence the 200,000-row cap
per file, ~46 MB, well inside a Worker's 128 MB). The file itself is never buffered: a buffered
100,000-row contacts file would be ~7 MB of bytes, several times that as JS strings and objects.
The RSS here is an upper bound for the Worker: it also holds local D1 (its SQLite pages and cache,
the database growing by the size shown) and V8's heap, which grows lazily under allocation
pressure and is collected later; workerd's per-isolate heap is not observable from outside.
Time is dominated by parsing and D1 writes (batches of 250 rows, one transaction each) and
varies with machine load (2 shared cores).
`;
  // Between markers, like the other benchmarks' sections, so each script rewrites only its own.
  const block = `<!-- import:start -->\n${section}<!-- import:end -->`;
  let doc = existsSync(path) ? readFileSync(path, "utf8") : "# Benchmarks\n";
  const re = /<!-- import:start -->[\s\S]*?<!-- import:end -->/;
  doc = re.test(doc) ? doc.replace(re, block) : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, doc);
  console.log(`wrote ${path}`);
}
