/**
 * The review of a past month is the picture at that month's end (docs/METRICS.md, "The monthly
 * review"): built on the 1st of the next month, and again months later after more answers, waves,
 * churn and goal movement, it shows the same wave, new detractors, retention and goal verdicts.
 * Only the action lists (follow-ups, accounts at risk) are today's, and the review says so.
 * Figures hand-computed below. UTC workspace.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import { goals } from "../../worker/db/schema";
import { newId } from "../../worker/lib/ids";
import { digestMessage } from "../../worker/jobs/digest";
import { localDate } from "../../worker/metrics/buckets";
import { buildDigest } from "../../worker/services/digest";
import { api, createSurvey } from "../helpers";
import { answer, db, makeAccount, makeContact, makeUser, makeWave, tag } from "./retention-fixtures";

const at = (iso: string) => Date.parse(iso);

/** What must not move between the two readings: everything but the "as of today" parts. */
const picture = (d: Awaited<ReturnType<typeof buildDigest>>) => ({
  period: d.period,
  endsAt: d.endsAt,
  wave: d.wave,
  newDetractors: d.newDetractors,
  retention: d.retention,
  goals: d.goals,
});

describe("the review of a past month", () => {
  it("equals what it showed at the month's end, with hand-computed figures", async () => {
    const m = await makeUser("manager");
    const p = { kind: "session" as const, userId: m.userId, role: "manager" as const };
    const s = await createSurvey({ kind: "nps" });
    // Three accounts of this manager, 100.00 of MRR each: A stays, B churns in May (inside Q2),
    // C churns in September (after the month reviewed).
    const a = await makeAccount({ name: tag("Past A"), startedOn: "2025-01-01", managerUserId: m.userId, mrrCents: 10_000 });
    await makeAccount({ name: tag("Past B"), startedOn: "2025-01-01", churnedOn: "2026-05-15", managerUserId: m.userId, mrrCents: 10_000 });
    await makeAccount({ name: tag("Past C"), startedOn: "2025-01-01", churnedOn: "2026-09-10", managerUserId: m.userId, mrrCents: 10_000 });
    const [c1, c2, c3, c4, c5] = [await makeContact(a), await makeContact(a), await makeContact(a), await makeContact(a), await makeContact(a)];

    const w1 = await makeWave(s.id, "2026-01", "2026-01-05T00:00:00Z", "2026-02-05T00:00:00Z");
    const w2 = await makeWave(s.id, "2026-07", "2026-07-06T00:00:00Z", "2026-08-06T00:00:00Z");
    // January: 10, 9, 3 → P 2, D 1, n 3: NPS 33.3.
    await answer(s.id, c1, 10, "2026-01-10T10:00:00Z", { waveId: w1 });
    await answer(s.id, c2, 9, "2026-01-11T10:00:00Z", { waveId: w1 });
    await answer(s.id, c3, 3, "2026-01-12T10:00:00Z", { waveId: w1 });
    // July, in wave 2 (still open at the month's end): 10, 2, 8 → P 1, D 1, n 3: NPS 0.
    await answer(s.id, c1, 10, "2026-07-08T10:00:00Z", { waveId: w2 });
    const julyDetractor = await answer(s.id, c2, 2, "2026-07-10T10:00:00Z", { waveId: w2 });
    await answer(s.id, c3, 8, "2026-07-12T10:00:00Z", { waveId: w2 });
    // NPS ≥ 20 by the end of September, this manager's book.
    const goalId = newId("gol");
    await db()
      .insert(goals)
      .values({ id: goalId, name: tag("NPS 20"), metric: "nps", surveyId: s.id, target: 20, deadline: "2026-09-30", scope: { manager: m.userId } })
      .run();

    // ?month=2026-08 reviews July; built on its e-mail's morning.
    const month = "2026-08";
    const sent = await buildDigest(createDb(env.DB), p, { month, timeZone: "UTC", now: at("2026-08-01T09:00:00Z"), record: false });

    // What happens after July: two more answers in wave 2 (c2 changes their mind, c4 is a new
    // detractor in August), a wave opened and closed in August, and C churns in September.
    await answer(s.id, c2, 10, "2026-08-03T10:00:00Z", { waveId: w2 });
    await answer(s.id, c4, 0, "2026-08-02T10:00:00Z", { waveId: w2 });
    const w3 = await makeWave(s.id, "2026-08", "2026-08-10T00:00:00Z", "2026-08-20T00:00:00Z");
    await answer(s.id, c5, 10, "2026-08-12T10:00:00Z", { waveId: w3 });

    const later = await buildDigest(createDb(env.DB), p, { month, timeZone: "UTC", now: at("2026-11-30T12:00:00Z"), record: false });
    expect(picture(later)).toEqual(picture(sent));
    expect(later.past).toBe(true);
    expect(later.listsAsOf).toBe("2026-11-30");
    expect(later.endsAt).toBe("2026-08-01T00:00:00.000Z");

    // Wave 2 as of 31 July: c1 10, c2 2, c3 8. n' = 6, p' = d' = 1.75/6, v = (3.5/6)/6 = 0.097222,
    // margin 1.959964 · √v = 0.611127 → [−61.1, 61.1]. Wave 3 (opened after July) is not there.
    expect(later.wave).toMatchObject({ period: "2026-07", n: 3, nps: 0, previous: { period: "2026-01", n: 3 } });
    expect(later.wave!.previous!.nps).toBeCloseTo(100 / 3, 6);
    expect(later.wave!.ci95!.low).toBeCloseTo(-61.1127, 3);
    expect(later.wave!.ci95!.high).toBeCloseTo(61.1127, 3);
    expect(later.wave!.change!.delta).toBeCloseTo(-100 / 3, 6);
    // New detractors of July: c2's 2 only (c4's 0 came on 2 August), without a comment.
    expect(later.newDetractors.count).toBe(1);
    expect(later.newDetractors.silent).toBe(1);
    expect(later.newDetractors.items.map((i) => i.responseId)).toEqual([julyDetractor]);
    // Retention over Q2 (the last quarter ended by 1 August): A, B, C active on 1 April; B churned
    // in May → CRR 2/3; NRR (100 + 0 + 100) / 300 = 2/3.
    expect(later.retention).toMatchObject({ quarter: "2026-Q2", startCount: 3, complete: true });
    expect(later.retention!.crr).toBeCloseTo(2 / 3, 9);
    expect(later.retention!.nrr).toBeCloseTo(2 / 3, 9);
    // The goal as on 31 July: Q1 33.3, Q3 so far 0 (the answers of August not yet given) → moving
    // away from 20 before its deadline. Judged today it would be Q3 = 40 (c1 10, c2 10, c3 8,
    // c4 0, c5 10: P 3, D 1, n 5), target met.
    const judged = [...later.goals.works, ...later.goals.could_do_better, ...later.goals.costs_more].find((g) => g.id === goalId);
    expect(judged).toMatchObject({ status: "off_track", reason: "moving_away", current: 0, bin: "costs_more" });

    // June's review: its quarter (Q2) ended with the month, so the stored quarters answer; the
    // latest value is Q1's 33.3 (Q2 had no answer) ≥ 20.
    const june = await buildDigest(createDb(env.DB), p, { month: "2026-07", timeZone: "UTC", now: at("2026-11-30T12:00:00Z"), record: false });
    const juneGoal = [...june.goals.works, ...june.goals.could_do_better, ...june.goals.costs_more].find((g) => g.id === goalId);
    expect(juneGoal).toMatchObject({ status: "on_track", reason: "target_met", bin: "works" });
    expect(juneGoal!.current).toBeCloseTo(100 / 3, 6);

    // The current month's review (October) shows what has happened since.
    const now = await buildDigest(createDb(env.DB), p, { month: "2026-11", timeZone: "UTC", now: at("2026-11-30T12:00:00Z"), record: false });
    expect(now.past).toBe(false);
    expect(now.wave).toMatchObject({ period: "2026-08", n: 1 });
    // Q3: A and C active on 1 July, C churned on 10 September → CRR 1/2.
    expect(now.retention).toMatchObject({ quarter: "2026-Q3", startCount: 2, crr: 0.5 });
    const nowGoal = [...now.goals.works, ...now.goals.could_do_better, ...now.goals.costs_more].find((g) => g.id === goalId);
    expect(nowGoal).toMatchObject({ status: "on_track", reason: "target_met", current: 40 });
  });

  it("a wave closed after the month's end counts only the answers given by then, and none opened after it", async () => {
    const m = await makeUser("manager");
    const p = { kind: "session" as const, userId: m.userId, role: "manager" as const };
    const s = await createSurvey({ kind: "nps" });
    const a = await makeAccount({ name: tag("Straddle"), startedOn: "2025-01-01", managerUserId: m.userId });
    const w = await makeWave(s.id, "2026-03", "2026-03-20T00:00:00Z", "2026-04-20T00:00:00Z");
    // March: 9, 10 → NPS 100, n 2. April (after the month reviewed): two detractors and a
    // contact's second answer (a detractor's) that replaces their March promoter's.
    const c1 = await makeContact(a);
    await answer(s.id, c1, 9, "2026-03-25T10:00:00Z", { waveId: w });
    await answer(s.id, await makeContact(a), 10, "2026-03-31T23:59:59Z", { waveId: w });
    await answer(s.id, c1, 1, "2026-04-01T00:00:00Z", { waveId: w });
    await answer(s.id, await makeContact(a), 4, "2026-04-02T10:00:00Z", { waveId: w });
    // A wave opened on 1 April has answers, but not in March's review.
    const next = await makeWave(s.id, "2026-04", "2026-04-01T00:00:00Z", "2026-04-10T00:00:00Z");
    await answer(s.id, await makeContact(a), 0, "2026-04-03T10:00:00Z", { waveId: next });

    const march = await buildDigest(createDb(env.DB), p, { month: "2026-04", timeZone: "UTC", now: at("2026-11-30T12:00:00Z"), record: false });
    expect(march.wave).toMatchObject({ period: "2026-03", n: 2, nps: 100, previous: null, change: null });
    // April's review: the April wave (one detractor) after the March one as it closed: c1 1,
    // the other 10, the April 4 → P 1, D 2, n 3.
    const april = await buildDigest(createDb(env.DB), p, { month: "2026-05", timeZone: "UTC", now: at("2026-11-30T12:00:00Z"), record: false });
    expect(april.wave).toMatchObject({ period: "2026-04", n: 1, nps: -100, previous: { period: "2026-03", n: 3 } });
    expect(april.wave!.previous!.nps).toBeCloseTo(-100 / 3, 6);
  });
});

describe("GET /api/v1/digest: accounts at risk", () => {
  it("lists the first twenty and gives the total in the caller's scope, today's, for a past month too", async () => {
    const m = await makeUser("manager");
    const other = await makeUser("manager");
    const s = await createSurvey({ kind: "nps" });
    const recent = new Date(Date.now() - 86_400_000).toISOString();
    // 23 of this manager's active accounts answered as detractors (at risk); one more churned
    // yesterday, one is a promoter, and another manager has one at risk: total 23.
    for (let i = 0; i < 23; i++) {
      const acc = await makeAccount({ name: tag(`Risk ${String(i).padStart(2, "0")}`), startedOn: "2025-01-01", managerUserId: m.userId });
      await answer(s.id, await makeContact(acc), 3, recent);
    }
    const gone = await makeAccount({ name: tag("Risk gone"), startedOn: "2025-01-01", churnedOn: recent.slice(0, 10), managerUserId: m.userId });
    await answer(s.id, await makeContact(gone), 2, recent);
    const fine = await makeAccount({ name: tag("Risk fine"), startedOn: "2025-01-01", managerUserId: m.userId });
    await answer(s.id, await makeContact(fine), 10, recent);
    const theirs = await makeAccount({ name: tag("Risk theirs"), startedOn: "2025-01-01", managerUserId: other.userId });
    await answer(s.id, await makeContact(theirs), 1, recent);

    const res = await api("/api/v1/digest", { headers: m.headers });
    expect(res.status).toBe(200);
    expect(res.body.atRisk).toHaveLength(20);
    expect(res.body.atRiskTotal).toBe(23);
    expect(res.body.atRiskMore).toBe(false);
    expect(res.body.past).toBe(false);

    const past = await api("/api/v1/digest?month=2025-03", { headers: m.headers });
    expect(past.status).toBe(200);
    expect(past.body.past).toBe(true);
    expect(past.body.atRiskTotal).toBe(23);
    expect(past.body.listsAsOf).toBe(res.body.asOf);
  });

  it("counts up to 100 and then says 'more than'", async () => {
    const m = await makeUser("manager");
    const p = { kind: "session" as const, userId: m.userId, role: "manager" as const };
    const s = await createSurvey({ kind: "nps" });
    // 101 active accounts of this manager, given a detractor's standing in bulk (the standings
    // are what the count reads; the triggers made one row per account and NPS survey).
    await env.DB.prepare(
      `WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < 101)
       INSERT INTO accounts (id, name, started_on, manager_user_id) SELECT ?1 || n, ?1 || n, '2025-01-01', ?2 FROM i`,
    )
      .bind(tag("bulk-risk-"), m.userId)
      .run();
    await env.DB.prepare(
      "UPDATE account_standings SET last_score = 3 WHERE survey_id = ? AND account_id IN (SELECT id FROM accounts WHERE manager_user_id = ?)",
    )
      .bind(s.id, m.userId)
      .run();
    const now = Date.now();
    const d = await buildDigest(createDb(env.DB), p, { month: localDate(now, "UTC").slice(0, 7), timeZone: "UTC", now, record: false });
    expect(d.atRisk).toHaveLength(20);
    expect(d).toMatchObject({ atRiskTotal: 100, atRiskMore: true });
    expect(digestMessage(d, "en", { email: "m@example.test", name: "M" }, null).text).toMatch(/\(20 of more than 100\)$/m);
    // One fewer: exactly 100.
    await env.DB.prepare("UPDATE accounts SET churned_on = '2025-06-01' WHERE id = (SELECT id FROM accounts WHERE manager_user_id = ? LIMIT 1)")
      .bind(m.userId)
      .run();
    const e = await buildDigest(createDb(env.DB), p, { month: localDate(now, "UTC").slice(0, 7), timeZone: "UTC", now, record: false });
    expect(e).toMatchObject({ atRiskTotal: 100, atRiskMore: false });
  });

  it("the e-mail gives the total and, for a past month, says the lists are today's", async () => {
    const m = await makeUser("manager");
    const p = { kind: "session" as const, userId: m.userId, role: "manager" as const };
    const s = await createSurvey({ kind: "nps" });
    const recent = new Date(Date.now() - 86_400_000).toISOString();
    for (let i = 0; i < 21; i++) {
      const acc = await makeAccount({ name: tag(`Mail risk ${String(i).padStart(2, "0")}`), startedOn: "2025-01-01", managerUserId: m.userId });
      await answer(s.id, await makeContact(acc), 4, recent);
    }
    const now = Date.now();
    const today = localDate(now, "UTC");
    const to = { email: "m@example.test", name: "M" };
    const current = await buildDigest(createDb(env.DB), p, { month: today.slice(0, 7), timeZone: "UTC", now, record: false });
    const text = digestMessage(current, "en", to, null).text;
    expect(text).toMatch(/^Accounts at risk: Mail risk 00-.*\(20 of 21\)$/m);
    expect(text).not.toContain("as of");
    expect(text).toContain("new detractors last month");

    const past = await buildDigest(createDb(env.DB), p, { month: "2025-03", timeZone: "UTC", now, record: false });
    const en = digestMessage(past, "en", to, null).text;
    expect(en).toContain(`overdue. (as of ${today})`);
    expect(en).toMatch(new RegExp(`^Accounts at risk \\(as of ${today}\\): .*\\(20 of 21\\)$`, "m"));
    expect(en).toContain("new detractors in 2025-02 (0 without a comment)");
    const fr = digestMessage(past, "fr", to, null).text;
    expect(fr).toMatch(new RegExp(`^Comptes à risque \\(au ${today}\\): .*\\(20 sur 21\\)$`, "m"));
  });
});
