// Submission path benchmark: widget-style POSTs (text/plain JSON, 10 % retried ids) against
// Baromètre on real local D1, side by side with a bare Worker answering 204, alternating rounds
// in one run. Then checks that every accepted answer is stored exactly once.
//
//   npm run bench -- submit        (or: node bench/submit.mjs [--seconds 8] [--rounds 3] [--concurrency 32])
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  applyMigrations,
  createBenchSurvey,
  deriveConfig,
  fmt,
  load,
  localQuery,
  median,
  request,
  startWorker,
  storedAnswers,
  withMain,
  withoutRateLimits,
} from "./lib.mjs";
import { machine, writeSection } from "./report.mjs";

const { values: o } = parseArgs({
  options: {
    seconds: { type: "string", default: "8" },
    rounds: { type: "string", default: "3" },
    concurrency: { type: "string", default: "32" },
    // Diagnostic: run Baromètre through bench/groups/index.ts, which counts the size of every D1
    // batch (the commit groups), and print their distribution. Off by default: the headline
    // figures come from the Worker as deployed.
    groups: { type: "boolean", default: false },
  },
});
const seconds = Number(o.seconds),
  rounds = Number(o.rounds),
  concurrency = Number(o.concurrency);
const KEY = "bench-admin-key-0123456789abcdef";

const dir = mkdtempSync(join(tmpdir(), "barometre-bench-"));
applyMigrations(dir);
// Diagnostic: the same Worker with its [[ratelimits]] bindings removed (derived from wrangler.toml
// here, never maintained by hand), to show what the local rate-limit simulation costs.
const NORL = deriveConfig(".bench-no-ratelimit.wrangler.toml", withoutRateLimits);
// The same Worker behind the bench-only batch counter (--groups), derived from wrangler.toml too.
const GROUPS = o.groups ? deriveConfig(".bench-groups.wrangler.toml", (toml) => withMain(toml, "bench/groups/index.ts")) : null;
// Diagnostic: the floor Worker with Baromètre's write limiter bound as LIMITER (the same
// [[ratelimits]] block, copied from wrangler.toml), so that both sides pay the local binding.
const limiterBlock = readFileSync("wrangler.toml", "utf8").match(/\[\[ratelimits\]\]\nname = "PUBLIC_WRITE_LIMITER"\n(?:[^[\n][^\n]*\n)*/)?.[0];
if (!limiterBlock) throw new Error("wrangler.toml has no PUBLIC_WRITE_LIMITER block");
const FLOOR_RL = deriveConfig(
  ".bench-floor-ratelimit.wrangler.toml",
  (toml) => `${withMain(toml, "bench/d1floor/index.ts")}\n${limiterBlock.replace('name = "PUBLIC_WRITE_LIMITER"', 'name = "LIMITER"')}`,
  "bench/d1floor/wrangler.toml",
);
// A copy of the freshly migrated database (wrangler's start-up is most of a migration's time).
const dir2 = mkdtempSync(join(tmpdir(), "barometre-bench-"));
cpSync(dir, dir2, { recursive: true });
// Diagnostic: the leanest Worker on Baromètre's storage (bench/lean/index.ts: the same limiter, the
// answer's real INSERT and triggers through the real group commit, nothing else), each on its own
// copy of the database with a survey of its own, so that its rows stay out of the exactly-once
// check; the second copy has every trigger dropped (the answer's row and its indexes only).
const LEAN = deriveConfig(".bench-lean.wrangler.toml", (toml) => withMain(toml, "bench/lean/index.ts"));
const LEAN_SURVEY = "bench-lean-survey";
const leanDb = (dropTriggers) => {
  const copy = mkdtempSync(join(tmpdir(), "barometre-bench-"));
  cpSync(dir, copy, { recursive: true });
  const drops = dropTriggers ? localQuery(copy, "SELECT name FROM sqlite_master WHERE type = 'trigger'").map((t) => `DROP TRIGGER "${t.name}";`) : [];
  if (dropTriggers && drops.length === 0) throw new Error("the migrated database has no triggers to drop");
  localQuery(
    copy,
    `${drops.join(" ")} INSERT INTO surveys (id, name, kind, signing_secret) VALUES ('${LEAN_SURVEY}', 'Bench (lean)', 'nps', 'bench');`,
  );
  return copy;
};
const dir3 = leanDb(false);
const dir4 = leanDb(true);
// One after another: started together under load, one of them missed its 90 s start-up window.
// Those already up are stopped if a later one fails to start (a port range too small, a timeout).
const started = [];
const start = async (opts) => {
  try {
    const w = await startWorker(opts);
    started.push(w);
    return w;
  } catch (e) {
    for (const w of started) w.stop();
    throw e;
  }
};
const app = await start({ config: GROUPS ?? "wrangler.toml", persistTo: dir, vars: { ADMIN_API_KEY: KEY }, probe: "/api/v1/health" });
const appNoRl = await start({ config: NORL, persistTo: dir2, vars: { ADMIN_API_KEY: KEY }, probe: "/api/v1/health" });
const bare = await start({ config: "bench/bare/wrangler.toml" });
const floor = await start({ config: "bench/d1floor/wrangler.toml", persistTo: dir });
const floorRl = await start({ config: FLOOR_RL, persistTo: dir2 });
const lean = await start({ config: LEAN, persistTo: dir3 });
const leanNoTriggers = await start({ config: LEAN, persistTo: dir4 });
try {
  const surveyId = await createBenchSurvey(app.url, KEY);
  const target = `${app.url}/api/v1/surveys/${surveyId}/responses`;
  const targetNoRl = `${appNoRl.url}/api/v1/surveys/${await createBenchSurvey(appNoRl.url, KEY)}/responses`;
  /**
   * Widget-style answers: one in ten retries an earlier id with the same body (a widget retrying
   * after a lost reply: answered 200, the answer unchanged). Each request comes "from" its own
   * respondent: the per-IP rate limit of public writes must not turn a load test from one machine
   * into 429s (wrangler dev takes CF-Connecting-IP as given).
   */
  const submitter = () => {
    const ids = [];
    const scores = new Map();
    const make = () => {
      const retry = ids.length > 0 && Math.random() < 0.1;
      const id = retry ? ids[Math.floor(Math.random() * ids.length)] : crypto.randomUUID();
      if (!retry) {
        ids.push(id);
        scores.set(id, Math.floor(Math.random() * 11));
      }
      const ip = `127.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;
      return {
        method: "POST",
        headers: { "content-type": "text/plain;charset=UTF-8", "cf-connecting-ip": ip },
        body: JSON.stringify({ id, score: scores.get(id) }),
        id,
      };
    };
    return { ids, make };
  };
  const { ids, make: makeSubmit } = submitter();
  const { make: makeNoRl } = submitter();
  /** A load against one Worker, with the CPU its processes spent per request meanwhile (ms). */
  async function measured(worker, run) {
    const before = worker.cpu();
    const r = await run();
    const after = worker.cpu();
    return { ...r, cpuRuntime: (after.runtime - before.runtime) / r.requests, cpuTotal: (after.total - before.total) / r.requests };
  }
  async function runOurs(secs) {
    const made = [];
    const r = await load({
      url: target,
      seconds: secs,
      concurrency,
      make: () => {
        const m = makeSubmit();
        made.push(m.id);
        return m;
      },
    });
    return { r, made };
  }

  // Warm-up (JIT, D1 file, connection pools), not measured.
  await load({ url: bare.url, seconds: 2, concurrency });
  await runOurs(2);

  // A client IP per request, as for Baromètre's answers (only the limited floor reads it).
  const floorMake = () => ({
    method: "POST",
    headers: {
      "content-type": "text/plain",
      "cf-connecting-ip": `127.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`,
    },
    body: JSON.stringify({ id: crypto.randomUUID(), score: 7 }),
  });
  await load({ url: floor.url, seconds: 2, concurrency, make: floorMake });
  await load({ url: floorRl.url, seconds: 2, concurrency, make: floorMake });

  await load({ url: targetNoRl, seconds: 2, concurrency, make: makeNoRl });
  const leanUrl = (w) => `${w.url}/api/v1/surveys/${LEAN_SURVEY}/responses`;
  const { make: makeLean } = submitter();
  await load({ url: leanUrl(lean), seconds: 2, concurrency, make: makeLean });
  await load({ url: leanUrl(leanNoTriggers), seconds: 2, concurrency, make: makeLean });

  const bareRuns = [],
    appRuns = [],
    floorRuns = [],
    floorRlRuns = [],
    noRlRuns = [],
    leanRuns = [],
    leanNoTriggersRuns = [];
  for (let i = 0; i < rounds; i++) {
    bareRuns.push(await measured(bare, () => load({ url: bare.url, seconds, concurrency })));
    floorRuns.push(await measured(floor, () => load({ url: floor.url, seconds, concurrency, make: floorMake })));
    appRuns.push(await measured(app, async () => (await runOurs(seconds)).r));
    noRlRuns.push(await measured(appNoRl, () => load({ url: targetNoRl, seconds, concurrency, make: makeNoRl })));
    floorRlRuns.push(await measured(floorRl, () => load({ url: floorRl.url, seconds, concurrency, make: floorMake })));
    leanRuns.push(await measured(lean, () => load({ url: leanUrl(lean), seconds, concurrency, make: makeLean })));
    leanNoTriggersRuns.push(await measured(leanNoTriggers, () => load({ url: leanUrl(leanNoTriggers), seconds, concurrency, make: makeLean })));
  }
  // Exactly-once check: every id that got a 2xx is one row; no row without an id we sent.
  const sentIds = new Set(ids);
  const rows = storedAnswers(dir, surveyId);
  const ok = appRuns.reduce((t, r) => t + (r.statuses[201] ?? 0), 0);
  const errors = appRuns.reduce(
    (t, r) =>
      t +
      Object.entries(r.statuses)
        .filter(([s]) => !["200", "201"].includes(s))
        .reduce((a, [, n]) => a + n, 0),
    0,
  );

  const rateOf = (runs) => median(runs.map((r) => r.rps));
  const bareRps = rateOf(bareRuns);
  const appRps = rateOf(appRuns);
  const floorRps = rateOf(floorRuns);
  const ratio = appRps / bareRps;
  const m = (runs, key, d = 0) => fmt(median(runs.map((r) => r[key])), d);
  const row = (label, runs, bold = false) => {
    const rps = bold ? `**${m(runs, "rps")}**` : m(runs, "rps");
    return `| ${label} | ${rps} | ${m(runs, "p50", 2)} | ${m(runs, "p99", 2)} | ${m(runs, "cpuRuntime", 2)} | ${m(runs, "cpuTotal", 2)} |`;
  };
  const table = [
    "| run | requests/s (median of rounds) | p50 ms | p99 ms | CPU ms per request, workerd runtime | CPU ms per request, whole `wrangler dev` |",
    "|---|---:|---:|---:|---:|---:|",
    row("bare Worker, 204", bareRuns),
    row("bare Worker + one plain D1 INSERT (the storage floor)", floorRuns),
    row("**Baromètre POST /responses** (validation, rate limit, D1 insert + rollup triggers)", appRuns, true),
    row("Baromètre without its rate-limit binding (diagnostic only)", noRlRuns),
    row("the floor with the same rate-limit binding, called per request (diagnostic only)", floorRlRuns),
    row(
      "the leanest Worker on Baromètre's storage, same rate-limit binding (bench/lean: no framework, validation or identity; diagnostic only)",
      leanRuns,
    ),
    row("the same lean Worker with every trigger dropped: the answer's row and indexes only (diagnostic only)", leanNoTriggersRuns),
  ].join("\n");
  const cpu = (runs) => median(runs.map((r) => r.cpuRuntime));
  const limitedFloor = rateOf(floorRlRuns) / floorRps;
  const leanRatio = rateOf(leanRuns) / floorRps;
  const leanNoTriggersRatio = rateOf(leanNoTriggersRuns) / floorRps;
  const limiterCpu = cpu(floorRlRuns) - cpu(floorRuns);
  const insertCpu = cpu(floorRuns) - cpu(bareRuns);
  const md =
    `## Submission path

Command: \`node bench/submit.mjs --seconds ${seconds} --rounds ${rounds} --concurrency ${concurrency}\` (${new Date().toISOString().slice(0, 10)}, ${machine()}).
Both Workers run under \`wrangler dev\` on 127.0.0.1 (Baromètre on a fresh local D1), measured in
alternating rounds of ${seconds} s with ${concurrency} keep-alive clients; 10 % of the POSTs retry an earlier id.

${table}

**Against the storage floor (a Worker doing one plain D1 INSERT per request): ${fmt(appRps / floorRps, 2)}×** (target ≥ 1.0×: ${appRps >= floorRps ? "met" : "**not met**"}); p99 ${fmt(median(appRuns.map((r) => r.p99)), 1)} ms against the floor's ${fmt(median(floorRuns.map((r) => r.p99)), 1)} ms.
With the local Rate Limiting binding on both sides (the diagnostic floor row): ${fmt(appRps / rateOf(floorRlRuns), 2)}×; without it on either side: ${fmt(rateOf(noRlRuns) / floorRps, 2)}×.
Ratio to the bare Worker: ${fmt(ratio * 100, 0)} % (earlier target ≥ 50 %: ${ratio >= 0.5 ? "met" : "**not met**"}).
D1 rows written per answer (D1's billing unit, \`npx vitest run test/api/rowsWritten.test.ts\`): see docs/SCALING.md.
CPU per request (from /proc, each Worker's processes during its own rounds; steadier than requests/s on a shared machine):
the workerd runtime, which runs the Worker, its bindings and local D1 on one thread, spent ${fmt(cpu(appRuns), 2)} ms per answer for Baromètre
against ${fmt(cpu(floorRuns), 2)} ms for the floor's whole request; of Baromètre's, the local Rate Limiting binding (a \`fetch\` to a Durable Object
in the same thread) took ${fmt(cpu(appRuns) - cpu(noRlRuns), 2)} ms (the difference with the diagnostic row).
Where it goes, on this machine: one plain D1 INSERT alone brings a Worker to ${fmt((floorRps / bareRps) * 100, 0)} % of the bare one
(local D1 is SQLite behind an RPC); the local simulation of the Rate Limiting binding costs Baromètre
${fmt((1 - appRps / rateOf(noRlRuns)) * 100, 0)} % of its rate, and the floor ${fmt((1 - rateOf(floorRlRuns) / floorRps) * 100, 0)} % of its own.
What bounds the target: with that binding called per request, the floor itself runs at ${fmt(limitedFloor, 2)}× its plain rate${
      limitedFloor < 1
        ? ` (the binding costs the floor ${fmt(limiterCpu, 2)} ms of the runtime's CPU per request and its INSERT ${fmt(insertCpu, 2)} ms, so a Worker that calls the binding per request and matches the plain floor has ${
            insertCpu > limiterCpu ? `${fmt(insertCpu - limiterCpu, 2)} ms` : "nothing"
          } left to read the answer, store it and reply)`
        : ""
    },
and the leanest Worker on Baromètre's storage at ${fmt(leanRatio, 2)}× (${fmt(leanRatio / limitedFloor, 2)}× the limited floor; with no trigger at all ${fmt(leanNoTriggersRatio, 2)}×,
${fmt(leanNoTriggersRatio / limitedFloor, 2)}× the limited floor). Baromètre runs at ${fmt(appRps / rateOf(leanRuns), 2)}× the lean Worker's rate: how far that is from 1 is what its own code
(routing, validation, identity, the response) costs on top of its storage, give or take this machine's noise.
In production the rate limiter is a counter in the same data centre and D1 is remote, so these
proportions do not carry over; the ratio here is what this benchmark can show.

Exactly once: ${ids.length.toLocaleString("en-US")} distinct ids sent (${ok.toLocaleString("en-US")} answered 201, retries 200), ` +
    `${rows.n.toLocaleString("en-US")} rows stored, ${rows.d.toLocaleString("en-US")} distinct; non-2xx answers: ${errors}${
      errors
        ? ` (${Object.entries(
            appRuns.reduce((t, r) => {
              for (const [k, n] of Object.entries(r.statuses)) if (k !== "200" && k !== "201") t[k] = (t[k] ?? 0) + n;
              return t;
            }, {}),
          )
            .map(([k, n]) => `${n} × ${k}`)
            .join(", ")})`
        : ""
    }.
${rows.n === sentIds.size && rows.n === rows.d ? "Every id sent is stored exactly once." : "**MISMATCH: see the counts above.**"}`;
  if (o.groups) {
    // Diagnostic only: not written to BENCHMARKS.md (the counting wrapper is not the deployed Worker).
    const sizes = JSON.parse((await request(`${app.url}/__bench/groups`)).body);
    const entries = Object.entries(sizes).map(([k, n]) => [Number(k), n]);
    const batches = entries.reduce((t, [, n]) => t + n, 0);
    const stmts = entries.reduce((t, [k, n]) => t + k * n, 0);
    const share = (pred) => entries.filter(([k]) => pred(k)).reduce((t, [k, n]) => t + k * n, 0) / stmts;
    console.log(
      `commit groups (warm-up included): ${batches} batches for ${stmts} statements, ${fmt(stmts / batches, 1)} per batch; ` +
        `statements in a batch of 1: ${fmt(share((k) => k === 1) * 100, 0)} %, 2–7: ${fmt(share((k) => k >= 2 && k < 8) * 100, 0)} %, 8–15: ${fmt(share((k) => k >= 8 && k < 16) * 100, 0)} %, ≥ 16: ${fmt(share((k) => k >= 16) * 100, 0)} %`,
    );
    console.log(JSON.stringify(sizes));
  } else writeSection("submit", md);
  console.log(md);
  if (rows.n !== rows.d) process.exitCode = 1;
} finally {
  for (const w of started) w.stop();
  for (const d of [dir, dir2, dir3, dir4]) rmSync(d, { recursive: true, force: true });
  rmSync(LEAN, { force: true });
  rmSync(NORL, { force: true });
  rmSync(FLOOR_RL, { force: true });
  if (GROUPS) rmSync(GROUPS, { force: true });
}
