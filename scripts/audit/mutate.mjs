// Writes through the API the cases the demo data lacks, so that recompute.mjs can check that the
// triggers, the cube, the stored views and the standings follow (docs/AUDIT.md):
//   node_modules/.bin/node scripts/audit/mutate.mjs --db FILE.sqlite --base URL --key ADMIN_KEY [--round N]
// Each round uses fresh ids, so rounds can be repeated on the same database.
import { randomUUID } from "node:crypto";
import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    db: { type: "string" },
    base: { type: "string", default: "http://127.0.0.1:8700" },
    key: { type: "string" },
    round: { type: "string", default: "1" },
  },
});
const db = new DatabaseSync(args.db, { readOnly: true });
const all = (sql, ...p) => db.prepare(sql).all(...p);
const round = Number(args.round);

// Each write from its own address, as respondents are (the public endpoints are rate-limited per
// client IP; under `wrangler dev` the caller sets CF-Connecting-IP, docs TOOLCHAIN).
let calls = 0;
async function call(method, path, body, contentType = "application/json") {
  calls++;
  const res = await fetch(`${args.base}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${args.key}`,
      "content-type": contentType,
      "cf-connecting-ip": `10.${round % 256}.${(calls >> 8) % 256}.${calls % 256}`,
    },
    body: body === undefined ? undefined : contentType === "application/json" ? JSON.stringify(body) : body,
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const nps = all("SELECT id FROM surveys WHERE kind = 'nps' AND status = 'active' ORDER BY created_at, id")[0].id;
const csat = all("SELECT id FROM surveys WHERE kind = 'csat' AND status = 'active' ORDER BY created_at, id")[0]?.id;
// Active accounts with at least two contacts, in a stable order; the round picks different ones.
const contacts = all(
  `SELECT c.id, c.email, c.account_id FROM contacts c JOIN accounts a ON a.id = c.account_id
   WHERE a.churned_on IS NULL AND c.email NOT LIKE '[erased]%' ORDER BY c.id`,
);
const pick = (i) => contacts[(round * 37 + i * 11) % contacts.length];
const accounts = all("SELECT id, manager_user_id, segment, started_on FROM accounts WHERE churned_on IS NULL ORDER BY id");
const managers = all("SELECT id FROM users WHERE role = 'manager' ORDER BY id").map((u) => u.id);

// 1. Live answers: a contact answering twice this month (detractor, then promoter), another whose
//    comment arrives later, one amended through its edit token, anonymous ones.
const a = pick(0);
await call("POST", `/surveys/${nps}/responses`, { id: randomUUID(), score: 2, contact: { email: a.email } });
await call("POST", `/surveys/${nps}/responses`, { id: randomUUID(), score: 10, contact: { email: a.email } });
const b = pick(1);
const bId = randomUUID();
const first = await call("POST", `/surveys/${nps}/responses`, { id: bId, score: 4, contact: { email: b.email } });
await call("POST", `/surveys/${nps}/responses`, {
  id: bId,
  score: 4,
  comment: `late comment ${round}`,
  contact: { email: b.email },
  editToken: first.editToken,
});
const c = pick(2);
const created = await call("POST", `/surveys/${nps}/responses`, { id: randomUUID(), score: 6, contact: { email: c.email } });
await call("PATCH", `/surveys/${nps}/responses/${created.id}`, { score: 9, editToken: created.editToken });
for (let i = 0; i < 3; i++) await call("POST", `/surveys/${nps}/responses`, { id: randomUUID(), score: (round + i * 4) % 11 });
if (csat) await call("POST", `/surveys/${csat}/responses`, { id: randomUUID(), score: 2, contact: { email: pick(3).email } });

function lastMonth(day) {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, day, 10)).toISOString();
}
// 2. History: same contact twice at the same instant (tie broken by id), answers around month,
//    quarter and half-year boundaries in every zone, a date without time, anonymous rows.
const d = pick(4);
const e = pick(5);
const rows = [
  ["email", "score", "comment", "date"],
  [d.email, 3, `tie A ${round}`, "2025-05-10T10:00:00Z"],
  [d.email, 9, `tie B ${round}`, "2025-05-10T10:00:00Z"],
  [d.email, 7, "new year UTC", "2025-12-31T23:30:00Z"],
  [e.email, 1, "paris jan", "2025-12-31T23:30:00Z"],
  [e.email, 10, "auckland", "2026-06-30T13:00:00Z"],
  [e.email, 8, "date only", "2026-03-31"],
  ["", 5, "anonymous", "2025-06-30T22:30:00Z"],
  ["", 9, "anonymous", "2025-09-30T23:59:00Z"],
  [pick(6).email, 0, "before range", "2024-09-15T12:00:00Z"],
  // around the changes of summer time in Paris and Auckland, at month ends
  [pick(10).email, 6, `dst ${round}`, "2026-03-31T22:30:00Z"],
  [pick(10).email, 9, `dst ${round}`, "2025-10-31T23:30:00Z"],
  [pick(11).email, 4, `dst ${round}`, "2026-04-04T12:30:00Z"],
  [pick(11).email, 10, `dst ${round}`, "2026-09-26T12:30:00Z"],
  [pick(12).email, 7, `eve ${round}`, "2025-12-31T10:59:59Z"],
  [pick(12).email, 2, `eve ${round}`, "2025-12-31T11:00:00Z"],
  // detractors in the month a review of next month covers (the digest's new detractors)
  [pick(8).email, 2, "", lastMonth(15)],
  [pick(9).email, 5, `october ${round}`, lastMonth(20)],
];
// Inside the latest closed wave's window, without the wave: a contact who answered the wave (the
// later answer counts) and an invited contact who did not (responded, and delivered if pending).
const wave = all(
  "SELECT id, opens_at, closes_at FROM waves WHERE survey_id = ? AND closes_at <= ? ORDER BY closes_at DESC LIMIT 1",
  nps,
  Date.now(),
)[0];
if (wave) {
  const inWindow = new Date(Math.min(wave.closes_at - 3_600_000, wave.opens_at + (round + 2) * 86_400_000)).toISOString();
  const answered = all(
    `SELECT c.email FROM responses r JOIN contacts c ON c.id = r.contact_id WHERE r.wave_id = ? AND r.created_at < ? ORDER BY c.id LIMIT 1 OFFSET ?`,
    wave.id,
    Date.parse(inWindow),
    round,
  )[0];
  const silent = all(
    `SELECT c.email FROM invitations i JOIN contacts c ON c.id = i.contact_id WHERE i.wave_id = ?
     AND NOT EXISTS (SELECT 1 FROM responses r WHERE r.contact_id = i.contact_id AND r.survey_id = ?) ORDER BY c.id LIMIT 1 OFFSET ?`,
    wave.id,
    nps,
    round,
  )[0];
  if (answered) rows.push([answered.email, (round * 5) % 11, `in window ${round}`, inWindow]);
  if (silent) rows.push([silent.email, 3, `in window, invited ${round}`, inWindow]);
}
const csv = rows.map((r) => r.map((x) => `"${String(x).replaceAll('"', '""')}"`).join(",")).join("\n");
await call("POST", `/imports/history?surveyId=${nps}&source=generic`, csv, "text/csv");

// 3. Accounts: one changes hands, one churns in the past, one gets an MRR change back-dated,
//    one moves a contact to another account.
const acc = accounts[(round * 13) % accounts.length];
const other = managers.find((m) => m !== acc.manager_user_id) ?? null;
await call("PATCH", `/accounts/${acc.id}`, { managerUserId: other, segment: round % 2 ? "Mid-market" : "SMB" });
const early = accounts.filter((x) => x.started_on < "2026-03-01");
const churner = early[(round * 13 + 5) % early.length];
await call("PATCH", `/accounts/${churner.id}`, { churnedOn: "2026-03-31" });
const grower = accounts[(round * 13 + 9) % accounts.length];
await call("PATCH", `/accounts/${grower.id}`, { mrrCents: 123400 + round, mrrEffectiveOn: "2025-10-01" });
const mover = pick(7);
const target = accounts[(round * 13 + 17) % accounts.length];
await call("PATCH", `/contacts/${mover.id}`, { accountId: target.id });
// …and answers again from the new account: the latest answer, and its account, counts
await call("POST", `/surveys/${nps}/responses`, { id: randomUUID(), score: (round * 7) % 11, contact: { email: mover.email } });

// A contact taken off its account answers again: their latest answer belongs to no account.
const loner = all(
  `SELECT c.id, c.email FROM contacts c JOIN responses r ON r.contact_id = c.id
   WHERE c.account_id IS NOT NULL AND r.wave_id = (SELECT id FROM waves WHERE survey_id = ? ORDER BY opens_at DESC LIMIT 1)
   ORDER BY c.id LIMIT 1 OFFSET ?`,
  nps,
  round,
)[0];
await call("PATCH", `/contacts/${loner.id}`, { accountId: null });
await call("POST", `/surveys/${nps}/responses`, { id: randomUUID(), score: 8, contact: { email: loner.email } });

// Bulk upsert: two accounts with answers and open items change manager and segment at once, one
// churns and gets an MRR change (the set-based reattribution and the cache triggers).
const busy = all(
  `SELECT a.id, a.external_id, a.manager_user_id FROM accounts a WHERE a.external_id IS NOT NULL AND a.churned_on IS NULL
   AND EXISTS (SELECT 1 FROM followups f JOIN responses r ON r.id = f.response_id WHERE r.account_id = a.id AND f.status <> 'resolved')
   ORDER BY a.id LIMIT 2 OFFSET ?`,
  round * 2,
);
if (busy.length === 2) {
  await call("POST", "/accounts/bulk", {
    accounts: [
      { externalId: busy[0].external_id, managerUserId: busy[1].manager_user_id ?? managers[0], segment: "Enterprise" },
      {
        externalId: busy[1].external_id,
        managerUserId: managers[(round + 2) % managers.length],
        segment: "SMB",
        churnedOn: "2026-10-15",
        mrrCents: 4321,
        mrrEffectiveOn: "2026-06-01",
      },
    ],
  });
}

// 4. GDPR erasure of a contact with answers (waves included).
const erased = all(
  `SELECT contact_id FROM responses WHERE contact_id IS NOT NULL AND wave_id IS NOT NULL
   GROUP BY contact_id HAVING count(*) >= 2 ORDER BY contact_id LIMIT 1 OFFSET ?`,
  round,
)[0];
if (erased) await call("POST", `/contacts/${erased.contact_id}/erase`);
// 5. Follow-ups: one resolved, one taken by a manager, one let go (nobody), one contacted.
const open = all(
  `SELECT f.response_id, a.manager_user_id FROM followups f JOIN responses r ON r.id = f.response_id
   JOIN accounts a ON a.id = r.account_id WHERE f.status != 'resolved' AND a.manager_user_id IS NOT NULL
   ORDER BY f.response_id LIMIT 4 OFFSET ?`,
  round * 4,
);
if (open[0]) await call("PATCH", `/followups/${open[0].response_id}`, { status: "resolved" });
if (open[1]) await call("PATCH", `/followups/${open[1].response_id}`, { ownerUserId: open[1].manager_user_id });
if (open[2]) await call("PATCH", `/followups/${open[2].response_id}`, { ownerUserId: null });
if (open[3]) await call("PATCH", `/followups/${open[3].response_id}`, { status: "contacted" });

// 6. A CES survey (1-7) with answers, some contacts twice.
let ces = all("SELECT id FROM surveys WHERE kind = 'ces' ORDER BY id")[0]?.id;
if (!ces) {
  const made = await call("POST", "/surveys", {
    name: "Audit effort",
    kind: "ces",
    texts: { en: { question: "How easy was it?" } },
  });
  ces = made.id;
}
for (let i = 0; i < 12; i++) {
  const who = pick(20 + (i % 7));
  await call("POST", `/surveys/${ces}/responses`, { id: randomUUID(), score: 1 + ((round * 3 + i * 5) % 7), contact: { email: who.email } });
}

console.log(`round ${round}: answers, history, accounts and an erasure written`);
