// The whole audit in one command (docs/AUDIT.md): a fresh local database with the demo data behind
// its own `wrangler dev`, the recount, rounds of writes, changes of TIMEZONE with and without the
// rebuild, the recount after each step.
//
//   node_modules/.bin/node scripts/audit/cycle.mjs [--port 8700] [--dir /tmp/barometre-audit]
//
// Prints one line per step ("N figures compared, M mismatches") and exits 1 if a step did not
// match. Every step must, the one between a change of TIMEZONE and its rebuild too: every view has
// an exact path while the rollups are in another zone (docs/ARCHITECTURE.md). (The demo's answers
// fit in one slice of the rebuild, so a state mid-way is left to test/api/rebuildExactViews.test.ts.)
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: { port: { type: "string", default: "8700" }, dir: { type: "string", default: "/tmp/barometre-audit" } },
});
const KEY = "audit-admin-key-0123456789abcdef";
const BASE = `http://127.0.0.1:${args.port}`;
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" };
const node = process.execPath;
const dir = args.dir;

rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
execFileSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", dir], { env, stdio: "ignore" });
execFileSync("node", ["scripts/seed.mjs", "--persist-to", dir], { env, stdio: "inherit" });
const d1 = join(dir, "v3/d1/miniflare-D1DatabaseObject");
const db = join(
  d1,
  readdirSync(d1).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite"),
);

let worker = null;
async function start(zone) {
  await stop();
  const file = join(dir, "audit.env");
  writeFileSync(file, `ADMIN_API_KEY="${KEY}"\nTIMEZONE="${zone}"\nWEBHOOK_DELIVERY="direct"\n`);
  worker = spawn(
    "npx",
    ["wrangler", "dev", "--ip", "127.0.0.1", "--port", args.port, "--inspector-port", String(Number(args.port) + 1), "--persist-to", dir].concat([
      "--show-interactive-dev-session=false",
      "--log-level",
      "error",
      "--env-file",
      file,
    ]),
    { env, stdio: "ignore", detached: true },
  );
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${BASE}/api/v1/health`)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("wrangler dev did not start");
}
async function stop() {
  if (!worker) return;
  try {
    process.kill(-worker.pid, "SIGTERM");
  } catch {
    /* gone */
  }
  worker = null;
  await new Promise((r) => setTimeout(r, 1500));
}

const run = (script, extra) => {
  try {
    return { out: execFileSync(node, [script, "--db", db, "--base", BASE, "--key", KEY, ...extra], { encoding: "utf8" }), ok: true };
  } catch (e) {
    return { out: `${e.stdout ?? ""}${e.stderr ?? ""}`, ok: false };
  }
};
let managerKey;
let failed = false;
function recount(step, extra = []) {
  const { out, ok } = run("scripts/audit/recompute.mjs", ["--manager-key", managerKey, "--verbose", ...extra]);
  const lines = out.trim().split("\n");
  console.log(`${step}: ${lines[0]}`);
  if (!ok) {
    failed = true;
    const views = new Set(lines.slice(1).map((l) => l.trim().replace(/[[.].*/, "")));
    console.log(`  views that differ: ${[...views].sort().join(", ")}`);
    for (const l of lines.slice(1, 21)) console.log(l);
  }
}
const mutate = (rounds) => {
  for (const r of rounds) {
    const { out, ok } = run("scripts/audit/mutate.mjs", ["--round", String(r)]);
    if (!ok) throw new Error(out);
  }
};
const rebuild = () =>
  execFileSync(node, ["scripts/rebucket.mjs"], { env: { ...env, BAROMETRE_URL: BASE, BAROMETRE_KEY: KEY }, encoding: "utf8" })
    .trim()
    .split("\n")
    .at(-1);

try {
  await start("UTC");
  const claire = new DatabaseSync(db, { readOnly: true }).prepare("SELECT id FROM users WHERE email = 'claire@demo.barometre.dev'").get().id;
  const made = await fetch(`${BASE}/api/v1/api-keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "audit", role: "manager", userId: claire }),
  });
  managerKey = (await made.json()).key;
  recount("demo data, UTC");
  mutate([1, 2, 3]);
  recount("after writes 1-3, UTC");
  recount("UTC, trends asked in America/Los_Angeles", ["--only", "trend", "--query-tz", "America/Los_Angeles"]);
  await start("Europe/Paris");
  recount("TIMEZONE Europe/Paris, before the rebuild", ["--tz", "Europe/Paris"]);
  console.log(`  ${rebuild()}`);
  recount("Europe/Paris, rebuilt", ["--tz", "Europe/Paris"]);
  mutate([4, 5, 6]);
  recount("after writes 4-6, Europe/Paris", ["--tz", "Europe/Paris"]);
  await start("Pacific/Auckland");
  console.log(`  ${rebuild()}`);
  mutate([7, 8, 9, 10]);
  recount("after writes 7-10, Pacific/Auckland", ["--tz", "Pacific/Auckland"]);
  await start("UTC");
  console.log(`  ${rebuild()}`);
  recount("back to UTC, rebuilt");
} finally {
  await stop();
}
process.exit(failed ? 1 : 0);
