// `npm run bench [-- NAME …]`: runs the benchmarks (all by default) one after another, each
// writing its section of docs/BENCHMARKS.md. Run them on a quiet machine: they measure ratios
// side by side, but a busy machine still adds noise.
import { execFileSync } from "node:child_process";

const ALL = {
  submit: ["bench/submit.mjs"],
  metrics: ["bench/metrics.mjs"],
  dashboard: ["bench/dashboard.mjs"],
  import: ["bench/import.mjs", "--sizes", "10000,100000", "--write"],
};
const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(ALL);
for (const name of names) {
  const cmd = ALL[name];
  if (!cmd) throw new Error(`unknown benchmark ${name}; choose from ${Object.keys(ALL).join(", ")}`);
  console.log(`\n=== ${name}`);
  execFileSync(process.execPath, cmd, { stdio: "inherit" });
}
