#!/usr/bin/env node
// Rebuilds the bucket columns, rollups and cube in the workspace's TIMEZONE after it changed, without
// waiting for the hourly cron: calls POST /api/v1/maintenance/rollups/rebuild until it is done.
// Resumable and safe to run twice (worker/jobs/rebucket.ts). Usage:
//   BAROMETRE_URL=https://nps.example.com BAROMETRE_KEY=… npm run rollups:rebuild
const url = (process.env.BAROMETRE_URL ?? "http://127.0.0.1:8787").replace(/\/$/, "");
const key = process.env.BAROMETRE_KEY;
if (!key) {
  console.error("Set BAROMETRE_KEY to an admin API key (and BAROMETRE_URL to the Worker's origin).");
  process.exit(2);
}
const headers = { authorization: `Bearer ${key}` };
let total = 0;
for (;;) {
  const res = await fetch(`${url}/api/v1/maintenance/rollups/rebuild`, { method: "POST", headers });
  if (!res.ok) {
    console.error(`rebuild failed: ${res.status} ${await res.text()}`);
    process.exit(1);
  }
  const r = await res.json();
  total += r.rewritten;
  console.log(
    `${r.zone}: ${r.scanned} answers read, ${r.rewritten} moved (total moved ${total})${r.done ? ", done" : r.superseded ? ", another walk took over (carrying on)" : `, up to ${r.cursor}`}`,
  );
  if (r.done) break;
}
