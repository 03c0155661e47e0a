/**
 * The cube (channel × locale × segment × manager histograms, migrations/0011_cube.sql) answers
 * every combination of those filters exactly as the raw recount from `responses` does, bucket by
 * bucket, after every write path: new answers, a contact's repeat answers replacing earlier ones,
 * score and attribute edits, deletions, a GDPR erasure, an account changing hands, and a
 * time-zone rebuild. Also the bucket a trend's first point is compared with, and the breakdowns
 * (the whole survey and one manager's book).
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import { summarySource } from "../../worker/db/queries/cubeSeries";
import { BREAKDOWN_DIMS, getBreakdown } from "../../worker/db/queries/getBreakdown";
import { getBreakdownRaw } from "../../worker/db/queries/getBreakdownRaw";
import { getRawHistogramBefore, getRollupHistogramBefore } from "../../worker/db/queries/getHistogramBefore";
import { getScoreHistograms } from "../../worker/db/queries/getScoreHistograms";
import { getScoreHistogramsRaw } from "../../worker/db/queries/getScoreHistogramsRaw";
import type { ScoreFilter } from "../../worker/db/queries/scoreFilter";
import { rebucket } from "../../worker/jobs/rebucket";
import { bucketOf, type Interval } from "../../worker/metrics/buckets";
import type { Histogram } from "../../worker/metrics/histogram";
import { eraseContact } from "../../worker/services/contactsGdpr";
import { reattributeAccounts } from "../../worker/services/scope";
import { createSurvey } from "../helpers";

const INTERVALS: Interval[] = ["month", "quarter", "half"];
const CHANNELS = ["widget", "link", "email", "api"];
const LOCALES = ["fr", "en", "de"];
const SEGMENTS = ["SMB", "Mid", "Ent"];
const MANAGERS = ["cube-m0", "cube-m1", "cube-m2"];
/** Each filter's values (the data has more channels and locales than filtered on). */
const VALUES: Record<"channel" | "locale" | "segment" | "manager", string[]> = {
  channel: ["widget", "link", "email"],
  locale: ["fr", "en"],
  segment: SEGMENTS,
  manager: MANAGERS,
};
const FROM = "2025-01-01";
const TO = "2028-01-01";

/**
 * Every set of filters over the four cube dimensions, every listed value of each (4 · 3 · 4 · 4 =
 * 192 sets), and each dimension alone with a value nobody has.
 */
function filterSets(): ScoreFilter[][] {
  let sets: ScoreFilter[][] = [[]];
  for (const dim of ["channel", "locale", "segment", "manager"] as const) {
    sets = sets.flatMap((s) => [s, ...VALUES[dim].map((value) => [...s, { dim, value }])]);
  }
  const absent = (["channel", "locale", "segment", "manager"] as const).map((dim) => [{ dim, value: "nobody" }]);
  return [...sets, ...absent];
}

const nonEmpty = (m: Map<string, Histogram>) => new Map([...m].filter(([, h]) => h.some((x) => x !== 0)));

async function seed(surveyId: string) {
  let s = 20261130;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const stmts: D1PreparedStatement[] = MANAGERS.map((m) =>
    env.DB.prepare("INSERT OR IGNORE INTO users (id, email, name, role) VALUES (?, ?, ?, 'manager')").bind(m, `${m}@cube.test`, m),
  );
  // Eight accounts: every segment and manager, one without a segment, one without a manager.
  const accounts = Array.from({ length: 8 }, (_, a) => ({
    id: `cube-acc-${surveyId}-${a}`,
    segment: a === 6 ? null : SEGMENTS[a % 3]!,
    manager: a === 7 ? null : MANAGERS[a % 3]!,
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
      stmts.push(env.DB.prepare("INSERT INTO contacts (id, account_id, email) VALUES (?, ?, ?)").bind(id, acc.id, `${id}@cube.test`));
    }
  }
  // 320 answers over 2026, a third of them near a month edge (where a time-zone change moves
  // them); contacts answer many times, so repeat answers in one bucket replace earlier ones.
  const edges = ["2026-01-01", "2026-04-01", "2026-07-01", "2026-10-01", "2027-01-01"].map((d) => Date.parse(`${d}T00:00:00Z`));
  const ids: string[] = [];
  for (let i = 0; i < 320; i++) {
    const at =
      rnd() < 0.33
        ? pick(edges) + Math.floor((rnd() - 0.5) * 4 * 3600_000)
        : Date.parse("2026-01-01T00:00:00Z") + Math.floor(rnd() * 365 * 86_400_000);
    const who = rnd() < 0.8 ? pick(contacts) : null;
    const id = `cube-${surveyId}-${String(i).padStart(4, "0")}`;
    ids.push(id);
    stmts.push(
      env.DB.prepare(
        `INSERT INTO responses (id, survey_id, contact_id, score, channel, locale, account_id, segment, manager_user_id, bucket_month, bucket_quarter, bucket_half, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).bind(
        id,
        surveyId,
        who?.id ?? null,
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
  return { ids, accounts, contacts, rnd, pick };
}

/** Every filter set, interval and bucket: the cube's answer against the raw recount. Returns the non-empty cells compared. */
async function compareAll(surveyId: string, timeZone: string, accountIds: string[]) {
  const db = createDb(env.DB);
  let cells = 0;
  const sets = [...filterSets(), ...accountIds.map((value) => [{ dim: "account" as const, value }])];
  for (const interval of INTERVALS) {
    for (const filters of sets) {
      const q = { surveyId, interval, fromBucket: FROM, toBucket: TO, filters };
      const label = `${interval} ${JSON.stringify(filters)}`;
      expect(summarySource(filters), label).not.toBeNull();
      const [stored, raw] = await Promise.all([getScoreHistograms(db, q), getScoreHistogramsRaw(db, { ...q, timeZone })]);
      expect(nonEmpty(stored), label).toEqual(raw);
      cells += raw.size;
    }
  }
  return cells;
}

/** The latest bucket with answers before a range, for every filter set, both paths (months and half-years). */
async function compareBefore(surveyId: string, timeZone: string) {
  const db = createDb(env.DB);
  let found = 0;
  for (const interval of ["month", "half"] as const) {
    for (const filters of filterSets()) {
      const q = { surveyId, interval, fromBucket: "2026-07-01", filters };
      const [stored, raw] = await Promise.all([getRollupHistogramBefore(db, q), getRawHistogramBefore(db, { ...q, timeZone })]);
      expect(stored, `${interval} ${JSON.stringify(filters)}`).toEqual(raw);
      if (raw) found++;
    }
  }
  return found;
}

/** Breakdowns by every dimension, for the whole survey and for one manager's book. */
async function compareBreakdowns(surveyId: string, timeZone: string) {
  const db = createDb(env.DB);
  const sorted = (rows: { value: string; label: string | null; histogram: Histogram }[]) =>
    rows.filter((r) => r.histogram.some((x) => x !== 0)).sort((a, b) => (a.value < b.value ? -1 : 1));
  let groups = 0;
  for (const interval of INTERVALS) {
    for (const by of BREAKDOWN_DIMS) {
      for (const managerScope of [null, MANAGERS[1]!]) {
        const q = { surveyId, by, interval, fromBucket: "2026-01-01", toBucket: "2026-07-01", managerScope, timeZone };
        const [stored, raw] = await Promise.all([getBreakdown(db, q), getBreakdownRaw(db, q)]);
        expect(sorted(stored), `${interval} by ${by} scope ${managerScope}`).toEqual(sorted(raw));
        groups += raw.length;
      }
    }
  }
  return groups;
}

/** The survey's non-empty rollup and cube rows, in a stable order. */
async function stored(surveyId: string) {
  const cols = ["n", ...Array.from({ length: 11 }, (_, i) => `s${i}`)].join(", ");
  const rollups = await env.DB.prepare(
    `SELECT interval, bucket, dim, dim_value, ${cols} FROM rollups WHERE survey_id = ? AND n <> 0 ORDER BY 1, 2, 3, 4`,
  )
    .bind(surveyId)
    .all();
  const cube = await env.DB.prepare(
    `SELECT interval, bucket, channel, locale, segment, manager, ${cols} FROM cube WHERE survey_id = ? AND n <> 0 ORDER BY 1, 2, 3, 4, 5, 6`,
  )
    .bind(surveyId)
    .all();
  return [...rollups.results, ...cube.results];
}

describe("the cube against a raw recount", () => {
  it("answers every combination of channel, locale, segment and manager exactly, through every write path", async () => {
    const survey = await createSurvey();
    const { ids, accounts, contacts, rnd, pick } = await seed(survey.id);
    const accountIds = accounts.map((a) => a.id);

    // Edits: scores, and a channel or locale corrected (the triggers move the cells).
    const edits: D1PreparedStatement[] = [];
    for (let i = 0; i < 40; i++) {
      edits.push(env.DB.prepare("UPDATE responses SET score = ? WHERE id = ?").bind(Math.floor(rnd() * 11), pick(ids)));
      if (i % 4 === 0)
        edits.push(env.DB.prepare("UPDATE responses SET channel = ?, locale = ? WHERE id = ?").bind(pick(CHANNELS), pick(LOCALES), pick(ids)));
    }
    // Deletions: the member's previous answer in the bucket takes the place.
    for (let i = 0; i < 15; i++) edits.push(env.DB.prepare("DELETE FROM responses WHERE id = ?").bind(pick(ids)));
    await env.DB.batch(edits);
    const db = createDb(env.DB);
    // GDPR erasure of one contact (every answer of theirs gone).
    const erased = contacts[4]!.id;
    await eraseContact(db, erased, "test");
    expect((await env.DB.prepare("SELECT count(*) AS n FROM responses WHERE contact_id = ?").bind(erased).first<{ n: number }>())!.n).toBe(0);
    // An account changes hands and segment: its answers follow (reattributeAccounts).
    await env.DB.prepare("UPDATE accounts SET manager_user_id = ?, segment = 'Ent' WHERE id = ?").bind(MANAGERS[1], accounts[0]!.id).run();
    await db.run(reattributeAccounts([accounts[0]!.id]));
    // And one without a manager gets one.
    await env.DB.prepare("UPDATE accounts SET manager_user_id = ? WHERE id = ?").bind(MANAGERS[2], accounts[7]!.id).run();
    await db.run(reattributeAccounts([accounts[7]!.id]));

    // The data is varied enough for the comparison to mean something.
    const cells = await compareAll(survey.id, "UTC", accountIds);
    expect(cells).toBeGreaterThan(1000);
    expect(await compareBefore(survey.id, "UTC")).toBeGreaterThan(100);
    expect(await compareBreakdowns(survey.id, "UTC")).toBeGreaterThan(40);

    const built = await stored(survey.id);
    expect(built.length).toBeGreaterThan(500);

    // A time-zone rebuild moves the answers near month edges: still exact, in the new zone.
    let r: Awaited<ReturnType<typeof rebucket>>;
    do r = await rebucket(env.DB, "Europe/Paris", { batchSize: 100 });
    while (!r.done);
    const moved = await env.DB.prepare(
      "SELECT count(*) AS n FROM responses WHERE survey_id = ? AND bucket_month <> strftime('%Y-%m-01', created_at / 1000, 'unixepoch')",
    )
      .bind(survey.id)
      .first<{ n: number }>();
    expect(moved!.n).toBeGreaterThan(0);
    expect(await compareAll(survey.id, "Europe/Paris", accountIds)).toBeGreaterThan(1000);
    expect(await compareBefore(survey.id, "Europe/Paris")).toBeGreaterThan(100);
    expect(await compareBreakdowns(survey.id, "Europe/Paris")).toBeGreaterThan(40);

    // Back to UTC (the zone the other tests expect): the same rollups and cube as before, cell by cell.
    do r = await rebucket(env.DB, "UTC", { batchSize: 100 });
    while (!r.done);
    expect(await stored(survey.id)).toEqual(built);
  }, 120_000);
});
