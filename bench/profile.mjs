// Where the submission path's CPU goes: a V8 CPU profile of the Worker's isolate while it takes
// POST /api/v1/surveys/:id/responses under load, taken through the Chrome DevTools Protocol
// (`wrangler dev --inspector-port`, Profiler domain), each sample attributed to a stage through
// the bundle's source map.
//
//   node bench/profile.mjs [--seconds 15] [--concurrency 16] [--write] [--out profile.cpuprofile]
//
// The load: widget-style POSTs (text/plain JSON), half from an identified contact with a signed
// claim (HMAC check, contact lookup or creation, its account), a third with a comment, one in ten
// retrying an earlier id (the amendment path), each from its own CF-Connecting-IP. The profile
// holds the Worker isolate's samples only: local D1's SQLite work is not among its JavaScript
// frames (at most inside `(program)` or idle).
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createHmac } from "node:crypto";
import { SourceMap } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { applyMigrations, fmt, freePort, load, request, startWorker } from "./lib.mjs";
import { machine, writeSection } from "./report.mjs";

const { values: o } = parseArgs({
  options: {
    seconds: { type: "string", default: "15" },
    concurrency: { type: "string", default: "16" },
    write: { type: "boolean", default: false },
    out: { type: "string" },
    // bench/submit.mjs's load instead: anonymous answers, no comment, no Origin, one in ten retried.
    anonymous: { type: "boolean", default: false },
  },
});
const SECONDS = Number(o.seconds),
  CONCURRENCY = Number(o.concurrency);
const KEY = "bench-admin-key-0123456789abcdef";

/**
 * Stages of the path, by the innermost stack frame in one of their files (the Worker's code, or the
 * validation libraries): a drizzle query or a D1 call made by the identity step counts as identity.
 */
const STAGES = [
  ["edit-token hash (SHA-256 of the token)", /worker\/lib\/editToken\.ts/],
  ["identity (signed claim HMAC, contact and account lookup or creation)", /worker\/services\/(identity|contacts)\.ts|worker\/lib\/hmac\.ts/],
  ["webhook check (active webhooks, cached per isolate)", /worker\/jobs\/webhook/],
  ["group commit (the INSERT, batched)", /worker\/services\/groupCommit\.ts/],
  ["rate limit", /worker\/middleware\/rateLimit\.ts|cloudflare-internal:ratelimit/],
  [
    "validation (zod schemas, body parsing)",
    /node_modules\/(zod|@hono\/zod-openapi|@hono\/zod-validator)\/|node_modules\/hono\/dist\/validator|worker\/schemas\/|worker\/lib\/validate\.ts/,
  ],
  ["survey lookup and CORS check", /worker\/services\/(surveys|publicSurvey)\.ts|worker\/middleware\/surveyOrigin\.ts/],
  ["per-request database handle (drizzle instance, D1 session)", /worker\/middleware\/db\.ts|worker\/db\/client\.ts/],
  [
    "recordResponse itself (row values, buckets, locale)",
    /worker\/services\/recordResponse\.ts|worker\/metrics\/buckets\.ts|worker\/locales|worker\/lib\/ids\.ts/,
  ],
  [
    "routing, other middleware, the JSON response (hono)",
    /node_modules\/hono\/|worker\/(app|index)\.ts|worker\/middleware\/|worker\/routes\/|worker\/lib\/openapi\.ts/,
  ],
  ["other Worker code", /worker\//],
];
/** What kind of code the sampled (leaf) frame is. */
const KINDS = [
  // drizzle-orm's own source maps name its files node_modules/src/… (the package name is lost).
  ["drizzle-orm (query building, result mapping)", /node_modules\/(drizzle-orm\/)?src\//],
  ["D1 binding's client side (serialising, RPC to local D1)", /cloudflare-internal:(d1|tracing)/],
  ["zod", /node_modules\/zod\//],
  ["hono and @hono/*", /node_modules\/(hono|@hono)\//],
  ["Baromètre's own code (worker/)", /worker\//],
  ["wrangler's dev middleware", /wrangler\/templates|middleware-loader/],
];

const dir = mkdtempSync(join(tmpdir(), "barometre-bench-prof-"));
applyMigrations(dir);
const inspectorPort = await freePort();
const app = await startWorker({
  persistTo: dir,
  vars: { ADMIN_API_KEY: KEY },
  probe: "/api/v1/health",
  args: ["--inspector-port", String(inspectorPort)],
});
const auth = { authorization: `Bearer ${KEY}`, "content-type": "application/json" };
let ws;
try {
  const created = JSON.parse(
    (await request(`${app.url}/api/v1/surveys`, { method: "POST", headers: auth, body: JSON.stringify({ name: "Profile", kind: "nps" }) })).body,
  );
  const secret = JSON.parse((await request(`${app.url}/api/v1/surveys/${created.id}`, { headers: auth })).body).signingSecret;
  const target = `${app.url}/api/v1/surveys/${created.id}/responses`;
  const sent = [];
  const make = (i) => {
    // A retry re-sends an earlier request as it was (a widget retrying after a lost reply).
    if (sent.length > 0 && i % 10 === 9) return sent[Math.floor(Math.random() * sent.length)];
    const id = crypto.randomUUID();
    const body = { id, score: i % 11, locale: "fr" };
    if (o.anonymous) {
      const req = {
        method: "POST",
        headers: { "content-type": "text/plain;charset=UTF-8", "cf-connecting-ip": `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
        body: JSON.stringify({ id, score: i % 11 }),
      };
      sent.push(req);
      return req;
    }
    if (i % 3 === 0) body.comment = "Très bon support, merci pour la réactivité";
    if (i % 2 === 0) {
      const c = `ct-${i % 500}`,
        email = `${c}@client.test`,
        account = `acc-${i % 50}`;
      body.contact = { id: c, email, name: `Contact ${c}`, account };
      body.signature = createHmac("sha256", secret).update(`${c}\n${email}\n${account}`).digest("hex");
    }
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const req = {
      method: "POST",
      headers: { "content-type": "text/plain;charset=UTF-8", origin: "https://client.test", "cf-connecting-ip": ip },
      body: JSON.stringify(body),
    };
    sent.push(req);
    return req;
  };
  let n = 0;
  await load({ url: target, seconds: 3, concurrency: CONCURRENCY, make: () => make(n++) }); // warm-up: JIT, D1 file

  // The Worker's isolate through wrangler's inspector proxy.
  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
  const wsUrl = targets.find((t) => t.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
  if (!wsUrl) throw new Error(`no inspector target: ${JSON.stringify(targets)}`);
  // The proxy accepts only connections with an Origin, and renumbers message ids: one request at a time.
  ws = new WebSocket(wsUrl, { headers: { origin: "http://127.0.0.1" } });
  await new Promise((res, rej) => {
    ws.onopen = res;
    ws.onerror = rej;
  });
  let waiting = null;
  ws.onmessage = (ev) => {
    const m = JSON.parse(ev.data);
    if (m.id !== undefined && waiting) {
      const w = waiting;
      waiting = null;
      w(m);
    }
  };
  const send = (method, params = {}) =>
    new Promise((res, rej) => {
      waiting = (m) => (m.error ? rej(new Error(`${method}: ${m.error.message}`)) : res(m.result));
      ws.send(JSON.stringify({ id: 1, method, params }));
    });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 200 });
  await send("Profiler.start");
  const r = await load({ url: target, seconds: SECONDS, concurrency: CONCURRENCY, make: () => make(n++) });
  const { profile } = await send("Profiler.stop");
  if (o.out) writeFileSync(o.out, JSON.stringify(profile));

  // Source maps of the bundle(s) the profile points at (wrangler dev writes index.js + .map).
  const maps = new Map();
  const mapOf = (url) => {
    if (maps.has(url)) return maps.get(url);
    let m = null;
    try {
      const file = url.startsWith("file:") ? fileURLToPath(url) : url;
      m = new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8")));
    } catch {}
    if (!m) {
      // The inspector may name the script by a relative or virtual path: fall back to the newest bundle.
      try {
        const base = ".wrangler/tmp";
        const newest = readdirSync(base)
          .map((d) => join(base, d))
          .filter((d) => statSync(d).isDirectory())
          .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)
          .flatMap((d) =>
            readdirSync(d)
              .filter((f) => f.endsWith(".js.map"))
              .map((f) => join(d, f)),
          )[0];
        if (newest && /index|worker/.test(url)) m = new SourceMap(JSON.parse(readFileSync(newest, "utf8")));
      } catch {}
    }
    maps.set(url, m);
    return m;
  };
  const byId = new Map(profile.nodes.map((nd) => [nd.id, nd]));
  const parent = new Map();
  for (const nd of profile.nodes) for (const c of nd.children ?? []) parent.set(c, nd.id);
  const sourceOf = new Map();
  const src = (nd) => {
    if (sourceOf.has(nd.id)) return sourceOf.get(nd.id);
    const cf = nd.callFrame;
    let s = cf.url || "";
    const m = cf.url ? mapOf(cf.url) : null;
    if (m && cf.lineNumber >= 0) {
      const e = m.findEntry(cf.lineNumber, cf.columnNumber);
      if (e?.originalSource) s = e.originalSource;
    }
    sourceOf.set(nd.id, s);
    if (process.env.PROFILE_SOURCES) console.log("source", s);
    return s;
  };
  const SPECIAL = ["(idle)", "(program)", "(garbage collector)"];
  const stageOfNode = new Map();
  const stageOf = (id) => {
    if (stageOfNode.has(id)) return stageOfNode.get(id);
    const leaf = byId.get(id);
    let stage = SPECIAL.includes(leaf.callFrame.functionName) ? leaf.callFrame.functionName : undefined;
    for (let cur = id; cur !== undefined && !stage; cur = parent.get(cur)) {
      const s = src(byId.get(cur)).replaceAll("\\", "/");
      stage = STAGES.find(([, re]) => re.test(s))?.[0];
    }
    stage ??= "no Worker frame on the stack (async continuations: D1 client, drizzle result mapping, built-ins)";
    stageOfNode.set(id, stage);
    return stage;
  };
  const kindOf = (id) => {
    const leaf = byId.get(id);
    if (SPECIAL.includes(leaf.callFrame.functionName)) return leaf.callFrame.functionName;
    const s = src(leaf);
    return KINDS.find(([, re]) => re.test(s))?.[0] ?? (s ? `other (${s})` : "runtime built-ins (fetch, Response, crypto, body reading)");
  };
  const time = new Map();
  const kindTime = new Map();
  const fnTime = new Map();
  profile.samples.forEach((id, k) => {
    const dt = profile.timeDeltas[k] ?? 0;
    const st = stageOf(id);
    time.set(st, (time.get(st) ?? 0) + dt);
    const kd = kindOf(id);
    kindTime.set(kd, (kindTime.get(kd) ?? 0) + dt);
    const nd = byId.get(id);
    if (!st.startsWith("(")) {
      const key = `${nd.callFrame.functionName || "(anonymous)"} ${
        src(nd)
          .replace(/^(\.\.\/)+/, "")
          .replace(/^node_modules\/src\//, "drizzle-orm/src/")
          .replace(/^node_modules\//, "") || "(native)"
      }`;
      fnTime.set(key, (fnTime.get(key) ?? 0) + dt);
    }
  });
  const total = [...time.values()].reduce((a, b) => a + b, 0);
  const idle = time.get("(idle)") ?? 0;
  const busy = total - idle;
  const mapped = [...sourceOf.values()].some((s) => /worker\//.test(s));
  const ok = (r.statuses[200] ?? 0) + (r.statuses[201] ?? 0);
  const rows = [...time.entries()].filter(([k]) => k !== "(idle)").sort((a, b) => b[1] - a[1]);
  const table = rows
    .map(([k, us]) => `| ${k} | ${fmt(us / 1000, 0)} ms | ${fmt((100 * us) / busy, 1)} % | ${fmt(us / 1000 / ok, 3)} ms |`)
    .join("\n");
  const kinds = [...kindTime.entries()]
    .filter(([k]) => k !== "(idle)")
    .sort((a, b) => b[1] - a[1])
    .map(([k, us]) => `| ${k} | ${fmt((100 * us) / busy, 1)} % |`)
    .join("\n");
  const top = [...fnTime.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([k, us]) => `| \`${k}\` | ${fmt((100 * us) / busy, 1)} % |`)
    .join("\n");
  const md = `## Where the submission path's time goes (CPU profile)

Command: \`node bench/profile.mjs --seconds ${SECONDS} --concurrency ${CONCURRENCY} --write\` (${new Date().toISOString().slice(0, 10)}, ${machine()}, load average ${(await import("node:os")).loadavg()[0].toFixed(0)}).
A V8 CPU profile of the Worker's isolate (Chrome DevTools Protocol \`Profiler\`, 200 µs sampling, through
\`wrangler dev --inspector-port\`) over ${SECONDS} s of POST /api/v1/surveys/:id/responses from ${CONCURRENCY} clients:
${r.requests.toLocaleString("en-US")} requests (${fmt(r.rps, 0)}/s, p50 ${fmt(r.p50, 0)} ms, p99 ${fmt(r.p99, 0)} ms; statuses ${JSON.stringify(r.statuses)}),
half identified with a signed claim, a third with a comment, one in ten retrying an id. Each sample is
attributed to the innermost stack frame that the bundle's source map${mapped ? "" : " (**not resolved in this run: function names only**)"} places in a stage's files
(so a drizzle query or D1 call made by the identity step counts as identity).

The isolate was busy ${fmt((100 * busy) / total, 0)} % of the ${fmt(total / 1e6, 1)} s (idle ${fmt((100 * idle) / total, 0)} %: waiting on local D1
and on the network). Of its busy time:

| stage | CPU | share of busy | per answered request |
|---|---:|---:|---:|
${table}

The same samples by the kind of code running (the sampled frame itself):

| code | share of busy |
|---|---:|
${kinds}

Heaviest functions (self time, share of busy):

| function, source | share |
|---|---:|
${top}

What it means and what to cut next: docs/SCALING.md, "Where the submission path's time goes".`;
  console.log(md);
  if (o.write) writeSection("profile", md);
} finally {
  try {
    ws?.close();
  } catch {}
  app.stop();
  rmSync(dir, { recursive: true, force: true });
}
