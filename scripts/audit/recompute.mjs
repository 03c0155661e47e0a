// Independent recomputation of the dashboard's numbers from raw rows (docs/AUDIT.md).
//
//   node_modules/.bin/node scripts/audit/recompute.mjs --db FILE.sqlite --base http://127.0.0.1:8700 \
//     --key ADMIN_KEY [--manager-key KEY] [--tz Europe/Paris] [--verbose]
//
// Reads the local D1 file read-only (node:sqlite, so Node 22+: the `node` of node_modules/.bin),
// recomputes every figure with its own small implementation of METRICS.md (nothing is imported
// from worker/), asks the running Worker for the same figures and prints each disagreement.
// Exit code 1 when anything disagrees. Not part of `npm test`: it needs a running Worker.
import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    db: { type: "string" },
    base: { type: "string", default: "http://127.0.0.1:8700" },
    key: { type: "string" },
    "manager-key": { type: "string" },
    tz: { type: "string" },
    only: { type: "string" },
    "query-tz": { type: "string" },
    verbose: { type: "boolean", default: false },
  },
});
if (!args.db || !args.key) {
  console.error("usage: recompute.mjs --db FILE --key ADMIN_KEY [--base URL] [--manager-key KEY] [--tz ZONE]");
  process.exit(2);
}
const db = new DatabaseSync(args.db, { readOnly: true });
const all = (sql, ...p) => db.prepare(sql).all(...p);
const only = args.only ? new Set(args.only.split(",")) : null;
const want = (name) => !only || only.has(name);

// ---------------------------------------------------------------- comparing
let compared = 0;
const mismatches = [];
function same(a, b) {
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  return a === b;
}
/** Compares every leaf of `expected` with the same path in `got`. */
function check(label, got, expected) {
  if (expected !== null && typeof expected === "object") {
    if (got === null || typeof got !== "object") {
      mismatches.push(`${label}: got ${JSON.stringify(got)}, expected ${JSON.stringify(expected).slice(0, 200)}`);
      compared++;
      return;
    }
    if (Array.isArray(expected) && Array.isArray(got) && got.length !== expected.length) {
      mismatches.push(`${label}: length ${got.length}, expected ${expected.length}`);
    }
    for (const k of Object.keys(expected)) check(`${label}.${k}`, got[k], expected[k]);
    return;
  }
  compared++;
  if (!same(got, expected)) mismatches.push(`${label}: got ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
}

// ---------------------------------------------------------------- API
async function api(key, path) {
  let res = await fetch(`${args.base}/api/v1${path}`, { headers: { authorization: `Bearer ${key}` } });
  // A manager's heavy reads are limited per minute (docs/SECURITY.md, "Heavy reads"): wait as told.
  while (res.status === 429) {
    await res.body?.cancel();
    await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get("retry-after") ?? 60)));
    res = await fetch(`${args.base}/api/v1${path}`, { headers: { authorization: `Bearer ${key}` } });
  }
  const body = await res.json();
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

// ---------------------------------------------------------------- calendar
const dtf = new Map();
function localDate(ms, tz) {
  let f = dtf.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" });
    dtf.set(tz, f);
  }
  return f.format(new Date(ms));
}
const pad = (n) => String(n).padStart(2, "0");
function bucketStart(date, interval) {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const first = interval === "month" ? m : interval === "quarter" ? m - ((m - 1) % 3) : m <= 6 ? 1 : 7;
  return `${y}-${pad(first)}-01`;
}
function addMonths(date, k) {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7)) - 1 + k;
  const d = Number(date.slice(8, 10));
  const yy = y + Math.floor(m / 12);
  const mm = ((m % 12) + 12) % 12;
  const last = new Date(Date.UTC(yy, mm + 1, 0)).getUTCDate();
  return `${yy}-${pad(mm + 1)}-${pad(Math.min(d, last))}`;
}
const step = { month: 1, quarter: 3, half: 6 };
function bucketsOf(from, to, interval) {
  const out = [];
  for (let b = bucketStart(from, interval); b < to; b = addMonths(b, step[interval])) out.push(b);
  return out;
}
function labelOf(b, interval) {
  const m = Number(b.slice(5, 7));
  if (interval === "month") return b.slice(0, 7);
  if (interval === "quarter") return `${b.slice(0, 4)}-Q${(m + 2) / 3}`;
  return `${b.slice(0, 4)}-H${m === 1 ? 1 : 2}`;
}

// ---------------------------------------------------------------- formulas (METRICS.md)
const Z = 1.959964;
const isPromoter = (s) => s >= 9;
const isDetractor = (s) => s <= 6;
function histogramOf(scores) {
  const h = Array(11).fill(0);
  for (const s of scores) h[s]++;
  return h;
}
function npsSummary(scores) {
  const n = scores.length;
  const P = scores.filter(isPromoter).length;
  const D = scores.filter(isDetractor).length;
  const out = {
    n,
    histogram: histogramOf(scores),
    mean: n ? scores.reduce((a, b) => a + b, 0) / n : null,
    promoters: P,
    passives: n - P - D,
    detractors: D,
    nps: n ? (100 * (P - D)) / n : null,
    ci95: null,
  };
  if (n) {
    const nn = n + 3;
    const p = (P + 0.75) / nn;
    const d = (D + 0.75) / nn;
    const v = (p + d - (p - d) ** 2) / nn;
    const c = p - d;
    out.ci95 = { low: Math.max(-100, 100 * (c - Z * Math.sqrt(v))), high: Math.min(100, 100 * (c + Z * Math.sqrt(v))) };
    out.v = v;
  }
  return out;
}
function csatSummary(scores) {
  const n = scores.length;
  return {
    n,
    histogram: histogramOf(scores),
    mean: n ? scores.reduce((a, b) => a + b, 0) / n : null,
    csat: n ? (100 * scores.filter((s) => s >= 4).length) / n : null,
  };
}
function cesSummary(scores) {
  const n = scores.length;
  return {
    n,
    histogram: histogramOf(scores),
    mean: n ? scores.reduce((a, b) => a + b, 0) / n : null,
    easy: n ? (100 * scores.filter((s) => s >= 5).length) / n : null,
  };
}
const summaryOf = (kind) => (kind === "nps" ? npsSummary : kind === "csat" ? csatSummary : cesSummary);
function change(cur, prev) {
  if (!cur.n || !prev) return null;
  const delta = cur.nps - prev.nps;
  const threshold = Z * Math.sqrt(cur.v + prev.v) * 100;
  return { delta, threshold, significant: Math.abs(delta) > threshold };
}
/** CSAT (4–5) and CES (5–7) headline shares: change in points, Agresti–Caffo threshold (docs/METRICS.md). */
function shareChange(kind, cur, prev) {
  if (!cur.length || !prev?.length) return null;
  const good = (xs) => xs.filter((x) => (kind === "csat" ? x >= 4 : x >= 5)).length;
  const part = (xs) => {
    const p = (good(xs) + 1) / (xs.length + 2);
    return (p * (1 - p)) / (xs.length + 2);
  };
  const delta = (100 * good(cur)) / cur.length - (100 * good(prev)) / prev.length;
  const threshold = 100 * Z * Math.sqrt(part(cur) + part(prev));
  return { delta, threshold, significant: Math.abs(delta) > threshold };
}
function wilson(k, n) {
  if (!n) return null;
  const p = k / n;
  const z2 = Z * Z;
  const den = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / den;
  const half = (Z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / den;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
/** Newcombe's hybrid score interval (method 10) for the difference of two proportions. */
function newcombe(g1, g2) {
  const p1 = g1.retained / g1.n;
  const p2 = g2.retained / g2.n;
  const w1 = wilson(g1.retained, g1.n);
  const w2 = wilson(g2.retained, g2.n);
  const d = p1 - p2;
  return { low: d - Math.sqrt((p1 - w1.low) ** 2 + (w2.high - p2) ** 2), high: d + Math.sqrt((w1.high - p1) ** 2 + (p2 - w2.low) ** 2) };
}
/** Delta-method interval of a ratio of sums (docs/METRICS.md "What satisfaction is worth"). */
function ratioCi(xs, ys, cap) {
  const n = xs.length;
  const X = xs.reduce((a, b) => a + b, 0);
  if (n < 2 || X === 0) return null;
  const R = ys.reduce((a, b) => a + b, 0) / X;
  const xbar = X / n;
  const v = xs.reduce((t, x, i) => t + (ys[i] - R * x) ** 2, 0) / (n * (n - 1) * xbar * xbar);
  return { low: Math.max(0, R - Z * Math.sqrt(v)), high: cap ? Math.min(cap, R + Z * Math.sqrt(v)) : R + Z * Math.sqrt(v) };
}
function meanCi(xs) {
  const n = xs.length;
  if (n < 2) return null;
  const m = xs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(xs.reduce((t, x) => t + (x - m) ** 2, 0) / (n - 1));
  return { low: Math.max(0, m - (Z * sd) / Math.sqrt(n)), high: m + (Z * sd) / Math.sqrt(n) };
}
const lifetime = (crr, H) => {
  const c = 1 - crr ** (1 / H);
  return c <= 0 ? 120 : Math.min(1 / c, 120);
};
const publicSummary = (s) => {
  const { v, ...rest } = s;
  return rest;
};

// ---------------------------------------------------------------- raw rows
const surveys = all("SELECT id, kind FROM surveys");
const accounts = all("SELECT id, manager_user_id, segment, mrr_cents, started_on, churned_on FROM accounts");
const accountById = new Map(accounts.map((a) => [a.id, a]));
const mrrRows = all("SELECT account_id, effective_on, mrr_cents FROM account_mrr ORDER BY account_id, effective_on");
const mrrHistory = new Map();
for (const r of mrrRows) {
  if (!mrrHistory.has(r.account_id)) mrrHistory.set(r.account_id, []);
  mrrHistory.get(r.account_id).push(r);
}
const responses = all(
  "SELECT id, survey_id, contact_id, wave_id, score, comment, locale, channel, account_id, segment, manager_user_id, created_at FROM responses WHERE score IS NOT NULL",
);
const waves = all("SELECT id, survey_id, period, opens_at, closes_at, status FROM waves ORDER BY opens_at");
const settingsRows = all("SELECT key, value FROM settings");
const setting = (k) => {
  const r = settingsRows.find((s) => s.key === k);
  return r ? JSON.parse(r.value) : null;
};

const memberOf = (r) => r.contact_id ?? `anon:${r.id}`;
const later = (a, b) => a.created_at > b.created_at || (a.created_at === b.created_at && a.id > b.id);
/** The answer that counts per (group key, member): the latest. */
function latestBy(rows, keyOf) {
  const best = new Map();
  for (const r of rows) {
    const k = keyOf(r);
    if (k === null) continue;
    const key = `${k}\u0000${memberOf(r)}`;
    const cur = best.get(key);
    if (!cur || later(r, cur.r)) best.set(key, { k, r });
  }
  return [...best.values()];
}
function activeAt(a, t) {
  return a.started_on <= t && (a.churned_on === null || a.churned_on > t);
}
function mrrAt(a, t) {
  if (!activeAt(a, t) && a.churned_on !== null && a.churned_on <= t) return 0;
  const h = mrrHistory.get(a.id);
  if (!h || h.length === 0) return a.mrr_cents;
  let v = h[0].mrr_cents;
  for (const r of h) if (r.effective_on <= t) v = r.mrr_cents;
  return v;
}

// ---------------------------------------------------------------- checks
const adminKey = args.key;
const tz = args.tz ?? setting("rollups.time_zone")?.zone ?? "UTC";
const todayLocal = localDate(Date.now(), tz);

function filterMatch(r, filters) {
  for (const [k, v] of Object.entries(filters)) {
    const col = { segment: "segment", manager: "manager_user_id", channel: "channel", locale: "locale", account: "account_id" }[k];
    if (r[col] !== v) return false;
  }
  return true;
}
const qs = (o) =>
  Object.entries(o)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join("&");

async function checkTrend(survey, interval, filters, key = adminKey, label = "admin", managerScope = null, from = "2024-10-01") {
  const to = "2027-01-01";
  const rows = responses.filter((r) => r.survey_id === survey.id);
  const zone = args["query-tz"] ?? tz;
  const counted = latestBy(rows, (r) => bucketStart(localDate(r.created_at, zone), interval))
    .filter(({ r }) => filterMatch(r, filters))
    .filter(({ r }) => !managerScope || r.manager_user_id === managerScope);
  const byBucket = new Map();
  for (const { k, r } of counted) {
    if (!byBucket.has(k)) byBucket.set(k, []);
    byBucket.get(k).push(r.score);
  }
  const summarise = summaryOf(survey.kind);
  const buckets = bucketsOf(from, to, interval);
  from = buckets[0];
  const path = `/surveys/${survey.id}/metrics?${qs({ interval, from, to, tz: args["query-tz"], ...filters })}`;
  const got = await api(key, path);
  let prev = null;
  // the bucket before the range that has answers
  const before = [...byBucket.keys()].filter((b) => b < buckets[0]).sort();
  if (before.length) prev = { b: before.at(-1), s: summarise(byBucket.get(before.at(-1))), scores: byBucket.get(before.at(-1)) };
  const tag = `trend[${label} ${survey.kind} ${interval} ${from} ${JSON.stringify(filters)}]`;
  check(`${tag}.trend.length`, got.trend.length, buckets.length);
  const allScores = [];
  buckets.forEach((b, i) => {
    const scores = byBucket.get(b) ?? [];
    allScores.push(...scores);
    const s = summarise(scores);
    const t = got.trend[i] ?? {};
    check(`${tag}.${b}.bucket`, t.bucket, b);
    const exp = survey.kind === "nps" ? publicSummary(s) : s;
    check(`${tag}.${b}.summary`, t.summary, exp);
    check(`${tag}.${b}.change`, t.change, survey.kind === "nps" ? change(s, prev?.s) : shareChange(survey.kind, scores, prev?.scores));
    check(`${tag}.${b}.comparedWith`, t.comparedWith, s.n && prev ? labelOf(prev.b, interval) : null);
    check(`${tag}.${b}.tooFew`, t.tooFew, s.n > 0 && s.n < 20);
    if (s.n) prev = { b, s, scores };
  });
  check(`${tag}.totals.n`, got.totals.n, allScores.length);
  if (survey.kind === "nps") check(`${tag}.totals.nps`, got.totals.nps, npsSummary(allScores).nps);
}

async function checkWaveTrend(survey, filters, key = adminKey, label = "admin", managerScope = null) {
  const sw = waves.filter((w) => w.survey_id === survey.id);
  const rows = responses.filter((r) => r.survey_id === survey.id && r.wave_id);
  const counted = latestBy(rows, (r) => r.wave_id)
    .filter(({ r }) => filterMatch(r, filters))
    .filter(({ r }) => !managerScope || r.manager_user_id === managerScope);
  const got = await api(key, `/surveys/${survey.id}/metrics?${qs({ interval: "wave", from: "2024-01-01", ...filters })}`);
  const tag = `waveTrend[${label} ${JSON.stringify(filters)}]`;
  check(`${tag}.length`, got.trend.length, sw.length);
  let prev = null;
  const inWaves = counted.filter((c) => sw.some((w) => w.id === c.k)).map((c) => c.r.score);
  check(`${tag}.totals`, got.totals, publicSummary(npsSummary(inWaves)));
  sw.forEach((w, i) => {
    const s = npsSummary(counted.filter((c) => c.k === w.id).map((c) => c.r.score));
    const t = got.trend[i] ?? {};
    check(`${tag}.${w.period}.summary`, t.summary, publicSummary(s));
    check(`${tag}.${w.period}.change`, t.change, change(s, prev?.s));
    check(`${tag}.${w.period}.comparedWith`, t.comparedWith, s.n && prev ? prev.w.period : null);
    if (s.n) prev = { w, s };
  });
}

async function checkBreakdown(
  survey,
  by,
  key = adminKey,
  label = "admin",
  managerScope = null,
  interval = "month",
  range = ["2025-01-01", "2026-12-01"],
) {
  const from = bucketStart(range[0], interval);
  const to = range[1];
  const rows = responses.filter((r) => r.survey_id === survey.id);
  const counted = latestBy(rows, (r) => bucketStart(localDate(r.created_at, tz), interval)).filter(
    ({ k, r }) => k >= from && k < to && (!managerScope || r.manager_user_id === managerScope),
  );
  const col = { segment: "segment", manager: "manager_user_id", channel: "channel", locale: "locale", account: "account_id" }[by];
  const groups = new Map();
  for (const { r } of counted) {
    const v = r[col];
    if (v === null || v === "") continue;
    if (!groups.has(v)) groups.set(v, []);
    groups.get(v).push(r.score);
  }
  const got = await api(key, `/metrics/breakdown?${qs({ surveyId: survey.id, by, from: range[0], to, interval })}`);
  const tag = `breakdown[${label} ${survey.kind} ${by} ${interval} ${from}]`;
  check(`${tag}.total`, got.total, groups.size);
  const summarise = survey.kind === "nps" ? (s) => publicSummary(npsSummary(s)) : summaryOf(survey.kind);
  for (const [v, scores] of groups) {
    const g = got.groups.find((x) => x.value === v);
    check(`${tag}.${v}`, g?.summary, summarise(scores));
    if (survey.kind === "csat") {
      const w = wilson(scores.filter((s) => s >= 4).length, scores.length);
      check(`${tag}.${v}.ci95`, g?.ci95, { low: 100 * w.low, high: 100 * w.high });
    }
    if (survey.kind === "ces") {
      const n = scores.length;
      const m = scores.reduce((a, b) => a + b, 0) / n;
      const sd = n > 1 ? Math.sqrt(scores.reduce((t, x) => t + (x - m) ** 2, 0) / (n - 1)) : 0;
      check(`${tag}.${v}.ci95`, g?.ci95, n < 2 ? null : { low: m - (Z * sd) / Math.sqrt(n), high: m + (Z * sd) / Math.sqrt(n) });
    }
  }
}

/** Account-level scores over [from, to): each contact's latest answer in the period. */
function accountScores(surveyId, fromMs, toMs, pick = (r) => r.created_at >= fromMs && r.created_at < toMs) {
  // each contact's latest answer in the period, then the account it was given for (none: no account)
  const rows = responses.filter((r) => r.survey_id === surveyId && r.contact_id && pick(r));
  const latest = latestBy(rows, () => "p").filter(({ r }) => r.account_id);
  const byAccount = new Map();
  for (const { r } of latest) {
    if (!byAccount.has(r.account_id)) byAccount.set(r.account_id, []);
    byAccount.get(r.account_id).push(r.score);
  }
  const out = new Map();
  for (const [a, s] of byAccount) {
    const mean = s.reduce((x, y) => x + y, 0) / s.length;
    out.set(a, { mean, n: s.length, category: mean >= 9 ? "promoter" : mean >= 7 ? "passive" : "detractor" });
  }
  return out;
}
const localMidnight = (date, zone) => {
  // the instant local `date` 00:00 begins in `zone`
  let guess = Date.parse(`${date}T00:00:00Z`);
  for (let i = 0; i < 3; i++) {
    const parts = new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    }).formatToParts(new Date(guess));
    const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
    const asUtc = Date.parse(`${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:00Z`);
    guess -= asUtc - Date.parse(`${date}T00:00:00Z`);
  }
  return guess;
};

async function checkAccountNps(survey, key = adminKey, label = "admin", managerScope = null, range = {}, filters = {}) {
  const got = await api(
    key,
    `/metrics/accounts?${qs({ surveyId: survey.id, from: range.from ?? "2025-12-01", to: range.to ?? "2026-12-01", limit: 5000, ...filters })}`,
  );
  // the range is widened to whole months (docs/METRICS.md), so the expectation reads it back
  const { from, to } = got;
  const scores = accountScores(survey.id, localMidnight(from, tz), localMidnight(to, tz));
  const inScope = (a) =>
    (!managerScope || a.manager_user_id === managerScope) &&
    (!filters.segment || a.segment === filters.segment) &&
    (!filters.manager || a.manager_user_id === filters.manager);
  const tag = `accountNps[${label} ${from} ${to} ${JSON.stringify(filters)}]`;
  const counts = { promoter: 0, passive: 0, detractor: 0, no_answer: 0 };
  let listed = 0;
  for (const a of accounts) {
    if (!inScope(a)) continue;
    const s = scores.get(a.id);
    const activeSome = a.started_on < to && (a.churned_on === null || a.churned_on > from);
    if (!s && !activeSome) continue;
    const exp = s ? { mean: s.mean, n: s.n, category: s.category } : { mean: null, n: 0, category: "no_answer" };
    counts[exp.category]++;
    if (filters.category && exp.category !== filters.category) continue;
    listed++;
    check(
      `${tag}.${a.id}`,
      got.accounts.find((x) => x.accountId === a.id),
      exp,
    );
  }
  check(`${tag}.listed`, got.accounts.length, listed);
  check(`${tag}.total`, got.total, listed);
  check(`${tag}.counts`, got.counts, counts);
  const answering = counts.promoter + counts.passive + counts.detractor;
  check(`${tag}.nps`, got.nps, answering ? (100 * (counts.promoter - counts.detractor)) / answering : null);
}

async function checkRetention(interval, filters, key = adminKey, label = "admin", managerScope = null) {
  const from = "2025-01-01";
  const to = "2027-01-01";
  const scoped = accounts.filter(
    (a) =>
      (!managerScope || a.manager_user_id === managerScope) &&
      (!filters.segment || a.segment === filters.segment) &&
      (!filters.manager || a.manager_user_id === filters.manager),
  );
  const got = await api(key, `/metrics/retention?${qs({ interval, from, to, ...filters })}`);
  const tag = `retention[${label} ${interval} ${JSON.stringify(filters)}]`;
  const points = [];
  for (const s of bucketsOf(from, to, interval)) {
    if (s > todayLocal) continue;
    const e = addMonths(s, step[interval]);
    const at = e > todayLocal ? todayLocal : e;
    const S = scoped.filter((a) => activeAt(a, s));
    const kept = S.filter((a) => activeAt(a, at));
    const mrrStart = S.reduce((x, a) => x + mrrAt(a, s), 0);
    const mrrEnd = S.reduce((x, a) => x + mrrAt(a, at), 0);
    const grrNum = S.reduce((x, a) => x + Math.min(mrrAt(a, at), mrrAt(a, s)), 0);
    points.push({
      bucket: s,
      startCount: S.length,
      retained: kept.length,
      crr: S.length ? kept.length / S.length : null,
      mrrStart,
      mrrEnd,
      nrr: mrrStart ? mrrEnd / mrrStart : null,
      grr: mrrStart ? grrNum / mrrStart : null,
      complete: e <= todayLocal,
    });
  }
  check(`${tag}.points`, got.points, points);
}

async function checkCohorts(key = adminKey, label = "admin", managerScope = null) {
  const from = "2025-01-01";
  const to = "2027-01-01";
  const got = await api(key, `/metrics/cohorts?${qs({ from, to })}`);
  const scoped = accounts.filter(
    (a) => (!managerScope || a.manager_user_id === managerScope) && a.started_on >= from && a.started_on < to && a.started_on <= todayLocal,
  );
  const cohorts = new Map();
  for (const a of scoped) {
    const q = bucketStart(a.started_on, "quarter");
    if (!cohorts.has(q)) cohorts.set(q, []);
    cohorts.get(q).push(a);
  }
  const exp = [...cohorts.keys()].sort().map((q) => {
    const members = cohorts.get(q);
    const retained = [];
    for (let k = 0; k < 40; k++) {
      const dates = members.map((a) => addMonths(a.started_on, 3 * k));
      if (dates.some((d) => d > todayLocal)) break;
      retained.push(members.filter((a, i) => activeAt(a, dates[i])).length);
    }
    return { cohort: q, size: members.length, retained, retention: retained.map((r) => r / members.length) };
  });
  check(`cohorts[${label}]`, got.cohorts, exp);
}

/** Periods of retention by category (wave mode): closed waves of the survey. */
function wavePeriods(surveyId, asOfMs = Date.now()) {
  return waves
    .filter((w) => w.survey_id === surveyId && w.closes_at <= asOfMs)
    .map((w) => ({ w, period: w.period, end: localDate(w.closes_at, tz) }));
}
function periodCategories(surveyId, w) {
  return accountScores(surveyId, 0, 0, (r) => r.wave_id === w.id || (r.wave_id === null && r.created_at >= w.opens_at && r.created_at < w.closes_at));
}
/** Half-year periods: those that have ended and in which an account in scope has a counted answer. */
function halfPeriods(surveyId, inScope, asOfDay = todayLocal) {
  const rows = responses.filter((r) => r.survey_id === surveyId && r.contact_id);
  const halves = [...new Set(rows.map((r) => bucketStart(localDate(r.created_at, tz), "half")))].sort();
  return halves
    .map((h) => ({ h, end: addMonths(h, 6) }))
    .filter((p) => p.end <= asOfDay)
    .map(({ h, end }) => ({
      period: h,
      end,
      cats: accountScores(surveyId, 0, 0, (r) => bucketStart(localDate(r.created_at, tz), "half") === h),
    }))
    .filter((p) => [...p.cats.keys()].some(inScope));
}
/** The accounts a view covers: the caller's book, narrowed by segment= and manager=. */
const accountFilter =
  (managerScope, filters = {}) =>
  (a) =>
    !!a &&
    (!managerScope || a.manager_user_id === managerScope) &&
    (!filters.segment || a.segment === filters.segment) &&
    (!filters.manager || a.manager_user_id === filters.manager);
async function checkRetentionByCategory(survey, H, key = adminKey, label = "admin", managerScope = null, mode = "wave", filters = {}) {
  const got = await api(key, `/metrics/retention-by-category?${qs({ surveyId: survey.id, horizonMonths: H, periods: mode, ...filters })}`);
  const tag = `retentionByCategory[${label} ${mode} H=${H} ${JSON.stringify(filters)}]`;
  const keep = accountFilter(managerScope, filters);
  const scoped = accounts.filter(keep);
  const inScope = (id) => keep(accountById.get(id));
  const source =
    mode === "wave" ? wavePeriods(survey.id).map((p) => ({ ...p, cats: periodCategories(survey.id, p.w) })) : halfPeriods(survey.id, inScope);
  const periods = source.map(({ cats, period, end }) => {
    const horizonEnd = addMonths(end, H);
    const complete = horizonEnd <= todayLocal;
    const groups = {};
    for (const c of ["promoter", "passive", "detractor", "no_answer"]) {
      const members = scoped.filter((a) => activeAt(a, end) && (cats.get(a.id)?.category ?? "no_answer") === c);
      const kept = members.filter((a) => activeAt(a, horizonEnd)).length;
      groups[c] = { n: members.length, retained: complete ? kept : null, rate: complete && members.length ? kept / members.length : null };
    }
    const pmd = complete && groups.promoter.n && groups.detractor.n ? groups.promoter.rate - groups.detractor.rate : null;
    const ci95 = {};
    for (const c of Object.keys(groups)) ci95[c] = complete ? wilson(groups[c].retained, groups[c].n) : null;
    ci95.promoterMinusDetractor = pmd === null ? null : newcombe(groups.promoter, groups.detractor);
    return { period, end, horizonEnd, complete, groups, promoterMinusDetractor: pmd, ci95 };
  });
  check(`${tag}.periods`, got.periods, periods);
}

/**
 * What satisfaction is worth (METRICS.md) as of `asOfDay` (and `asOfMs`, which decides the waves
 * closed by then), in the endpoint's shape: per horizon its periods, groups and promoter − detractor,
 * and the MRR at risk. `mode`: wave, half, or auto (waves once one has closed).
 */
function expectedValue(survey, managerScope, mode, filters, asOfDay = todayLocal, asOfMs = Date.now()) {
  const keep = accountFilter(managerScope, filters);
  const scoped = accounts.filter(keep);
  const inScope = (id) => keep(accountById.get(id));
  const byWave = mode === "wave" || (mode === "auto" && wavePeriods(survey.id, asOfMs).length > 0);
  const ps = byWave
    ? wavePeriods(survey.id, asOfMs).map((p) => ({ ...p, cats: periodCategories(survey.id, p.w) }))
    : halfPeriods(survey.id, inScope, asOfDay);
  const horizons = [];
  let detractors6 = null;
  for (const H of [6, 12]) {
    const complete = ps.filter((p) => addMonths(p.end, H) <= asOfDay);
    const groupsOut = {};
    for (const c of ["promoter", "passive", "detractor", "no_answer"]) {
      let n = 0;
      let kept = 0;
      let x = 0;
      let y = 0;
      let gy = 0;
      const xs = [];
      const ys = [];
      const gys = [];
      for (const p of complete) {
        const he = addMonths(p.end, H);
        for (const a of scoped) {
          if (!activeAt(a, p.end) || (p.cats.get(a.id)?.category ?? "no_answer") !== c) continue;
          n++;
          if (activeAt(a, he)) kept++;
          const m0 = mrrAt(a, p.end);
          const m1 = mrrAt(a, he);
          x += m0;
          y += m1;
          gy += Math.min(m0, m1);
          xs.push(m0);
          ys.push(m1);
          gys.push(Math.min(m0, m1));
        }
      }
      const crr = n ? kept / n : null;
      const cMonthly = crr === null ? null : 1 - crr ** (1 / H);
      const L = cMonthly === null ? null : cMonthly <= 0 ? 120 : Math.min(1 / cMonthly, 120);
      const exp = { n, retained: kept, crr, nrr: x ? y / x : null, grr: x ? gy / x : null, meanMrr: n ? x / n : null };
      if (L !== null) exp.lifetimeMonths = L;
      // no account in the group: no value (null, as the endpoint writes it)
      exp.value = L !== null && n ? (x / n) * L : null;
      exp.valueCi95 = null;
      if (n) {
        const w = wilson(kept, n);
        exp.crrCi95 = w;
        exp.nrrCi95 = ratioCi(xs, ys);
        exp.grrCi95 = ratioCi(xs, gys, 1);
        const mc = meanCi(xs);
        exp.meanMrrCi95 = mc;
        const lc = { low: lifetime(w.low, H), high: lifetime(w.high, H) };
        exp.lifetimeCi95 = lc;
        exp.valueCi95 = mc && { low: mc.low * lc.low, high: mc.high * lc.high };
      }
      groupsOut[c] = exp;
    }
    const gp = groupsOut.promoter;
    const gd = groupsOut.detractor;
    const pd = {
      value: gp.n && gd.n ? gp.value - gd.value : null,
      ci95:
        gp.n && gd.n && gp.valueCi95 && gd.valueCi95
          ? { low: gp.valueCi95.low - gd.valueCi95.high, high: gp.valueCi95.high - gd.valueCi95.low }
          : null,
    };
    horizons.push({ horizonMonths: H, periods: complete.map((p) => p.period), groups: groupsOut, promoterMinusDetractor: pd });
    if (H === 6) detractors6 = gd;
  }
  // MRR at risk: the latest period's detractors (and, apart, no-answer accounts) active on the as-of day.
  let mrrAtRisk = { period: null, detractor: { n: 0, mrr: 0 }, noAnswer: { n: 0, mrr: 0 }, expectedLoss: null };
  const last = ps.at(-1);
  if (last) {
    const risk = { detractor: { n: 0, mrr: 0 }, noAnswer: { n: 0, mrr: 0 } };
    for (const a of scoped) {
      if (!activeAt(a, asOfDay)) continue;
      const c = last.cats.get(a.id)?.category ?? "no_answer";
      const g = c === "detractor" ? risk.detractor : c === "no_answer" ? risk.noAnswer : null;
      if (g) {
        g.n++;
        g.mrr += mrrAt(a, asOfDay);
      }
    }
    const loss =
      detractors6?.n > 0
        ? {
            value: risk.detractor.mrr * (1 - detractors6.crr),
            ci95: { low: risk.detractor.mrr * (1 - detractors6.crrCi95.high), high: risk.detractor.mrr * (1 - detractors6.crrCi95.low) },
          }
        : null;
    mrrAtRisk = { period: last.period, ...risk, expectedLoss: loss };
  }
  return { horizons, mrrAtRisk };
}

async function checkValue(survey, key = adminKey, label = "admin", managerScope = null, mode = "wave", filters = {}) {
  const got = await api(key, `/metrics/value-by-category?${qs({ surveyId: survey.id, periods: mode, ...filters })}`);
  const tag = `value[${label} ${mode} ${JSON.stringify(filters)}]`;
  const exp = expectedValue(survey, managerScope, mode, filters);
  for (const e of exp.horizons) {
    const h = got.horizons.find((x) => x.horizonMonths === e.horizonMonths);
    check(
      `${tag}.H${e.horizonMonths}.periods`,
      h?.periods.map((p) => p.period),
      e.periods,
    );
    for (const c of Object.keys(e.groups)) check(`${tag}.H${e.horizonMonths}.${c}`, h?.groups[c], e.groups[c]);
    check(`${tag}.H${e.horizonMonths}.promoterMinusDetractor`, h?.promoterMinusDetractor, e.promoterMinusDetractor);
  }
  check(`${tag}.mrrAtRisk`, got.mrrAtRisk, exp.mrrAtRisk);
}

/** The contacts who answered wave `w` of a survey: tied to it, or untied and given while it was open. */
function waveRespondents(surveyId, w) {
  return new Set(
    responses
      .filter(
        (r) =>
          r.survey_id === surveyId &&
          r.contact_id &&
          (r.wave_id === w.id || (r.wave_id === null && r.created_at >= w.opens_at && r.created_at < w.closes_at)),
      )
      .map((r) => r.contact_id),
  );
}

async function checkWaves(survey, key = adminKey, label = "admin", managerScope = null, filters = {}) {
  const got = await api(key, `/waves?${qs({ surveyId: survey.id, ...filters })}`);
  const keep = accountFilter(managerScope, filters);
  const inv = all("SELECT wave_id, contact_id, status FROM invitations WHERE survey_id = ?", survey.id);
  const contactAccount = new Map(all("SELECT id, account_id FROM contacts").map((c) => [c.id, c.account_id]));
  for (const w of waves.filter((x) => x.survey_id === survey.id)) {
    const answered = waveRespondents(survey.id, w);
    let invited = 0;
    let delivered = 0;
    let bounced = 0;
    let responded = 0;
    for (const i of inv.filter((x) => x.wave_id === w.id)) {
      if ((managerScope || filters.segment || filters.manager) && !keep(accountById.get(contactAccount.get(i.contact_id)))) continue;
      invited++;
      if (i.status === "bounced") {
        bounced++;
        continue;
      }
      const r = answered.has(i.contact_id);
      if (i.status === "sent" || r) delivered++;
      if (r) responded++;
    }
    check(
      `waves[${label}].${w.period}`,
      got.data.find((x) => x.id === w.id),
      {
        invited,
        delivered,
        bounced,
        responded,
        responseRate: delivered ? responded / delivered : null,
      },
    );
  }
}

/** docs/METRICS.md "Follow-ups": the N-th working day strictly after the answer's UTC day (a weekend counts from the Friday before). */
function dueDay(ms, n) {
  const d = new Date(
    Date.UTC(
      ...new Date(ms)
        .toISOString()
        .slice(0, 10)
        .split("-")
        .map((x, i) => Number(x) - (i === 1 ? 1 : 0)),
    ),
  );
  const back = { 6: 1, 0: 2 }[d.getUTCDay()] ?? 0;
  d.setUTCDate(d.getUTCDate() - back);
  for (let left = n; left > 0; ) {
    d.setUTCDate(d.getUTCDate() + 1);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) left--;
  }
  return d.toISOString().slice(0, 10);
}
function checkDueDays() {
  const n = Number(all("SELECT value FROM settings WHERE key = 'followup_due_working_days'")[0]?.value ?? 2);
  // items opened by the answer itself (not by a later score change or a note)
  const rows = all(
    `SELECT f.response_id, f.due_on, r.created_at, r.score, s.kind FROM followups f JOIN responses r ON r.id = f.response_id
     JOIN surveys s ON s.id = r.survey_id WHERE f.created_at = r.created_at`,
  );
  for (const f of rows) {
    const detractor = f.kind === "nps" ? f.score <= 6 : f.kind === "csat" ? f.score <= 2 : f.score <= 3;
    if (detractor) check(`followups.due.${f.response_id}`, f.due_on, dueDay(f.created_at, n));
  }
  // every detractor answer (not imported) has an item
  const missing = all(
    `SELECT count(*) AS n FROM responses r JOIN surveys s ON s.id = r.survey_id WHERE r.channel <> 'import'
     AND r.score < CASE s.kind WHEN 'nps' THEN 7 WHEN 'csat' THEN 3 ELSE 4 END
     AND NOT EXISTS (SELECT 1 FROM followups f WHERE f.response_id = r.id)`,
  )[0].n;
  check("followups.everyDetractorHasAnItem", missing, 0);
}

async function checkFollowups(key = adminKey, label = "admin", userId = null, managerScope = null) {
  const got = await api(key, "/followups/summary");
  const rows = all("SELECT f.owner_user_id, f.status, f.due_on, r.account_id FROM followups f JOIN responses r ON r.id = f.response_id");
  const today = localDate(Date.now(), tz);
  const exp = { open: 0, overdue: 0, mine: 0, mineOverdue: 0, unassigned: 0 };
  for (const f of rows) {
    if (managerScope && accountById.get(f.account_id)?.manager_user_id !== managerScope) continue;
    if (f.status === "resolved") continue;
    const over = today > f.due_on;
    exp.open++;
    if (over) exp.overdue++;
    if (userId && f.owner_user_id === userId) {
      exp.mine++;
      if (over) exp.mineOverdue++;
    }
    if (f.owner_user_id === null) exp.unassigned++;
  }
  check(`followups[${label}]`, got, exp);
  // the Comments page's lists agree with the summary: every overdue item, every item of the caller
  let overdue = 0;
  let before;
  do {
    const page = await api(key, `/comments?${qs({ overdue: "1", limit: 200, before })}`);
    overdue += page.data.filter((c) => c.followup?.overdue && c.followup.status !== "resolved").length;
    check(
      `followups[${label}].list.overdueFlag`,
      page.data.every((c) => c.followup?.overdue === true),
      true,
    );
    before = page.next ?? undefined;
  } while (before);
  check(`followups[${label}].list.overdue`, overdue, exp.overdue);
}

async function checkDigest(key = adminKey, label = "admin", managerScope = null, month = undefined) {
  const got = await api(key, `/digest${month ? `?month=${month}` : ""}`);
  const tag = `digest[${label} ${month ?? "this month"}]`;
  // the workspace default, else the newest active NPS survey
  const configured = (await api(adminKey, "/settings")).defaultSurveyId;
  const newest = all("SELECT id FROM surveys WHERE kind = 'nps' AND status = 'active' ORDER BY created_at DESC, id DESC LIMIT 1")[0]?.id;
  check(`${tag}.survey`, got.survey?.id ?? null, configured ?? newest ?? null);
  const survey = surveys.find((s) => s.id === got.survey?.id);
  if (!survey) return;
  // The review stands at the end of the month it reviews (METRICS.md "The monthly review"): the
  // latest wave opened by then that has answers by then (a wave still open then: the answers given
  // before its end), compared with the previous one that has answers.
  const endMs = Date.parse(got.endsAt);
  if (localMidnight(got.period.to, tz) <= Date.now()) check(`${tag}.endsAt`, endMs, localMidnight(got.period.to, tz));
  const endDay = localDate(endMs, tz);
  const inScope = (r) => !managerScope || r.manager_user_id === managerScope;
  const sw = waves.filter((w) => w.survey_id === survey.id && w.opens_at < endMs);
  const rows = responses.filter((r) => {
    const w = r.wave_id && sw.find((x) => x.id === r.wave_id);
    return r.survey_id === survey.id && w && (w.closes_at <= endMs || r.created_at < endMs) && inScope(r);
  });
  const counted = latestBy(rows, (r) => r.wave_id);
  const withAnswers = sw.map((w) => ({ w, s: npsSummary(counted.filter((c) => c.k === w.id).map((c) => c.r.score)) })).filter((x) => x.s.n > 0);
  const last = withAnswers.at(-1);
  const prev = withAnswers.at(-2);
  check(
    `${tag}.wave`,
    got.wave,
    last
      ? {
          period: last.w.period,
          n: last.s.n,
          nps: last.s.nps,
          ci95: last.s.ci95,
          previous: prev ? { period: prev.w.period, n: prev.s.n, nps: prev.s.nps } : null,
          change: change(last.s, prev?.s),
        }
      : null,
  );
  // new detractors during the month under review
  const { from, to } = got.period;
  const fromMs = localMidnight(from, tz);
  const toMs = localMidnight(to, tz);
  const nd = responses.filter(
    (r) =>
      r.survey_id &&
      surveys.find((s) => s.id === r.survey_id)?.kind === "nps" &&
      r.score <= 6 &&
      r.created_at >= fromMs &&
      r.created_at < toMs &&
      inScope(r),
  );
  check(`${tag}.newDetractors`, got.newDetractors, { count: nd.length, silent: nd.filter((r) => !r.comment).length });
  // accounts at risk: active accounts in scope, standings of the review's survey, by name, first 20
  const standings = halfStandings([survey.id]);
  const risky = accounts
    .filter((a) => (!managerScope || a.manager_user_id === managerScope) && activeAt(a, todayLocal))
    .map((a) => ({ a, st: standings(a.id) }))
    .filter(({ st }) => st.atRisk);
  const names = new Map(all("SELECT id, name FROM accounts").map((a) => [a.id, a.name]));
  risky.sort((x, y) => (names.get(x.a.id) < names.get(y.a.id) ? -1 : names.get(x.a.id) > names.get(y.a.id) ? 1 : x.a.id < y.a.id ? -1 : 1));
  check(
    `${tag}.atRisk`,
    got.atRisk,
    risky.slice(0, 20).map(({ a, st }) => ({ id: a.id, lastScore: st.lastScore, change: st.change, mrrCents: a.mrr_cents })),
  );
  // what satisfaction is worth (periods=auto): as of the month's end for a past month, today for
  // the current edition (METRICS.md)
  const worth = got.past ? expectedValue(survey, managerScope, "auto", {}, endDay, endMs) : expectedValue(survey, managerScope, "auto", {});
  const valueFrom = worth.horizons.find((h) => h.horizonMonths === 12 && h.periods.length > 0) ?? worth.horizons[0];
  check(`${tag}.value`, got.value, {
    horizonMonths: valueFrom.horizonMonths,
    mrrAtRisk: worth.mrrAtRisk,
    promoter: { n: valueFrom.groups.promoter.n, value: valueFrom.groups.promoter.value, ci95: valueFrom.groups.promoter.valueCi95 },
    detractor: { n: valueFrom.groups.detractor.n, value: valueFrom.groups.detractor.value, ci95: valueFrom.groups.detractor.valueCi95 },
    promoterMinusDetractor: valueFrom.promoterMinusDetractor,
  });
  // goals judged as on the month's last day, the running quarter from the answers given by its end
  const goalsList = (await api(key, "/goals")).data.filter((g) => !managerScope || !g.scope?.manager || g.scope.manager === managerScope);
  const bin = { on_track: "works", could_do_better: "could_do_better", off_track: "costs_more" };
  for (const g of goalsList) {
    const exp = expectedGoal(g, managerScope, endMs - 1, endMs).status;
    const inBin = got.goals[bin[exp.status]]?.find((x) => x.id === g.id);
    check(`${tag}.goals.${g.name}`, inBin, { current: exp.current, status: exp.status, reason: exp.reason });
  }
  check(`${tag}.goals.count`, Object.values(got.goals).flat().length, goalsList.length);
  // retention: the last quarter complete by the month's end
  const q = bucketStart(endDay, "quarter");
  const s = addMonths(q, -3);
  const scoped = accounts.filter((a) => !managerScope || a.manager_user_id === managerScope);
  const S = scoped.filter((a) => activeAt(a, s));
  const mrrS = S.reduce((x, a) => x + mrrAt(a, s), 0);
  check(`${tag}.retention`, got.retention, {
    quarter: labelOf(s, "quarter"),
    startCount: S.length,
    crr: S.length ? S.filter((a) => activeAt(a, q)).length / S.length : null,
    nrr: mrrS ? S.reduce((x, a) => x + mrrAt(a, q), 0) / mrrS : null,
  });
}

/** docs/ACCOUNTS.md: each account's last and previous half-year means over the given NPS surveys. */
function halfStandings(surveyIds) {
  // each contact's latest answer per survey and half-year, then the account it was given for
  const rows = responses.filter((r) => surveyIds.includes(r.survey_id) && r.contact_id);
  const counted = latestBy(rows, (r) => `${r.survey_id}|${bucketStart(localDate(r.created_at, tz), "half")}`).filter(({ r }) => r.account_id);
  const halves = new Map();
  const lastAt = new Map();
  for (const { k, r } of counted) {
    const key2 = `${r.account_id}|${k.split("|")[1]}`;
    if (!halves.has(key2)) halves.set(key2, []);
    halves.get(key2).push(r.score);
    lastAt.set(key2, Math.max(lastAt.get(key2) ?? 0, r.created_at));
  }
  const round1 = (x) => Math.round(x * 10) / 10;
  return (id) => {
    const hs = [...halves.keys()].filter((k) => k.startsWith(`${id}|`)).sort();
    const mean = (k) => halves.get(k).reduce((x, y) => x + y, 0) / halves.get(k).length;
    const last = hs.length ? mean(hs.at(-1)) : null;
    const prev = hs.length > 1 ? mean(hs.at(-2)) : null;
    // rounded for display from the exact means; category and atRisk use the exact means
    const cat = last === null ? null : last >= 9 ? "promoter" : last >= 7 ? "passive" : "detractor";
    const exact = last !== null && prev !== null ? last - prev : null;
    return {
      lastScore: last === null ? null : round1(last),
      previousScore: prev === null ? null : round1(prev),
      lastCategory: cat,
      change: exact === null ? null : round1(exact),
      atRisk: cat === "detractor" || (exact !== null && exact <= -3),
      // the latest answer counted in the latest half-year with answers
      lastResponseAt: hs.length ? new Date(lastAt.get(hs.at(-1))).toISOString() : null,
    };
  };
}

async function checkAccountsList(key = adminKey, label = "admin", managerScope = null, surveyId = undefined) {
  const nps = surveyId ? [surveyId] : surveys.filter((s) => s.kind === "nps").map((s) => s.id);
  const standing = halfStandings(nps);
  const list = [];
  let before;
  for (;;) {
    const page = await api(key, `/accounts?${qs({ limit: 200, surveyId, before })}`);
    list.push(...page.data);
    if (!page.next) break;
    before = page.next;
  }
  const scoped = accounts.filter((a) => !managerScope || a.manager_user_id === managerScope);
  check(`accounts[${label}].length`, list.length, scoped.length);
  for (const a of scoped)
    check(
      `accounts[${label}].${a.id}`,
      list.find((x) => x.id === a.id),
      standing(a.id),
    );
  // status=at_risk: the active accounts at risk, every one of them
  const risky = [];
  let cursor;
  do {
    const page = await api(key, `/accounts?${qs({ limit: 200, surveyId, status: "at_risk", before: cursor })}`);
    risky.push(...page.data.map((x) => x.id));
    cursor = page.next ?? undefined;
  } while (cursor);
  const atRisk = scoped.filter((a) => activeAt(a, todayLocal) && standing(a.id).atRisk).map((a) => a.id);
  check(`accounts[${label}].atRisk`, [...risky].sort(), [...atRisk].sort());
}

const dayNumber = (date) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;
const dateOfDay = (day) => new Date(day * 86_400_000).toISOString().slice(0, 10);
/** METRICS.md "KPI goals": status from the latest value and a least-squares line. */
function goalStatus(points, target, deadline, today = todayLocal) {
  const current = points.at(-1)?.value ?? null;
  let fit = null;
  let slope = null;
  let at = null;
  if (points.length >= 2) {
    const n = points.length;
    const mx = points.reduce((t, p) => t + p.day, 0) / n;
    const my = points.reduce((t, p) => t + p.value, 0) / n;
    const sxx = points.reduce((t, p) => t + (p.day - mx) ** 2, 0);
    const sxy = points.reduce((t, p) => t + (p.day - mx) * (p.value - my), 0);
    if (sxx > 0) {
      slope = sxy / sxx;
      at = (d) => my + slope * (d - mx);
      fit = { slopePerDay: slope, atDeadline: at(dayNumber(deadline)), reachesTargetOn: null, points: n };
      if (slope > 0) {
        // the first day the line meets the target, not before the latest point
        const last = points.at(-1).day;
        fit.reachesTargetOn = dateOfDay(Math.ceil(Math.max(last + (target - at(last)) / slope, last)));
      }
    }
  }
  const r = (status, reason) => ({ current, status, reason, fit });
  if (current === null) return r("off_track", "no_data");
  if (current >= target) return r("on_track", "target_met");
  if (dayNumber(today) > dayNumber(deadline)) return r("off_track", "deadline_passed");
  if (!fit) return r("off_track", "insufficient_data");
  if (slope === 0) return r("off_track", "flat");
  if (slope < 0) return r("off_track", "moving_away");
  return fit.atDeadline >= target ? r("on_track", "fit_reaches_target") : r("could_do_better", "fit_misses_deadline");
}

/**
 * A goal's points and status (METRICS.md "KPI goals") judged at instant `nowMs`, its score
 * quarters from the answers given before `beforeMs` (the monthly review judges a goal as on the
 * month's last day: the running quarter as it stood then).
 */
function expectedGoal(g, managerScope, nowMs = Date.now(), beforeMs = Number.POSITIVE_INFINITY) {
  const today = localDate(nowMs, tz);
  const curQ = bucketStart(today, "quarter");
  const quarters = [];
  for (let i = 5; i >= 0; i--) quarters.push(addMonths(curQ, -3 * i));
  const mid = (b, months) => (dayNumber(b) + dayNumber(addMonths(b, months))) / 2;
  const manager = managerScope ?? g.scope?.manager;
  const segment = g.scope?.segment;
  let points = [];
  if (["nps", "csat", "ces"].includes(g.metric)) {
    const rows = responses.filter((r) => r.survey_id === g.surveyId && r.created_at < beforeMs);
    const counted = latestBy(rows, (r) => bucketStart(localDate(r.created_at, tz), "quarter")).filter(
      ({ r }) => (!manager || r.manager_user_id === manager) && (!segment || r.segment === segment),
    );
    for (const q of quarters) {
      const scores = counted.filter((c) => c.k === q).map((c) => c.r.score);
      if (!scores.length) continue;
      const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
      const v = g.metric === "nps" ? npsSummary(scores).nps : g.metric === "csat" ? csatSummary(scores).csat : mean;
      points.push({ period: q, value: v, n: scores.length, day: mid(q, 3) });
    }
  } else if (g.metric === "crr" || g.metric === "nrr") {
    const scoped = accounts.filter((a) => (!manager || a.manager_user_id === manager) && (!segment || a.segment === segment));
    for (let i = 6; i >= 1; i--) {
      const s0 = addMonths(curQ, -3 * i);
      const e = addMonths(s0, 3);
      const S = scoped.filter((a) => activeAt(a, s0));
      const m0 = S.reduce((x, a) => x + mrrAt(a, s0), 0);
      const v =
        g.metric === "crr"
          ? S.length
            ? S.filter((a) => activeAt(a, e)).length / S.length
            : null
          : m0
            ? S.reduce((x, a) => x + mrrAt(a, e), 0) / m0
            : null;
      if (v !== null) points.push({ period: s0, value: 100 * v, n: S.length, day: mid(s0, 3) });
    }
  } else if (g.metric === "response_rate") {
    const inv = all(
      "SELECT i.wave_id, i.contact_id, i.status, c.account_id FROM invitations i LEFT JOIN contacts c ON c.id = i.contact_id WHERE i.survey_id = ?",
      g.surveyId,
    );
    for (const w of waves.filter((x) => x.survey_id === g.surveyId && x.closes_at <= nowMs)) {
      const answered = waveRespondents(g.surveyId, w);
      let delivered = 0;
      let responded = 0;
      for (const i of inv.filter((x) => x.wave_id === w.id)) {
        const a = accountById.get(i.account_id);
        if ((manager && a?.manager_user_id !== manager) || (segment && a?.segment !== segment)) continue;
        if (i.status === "bounced") continue;
        const r = answered.has(i.contact_id);
        if (i.status === "sent" || r) delivered++;
        if (r) responded++;
      }
      if (delivered)
        points.push({ period: w.period, value: (100 * responded) / delivered, n: delivered, day: dayNumber(localDate(w.closes_at, tz)) });
    }
  }
  points = points.slice(-6);
  const currentN = points.at(-1)?.n ?? null;
  const scoreMetric = ["nps", "csat", "ces"].includes(g.metric);
  return {
    points: points.map(({ day, ...p }) => p),
    status: { ...goalStatus(points, g.target, g.deadline, today), currentN, tooFew: scoreMetric && currentN !== null && currentN < 20 },
  };
}

async function checkGoals(key = adminKey, label = "admin", managerScope = null) {
  const got = await api(key, "/goals");
  for (const g of got.data) {
    const exp = expectedGoal(g, managerScope);
    const tag = `goals[${label}].${g.name}`;
    check(`${tag}.points`, g.points, exp.points);
    check(tag, g, exp.status);
  }
}

/** The segment picker: accounts per segment, in the caller's scope. */
async function checkSegments(key = adminKey, label = "admin", managerScope = null) {
  const got = await api(key, "/segments");
  const counts = new Map();
  for (const a of accounts)
    if (a.segment && (!managerScope || a.manager_user_id === managerScope)) counts.set(a.segment, (counts.get(a.segment) ?? 0) + 1);
  check(
    `segments[${label}]`,
    [...got.data].sort((x, y) => (x.value < y.value ? -1 : 1)),
    [...counts].sort(([x], [y]) => (x < y ? -1 : 1)).map(([value, n]) => ({ value, accounts: n })),
  );
}

/** Each answer carries its account's current segment and manager (reattributeAccount keeps them). */
function checkCopies() {
  for (const r of responses) {
    const a = r.account_id ? accountById.get(r.account_id) : null;
    check(`copies.${r.id}`, { segment: r.segment, manager: r.manager_user_id }, { segment: a?.segment ?? null, manager: a?.manager_user_id ?? null });
  }
}

/** docs/INTEGRATIONS.md: Delighted's /v1/metrics counts every response of its survey, since/until inclusive. */
async function checkDelighted(since, until) {
  const res = await fetch(`${args.base}/v1/metrics?since=${since}&until=${until}`, {
    headers: { authorization: `Basic ${Buffer.from(`${adminKey}:`).toString("base64")}` },
  });
  const got = await res.json();
  const configured = setting("delighted.survey_id") ?? setting("delighted")?.surveyId;
  const survey =
    surveys.find((s) => s.id === configured) ??
    all("SELECT id FROM surveys WHERE kind = 'nps' AND status = 'active' ORDER BY created_at, id LIMIT 1").map((r) =>
      surveys.find((s) => s.id === r.id),
    )[0];
  const scores = responses
    .filter((r) => r.survey_id === survey.id && r.created_at >= since * 1000 && r.created_at < (until + 1) * 1000)
    .map((r) => r.score);
  const n = scores.length;
  const P = scores.filter(isPromoter).length;
  const D = scores.filter(isDetractor).length;
  const pct = (k) => (n ? Math.round((1000 * k) / n) / 10 : 0);
  check(`delighted[${since}-${until}]`, got, {
    nps: n ? Math.round((100 * (P - D)) / n) : null,
    promoter_count: P,
    passive_count: n - P - D,
    detractor_count: D,
    response_count: n,
    promoter_percent: pct(P),
    passive_percent: pct(n - P - D),
    detractor_percent: pct(D),
  });
}

// ---------------------------------------------------------------- run
const managerKey = args["manager-key"];
let managerId = null;
if (managerKey) managerId = (await api(managerKey, "/auth/me")).user?.id ?? (await api(managerKey, "/auth/me")).id;
// the demo's survey (the oldest NPS survey): retention by category, value, waves, the manager's views
const nps = all("SELECT id FROM surveys WHERE kind = 'nps' ORDER BY created_at, id LIMIT 1").map((r) => surveys.find((s) => s.id === r.id))[0];
const csat = surveys.find((s) => s.kind === "csat");
const segments = [...new Set(accounts.map((a) => a.segment).filter(Boolean))];
const managers = [...new Set(accounts.map((a) => a.manager_user_id).filter(Boolean))];
const filterSets = [
  {},
  { segment: segments[0] },
  { channel: "email" },
  { channel: "widget" },
  { manager: managers[0] },
  { locale: "en" },
  { segment: segments[1] ?? segments[0], channel: "link" },
  { manager: managers[1] ?? managers[0], locale: "fr" },
  { segment: segments[0], locale: "en" },
  { channel: "api" },
  { channel: "import", locale: "fr" },
];
// an account alone (rollups) and with another filter (raw path): the accounts with most answers
const busy = all("SELECT account_id FROM responses WHERE account_id IS NOT NULL GROUP BY account_id ORDER BY count(*) DESC, account_id LIMIT 2").map(
  (r) => r.account_id,
);
for (const acc of busy) filterSets.push({ account: acc }, { account: acc, channel: "email" }, { account: acc, locale: "fr" });
const tasks = [];
if (want("copies")) tasks.push(async () => checkCopies());
if (want("segments")) tasks.push(() => checkSegments());
if (want("trend"))
  for (const s of surveys)
    for (const interval of ["month", "quarter", "half"])
      for (const f of filterSets)
        for (const from of ["2024-10-01", "2025-10-01", "2026-02-10"]) tasks.push(() => checkTrend(s, interval, f, adminKey, "admin", null, from));
if (want("wave") && nps) for (const f of filterSets) tasks.push(() => checkWaveTrend(nps, f));
if (want("breakdown"))
  for (const s of surveys)
    for (const by of ["segment", "manager", "account", "channel", "locale"]) {
      tasks.push(() => checkBreakdown(s, by));
      tasks.push(() => checkBreakdown(s, by, adminKey, "admin", null, "quarter", ["2025-02-10", "2026-07-01"]));
      tasks.push(() => checkBreakdown(s, by, adminKey, "admin", null, "half", ["2024-07-01", "2027-01-01"]));
    }
if (want("accountNps") && nps) {
  tasks.push(() => checkAccountNps(nps));
  tasks.push(() => checkAccountNps(nps, adminKey, "admin", null, { from: "2026-01-10", to: "2026-03-20" }));
  tasks.push(() => checkAccountNps(nps, adminKey, "admin", null, { from: "2025-01-01", to: "2026-12-01" }, { segment: segments[0] }));
  tasks.push(() => checkAccountNps(nps, adminKey, "admin", null, {}, { manager: managers[1] ?? managers[0], category: "detractor" }));
  tasks.push(() => checkAccountNps(nps, adminKey, "admin", null, {}, { category: "no_answer" }));
}
if (want("retention"))
  for (const interval of ["month", "quarter", "half"])
    for (const f of [{}, { segment: segments[0] }, { manager: managers[0] }]) tasks.push(() => checkRetention(interval, f));
if (want("cohorts")) tasks.push(() => checkCohorts());
if (want("rbc") && nps)
  for (const mode of ["wave", "half"]) for (const H of [6, 12]) tasks.push(() => checkRetentionByCategory(nps, H, adminKey, "admin", null, mode));
if (want("value") && nps) for (const mode of ["wave", "half"]) tasks.push(() => checkValue(nps, adminKey, "admin", null, mode));
for (const f of [{ segment: segments[0] }, { manager: managers[2] ?? managers[0] }, { segment: segments[1] ?? segments[0], manager: managers[0] }]) {
  if (want("rbc") && nps) for (const mode of ["wave", "half"]) tasks.push(() => checkRetentionByCategory(nps, 6, adminKey, "admin", null, mode, f));
  if (want("value") && nps) tasks.push(() => checkValue(nps, adminKey, "admin", null, "wave", f));
  if (want("waves") && nps) tasks.push(() => checkWaves(nps, adminKey, "admin", null, f));
}
if (want("waves") && nps) tasks.push(() => checkWaves(nps));
if (want("followups")) {
  tasks.push(() => checkFollowups());
  tasks.push(async () => checkDueDays());
}
if (want("digest")) for (const month of [undefined, "2026-08", "2026-02", "2025-01"]) tasks.push(() => checkDigest(adminKey, "admin", null, month));
if (want("accounts")) {
  tasks.push(() => checkAccountsList());
  for (const s of surveys.filter((x) => x.kind === "nps")) tasks.push(() => checkAccountsList(adminKey, `admin ${s.id}`, null, s.id));
}
if (want("goals")) tasks.push(() => checkGoals());
if (want("delighted"))
  for (const [a, b] of [
    [1735689600, 1767225599],
    [1751328000, 1754380799],
    [946684800, Math.floor(Date.now() / 1000)],
  ])
    tasks.push(() => checkDelighted(a, b));
if (managerKey) {
  const L = "manager";
  if (want("trend"))
    for (const s of [nps, csat].filter(Boolean))
      for (const interval of ["month", "quarter"])
        for (const f of [{}, { channel: "email" }, { segment: segments[0] }]) tasks.push(() => checkTrend(s, interval, f, managerKey, L, managerId));
  if (want("wave") && nps) for (const f of [{}, { locale: "fr" }]) tasks.push(() => checkWaveTrend(nps, f, managerKey, L, managerId));
  if (want("breakdown")) for (const by of ["segment", "account", "channel"]) tasks.push(() => checkBreakdown(nps, by, managerKey, L, managerId));
  if (want("accountNps") && nps) tasks.push(() => checkAccountNps(nps, managerKey, L, managerId));
  if (want("retention")) tasks.push(() => checkRetention("quarter", {}, managerKey, L, managerId));
  if (want("cohorts")) tasks.push(() => checkCohorts(managerKey, L, managerId));
  if (want("rbc") && nps) for (const mode of ["wave", "half"]) tasks.push(() => checkRetentionByCategory(nps, 6, managerKey, L, managerId, mode));
  if (want("value") && nps) for (const mode of ["wave", "half"]) tasks.push(() => checkValue(nps, managerKey, L, managerId, mode));
  if (want("waves") && nps) tasks.push(() => checkWaves(nps, managerKey, L, managerId));
  if (want("followups")) tasks.push(() => checkFollowups(managerKey, L, managerId, managerId));
  if (want("digest")) for (const month of [undefined, "2026-08"]) tasks.push(() => checkDigest(managerKey, L, managerId, month));
  if (want("accounts")) tasks.push(() => checkAccountsList(managerKey, L, managerId));
  if (want("goals")) tasks.push(() => checkGoals(managerKey, L, managerId));
  if (want("segments")) tasks.push(() => checkSegments(managerKey, L, managerId));
}
for (const t of tasks) {
  try {
    await t();
  } catch (e) {
    mismatches.push(`error: ${e.message}`);
  }
}
console.log(`time zone ${tz}, today ${todayLocal}: ${compared} figures compared, ${mismatches.length} mismatches`);
for (const m of mismatches.slice(0, args.verbose ? Infinity : 60)) console.log(`  ${m}`);
if (mismatches.length > 60 && !args.verbose) console.log(`  … ${mismatches.length - 60} more (--verbose)`);
process.exit(mismatches.length ? 1 : 0);
