/**
 * Waves as buckets of their own (migrations/0014_wave_buckets.sql): the by-wave histograms read
 * from `rollups` and `cube` (or, for an account with another filter, from that account's answers)
 * equal a recount from `responses` written here with the rule of docs/METRICS.md ("By wave"):
 * each member's latest answer tied to the wave first, then the filters. For every filter set, a
 * manager's scope, accounts alone and combined, after edits, deletions, an erasure, an account
 * changing hands, answers moved to another wave or out of any, a wave deleted, and a time-zone
 * rebuild (which leaves the wave rows as they were).
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import { getWaveHistograms, waveSource } from "../../worker/db/queries/getWaveHistograms";
import type { ScoreFilter } from "../../worker/db/queries/scoreFilter";
import { rebucket } from "../../worker/jobs/rebucket";
import { bucketOf } from "../../worker/metrics/buckets";
import { emptyHistogram, type Histogram } from "../../worker/metrics/histogram";
import { eraseContact } from "../../worker/services/contactsGdpr";
import { reattributeAccounts } from "../../worker/services/scope";
import { createSurvey } from "../helpers";

const CHANNELS = ["widget", "link", "email"];
const LOCALES = ["fr", "en"];
const SEGMENTS = ["SMB", "Mid", "Ent"];
const MANAGERS = ["wb-m0", "wb-m1", "wb-m2"];
const COLUMN = { channel: "channel", locale: "locale", segment: "segment", manager: "manager_user_id", account: "account_id" } as const;

interface Row {
  id: string;
  contact_id: string | null;
  wave_id: string | null;
  score: number;
  created_at: number;
  channel: string;
  locale: string;
  segment: string | null;
  manager_user_id: string | null;
  account_id: string | null;
}

/** The recount: per wave and member the latest answer (ties by id), then the filters. */
async function recount(surveyId: string, waveIds: string[], filters: ScoreFilter[]) {
  const { results } = await env.DB.prepare("SELECT * FROM responses WHERE survey_id = ? AND wave_id IS NOT NULL").bind(surveyId).all<Row>();
  const latest = new Map<string, Row>();
  for (const r of results) {
    const key = `${r.wave_id}|${r.contact_id ?? `r:${r.id}`}`;
    const prev = latest.get(key);
    if (!prev || r.created_at > prev.created_at || (r.created_at === prev.created_at && r.id > prev.id)) latest.set(key, r);
  }
  const out = new Map<string, Histogram>();
  for (const r of latest.values()) {
    if (!waveIds.includes(r.wave_id!) || !filters.every((f) => r[COLUMN[f.dim]] === f.value)) continue;
    const h = out.get(r.wave_id!) ?? emptyHistogram();
    h[r.score]! += 1;
    out.set(r.wave_id!, h);
  }
  return out;
}

/** Every set over channel × locale × segment × manager (3·2·3·3 values, 4·3·4·4 = 192 sets), accounts alone and with another filter. */
function filterSets(accountIds: string[]): ScoreFilter[][] {
  const values = { channel: CHANNELS, locale: LOCALES, segment: SEGMENTS, manager: MANAGERS };
  let sets: ScoreFilter[][] = [[]];
  for (const dim of ["channel", "locale", "segment", "manager"] as const) {
    sets = sets.flatMap((s) => [s, ...values[dim].map((value) => [...s, { dim, value }])]);
  }
  for (const value of accountIds) {
    const account = { dim: "account" as const, value };
    sets.push(
      [account],
      [account, { dim: "channel", value: "email" }],
      [account, { dim: "segment", value: "Ent" }],
      [account, { dim: "manager", value: MANAGERS[1]! }, { dim: "locale", value: "fr" }],
    );
  }
  return [...sets, [{ dim: "segment", value: "nobody" }]];
}

async function compareAll(surveyId: string, waveIds: string[], accountIds: string[]) {
  const db = createDb(env.DB);
  let cells = 0;
  const sources = new Set<string>();
  for (const filters of filterSets(accountIds)) {
    const label = JSON.stringify(filters);
    sources.add(waveSource(filters));
    const [stored, raw] = await Promise.all([getWaveHistograms(db, { surveyId, waveIds, filters }), recount(surveyId, waveIds, filters)]);
    expect(stored, label).toEqual(raw);
    cells += raw.size;
  }
  expect([...sources].sort()).toEqual(["cube", "raw", "rollups"]);
  return cells;
}

async function waveRows(surveyId: string) {
  const cols = ["n", ...Array.from({ length: 11 }, (_, i) => `s${i}`)].join(", ");
  const a = await env.DB.prepare(
    `SELECT bucket, dim, dim_value, ${cols} FROM rollups WHERE survey_id = ? AND interval = 'wave' AND n <> 0 ORDER BY 1, 2, 3`,
  )
    .bind(surveyId)
    .all();
  const b = await env.DB.prepare(
    `SELECT bucket, channel, locale, segment, manager, ${cols} FROM cube WHERE survey_id = ? AND interval = 'wave' AND n <> 0 ORDER BY 1, 2, 3, 4, 5`,
  )
    .bind(surveyId)
    .all();
  const c = await env.DB.prepare("SELECT bucket, member, response_id, score FROM counted WHERE survey_id = ? AND interval = 'wave' ORDER BY 1, 2")
    .bind(surveyId)
    .all();
  return [...a.results, ...b.results, ...c.results];
}

describe("waves as buckets of counted, rollups and cube", () => {
  it("answer every filter set as the latest-then-filter recount does, through every write path", async () => {
    const survey = await createSurvey();
    let s = 20261130;
    const rnd = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
    const stmts: D1PreparedStatement[] = MANAGERS.map((m) =>
      env.DB.prepare("INSERT OR IGNORE INTO users (id, email, name, role) VALUES (?, ?, ?, 'manager')").bind(m, `${m}@wb.test`, m),
    );
    const waveIds = ["2025-07", "2026-01", "2026-07", "2027-01"].map((p) => `wb-${survey.id}-${p}`);
    for (const [i, id] of waveIds.entries()) {
      const opens = Date.parse("2025-07-01T00:00:00Z") + i * 182 * 86_400_000;
      stmts.push(
        env.DB.prepare("INSERT INTO waves (id, survey_id, period, opens_at, closes_at, status, created_at) VALUES (?, ?, ?, ?, ?, 'closed', ?)").bind(
          id,
          survey.id,
          id.slice(-7),
          opens,
          opens + 30 * 86_400_000,
          opens,
        ),
      );
    }
    const accounts = Array.from({ length: 6 }, (_, a) => ({
      id: `wb-acc-${survey.id}-${a}`,
      segment: a === 4 ? null : SEGMENTS[a % 3]!,
      manager: a === 5 ? null : MANAGERS[a % 3]!,
    }));
    const contacts: { id: string; account: (typeof accounts)[number] }[] = [];
    for (const acc of accounts) {
      stmts.push(
        env.DB.prepare("INSERT INTO accounts (id, name, manager_user_id, segment, started_on) VALUES (?, ?, ?, ?, '2024-01-01')").bind(
          acc.id,
          acc.id,
          acc.manager,
          acc.segment,
        ),
      );
      for (let c = 0; c < 3; c++) {
        const id = `${acc.id}-c${c}`;
        contacts.push({ id, account: acc });
        stmts.push(env.DB.prepare("INSERT INTO contacts (id, account_id, email) VALUES (?, ?, ?)").bind(id, acc.id, `${id}@wb.test`));
      }
    }
    // 300 answers, inserted in random time order (an older answer arriving later must not take the
    // place), 80 % from 18 contacts (so many repeat answers per wave), 15 % tied to no wave.
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) {
      const waveIdx = Math.floor(rnd() * 4);
      const at = Date.parse("2025-07-01T00:00:00Z") + waveIdx * 182 * 86_400_000 + Math.floor(rnd() * 30 * 86_400_000);
      const who = rnd() < 0.8 ? pick(contacts) : null;
      const id = `wb-${survey.id}-${String(i).padStart(4, "0")}`;
      ids.push(id);
      stmts.push(
        env.DB.prepare(
          `INSERT INTO responses (id, survey_id, contact_id, wave_id, score, channel, locale, account_id, segment, manager_user_id, bucket_month, bucket_quarter, bucket_half, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).bind(
          id,
          survey.id,
          who?.id ?? null,
          rnd() < 0.85 ? waveIds[waveIdx]! : null,
          Math.floor(rnd() * 11),
          pick(CHANNELS),
          pick(LOCALES),
          who?.account.id ?? null,
          who?.account.segment ?? null,
          who?.account.manager ?? null,
          bucketOf(at, "month", "UTC"),
          bucketOf(at, "quarter", "UTC"),
          bucketOf(at, "half", "UTC"),
          at,
          at,
        ),
      );
    }
    await env.DB.batch(stmts);
    const accountIds = accounts.map((a) => a.id);
    expect(await compareAll(survey.id, waveIds, accountIds)).toBeGreaterThan(300);

    // Edits, deletions, answers moved to another wave or out of any, one tied to a wave afterwards.
    const edits: D1PreparedStatement[] = [];
    for (let i = 0; i < 30; i++) {
      edits.push(env.DB.prepare("UPDATE responses SET score = ? WHERE id = ?").bind(Math.floor(rnd() * 11), pick(ids)));
      if (i % 3 === 0)
        edits.push(env.DB.prepare("UPDATE responses SET channel = ?, locale = ? WHERE id = ?").bind(pick(CHANNELS), pick(LOCALES), pick(ids)));
      if (i % 2 === 0) edits.push(env.DB.prepare("UPDATE responses SET wave_id = ? WHERE id = ?").bind(pick([...waveIds, null]), pick(ids)));
      if (i % 5 === 0)
        edits.push(env.DB.prepare("UPDATE responses SET wave_id = ?, score = ? WHERE id = ?").bind(pick(waveIds), Math.floor(rnd() * 11), pick(ids)));
    }
    for (let i = 0; i < 15; i++) edits.push(env.DB.prepare("DELETE FROM responses WHERE id = ?").bind(pick(ids)));
    await env.DB.batch(edits);
    const db = createDb(env.DB);
    await eraseContact(db, contacts[2]!.id, "test");
    await env.DB.prepare("UPDATE accounts SET manager_user_id = ?, segment = 'Ent' WHERE id = ?").bind(MANAGERS[1], accounts[0]!.id).run();
    await db.run(reattributeAccounts([accounts[0]!.id]));
    await env.DB.prepare("UPDATE accounts SET manager_user_id = ? WHERE id = ?").bind(MANAGERS[2], accounts[5]!.id).run();
    await db.run(reattributeAccounts([accounts[5]!.id]));
    expect(await compareAll(survey.id, waveIds, accountIds)).toBeGreaterThan(300);

    // A time-zone rebuild moves calendar buckets, never the wave rows.
    const before = await waveRows(survey.id);
    expect(before.length).toBeGreaterThan(200);
    let r: Awaited<ReturnType<typeof rebucket>>;
    do r = await rebucket(env.DB, "Pacific/Kiritimati", { batchSize: 100 });
    while (!r.done);
    expect(await waveRows(survey.id)).toEqual(before);
    do r = await rebucket(env.DB, "UTC", { batchSize: 100 });
    while (!r.done);
    expect(await waveRows(survey.id)).toEqual(before);

    // A wave deleted: its answers are tied to none (the foreign key), its rows empty.
    await env.DB.prepare("DELETE FROM waves WHERE id = ?").bind(waveIds[1]).run();
    expect(await compareAll(survey.id, waveIds, accountIds)).toBeGreaterThan(200);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM counted WHERE interval = 'wave' AND bucket = ?")
      .bind(waveIds[1])
      .first<{ n: number }>();
    expect(left!.n).toBe(0);
  }, 120_000);
});
