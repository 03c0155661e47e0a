// The admin page's first view in Chromium: time from navigation to the overview's numbers on
// screen, against a database with --small answers and one with --big answers (the same bulk
// generator as bench/dashboard.mjs), each behind its own `wrangler dev`, and against the same
// page's empty shell (the built admin index with every API call held back, so only the HTML, the
// JavaScript and the stylesheet count).
//
//   node bench/firstView.mjs [--big 1000000] [--small 1000] [--repeat 7] [--write]
//
// Each run is a fresh browser context (empty HTTP cache) carrying the session cookie of a real
// login (POST /api/v1/auth/login, as the admin page does), navigating to /admin/. "Numbers on
// screen" is the first animation frame in which [data-testid=current-score] (the overview's NPS)
// contains a digit; the time is the page's own performance.now(), i.e. from the navigation's
// start. The shell is the first frame in which #app has content while /api/ is held.
// Small and big alternate run by run; median of --repeat after one warm-up each.
import { rmSync } from "node:fs";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import { findBrowser } from "../scripts/browser.mjs";
import { benchDatabase, KEY, SURVEY } from "./bulk.mjs";
import { fmt, median, request, startWorker } from "./lib.mjs";
import { machine, writeSection } from "./report.mjs";

const { values: o } = parseArgs({
  options: {
    big: { type: "string", default: "1000000" },
    small: { type: "string", default: "1000" },
    repeat: { type: "string", default: "7" },
    write: { type: "boolean", default: false },
  },
});
const BIG = Number(o.big),
  SMALL = Number(o.small),
  REPEAT = Number(o.repeat);
const EMAIL = "bench-admin@bench.test",
  PASSWORD = "bench-password-0123456789";

console.log(`generating ${SMALL} and ${BIG} answers…`);
const small = benchDatabase(SMALL);
const big = benchDatabase(BIG);
console.log(`generated in ${fmt(small.seconds, 1)} s and ${fmt(big.seconds, 0)} s`);
const vars = { ADMIN_API_KEY: KEY };
const ws = await startWorker({ persistTo: small.dir, vars, probe: "/api/v1/health" });
const wb = await startWorker({ persistTo: big.dir, vars, probe: "/api/v1/health" });
const browser = await chromium.launch({
  executablePath: findBrowser(),
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});

/** An admin user (through the API key) and the storage state of a real login. */
async function session(w) {
  const r = await request(`${w.url}/api/v1/users`, {
    method: "POST",
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ email: EMAIL, name: "Bench", role: "admin", password: PASSWORD }),
  });
  if (r.status !== 201) throw new Error(`create user: ${r.status} ${r.body.slice(0, 200)}`);
  const ctx = await browser.newContext();
  const login = await ctx.request.post(`${w.url}/api/v1/auth/login`, { data: { email: EMAIL, password: PASSWORD } });
  if (!login.ok()) throw new Error(`login: ${login.status()} ${await login.text()}`);
  const state = await ctx.storageState();
  await ctx.close();
  return state;
}

/** One navigation in a fresh context: ms from navigation start to the NPS figure (or the shell). */
async function firstView(w, state, shell) {
  const ctx = await browser.newContext({ storageState: state });
  const page = await ctx.newPage();
  const held = [];
  if (shell)
    await page.route("**/api/**", (route) => {
      held.push(route);
    });
  await page.goto(`${w.url}/admin/?survey=${SURVEY}`, { waitUntil: "commit" });
  const ms = await (shell
    ? page.waitForFunction(() => (document.getElementById("app")?.childElementCount ?? 0) > 0 && performance.now(), null, {
        polling: "raf",
        timeout: 120_000,
      })
    : page.waitForFunction(
        () => {
          // The headline after the metrics arrived: a score, or "Too few answers" (the small
          // database's latest wave has fewer than the documented minimum, by design).
          const el = document.querySelector("[data-testid=current-score]");
          return el && (/\d/.test(el.textContent ?? "") || el.getAttribute("data-too-few") === "true") && performance.now();
        },
        null,
        { polling: "raf", timeout: 120_000 },
      )
  ).then((h) => h.jsonValue());
  const text = shell ? "" : await page.locator("[data-testid=current-score]").textContent();
  for (const r of held) await r.abort().catch(() => {});
  await ctx.close();
  return { ms, text };
}

try {
  const [ss, sb] = [await session(ws), await session(wb)];
  const runs = { shell: [], small: [], big: [] };
  const shown = {};
  for (let i = 0; i <= REPEAT; i++) {
    const s = await firstView(ws, ss, true);
    const a = await firstView(ws, ss, false);
    const b = await firstView(wb, sb, false);
    shown.small = a.text;
    shown.big = b.text;
    console.log(
      `${i === 0 ? "warm-up" : `run ${i}`}: shell ${fmt(s.ms, 0)} ms, ${SMALL}: ${fmt(a.ms, 0)} ms (NPS ${a.text}), ${BIG}: ${fmt(b.ms, 0)} ms (NPS ${b.text})`,
    );
    if (i === 0) continue;
    runs.shell.push(s.ms);
    runs.small.push(a.ms);
    runs.big.push(b.ms);
  }
  const [mShell, mSmall, mBig] = [median(runs.shell), median(runs.small), median(runs.big)];
  const ratio = mBig / mSmall;
  const cmd = `npm run build && node bench/firstView.mjs --big ${BIG} --small ${SMALL} --repeat ${REPEAT} --write`;
  const md = `## Admin page: first view in Chromium

Command: \`${cmd}\` (${new Date().toISOString().slice(0, 10)}, ${machine()}, load average ${(await import("node:os")).loadavg()[0].toFixed(0)}).
Two local D1 databases from the bulk generator of the dashboard benchmark (bench/bulk.mjs):
${SMALL.toLocaleString("en-US")} answers (${fmt(small.seconds, 1)} s) and ${BIG.toLocaleString("en-US")} answers, ${big.nAccounts.toLocaleString("en-US")} accounts, ${big.nContacts.toLocaleString("en-US")} contacts (${fmt(big.seconds, 0)} s),
each behind its own \`wrangler dev\` serving the built admin page. Chromium (headless, playwright-core), a fresh context
(empty cache) per run with the session cookie of a real login, navigating to \`/admin/?survey=${SURVEY}\`;
time from the navigation's start to the first frame in which the overview's NPS figure
(\`[data-testid=current-score]\`) holds a number. The shell: the same page with every \`/api/\` request
held back, to the first frame in which the app has rendered anything. Median of ${REPEAT} runs, alternating, after one warm-up.

| first view | median | runs (ms) |
|---|---:|---|
| empty shell (HTML + JS + CSS, no API answer) | ${fmt(mShell, 0)} ms | ${runs.shell.map((x) => fmt(x, 0)).join(", ")} |
| overview's NPS on screen, ${SMALL.toLocaleString("en-US")} answers (shows ${shown.small}) | ${fmt(mSmall, 0)} ms | ${runs.small.map((x) => fmt(x, 0)).join(", ")} |
| overview's NPS on screen, ${BIG.toLocaleString("en-US")} answers (shows ${shown.big}) | ${fmt(mBig, 0)} ms | ${runs.big.map((x) => fmt(x, 0)).join(", ")} |

**${BIG.toLocaleString("en-US")} vs ${SMALL.toLocaleString("en-US")} answers: ${fmt(ratio, 2)}×** (target ≤ 1.5×: ${ratio <= 1.5 ? "met" : "**not met**"}).
Against the empty shell: ${fmt(mSmall / mShell, 2)}× and ${fmt(mBig / mShell, 2)}× (${fmt(mSmall - mShell, 0)} ms and ${fmt(mBig - mShell, 0)} ms
after the shell: the session check, the survey list and the overview's metrics request, then the render).`;
  console.log(md);
  if (o.write) writeSection("firstview", md);
} finally {
  await browser.close();
  ws.stop();
  wb.stop();
  for (const d of [small, big]) if (d.owned) rmSync(d.dir, { recursive: true, force: true });
}
