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
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, cpus } from "node:os";
import { join } from "node:path";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const sizes = opt("sizes", "10000,100000").split(",").map(Number);
const write = args.includes("--write");
const KEY = "bench-admin-key-0123456789abcdef";

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function waitFor(url, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} not up`);
}

/** All descendants of pid (wrangler → workerd), from /proc. */
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
      if (i === 0) ctl.enqueue(enc.encode(kind === "accounts" ? "external_id,name,started_on,mrr,segment,plan\r\n" : "external_id,email,name,locale,account_external_id\r\n"));
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
  const child = spawn("npx", ["wrangler", "dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", dir, "--var", `ADMIN_API_KEY:${KEY}`, "--show-interactive-dev-session=false", "--log-level", "error"], { env, stdio: "ignore", detached: true });
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
      results[kind] = { rows: size, seconds: ms / 1000, rowsPerSecond: Math.round(size / (ms / 1000)), baselineMb: baseline / 1024, peakMb: peak / 1024 };
      console.log(`${kind.padEnd(8)} ${String(size).padStart(7)} rows  ${(ms / 1000).toFixed(1).padStart(6)} s  ${results[kind].rowsPerSecond} rows/s  workerd RSS ${(baseline / 1024).toFixed(0)} → peak ${(peak / 1024).toFixed(0)} MB`);
    }
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
    "| file | rows | time | rows/s | workerd RSS before | workerd RSS peak |",
    "|---|---:|---:|---:|---:|---:|",
    ...all.flatMap((r) =>
      ["accounts", "contacts"].map((k) => {
        const x = r[k];
        return `| ${k} | ${x.rows.toLocaleString("en")} | ${x.seconds.toFixed(1)} s | ${x.rowsPerSecond.toLocaleString("en")} | ${x.baselineMb.toFixed(0)} MB | ${x.peakMb.toFixed(0)} MB |`;
      }),
    ),
  ].join("\n");
  const section = `## CSV import

Command: \`npx node bench/import.mjs --sizes ${sizes.join(",")} --write\` (fresh local D1 under \`wrangler dev\` per size;
${cpus().length} shared cores, ${new Date().toISOString().slice(0, 10)}). Each file is generated while it is uploaded, so
neither side ever holds it whole; contacts reference the accounts imported just before.
Memory is the resident set of the workerd process, which runs the Worker *and* local D1 (SQLite
page cache included), sampled every 50 ms.

${table}

What the Worker holds during an import: one batch (250 rows) and, for duplicate detection, the
external ids and emails already seen (a Map entry each, about 100 bytes per row: ~10 MB at
100,000 rows, hence the 200,000-row cap per file). The file itself is never buffered. Most of the
RSS growth between sizes is local D1's SQLite pages for the newly written rows, which live in the
same workerd process here (in production D1 runs elsewhere). Time is dominated by parsing and D1
writes (batches of 250 rows, one transaction each) and varies with machine load (2 shared cores).
`;
  let doc = existsSync(path) ? readFileSync(path, "utf8") : "# Benchmarks\n";
  const re = /## CSV import\n[\s\S]*?(?=\n## |$)/;
  doc = re.test(doc) ? doc.replace(re, section) : `${doc.trimEnd()}\n\n${section}`;
  writeFileSync(path, doc);
  console.log(`wrote ${path}`);
}
