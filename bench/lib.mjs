// Benchmark plumbing: start `wrangler dev` instances on loopback, drive bounded load, summarise.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import { createServer } from "node:net";

export const WRANGLER_ENV = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" };

/** Whether `port` (0: any) can be bound on loopback; resolves to the port bound, or null. */
function tryPort(port) {
  return new Promise((resolve) => {
    const s = createServer();
    s.on("error", () => resolve(null));
    s.listen(port, "127.0.0.1", () => {
      const bound = s.address().port;
      s.close(() => resolve(bound));
    });
  });
}

/**
 * BENCH_PORTS=8840-8869 keeps every server a benchmark starts (and their inspectors, two ports each; bench/submit.mjs starts seven) inside a range,
 * for a machine shared with others; without it, any free port.
 */
const range = process.env.BENCH_PORTS?.match(/^(\d+)-(\d+)$/);
let nextInRange = range ? Number(range[1]) : 0;
export async function freePort() {
  if (!range) return tryPort(0);
  for (; nextInRange <= Number(range[2]); ) {
    const port = await tryPort(nextInRange++);
    if (port !== null) return port;
  }
  throw new Error(`no free port left in BENCH_PORTS=${process.env.BENCH_PORTS}`);
}

export async function waitFor(url, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} never answered`);
}

/**
 * Builds the browser parts the Worker serves from dist/public (`npm run build`, about a second).
 * `wrangler dev` refuses to start without that folder, so on a fresh clone every benchmark would
 * fail; bench/run.mjs builds before the first benchmark so the figures are those of the sources.
 */
export function build() {
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: ["ignore", "ignore", "inherit"] });
}

/**
 * Writes a Worker config derived from another (`from`, wrangler.toml by default) by `edit`, and
 * returns its path: the benchmarks' variants are never maintained by hand, so they follow the real
 * config. An edit that changes nothing means the config no longer has what it looked for: an error.
 */
export function deriveConfig(path, edit, from = "wrangler.toml") {
  const toml = readFileSync(from, "utf8");
  const derived = edit(toml);
  if (derived === toml) throw new Error(`${path}: nothing to change in ${from}`);
  writeFileSync(path, derived);
  return path;
}

/** A config without its `[[ratelimits]]` bindings (the Worker then skips its limits). */
export const withoutRateLimits = (toml) => toml.replace(/\[\[ratelimits\]\]\n(?:[^[\n][^\n]*\n|\n)*/g, "");

/** A config's `main` pointed at `entry` (a bench-only entry beside the real bindings). */
export const withMain = (toml, entry) => toml.replace(/^main = .*$/m, `main = "${entry}"`);

/**
 * wrangler.toml with the heavy-read limit raised out of reach, for the benchmarks that repeat a
 * manager's heavy reads (per-account views) with one key faster than a person would: the limit
 * (docs/SECURITY.md, "Heavy reads") would turn their repeats into 429s. The binding stays bound
 * and is called on each of those reads as in production, so its cost is measured; only its
 * threshold differs.
 */
export const heavyReadsUnlimitedConfig = () =>
  deriveConfig(".bench-heavy-unlimited.wrangler.toml", (toml) =>
    toml.replace(/(name = "HEAVY_READ_LIMITER"\n(?:[^[\n][^\n]*\n)*?simple = \{ limit = )\d+/, "$11000000"),
  );

/** Starts `wrangler dev` for a config; returns { url, stop }. */
export async function startWorker({ config = "wrangler.toml", persistTo, vars = {}, probe = "/", args: extra = [], port: fixed }) {
  if (!existsSync("dist/public/admin/index.html")) build();
  const port = fixed ?? (await freePort());
  const args = [
    "wrangler",
    "dev",
    "-c",
    config,
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--show-interactive-dev-session=false",
    "--log-level",
    "error",
  ];
  if (range && !extra.includes("--inspector-port")) args.push("--inspector-port", String(await freePort()));
  if (persistTo) args.push("--persist-to", persistTo);
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  args.push(...extra);
  const child = spawn("npx", args, { env: WRANGLER_ENV, stdio: "ignore", detached: true });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(url + probe, 90_000);
  return {
    url,
    /** CPU time so far (ms) of this `wrangler dev`'s processes: all of them, and the workerd runtime that runs the Worker. */
    cpu: () => groupCpu(child.pid, port),
    stop: () => {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {}
    },
  };
}

/**
 * CPU time (user + system, ms) of the processes in a process group, from /proc (Linux): `total`
 * for all of them (wrangler's node process, the workerd that proxies `port`, the workerd runtime),
 * `runtime` for the workerd that runs the Worker, its bindings and local D1 on one thread (the one
 * not listening on `port`). Zeros where /proc is missing.
 */
function groupCpu(pgid, port) {
  let total = 0;
  let runtime = 0;
  let pids = [];
  try {
    pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return { total, runtime };
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(f[2]) !== pgid) continue;
      const ms = ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS;
      total += ms;
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (argv[0].endsWith("/workerd") && !argv.some((a) => a.includes(`127.0.0.1:${port}`))) runtime += ms;
    } catch {}
  }
  return { total, runtime };
}
const CLOCK_TICKS = 100;

/** Runs SQL (one query, or statements separated by `;`) on the local D1 at `persistTo` through wrangler; returns the first one's rows. */
export function localQuery(persistTo, sql) {
  const out = execFileSync("npx", ["wrangler", "d1", "execute", "DB", "--local", "--persist-to", persistTo, "--json", "--command", sql], {
    env: WRANGLER_ENV,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
    maxBuffer: 256 * 2 ** 20,
  });
  return JSON.parse(out)[0].results;
}

/** The rows of `surveyId`'s answers in the local D1 at `persistTo`, and how many distinct ids (the exactly-once checks). */
export const storedAnswers = (persistTo, surveyId) =>
  localQuery(persistTo, `SELECT count(*) AS n, count(DISTINCT id) AS d FROM responses WHERE survey_id = '${surveyId}'`)[0];

/** The id of every row of `surveyId`'s answers in the local D1 at `persistTo` (a repeated id would repeat). */
export const storedAnswerIds = (persistTo, surveyId) =>
  localQuery(persistTo, `SELECT id FROM responses WHERE survey_id = '${surveyId}'`).map((r) => r.id);

/** Creates an NPS survey through the API of the Worker at `base` (admin key `key`) and returns its id. */
export async function createBenchSurvey(base, key, name = "Bench") {
  const created = await request(`${base}/api/v1/surveys`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ name, kind: "nps" }),
  });
  if (created.status !== 201) throw new Error(`survey creation failed: ${created.status} ${created.body}`);
  return JSON.parse(created.body).id;
}

export function applyMigrations(persistTo) {
  execFileSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo], { env: WRANGLER_ENV, stdio: "ignore" });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export function request(url, { method = "GET", headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    if (body) req.write(body);
    req.end();
  });
}

/**
 * Closed-loop load: `concurrency` clients each send requests back to back for `seconds`
 * (bounded in time and in count). `make(i)` returns the request for the i-th call.
 */
export async function load({ url, seconds, concurrency, maxRequests = 1_000_000, make = () => ({}) }) {
  const latencies = [];
  const statuses = {};
  let sent = 0;
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  async function client() {
    while (performance.now() < end && sent < maxRequests) {
      const i = sent++;
      const t = performance.now();
      let status;
      try {
        status = (await request(url, make(i))).status;
      } catch {
        status = "error";
      }
      latencies.push(performance.now() - t);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, client));
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return { requests: latencies.length, rps: latencies.length / elapsed, p50: pct(50), p99: pct(99), statuses };
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const fmt = (x, d = 1) => Number(x).toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
