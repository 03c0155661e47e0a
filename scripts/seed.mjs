// Demo data: ~200 client accounts, their contacts and managers, two years of biannual NPS waves
// (invitations, bounces, answers with comments in French and English, follow-ups), a CSAT widget
// survey, MRR history and churn that is more frequent among detractor accounts.
//
//   node scripts/seed.mjs [--persist-to DIR] [--out FILE] [--today YYYY-MM-DD]
//
// Writes one SQL file and applies it with `wrangler d1 execute DB --local`. Deterministic: the
// same day gives the same data. The rollup triggers build the dashboard's rollups as rows land.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { bucketOf } from "../worker/metrics/buckets.ts";
import { hashPasswordNode } from "./password.mjs";

const { values: args } = parseArgs({
  options: {
    "persist-to": { type: "string" },
    out: { type: "string" },
    today: { type: "string" },
    "time-zone": { type: "string", default: "UTC" },
  },
});

const TZ = args["time-zone"];
const DAY = 86_400_000;
const today = args.today ? Date.parse(`${args.today}T12:00:00Z`) : Date.now();

// --- deterministic randomness --------------------------------------------------------------
let state = 20260123;
const rnd = () => {
  state = (state * 1664525 + 1013904223) % 2 ** 32;
  return state / 2 ** 32;
};
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
const between = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
const clamp = (x, lo, hi) => Math.max(lo, Math.min(hi, x));
const id = (prefix) => {
  const a = "0123456789abcdefghjkmnpqrstvwxyz";
  let s = "";
  for (let i = 0; i < 16; i++) s += a[Math.floor(rnd() * 32)];
  return `${prefix}_${s}`;
};
const uuid = () => {
  const h = () => Math.floor(rnd() * 16).toString(16);
  const x = (n) => Array.from({ length: n }, h).join("");
  return `${x(8)}-${x(4)}-4${x(3)}-${"89ab"[Math.floor(rnd() * 4)]}${x(3)}-${x(12)}`;
};
const isoDate = (ms) => new Date(ms).toISOString().slice(0, 10);

// --- SQL writing (values are quoted, never spliced raw) --------------------------------------
const lines = [];
const q = (v) => {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "NULL";
  if (typeof v === "boolean") return v ? "1" : "0";
  return `'${String(v).replaceAll("'", "''")}'`;
};
function insert(table, rows) {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]);
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = rows.slice(i, i + 200).map((r) => `(${cols.map((c) => q(r[c])).join(", ")})`);
    lines.push(`INSERT INTO ${table} (${cols.join(", ")}) VALUES\n${chunk.join(",\n")};`);
  }
}

// --- people -------------------------------------------------------------------------------
const FIRST = ["Camille", "Lucas", "Léa", "Hugo", "Chloé", "Louis", "Emma", "Jules", "Sarah", "Tom", "Inès", "Nathan",
  "Olivia", "James", "Amelia", "Noah", "Sophie", "Oliver", "Manon", "Ethan", "Zoé", "Arthur", "Alice", "Paul"];
const LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
  "Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Fournier", "Girard", "Bonnet", "Lambert", "Fontaine"];
const COMPANY_A = ["Atelier", "Groupe", "Maison", "Studio", "Cabinet", "Société", "Northwind", "Blue", "Green", "Alpine",
  "Nova", "Helios", "Orion", "Vertex", "Lumen", "Cobalt", "Azur", "Boréal", "Quartz", "Delta"];
const COMPANY_B = ["Logistique", "Conseil", "Digital", "Santé", "Immobilier", "Foods", "Energy", "Analytics", "Retail",
  "Transports", "Industries", "Assurances", "Media", "Labs", "Systems", "Partners", "Bâtiment", "Voyages"];

const now = Date.now();
const users = [];
const admin = { id: id("usr"), email: "admin@demo.barometre.dev", name: "Alex Admin", role: "admin", locale: "en" };
users.push(admin);
const managers = [
  ["Claire Dupont", "claire@demo.barometre.dev", "fr"],
  ["Marc Lefèvre", "marc@demo.barometre.dev", "fr"],
  ["Hannah Clarke", "hannah@demo.barometre.dev", "en"],
  ["Karim Benali", "karim@demo.barometre.dev", "fr"],
  ["Grace Okafor", "grace@demo.barometre.dev", "en"],
].map(([name, email, locale]) => ({ id: id("usr"), email, name, role: "manager", locale }));
users.push(...managers);
users.push({ id: id("usr"), email: "viewer@demo.barometre.dev", name: "Vic Viewer", role: "viewer", locale: "en" });
export const DEMO_PASSWORD = "demo-password-2026";
const userRows = users.map((u) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  locale: u.locale,
  password_hash: hashPasswordNode(DEMO_PASSWORD),
  created_at: now,
  updated_at: now,
}));

// --- accounts, MRR history and contacts ------------------------------------------------------
const SEGMENTS = [
  { name: "SMB", plan: "Starter", mrr: [200, 900], contacts: [1, 3], weight: 0.5 },
  { name: "Mid-market", plan: "Pro", mrr: [1000, 4000], contacts: [2, 5], weight: 0.35 },
  { name: "Enterprise", plan: "Enterprise", mrr: [5000, 20000], contacts: [4, 8], weight: 0.15 },
];
const start = today - 730 * DAY; // two years of history
const accounts = [];
const contacts = [];
const names = new Set();
for (let i = 0; i < 200; i++) {
  const r = rnd();
  const seg = r < 0.5 ? SEGMENTS[0] : r < 0.85 ? SEGMENTS[1] : SEGMENTS[2];
  let name;
  do name = `${pick(COMPANY_A)} ${pick(COMPANY_B)}`; while (names.has(name) && names.size < 300);
  if (names.has(name)) name = `${name} ${i}`;
  names.add(name);
  // Most accounts predate the history; a fifth start during it (they join later waves).
  const startedAt = rnd() < 0.8 ? start - between(30, 1500) * DAY : start + between(0, 600) * DAY;
  accounts.push({
    id: id("acc"),
    externalId: `CRM-${1000 + i}`,
    name,
    manager: pick(managers),
    segment: seg.name,
    plan: seg.plan,
    mrr: between(seg.mrr[0], seg.mrr[1]) * 100,
    startedAt,
    churnedAt: null,
    health: clamp(0.7 + (rnd() - 0.5) * 0.75, 0.05, 0.98),
    mrrHistory: [],
  });
  const acc = accounts.at(-1);
  acc.mrrHistory.push([isoDate(startedAt), acc.mrr]);
  const n = between(seg.contacts[0], seg.contacts[1]);
  for (let k = 0; k < n; k++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const locale = rnd() < 0.6 ? "fr" : "en";
    contacts.push({
      id: id("ctc"),
      externalId: `USR-${1000 + i}-${k}`,
      account: acc,
      email: `${first}.${last}.${i}${k}@${name.toLowerCase().normalize("NFD").replace(/[^a-z]/g, "")}.example`
        .toLowerCase()
        .normalize("NFD")
        .replace(/[\u0300-\u036f]/g, ""),
      name: `${first} ${last}`,
      locale,
      mood: (rnd() - 0.5) * 0.3,
      unsubscribedAt: rnd() < 0.03 ? start + between(0, 700) * DAY : null,
    });
  }
}

// --- comments ------------------------------------------------------------------------------
const COMMENTS = {
  fr: {
    promoter: ["Équipe très réactive, merci !", "Le produit nous fait gagner un temps fou.", "Support au top, toujours une réponse rapide.",
      "Très bon suivi de notre chargée de compte.", "Simple à prendre en main pour toute l'équipe.", "Les nouveautés de cette année sont excellentes."],
    passive: ["Bien dans l'ensemble, mais les exports sont lents.", "Correct, il manque encore quelques intégrations.",
      "Bon produit, le prix reste un peu élevé.", "Satisfaits, mais la documentation pourrait être plus claire."],
    detractor: ["Trop de bugs depuis la dernière mise à jour.", "Le support met des jours à répondre.", "Facturation confuse, erreurs répétées.",
      "Nous envisageons de changer d'outil.", "Performances très dégradées le lundi matin.", "Aucun suivi après notre réclamation."],
  },
  en: {
    promoter: ["Great team, always helpful.", "Saves us hours every week.", "Onboarding was smooth and fast.",
      "Our account manager really understands our business.", "Reliable and easy to use."],
    passive: ["Good overall, reporting could be better.", "Fine, but a few integrations are missing.", "Solid product, pricing feels high.",
      "Does the job; the mobile app needs work."],
    detractor: ["Support takes days to reply.", "Too many outages this quarter.", "Billing errors again.",
      "We are evaluating alternatives.", "The last release broke our workflow.", "Nobody followed up on our complaint."],
  },
};
const category = (s) => (s >= 9 ? "promoter" : s >= 7 ? "passive" : "detractor");

// --- surveys ---------------------------------------------------------------------------------
const npsSurvey = {
  id: "srv_demonpsbarometre",
  name: "Baromètre de satisfaction",
  kind: "nps",
  default_locale: "fr",
  texts: JSON.stringify({
    fr: { question: "Quelle est la probabilité que vous recommandiez Acme à un ami ou un collègue ?" },
    en: { question: "How likely are you to recommend Acme to a friend or colleague?" },
  }),
  cadence: JSON.stringify({ enabled: true, months: [1, 7], day: 15, windowDays: 21 }),
  allowed_origins: JSON.stringify([]),
  signing_secret: "whsec_demo0000000000000000000000000000",
  created_at: start - 30 * DAY,
  updated_at: start - 30 * DAY,
};
const csatSurvey = {
  id: "srv_demosupportcsat0",
  name: "Support CSAT",
  kind: "csat",
  default_locale: "en",
  texts: JSON.stringify({}),
  cadence: JSON.stringify({ enabled: false, months: [1, 7], day: 15, windowDays: 21 }),
  allowed_origins: JSON.stringify(["http://127.0.0.1:8787", "http://localhost:8787"]),
  signing_secret: "whsec_demo1111111111111111111111111111",
  created_at: start - 30 * DAY,
  updated_at: start - 30 * DAY,
};

// --- waves: January and July, for the last two years ----------------------------------------
const waveDates = [];
for (let y = new Date(start).getUTCFullYear(); y <= new Date(today).getUTCFullYear(); y++) {
  for (const m of [0, 6]) {
    const opens = Date.UTC(y, m, 15, 8);
    if (opens >= start && opens <= today) waveDates.push(opens);
  }
}
const isActive = (acc, t) => acc.startedAt <= t && (acc.churnedAt === null || acc.churnedAt > t);

const waves = [];
const invitations = [];
const responses = [];
const followups = [];
const notes = [];
let token = 0;
for (const opens of waveDates) {
  const closes = opens + 21 * DAY;
  const period = new Date(opens).toISOString().slice(0, 7);
  const wave = { id: id("wav"), survey_id: npsSurvey.id, period, opens_at: opens, closes_at: closes, status: closes < today ? "closed" : "open", closed_at: closes < today ? closes : null, created_at: opens };
  waves.push(wave);
  const accountScores = new Map();
  for (const c of contacts) {
    const acc = c.account;
    if (!isActive(acc, opens) || (c.unsubscribedAt && c.unsubscribedAt < opens)) continue;
    const bounced = rnd() < 0.03;
    const inv = {
      id: id("inv"), wave_id: wave.id, survey_id: npsSurvey.id, contact_id: c.id,
      token: `demotoken${String(token++).padStart(12, "0")}`,
      status: bounced ? "bounced" : "sent", sent_at: opens + between(0, 3600) * 1000,
      bounced_at: bounced ? opens + 3600_000 : null, created_at: opens,
    };
    invitations.push(inv);
    if (bounced || rnd() > 0.48) continue;
    const at = opens + Math.floor(rnd() * rnd() * 20 * DAY) + between(0, 36_000) * 1000;
    if (at > today) continue;
    const score = clamp(Math.round(2.8 + acc.health * 7.6 + c.mood * 6 + (rnd() - 0.5) * 3.5), 0, 10);
    const cat = category(score);
    const withComment = rnd() < (cat === "detractor" ? 0.8 : 0.55);
    const r = {
      id: uuid(), survey_id: npsSurvey.id, contact_id: c.id, invitation_id: inv.id, wave_id: wave.id,
      score, comment: withComment ? pick(COMMENTS[c.locale][cat]) : null, locale: c.locale,
      channel: rnd() < 0.7 ? "email" : "link", account_id: acc.id, segment: acc.segment,
      manager_user_id: acc.manager.id, bucket_month: bucketOf(at, "month", TZ), bucket_quarter: bucketOf(at, "quarter", TZ),
      bucket_half: bucketOf(at, "half", TZ), created_at: at, updated_at: at + (withComment ? 40_000 : 0),
    };
    responses.push(r);
    accountScores.set(acc, [...(accountScores.get(acc) ?? []), score]);
    if (cat === "detractor") {
      const age = today - at;
      const status = age > 120 * DAY ? pick(["resolved", "resolved", "contacted"]) : age > 20 * DAY ? pick(["contacted", "resolved", "open"]) : "open";
      followups.push({ response_id: r.id, owner_user_id: acc.manager.id, status, created_at: at, updated_at: at + 2 * DAY });
      if (status !== "open") {
        notes.push({ id: id("fnt"), response_id: r.id, author_user_id: acc.manager.id, created_at: at + 2 * DAY,
          body: c.locale === "fr" ? "Appel avec le client, plan d'action envoyé." : "Called the client, sent an action plan." });
      }
    }
  }
  // After the wave: unhappy accounts leave more often over the next six months; the others
  // drift, expand or contract. This is the story the retention-by-category view should tell.
  for (const acc of accounts) {
    if (!isActive(acc, closes)) continue;
    const scores = accountScores.get(acc);
    const mean = scores ? scores.reduce((a, b) => a + b, 0) / scores.length : null;
    const cat = mean === null ? "none" : category(mean);
    const pChurn = { detractor: 0.16, passive: 0.06, promoter: 0.02, none: 0.07 }[cat];
    if (rnd() < pChurn) {
      const when = closes + between(20, 170) * DAY;
      if (when < today) acc.churnedAt = when;
    } else if (rnd() < 0.35) {
      const factor = cat === "promoter" ? 1 + rnd() * 0.3 : cat === "detractor" ? 1 - rnd() * 0.25 : 1 + (rnd() - 0.4) * 0.2;
      const when = closes + between(10, 150) * DAY;
      if (when < today) {
        acc.mrr = Math.round((acc.mrr * factor) / 100) * 100;
        acc.mrrHistory.push([isoDate(when), acc.mrr]);
      }
    }
    // A slow, noisy improvement: the product gets better, the trend tells it.
    acc.health = clamp(acc.health + 0.025 + (rnd() - 0.5) * 0.2, 0.05, 0.98);
  }
}

// A continuous CSAT stream from the in-app widget: about two a day, some from known contacts.
const csatResponses = [];
for (let t = start; t < today; t += between(6, 18) * 3_600_000) {
  const c = rnd() < 0.6 ? pick(contacts) : null;
  if (c && !isActive(c.account, t)) continue;
  const base = c ? c.account.health : 0.7;
  const score = clamp(Math.round(1 + base * 4 + (rnd() - 0.5) * 2), 1, 5);
  const locale = c?.locale ?? (rnd() < 0.5 ? "fr" : "en");
  const cat = score >= 4 ? "promoter" : score === 3 ? "passive" : "detractor";
  csatResponses.push({
    id: uuid(), survey_id: csatSurvey.id, contact_id: c?.id ?? null, invitation_id: null, wave_id: null, score,
    comment: rnd() < 0.3 ? pick(COMMENTS[locale][cat]) : null, locale, channel: "widget",
    account_id: c?.account.id ?? null, segment: c?.account.segment ?? null, manager_user_id: c?.account.manager.id ?? null,
    bucket_month: bucketOf(t, "month", TZ), bucket_quarter: bucketOf(t, "quarter", TZ), bucket_half: bucketOf(t, "half", TZ),
    created_at: t, updated_at: t,
  });
}

// --- write ---------------------------------------------------------------------------------
insert("users", userRows);
insert("surveys", [npsSurvey, csatSurvey]);
insert("accounts", accounts.map((a) => ({
  id: a.id, external_id: a.externalId, name: a.name, manager_user_id: a.manager.id, segment: a.segment, plan: a.plan,
  mrr_cents: a.mrr, started_on: isoDate(a.startedAt), churned_on: a.churnedAt ? isoDate(a.churnedAt) : null,
  created_at: now, updated_at: now,
})));
insert("account_mrr", accounts.flatMap((a) => {
  const byDay = new Map(a.mrrHistory); // one row per day: the last change of the day wins
  return [...byDay].map(([effective_on, mrr_cents]) => ({ account_id: a.id, effective_on, mrr_cents }));
}));
insert("contacts", contacts.map((c) => ({
  id: c.id, external_id: c.externalId, account_id: c.account.id, email: c.email, name: c.name, locale: c.locale,
  unsubscribed_at: c.unsubscribedAt, created_at: now, updated_at: now,
})));
insert("waves", waves);
insert("invitations", invitations);
insert("responses", [...responses, ...csatResponses].sort((a, b) => a.created_at - b.created_at));
// Every detractor answer already has its item (the trigger of migrations/0005 created it, owned by
// the account's manager and with its due day): the seed only moves older ones along.
for (const status of ["contacted", "resolved"]) {
  const rows = followups.filter((f) => f.status === status);
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = rows.slice(i, i + 200);
    lines.push(`UPDATE followups SET status = '${status}', updated_at = created_at + ${2 * DAY}` +
      `${status === "resolved" ? `, resolved_at = created_at + ${2 * DAY}` : ""} WHERE response_id IN (${chunk.map((f) => q(f.response_id)).join(", ")});`);
  }
}
insert("followup_notes", notes);
const nextJune = new Date(today).getUTCMonth() < 5 ? new Date(today).getUTCFullYear() : new Date(today).getUTCFullYear() + 1;
insert("goals", [
  { id: id("gol"), name: "NPS ≥ 40 by June", metric: "nps", survey_id: npsSurvey.id, target: 40, deadline: `${nextJune}-06-30`, created_by: admin.id, created_at: now },
  { id: id("gol"), name: "CSAT ≥ 85 % by year end", metric: "csat", survey_id: csatSurvey.id, target: 85, deadline: `${new Date(today).getUTCFullYear()}-12-31`, created_by: admin.id, created_at: now },
]);

const sql = lines.join("\n");
const out = args.out ?? join(mkdtempSync(join(tmpdir(), "barometre-seed-")), "seed.sql");
writeFileSync(out, sql);
const summary = `${accounts.length} accounts (${accounts.filter((a) => a.churnedAt).length} churned), ${contacts.length} contacts, ` +
  `${waves.length} waves, ${invitations.length} invitations, ${responses.length} NPS and ${csatResponses.length} CSAT responses`;
if (!args.out || args["persist-to"]) {
  const wranglerArgs = ["wrangler", "d1", "execute", "DB", "--local", "--file", out];
  if (args["persist-to"]) wranglerArgs.push("--persist-to", args["persist-to"]);
  execFileSync("npx", wranglerArgs, { stdio: "ignore", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
}
console.log(`Seeded ${summary}.`);
