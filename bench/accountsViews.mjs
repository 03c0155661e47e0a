// The account-proportional dashboard views at scale (the Scale issue, docs/SCALING.md "The
// accounts list" and "Retention, cohorts, retention by category"): the same requests against a
// 1,000-answer and a 1,000,000-answer database side by side, median of --repeat after warm-ups,
// plus the cold (first) read of each cached retention view, which still reads every account.
//
//   node bench/accountsViews.mjs [--big 1000000] [--small 1000] [--repeat 9] [--port 8840]
import { rmSync } from "node:fs";
import { parseArgs } from "node:util";
import { generate, KEY, SURVEY } from "./bulk.mjs";
import { fmt, heavyReadsUnlimitedConfig, median, request, startWorker } from "./lib.mjs";

const { values: o } = parseArgs({
  options: {
    big: { type: "string", default: "1000000" },
    small: { type: "string", default: "1000" },
    repeat: { type: "string", default: "9" },
    port: { type: "string", default: "8840" },
  },
});
const range = "from=2024-12-01&to=2026-12-01";
const REQUESTS = [
  ["accounts list, page of 50", "/api/v1/accounts?limit=50"],
  ["accounts list, segment filter + survey", `/api/v1/accounts?limit=50&segment=Enterprise&surveyId=${SURVEY}`],
  ["accounts list, at risk", "/api/v1/accounts?limit=50&status=at_risk"],
  ["accounts list, sorted by score (desc)", "/api/v1/accounts?limit=50&sort=-score"],
  ["accounts list, sorted by change, at risk, segment", `/api/v1/accounts?limit=50&sort=change&status=at_risk&segment=Enterprise&surveyId=${SURVEY}`],
  ["accounts list, sorted by MRR (desc)", "/api/v1/accounts?limit=50&sort=-mrr"],
  ["accounts list, sorted by last answer (desc)", "/api/v1/accounts?limit=50&sort=-last"],
  ["retention by quarter", `/api/v1/metrics/retention?interval=quarter&${range}`],
  ["cohorts", `/api/v1/metrics/cohorts?${range}`],
  ["retention by category (waves)", `/api/v1/metrics/retention-by-category?surveyId=${SURVEY}&periods=wave`],
];
const headers = { authorization: `Bearer ${KEY}` };
const small = generate(Number(o.small));
const big = generate(Number(o.big));
console.log(`generated in ${fmt(small.seconds, 1)} s and ${fmt(big.seconds, 0)} s`);
const port = Number(o.port);
const vars = { ADMIN_API_KEY: KEY };
const config = heavyReadsUnlimitedConfig();
const ws = await startWorker({ config, persistTo: small.dir, vars, probe: "/api/v1/health", port });
const wb = await startWorker({ config, persistTo: big.dir, vars, probe: "/api/v1/health", port: port + 1 });
try {
  const get = async (w, path) => {
    const s = performance.now();
    const r = await request(w.url + path, { headers });
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.body.slice(0, 300)}`);
    return performance.now() - s;
  };
  console.log(
    `| request | ${Number(o.small).toLocaleString("en-US")} answers | ${Number(o.big).toLocaleString("en-US")} answers | ratio | cold (first read), small / big |`,
  );
  console.log("|---|---:|---:|---:|---:|");
  for (const [label, path] of REQUESTS) {
    const cold = [await get(ws, path), await get(wb, path)];
    for (let i = 0; i < 2; i++) {
      await get(ws, path);
      await get(wb, path);
    }
    const a = [];
    const b = [];
    for (let i = 0; i < Number(o.repeat); i++) {
      a.push(await get(ws, path));
      b.push(await get(wb, path));
    }
    const ratio = median(b) / median(a);
    console.log(
      `| ${label} | ${fmt(median(a), 2)} ms | ${fmt(median(b), 2)} ms | ${ratio <= 2 ? "" : "**"}${fmt(ratio, 2)}×${ratio <= 2 ? "" : "**"} | ${fmt(cold[0], 0)} / ${fmt(cold[1], 0)} ms |`,
    );
  }
} finally {
  ws.stop();
  wb.stop();
  // The two databases are about 0.6 GB together: not left behind in the temporary directory.
  setTimeout(() => {
    rmSync(small.dir, { recursive: true, force: true });
    rmSync(big.dir, { recursive: true, force: true });
  }, 2000);
}
