/**
 * Demo data: client accounts, their contacts and managers, two years of biannual NPS waves
 * (invitations, bounces, answers with comments in French and English, follow-ups), a CSAT widget
 * survey, MRR history and churn that is more frequent among detractor accounts.
 *
 * Pure and deterministic (the same day gives the same data): rows typed by the drizzle schema
 * (`$inferInsert`), so a schema change the seed does not follow fails `npm run typecheck`, and
 * the Worker's own rules (score categories, bucket keys, survey defaults). What the database
 * derives by itself (rollups, follow-up items: triggers) the seed leaves to it.
 * Written to the local D1 by scripts/seed.mjs; test/unit/seed.test.ts inserts a small one.
 */
import type {
  accountMrr,
  accounts as accountsTable,
  contacts as contactsTable,
  followupNotes,
  goals as goalsTable,
  invitations as invitationsTable,
  responses as responsesTable,
  surveys as surveysTable,
  users as usersTable,
  waves as wavesTable,
} from "../../worker/db/schema";
import { type Category, categoryOf, SCORE_RANGE } from "../../worker/domain/categories";
import { SURVEY_DEFAULTS } from "../../worker/domain/vocabulary";
import { bucketOf } from "../../worker/metrics/buckets";

type Insert<T extends { $inferInsert: unknown }> = T["$inferInsert"];

export const DEMO_PASSWORD = "demo-password-2026";
export const DEMO_NPS_SURVEY_ID = "srv_demonpsbarometre";

export interface DemoOptions {
  /** Instant the history ends at (ms). */
  today: number;
  timeZone: string;
  /** Stored hash of DEMO_PASSWORD (every demo user shares it). */
  passwordHash: string;
  /** How many client accounts (200 for the demo; a handful in tests). */
  accounts?: number;
}

export interface DemoSeed {
  users: Insert<typeof usersTable>[];
  surveys: Insert<typeof surveysTable>[];
  accounts: Insert<typeof accountsTable>[];
  accountMrr: Insert<typeof accountMrr>[];
  contacts: Insert<typeof contactsTable>[];
  waves: Insert<typeof wavesTable>[];
  invitations: Insert<typeof invitationsTable>[];
  /** In the order they arrived. */
  responses: Insert<typeof responsesTable>[];
  /** Older follow-up items moved along (the trigger of migrations/0005 opened them). */
  followupProgress: { responseId: string; status: "contacted" | "resolved"; at: number }[];
  followupNotes: Insert<typeof followupNotes>[];
  goals: Insert<typeof goalsTable>[];
}

const DAY = 86_400_000;

const FIRST = [
  "Camille",
  "Lucas",
  "Léa",
  "Hugo",
  "Chloé",
  "Louis",
  "Emma",
  "Jules",
  "Sarah",
  "Tom",
  "Inès",
  "Nathan",
  "Olivia",
  "James",
  "Amelia",
  "Noah",
  "Sophie",
  "Oliver",
  "Manon",
  "Ethan",
  "Zoé",
  "Arthur",
  "Alice",
  "Paul",
];
const LAST = [
  "Martin",
  "Bernard",
  "Dubois",
  "Thomas",
  "Robert",
  "Richard",
  "Petit",
  "Durand",
  "Leroy",
  "Moreau",
  "Smith",
  "Jones",
  "Taylor",
  "Brown",
  "Wilson",
  "Evans",
  "Fournier",
  "Girard",
  "Bonnet",
  "Lambert",
  "Fontaine",
];
const COMPANY_A = [
  "Atelier",
  "Groupe",
  "Maison",
  "Studio",
  "Cabinet",
  "Société",
  "Northwind",
  "Blue",
  "Green",
  "Alpine",
  "Nova",
  "Helios",
  "Orion",
  "Vertex",
  "Lumen",
  "Cobalt",
  "Azur",
  "Boréal",
  "Quartz",
  "Delta",
];
const COMPANY_B = [
  "Logistique",
  "Conseil",
  "Digital",
  "Santé",
  "Immobilier",
  "Foods",
  "Energy",
  "Analytics",
  "Retail",
  "Transports",
  "Industries",
  "Assurances",
  "Media",
  "Labs",
  "Systems",
  "Partners",
  "Bâtiment",
  "Voyages",
];

const COMMENTS: Record<"fr" | "en", Record<Category, string[]>> = {
  fr: {
    promoter: [
      "Équipe très réactive, merci !",
      "Le produit nous fait gagner un temps fou.",
      "Support au top, toujours une réponse rapide.",
      "Très bon suivi de notre chargée de compte.",
      "Simple à prendre en main pour toute l'équipe.",
      "Les nouveautés de cette année sont excellentes.",
    ],
    passive: [
      "Bien dans l'ensemble, mais les exports sont lents.",
      "Correct, il manque encore quelques intégrations.",
      "Bon produit, le prix reste un peu élevé.",
      "Satisfaits, mais la documentation pourrait être plus claire.",
    ],
    detractor: [
      "Trop de bugs depuis la dernière mise à jour.",
      "Le support met des jours à répondre.",
      "Facturation confuse, erreurs répétées.",
      "Nous envisageons de changer d'outil.",
      "Performances très dégradées le lundi matin.",
      "Aucun suivi après notre réclamation.",
    ],
  },
  en: {
    promoter: [
      "Great team, always helpful.",
      "Saves us hours every week.",
      "Onboarding was smooth and fast.",
      "Our account manager really understands our business.",
      "Reliable and easy to use.",
    ],
    passive: [
      "Good overall, reporting could be better.",
      "Fine, but a few integrations are missing.",
      "Solid product, pricing feels high.",
      "Does the job; the mobile app needs work.",
    ],
    detractor: [
      "Support takes days to reply.",
      "Too many outages this quarter.",
      "Billing errors again.",
      "We are evaluating alternatives.",
      "The last release broke our workflow.",
      "Nobody followed up on our complaint.",
    ],
  },
};

const SEGMENTS = [
  { name: "SMB", plan: "Starter", mrr: [200, 900], contacts: [1, 3] },
  { name: "Mid-market", plan: "Pro", mrr: [1000, 4000], contacts: [2, 5] },
  { name: "Enterprise", plan: "Enterprise", mrr: [5000, 20000], contacts: [4, 8] },
] as const;

interface DemoAccount {
  id: string;
  externalId: string;
  name: string;
  managerId: string;
  segment: string;
  plan: string;
  mrr: number;
  startedAt: number;
  churnedAt: number | null;
  health: number;
  mrrHistory: [string, number][];
}
interface DemoContact {
  id: string;
  externalId: string;
  account: DemoAccount;
  email: string;
  name: string;
  locale: "fr" | "en";
  mood: number;
  unsubscribedAt: number | null;
}

export function buildDemoSeed(opts: DemoOptions): DemoSeed {
  const { today, timeZone: TZ, passwordHash } = opts;
  const accountCount = opts.accounts ?? 200;

  // Deterministic randomness: a linear congruential generator with a fixed seed.
  let state = 20260123;
  const rnd = () => {
    state = (state * 1664525 + 1013904223) % 2 ** 32;
    return state / 2 ** 32;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const between = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));
  const clampScore = (x: number, kind: "nps" | "csat") => clamp(x, SCORE_RANGE[kind][0], SCORE_RANGE[kind][1]);
  const id = (prefix: string) => {
    const a = "0123456789abcdefghjkmnpqrstvwxyz";
    let s = "";
    for (let i = 0; i < 16; i++) s += a[Math.floor(rnd() * 32)];
    return `${prefix}_${s}`;
  };
  const uuid = () => {
    const h = () => Math.floor(rnd() * 16).toString(16);
    const x = (n: number) => Array.from({ length: n }, h).join("");
    return `${x(8)}-${x(4)}-4${x(3)}-${"89ab"[Math.floor(rnd() * 4)]}${x(3)}-${x(12)}`;
  };
  const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const buckets = (at: number) => ({
    bucketMonth: bucketOf(at, "month", TZ),
    bucketQuarter: bucketOf(at, "quarter", TZ),
    bucketHalf: bucketOf(at, "half", TZ),
  });

  // --- people ---------------------------------------------------------------------------------
  const now = new Date(today);
  const admin = { id: id("usr"), email: "admin@demo.barometre.dev", name: "Alex Admin", role: "admin", locale: "en" } as const;
  const managers = (
    [
      ["Claire Dupont", "claire@demo.barometre.dev", "fr"],
      ["Marc Lefèvre", "marc@demo.barometre.dev", "fr"],
      ["Hannah Clarke", "hannah@demo.barometre.dev", "en"],
      ["Karim Benali", "karim@demo.barometre.dev", "fr"],
      ["Grace Okafor", "grace@demo.barometre.dev", "en"],
    ] as const
  ).map(([name, email, locale]) => ({ id: id("usr"), email, name, role: "manager" as const, locale }));
  const viewer = { id: id("usr"), email: "viewer@demo.barometre.dev", name: "Vic Viewer", role: "viewer", locale: "en" } as const;
  const users: DemoSeed["users"] = [admin, ...managers, viewer].map((u) => ({ ...u, passwordHash, createdAt: now, updatedAt: now }));

  // --- accounts, MRR history and contacts -----------------------------------------------------
  const start = today - 730 * DAY; // two years of history
  const accounts: DemoAccount[] = [];
  const contacts: DemoContact[] = [];
  const names = new Set<string>();
  for (let i = 0; i < accountCount; i++) {
    const r = rnd();
    const seg = r < 0.5 ? SEGMENTS[0] : r < 0.85 ? SEGMENTS[1] : SEGMENTS[2];
    let name: string;
    do name = `${pick(COMPANY_A)} ${pick(COMPANY_B)}`;
    while (names.has(name) && names.size < 300);
    if (names.has(name)) name = `${name} ${i}`;
    names.add(name);
    // Most accounts predate the history; a fifth start during it (they join later waves).
    const startedAt = rnd() < 0.8 ? start - between(30, 1500) * DAY : start + between(0, 600) * DAY;
    const acc: DemoAccount = {
      id: id("acc"),
      externalId: `CRM-${1000 + i}`,
      name,
      managerId: pick(managers).id,
      segment: seg.name,
      plan: seg.plan,
      mrr: between(seg.mrr[0], seg.mrr[1]) * 100,
      startedAt,
      churnedAt: null,
      health: clamp(0.7 + (rnd() - 0.5) * 0.75, 0.05, 0.98),
      mrrHistory: [],
    };
    accounts.push(acc);
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
        email: `${first}.${last}.${i}${k}@${name
          .toLowerCase()
          .normalize("NFD")
          .replace(/[^a-z]/g, "")}.example`
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

  // --- surveys --------------------------------------------------------------------------------
  const created = new Date(start - 30 * DAY);
  const npsSurvey: Insert<typeof surveysTable> = {
    id: DEMO_NPS_SURVEY_ID,
    name: "Baromètre de satisfaction",
    kind: "nps",
    defaultLocale: "fr",
    texts: {
      fr: { question: "Quelle est la probabilité que vous recommandiez Acme à un ami ou un collègue ?" },
      en: { question: "How likely are you to recommend Acme to a friend or colleague?" },
    },
    cadence: { ...SURVEY_DEFAULTS.cadence, months: [...SURVEY_DEFAULTS.cadence.months], enabled: true },
    allowedOrigins: [],
    signingSecret: "whsec_demo0000000000000000000000000000",
    createdAt: created,
    updatedAt: created,
  };
  const csatSurvey: Insert<typeof surveysTable> = {
    id: "srv_demosupportcsat0",
    name: "Support CSAT",
    kind: "csat",
    defaultLocale: "en",
    texts: {},
    allowedOrigins: ["http://127.0.0.1:8787", "http://localhost:8787"],
    signingSecret: "whsec_demo1111111111111111111111111111",
    createdAt: created,
    updatedAt: created,
  };

  // --- waves: January and July, for the last two years ----------------------------------------
  const waveDates: number[] = [];
  for (let y = new Date(start).getUTCFullYear(); y <= new Date(today).getUTCFullYear(); y++) {
    for (const m of SURVEY_DEFAULTS.cadence.months) {
      const opens = Date.UTC(y, m - 1, SURVEY_DEFAULTS.cadence.day, 8);
      if (opens >= start && opens <= today) waveDates.push(opens);
    }
  }
  const isActive = (acc: DemoAccount, t: number) => acc.startedAt <= t && (acc.churnedAt === null || acc.churnedAt > t);

  const waves: DemoSeed["waves"] = [];
  const invitations: DemoSeed["invitations"] = [];
  const responses: DemoSeed["responses"] = [];
  const followupProgress: DemoSeed["followupProgress"] = [];
  const notes: DemoSeed["followupNotes"] = [];
  let token = 0;
  for (const opens of waveDates) {
    const closes = opens + SURVEY_DEFAULTS.cadence.windowDays * DAY;
    const closed = closes < today;
    const wave = {
      id: id("wav"),
      surveyId: DEMO_NPS_SURVEY_ID,
      period: new Date(opens).toISOString().slice(0, 7),
      opensAt: new Date(opens),
      closesAt: new Date(closes),
      status: closed ? "closed" : "open",
      closedAt: closed ? new Date(closes) : null,
      createdAt: new Date(opens),
    } satisfies Insert<typeof wavesTable>;
    waves.push(wave);
    const accountScores = new Map<DemoAccount, number[]>();
    for (const c of contacts) {
      const acc = c.account;
      if (!isActive(acc, opens) || (c.unsubscribedAt && c.unsubscribedAt < opens)) continue;
      const bounced = rnd() < 0.03;
      const inv = {
        id: id("inv"),
        waveId: wave.id,
        surveyId: DEMO_NPS_SURVEY_ID,
        contactId: c.id,
        token: `demotoken${String(token++).padStart(12, "0")}`,
        status: bounced ? "bounced" : "sent",
        sentAt: new Date(opens + between(0, 3600) * 1000),
        bouncedAt: bounced ? new Date(opens + 3600_000) : null,
        createdAt: new Date(opens),
      } satisfies Insert<typeof invitationsTable>;
      invitations.push(inv);
      if (bounced || rnd() > 0.48) continue;
      const at = opens + Math.floor(rnd() * rnd() * 20 * DAY) + between(0, 36_000) * 1000;
      if (at > today) continue;
      const score = clampScore(Math.round(2.8 + acc.health * 7.6 + c.mood * 6 + (rnd() - 0.5) * 3.5), "nps");
      const cat = categoryOf("nps", score);
      const withComment = rnd() < (cat === "detractor" ? 0.8 : 0.55);
      const r = {
        id: uuid(),
        surveyId: DEMO_NPS_SURVEY_ID,
        contactId: c.id,
        invitationId: inv.id,
        waveId: wave.id,
        score,
        comment: withComment ? pick(COMMENTS[c.locale][cat]) : null,
        locale: c.locale,
        channel: rnd() < 0.7 ? "email" : "link",
        accountId: acc.id,
        segment: acc.segment,
        managerUserId: acc.managerId,
        ...buckets(at),
        createdAt: new Date(at),
        updatedAt: new Date(at + (withComment ? 40_000 : 0)),
      } satisfies Insert<typeof responsesTable>;
      responses.push(r);
      accountScores.set(acc, [...(accountScores.get(acc) ?? []), score]);
      if (cat === "detractor") {
        const age = today - at;
        const status =
          age > 120 * DAY
            ? pick(["resolved", "resolved", "contacted"] as const)
            : age > 20 * DAY
              ? pick(["contacted", "resolved", "open"] as const)
              : "open";
        if (status !== "open") {
          followupProgress.push({ responseId: r.id, status, at: at + 2 * DAY });
          notes.push({
            id: id("fnt"),
            responseId: r.id,
            authorUserId: acc.managerId,
            createdAt: new Date(at + 2 * DAY),
            body: c.locale === "fr" ? "Appel avec le client, plan d'action envoyé." : "Called the client, sent an action plan.",
          });
        }
      }
    }
    // After the wave: unhappy accounts leave more often over the next six months; the others
    // drift, expand or contract. This is the story the retention-by-category view should tell.
    for (const acc of accounts) {
      if (!isActive(acc, closes)) continue;
      const scores = accountScores.get(acc);
      const cat = scores ? categoryOf("nps", scores.reduce((a, b) => a + b, 0) / scores.length) : "none";
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
  for (let t = start; t < today; t += between(6, 18) * 3_600_000) {
    const c = rnd() < 0.6 ? pick(contacts) : null;
    if (c && !isActive(c.account, t)) continue;
    const base = c ? c.account.health : 0.7;
    const score = clampScore(Math.round(1 + base * 4 + (rnd() - 0.5) * 2), "csat");
    const locale = c?.locale ?? (rnd() < 0.5 ? "fr" : "en");
    responses.push({
      id: uuid(),
      surveyId: csatSurvey.id,
      contactId: c?.id ?? null,
      score,
      comment: rnd() < 0.3 ? pick(COMMENTS[locale][categoryOf("csat", score)]) : null,
      locale,
      channel: "widget",
      accountId: c?.account.id ?? null,
      segment: c?.account.segment ?? null,
      managerUserId: c?.account.managerId ?? null,
      ...buckets(t),
      createdAt: new Date(t),
      updatedAt: new Date(t),
    });
  }
  responses.sort((a, b) => +a.createdAt! - +b.createdAt!);

  const year = new Date(today).getUTCFullYear();
  const nextJune = new Date(today).getUTCMonth() < 5 ? year : year + 1;
  return {
    users,
    surveys: [npsSurvey, csatSurvey],
    accounts: accounts.map((a) => ({
      id: a.id,
      externalId: a.externalId,
      name: a.name,
      managerUserId: a.managerId,
      segment: a.segment,
      plan: a.plan,
      mrrCents: a.mrr,
      startedOn: isoDate(a.startedAt),
      churnedOn: a.churnedAt ? isoDate(a.churnedAt) : null,
      createdAt: now,
      updatedAt: now,
    })),
    // One row per day: the last change of the day wins.
    accountMrr: accounts.flatMap((a) => [...new Map(a.mrrHistory)].map(([effectiveOn, mrrCents]) => ({ accountId: a.id, effectiveOn, mrrCents }))),
    contacts: contacts.map((c) => ({
      id: c.id,
      externalId: c.externalId,
      accountId: c.account.id,
      email: c.email,
      name: c.name,
      locale: c.locale,
      unsubscribedAt: c.unsubscribedAt === null ? null : new Date(c.unsubscribedAt),
      createdAt: now,
      updatedAt: now,
    })),
    waves,
    invitations,
    responses,
    followupProgress,
    followupNotes: notes,
    goals: [
      {
        id: id("gol"),
        name: "NPS ≥ 40 by June",
        metric: "nps",
        surveyId: DEMO_NPS_SURVEY_ID,
        target: 40,
        deadline: `${nextJune}-06-30`,
        createdBy: admin.id,
        createdAt: now,
      },
      {
        id: id("gol"),
        name: "CSAT ≥ 85 % by year end",
        metric: "csat",
        surveyId: csatSurvey.id,
        target: 85,
        deadline: `${year}-12-31`,
        createdBy: admin.id,
        createdAt: now,
      },
    ],
  };
}

/** One line for the console. */
export const describeSeed = (s: DemoSeed) =>
  `${s.accounts.length} accounts (${s.accounts.filter((a) => a.churnedOn).length} churned), ${s.contacts.length} contacts, ` +
  `${s.waves.length} waves, ${s.invitations.length} invitations, ` +
  `${s.responses.filter((r) => r.surveyId === DEMO_NPS_SURVEY_ID).length} NPS and ${s.responses.filter((r) => r.surveyId !== DEMO_NPS_SURVEY_ID).length} CSAT responses`;
