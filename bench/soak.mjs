// Sustained submission load: the Worker takes widget-style answers back to back for
// minutes, and every one must be answered 2xx and stored exactly once. The first group commit
// wedged an isolate after about 1,700 batches (a batch started inside another request's context
// died with that request; every answer after it was a 500 until the isolate was replaced), which
// the short rounds of bench/submit.mjs never reached. Reports each window's answers and worst
// latency, so a stall shows even when it recovers. The Worker runs without its rate-limit bindings
// (derived from wrangler.toml, as in bench/submit.mjs): the local limiter would only slow it down,
// and what this looks for is the most commit batches in the time.
//
//   npm run bench -- soak        (or: node bench/soak.mjs [--seconds 120] [--window 10] [--concurrency 32] [--abandon 0.01])
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { applyMigrations, createBenchSurvey, deriveConfig, fmt, request, startWorker, storedAnswerIds, withoutRateLimits } from "./lib.mjs";
import { machine, writeSection } from "./report.mjs";

const { values: o } = parseArgs({
  options: {
    seconds: { type: "string", default: "120" },
    window: { type: "string", default: "10" },
    concurrency: { type: "string", default: "32" },
    // The share of answers whose client leaves right after sending (the socket closed before the
    // reply): a request workerd may cancel while it leads a commit batch.
    abandon: { type: "string", default: "0" },
  },
});
const seconds = Number(o.seconds),
  windowSec = Number(o.window),
  concurrency = Number(o.concurrency),
  abandonShare = Number(o.abandon);
const KEY = "bench-admin-key-0123456789abcdef";

const NORL = deriveConfig(".bench-soak.wrangler.toml", withoutRateLimits);
const dir = mkdtempSync(join(tmpdir(), "barometre-soak-"));
applyMigrations(dir);
const app = await startWorker({ config: NORL, persistTo: dir, vars: { ADMIN_API_KEY: KEY }, probe: "/api/v1/health" });
try {
  const surveyId = await createBenchSurvey(app.url, KEY, "Soak");
  const url = `${app.url}/api/v1/surveys/${surveyId}/responses`;
  const ip = () => `127.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;
  const accepted = new Set();
  const abandoned = new Set();
  /** Sends an answer and closes the socket a moment later, before any reply. */
  const abandon = (body) =>
    new Promise((resolve) => {
      const req = http.request(url, { method: "POST", headers: { "content-type": "text/plain;charset=UTF-8", "cf-connecting-ip": ip() } });
      req.on("error", () => resolve());
      req.end(body, () => setTimeout(() => (req.destroy(), resolve()), 2));
    });
  const statuses = {};
  const windows = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  let failure;
  const client = async () => {
    while (performance.now() < end) {
      const id = crypto.randomUUID();
      if (Math.random() < abandonShare) {
        abandoned.add(id);
        await abandon(JSON.stringify({ id, score: 5 }));
        continue;
      }
      const t = performance.now();
      let status;
      let body = "";
      try {
        ({ status, body } = await request(url, {
          method: "POST",
          headers: { "content-type": "text/plain;charset=UTF-8", "cf-connecting-ip": ip() },
          body: JSON.stringify({ id, score: Math.floor(Math.random() * 11) }),
        }));
      } catch (e) {
        status = "error";
        body = String(e);
      }
      const done = performance.now();
      const w = Math.floor((t - start) / (windowSec * 1000));
      windows[w] ??= { answers: 0, failed: 0, worst: 0 };
      windows[w].answers++;
      windows[w].worst = Math.max(windows[w].worst, done - t);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 201) accepted.add(id);
      else {
        windows[w].failed++;
        failure ??= `${status}: ${body.slice(0, 160)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  const elapsed = (performance.now() - start) / 1000;
  const sent = Object.values(statuses).reduce((a, b) => a + b, 0);
  const failed = sent - (statuses[201] ?? 0);
  const table = [
    `| seconds | answers | not 201 | worst latency ms |`,
    `|---|---:|---:|---:|`,
    ...windows.map((w, i) => `| ${i * windowSec}–${(i + 1) * windowSec} | ${fmt(w.answers, 0)} | ${w.failed} | ${fmt(w.worst, 0)} |`),
  ].join("\n");
  // Every answer accepted is stored, once; a row is only ever an answer sent (an abandoned one may
  // or may not have been stored: its sender never heard).
  const ids = storedAnswerIds(dir, surveyId);
  const stored = new Set(ids);
  const rows = { n: ids.length, d: stored.size };
  const lostAccepted = [...accepted].filter((id) => !stored.has(id)).length;
  const strays = [...stored].filter((id) => !accepted.has(id) && !abandoned.has(id)).length;
  const abandonedStored = [...abandoned].filter((id) => stored.has(id)).length;
  const exact = failed === 0 && lostAccepted === 0 && strays === 0 && rows.d === rows.n;
  const md = `## Sustained submission (soak)

Command: \`node bench/soak.mjs --seconds ${seconds} --window ${windowSec} --concurrency ${concurrency}${abandonShare ? ` --abandon ${abandonShare}` : ""}\` (${new Date().toISOString().slice(0, 10)}, ${machine()}).
The Worker of \`wrangler.toml\` without its rate-limit bindings (the local limiter would only slow it: the most commit batches in
the time is the point), on a fresh local D1, takes new anonymous answers from ${concurrency}
keep-alive clients, back to back, for ${seconds} s: **${fmt(sent, 0)} answers** at ${fmt(sent / elapsed, 0)} per second${
    abandonShare
      ? `, and ${fmt(abandoned.size, 0)} more whose client closed the connection 2 ms after sending (${fmt(abandonShare * 100, 1)} %: a request that may be cancelled while it leads a batch; ${fmt(abandonedStored, 0)} of them stored)`
      : ""
  }.
Not answered 201: **${failed}**${
    failed
      ? ` (${Object.entries(statuses)
          .filter(([k]) => k !== "201")
          .map(([k, n]) => `${n} × ${k}`)
          .join(", ")}; first: \`${failure}\`)`
      : ""
  }.
Stored: ${fmt(rows.n, 0)} rows, ${fmt(rows.d, 0)} distinct, for ${fmt(accepted.size, 0)} answers accepted; accepted but missing: ${lostAccepted}; rows of ids never sent: ${strays}. ${exact ? "Every answer accepted is stored exactly once, and none was refused." : "**FAILED: see the counts above.**"}
The first group commit wedged the isolate after about 1,700 batches under this load (every answer after it a 500;
docs/SCALING.md, "Group commit across requests").

${table}`;
  writeSection("soak", md);
  console.log(md);
  if (!exact) process.exitCode = 1;
} finally {
  app.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(NORL, { force: true });
}
