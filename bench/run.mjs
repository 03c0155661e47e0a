// `npm run bench [-- NAME …]`: runs the benchmarks (all by default) one after another, each
// writing its section of docs/BENCHMARKS.md. Run them on a quiet machine: they measure ratios
// side by side, but a busy machine still adds noise.
import { execFileSync } from "node:child_process";

const ALL = {
  submit: ["bench/submit.mjs"],
  metrics: ["bench/metrics.mjs"],
  dashboard: ["bench/dashboard.mjs"],
  import: ["bench/import.mjs", "--sizes", "10000,100000", "--write"],
  // The admin page's first view in Chromium at 1,000 and 1,000,000 answers and its empty shell
  // (needs `npm run build`; the bulk generation of 1M answers is most of its 5 to 8 minutes).
  firstview: ["bench/firstView.mjs", "--repeat", "7", "--write"],
  // A CPU profile of the submission path under load (about 40 s), split by stage.
  profile: ["bench/profile.mjs", "--seconds", "15", "--concurrency", "16", "--write"],
};
// By default every benchmark but `metrics`: `dashboard` measures the same overview request (and
// every other admin-page request) at 1,000,000 answers, generated set-wise in a minute instead of
// `metrics`' three minutes of row-by-row triggers, which kept `npm run bench` under 15 minutes on a quiet machine
// (`firstview` generates its own two databases, adding 5 to 8 minutes).
const DEFAULT = ["submit", "profile", "dashboard", "firstview", "import"];
const names = process.argv.slice(2).length ? process.argv.slice(2) : DEFAULT;
for (const name of names) {
  const cmd = ALL[name];
  if (!cmd) throw new Error(`unknown benchmark ${name}; choose from ${Object.keys(ALL).join(", ")}`);
  console.log(`\n=== ${name}`);
  execFileSync(process.execPath, cmd, { stdio: "inherit" });
}
