// `npm run bench [-- NAME …]`: runs the benchmarks (all by default) one after another, each
// writing its section of docs/BENCHMARKS.md, then prints its own wall time and writes it, with
// the machine's load meanwhile, into the "total" section at the top. Run them on a quiet machine:
// they measure ratios side by side, but a busy machine still adds noise.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { benchDatabase } from "./bulk.mjs";
import { build, fmt } from "./lib.mjs";
import { machine, writeSection } from "./report.mjs";

const ALL = {
  submit: ["bench/submit.mjs", "--seconds", "6", "--rounds", "3", "--concurrency", "32"],
  // Answers back to back for 120 s: every one 2xx and stored once, no stall (the group commit's hand-off);
  // 1 % of the clients close the connection right after sending.
  soak: ["bench/soak.mjs", "--seconds", "120", "--window", "10", "--concurrency", "32", "--abandon", "0.01"],
  // Every admin-page request, the overview against its raw scan, and the 1M-row CSV export.
  dashboard: ["bench/dashboard.mjs", "--repeat", "9"],
  import: ["bench/import.mjs", "--sizes", "10000,100000", "--write"],
  // The admin page's first view in Chromium at 1,000 and 1,000,000 answers and its empty shell.
  firstview: ["bench/firstView.mjs", "--repeat", "7", "--write"],
  // A CPU profile of the submission path under load (about 40 s), split by stage.
  profile: ["bench/profile.mjs", "--seconds", "15", "--concurrency", "16", "--write"],
};
const ORDER = ["submit", "soak", "profile", "dashboard", "firstview", "import"];
const names = process.argv.slice(2).length ? process.argv.slice(2) : ORDER;
for (const name of names) if (!ALL[name]) throw new Error(`unknown benchmark ${name}; choose from ${Object.keys(ALL).join(", ")}`);

const t0 = performance.now();
// The Worker serves dist/public: built from the sources being measured (a fresh clone has none).
build();
const loads = [];
const sampleLoad = () => loads.push(os.loadavg()[0]);
sampleLoad();
const sampler = setInterval(sampleLoad, 10_000);
const steps = [];
const step = async (label, run) => {
  const s = performance.now();
  await run();
  steps.push([label, (performance.now() - s) / 1000]);
};
// Asynchronous, so the load sampler keeps running while a benchmark does.
const node = (args) =>
  new Promise((resolve, reject) =>
    spawn(process.execPath, args, { stdio: "inherit" }).on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${args[0]} exited with ${code}`)),
    ),
  );

// dashboard and firstview read the same two bulk-generated databases: made once, here, before
// the first of them (not during another benchmark: generating takes a whole core for a minute
// and would skew whatever ran beside it), and removed at the end.
const shared = names.some((n) => n === "dashboard" || n === "firstview");
if (shared) process.env.BENCH_DBS = mkdtempSync(join(os.tmpdir(), "barometre-bench-dbs-"));
try {
  for (const name of names) {
    if (shared && (name === "dashboard" || name === "firstview") && !steps.some(([l]) => l === "generate")) {
      console.log("\n=== generate (1,000 and 1,000,000 answers, shared by dashboard and firstview)");
      await step("generate", () => {
        const [small, big] = [benchDatabase(1000), benchDatabase(1_000_000)];
        console.log(`generated in ${fmt(small.seconds, 1)} s and ${fmt(big.seconds, 0)} s`);
      });
    }
    console.log(`\n=== ${name}`);
    await step(name, () => node(ALL[name]));
  }
} finally {
  clearInterval(sampler);
  if (shared) rmSync(process.env.BENCH_DBS, { recursive: true, force: true });
}
sampleLoad();

const total = (performance.now() - t0) / 1000;
const meanLoad = loads.reduce((a, b) => a + b, 0) / loads.length;
const lines = steps.map(([l, s]) => `${l} ${fmt(s, 0)} s`).join(", ");
console.log(`\nnpm run bench: ${fmt(total, 0)} s (${fmt(total / 60, 1)} min) at a mean load average of ${fmt(meanLoad, 1)}: ${lines}`);
if (names.length === ORDER.length && ORDER.every((n) => names.includes(n))) {
  writeSection(
    "total",
    `The last full \`npm run bench\` (${new Date().toISOString().slice(0, 10)}, ${machine()}) took **${fmt(total, 0)} s (${fmt(total / 60, 1)} min)**
(target: under 15 minutes on a fresh clone) at a mean load average of ${fmt(meanLoad, 1)} (1-minute average sampled every 10 s; ${fmt(Math.min(...loads), 1)} to ${fmt(Math.max(...loads), 1)}) on ${os.cpus().length} cores:
${lines}.`,
  );
}
