import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { bucketOf, localDate, previousBucket } from "../../worker/metrics/buckets";
import { addMonths, dateOfDay, dayNumber } from "../../worker/metrics/calendar";
import { ADMIN, api, createSurvey } from "../helpers";
import { answer, invite, makeAccount, makeContact, makeUser, makeWave, tag } from "./retention-fixtures";

const today = localDate(Date.now(), "UTC");
const q0 = bucketOf(Date.now(), "quarter", "UTC");
const q1 = previousBucket(q0, "quarter");
const q2 = previousBucket(q1, "quarter");
const q3 = previousBucket(q2, "quarter");
/** The 15th of a quarter's second month, noon UTC. */
const midQuarter = (q: string) => `${addMonths(q, 1).slice(0, 8)}15T12:00:00Z`;

async function npsSeries(quarterScores: [string, number[]][]) {
  const survey = await createSurvey();
  for (const [q, scores] of quarterScores) for (const s of scores) await answer(survey.id, null, s, midQuarter(q));
  return survey;
}

const create = (body: Record<string, unknown>, headers = ADMIN) => api("/api/v1/goals", { headers, body });

describe("goals: status from the recent quarters", () => {
  // NPS by quarter: Q-3 10, 0 → 0; Q-2 10, 10, 8, 7, 0 → (2 − 1)/5 = 20; Q-1 10, 10, 10, 8, 0 → 40.
  // The current quarter has no answers and is left out. Quarters are 90–92 days long, so the
  // fitted slope is 20 points per 89.5–92 days.
  const rising: [string, number[]][] = [
    [q3, [10, 0]],
    [q2, [10, 10, 8, 7, 0]],
    [q1, [10, 10, 10, 8, 0]],
  ];

  it("on track when the latest value meets the target", async () => {
    const survey = await npsSeries(rising);
    const r = await create({ name: "NPS ≥ 30", metric: "nps", surveyId: survey.id, target: 30, deadline: "2040-01-01" });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      name: "NPS ≥ 30",
      metric: "nps",
      target: 30,
      deadline: "2040-01-01",
      unit: "points",
      current: 40,
      status: "on_track",
      reason: "target_met",
    });
    expect(r.body.points.map((p: any) => [p.period, p.value, p.n])).toEqual([
      [q3, 0, 2],
      [q2, 20, 5],
      [q1, 40, 5],
    ]);
    expect(r.body.fit.points).toBe(3);
    // "Now" is the Q-1 value from 5 answers: below SMALL_N = 20, flagged with its n.
    expect(r.body).toMatchObject({ currentN: 5, tooFew: true });
    expect(r.body.fit.slopePerDay).toBeGreaterThan(20 / 92);
    expect(r.body.fit.slopePerDay).toBeLessThan(20 / 89.5);
  });

  it("on track when the line gets there in time, could do better when it gets there late", async () => {
    const survey = await npsSeries(rising);
    // Target 100 by 2040: the line (≈ +80 points a year) gets there within a year → on track.
    const far = await create({ name: "far", metric: "nps", surveyId: survey.id, target: 100, deadline: "2040-01-01" });
    expect(far.body).toMatchObject({ status: "on_track", reason: "fit_reaches_target" });
    // It crosses 100 about 60/0.22 ≈ 270 days after Q-1's middle.
    const crossing = dayNumber(far.body.fit.reachesTargetOn) - dayNumber(addMonths(q1, 1).slice(0, 8) + "15");
    expect(crossing).toBeGreaterThan(260);
    expect(crossing).toBeLessThan(285);
    // Target 100 by tomorrow: tomorrow is at most ~140 days after Q-1's middle → at most ≈ 71.
    const soon = await create({ name: "soon", metric: "nps", surveyId: survey.id, target: 100, deadline: dateOfDay(dayNumber(today) + 1) });
    expect(soon.body).toMatchObject({ status: "could_do_better", reason: "fit_misses_deadline" });
    expect(soon.body.fit.atDeadline).toBeLessThan(75);
    expect(soon.body.fit.atDeadline).toBeGreaterThan(40);
  });

  it("off track when moving away, when the deadline has passed, or without data", async () => {
    const falling = await npsSeries([
      [q3, [10, 10, 10, 8, 0]],
      [q2, [10, 10, 8, 7, 0]],
      [q1, [10, 0]],
    ]);
    const away = await create({ name: "away", metric: "nps", surveyId: falling.id, target: 50, deadline: "2040-01-01" });
    expect(away.body).toMatchObject({ current: 0, status: "off_track", reason: "moving_away" });
    const rise = await npsSeries(rising);
    // A deadline cannot be set in the past; a goal whose deadline has since passed is off track.
    const past = await create({ name: "late", metric: "nps", surveyId: rise.id, target: 100, deadline: "2020-01-01" });
    expect(past.status).toBe(400);
    expect(past.body.error).toMatchObject({ code: "deadline_passed", field: "deadline" });
    const created = await create({ name: "late", metric: "nps", surveyId: rise.id, target: 100, deadline: "2040-01-01" });
    await env.DB.prepare("UPDATE goals SET deadline = '2020-01-01' WHERE id = ?").bind(created.body.id).run();
    const late = await api(`/api/v1/goals/${created.body.id}`, { headers: ADMIN });
    expect(late.body).toMatchObject({ status: "off_track", reason: "deadline_passed" });
    // Other fields of a goal whose deadline passed can still change; its deadline only forward.
    expect((await api(`/api/v1/goals/${created.body.id}`, { method: "PATCH", headers: ADMIN, body: { name: "late, renamed" } })).status).toBe(200);
    expect((await api(`/api/v1/goals/${created.body.id}`, { method: "PATCH", headers: ADMIN, body: { deadline: "2021-01-01" } })).status).toBe(400);
    const empty = await createSurvey();
    const none = await create({ name: "none", metric: "nps", surveyId: empty.id, target: 10, deadline: "2040-01-01" });
    expect(none.body).toMatchObject({ current: null, status: "off_track", reason: "no_data", fit: null, points: [] });
  });

  it("reads CSAT as a percentage and CES as a mean", async () => {
    const csat = await createSurvey({ kind: "csat" });
    for (const s of [5, 4, 4, 2]) await answer(csat.id, null, s, midQuarter(q1));
    const c = await create({ name: "CSAT", metric: "csat", surveyId: csat.id, target: 80, deadline: "2040-01-01" });
    // 3 of 4 gave 4–5 → 75 % < 80; a single quarter draws no line → off track.
    expect(c.body).toMatchObject({ unit: "percent", current: 75, status: "off_track", reason: "insufficient_data" });
    const ces = await createSurvey({ kind: "ces" });
    for (const s of [7, 6, 5]) await answer(ces.id, null, s, midQuarter(q1));
    const e = await create({ name: "CES", metric: "ces", surveyId: ces.id, target: 5.5, deadline: "2040-01-01" });
    expect(e.body).toMatchObject({ unit: "score", current: 6, status: "on_track", reason: "target_met" });
  });
});

describe("goals on retention and response rate", () => {
  it("CRR and NRR per complete quarter, within the caller's scope", async () => {
    const segment = tag("gcrr");
    const m1 = await makeUser("manager", "Manon");
    const m2 = await makeUser("manager", "Marc");
    // 4 accounts each (1000 a month, since 2020); one of Manon's churns a month into Q-2.
    // Everyone, Q-2: 7/8 = 87.5 %; other quarters 100 %. Manon alone, Q-2: 3/4 = 75 %.
    const churn = addMonths(q2, 1);
    for (let i = 0; i < 4; i++) {
      await makeAccount({
        name: `m1-${i}`,
        segment,
        managerUserId: m1.userId,
        startedOn: "2020-01-01",
        mrrCents: 1000,
        churnedOn: i === 0 ? churn : null,
      });
      await makeAccount({ name: `m2-${i}`, segment, managerUserId: m2.userId, startedOn: "2020-01-01", mrrCents: 1000 });
    }
    const crr = await create({ name: "CRR ≥ 95 %", metric: "crr", scope: { segment }, target: 95, deadline: "2040-01-01" });
    expect(crr.status).toBe(201);
    expect(crr.body).toMatchObject({ unit: "percent", current: 100, status: "on_track", reason: "target_met" });
    expect(crr.body.points).toHaveLength(6);
    expect(crr.body.points.map((p: any) => p.value)).toEqual([100, 100, 100, 100, 87.5, 100]);
    expect(crr.body.points.at(-1)).toMatchObject({ period: q1, n: 7 });
    // Retention is a share of accounts, not an answer count: the too-few-answers rule is for scores.
    expect(crr.body).toMatchObject({ currentN: 7, tooFew: false });

    const nrr = await create({ name: "NRR", metric: "nrr", scope: { segment }, target: 100, deadline: "2040-01-01" });
    expect(nrr.body.points.map((p: any) => p.value)).toEqual([100, 100, 100, 100, 87.5, 100]);

    const mine = await api(`/api/v1/goals/${crr.body.id}`, { headers: m1.headers });
    expect(mine.status).toBe(200);
    expect(mine.body.points.map((p: any) => p.value)).toEqual([100, 100, 100, 100, 75, 100]);
    expect(mine.body.points.at(-1).n).toBe(3);
  });

  it("response rate per closed wave: responders ÷ delivered, bounces excluded", async () => {
    const survey = await createSurvey();
    const acc = await makeAccount({ name: "RR", startedOn: "2020-01-01" });
    // Wave A (window 2024-01-10 → 2024-01-31):
    //  a1 sent, answers through the invitation          delivered, responded
    //  a2 sent, silent                                  delivered
    //  a3 bounced, answers anyway on the widget         in neither count
    //  a4 pending (link exported as CSV), answers       delivered (the answer proves it), responded
    //  a5 pending, silent                               not known to be delivered
    //  a6 failed, answers inside the window, no wave    delivered, responded
    // → 3 / 4 = 75 %.
    const wa = await makeWave(survey.id, "2024-01", "2024-01-10T00:00:00Z", "2024-01-31T00:00:00Z");
    const a = [];
    for (let i = 0; i < 6; i++) a.push(await makeContact(acc));
    const inv1 = await invite(wa, survey.id, a[0]!, "sent");
    await invite(wa, survey.id, a[1]!, "sent");
    await invite(wa, survey.id, a[2]!, "bounced");
    await invite(wa, survey.id, a[3]!, "pending");
    await invite(wa, survey.id, a[4]!, "pending");
    await invite(wa, survey.id, a[5]!, "failed");
    await answer(survey.id, a[0]!, 9, "2024-01-12T10:00:00Z", { waveId: wa, invitationId: inv1 });
    await answer(survey.id, a[2]!, 9, "2024-01-12T10:00:00Z", { waveId: wa });
    await answer(survey.id, a[3]!, 3, "2024-01-13T10:00:00Z", { waveId: wa });
    await answer(survey.id, a[5]!, 7, "2024-01-20T10:00:00Z", { channel: "widget" });
    // Wave B (closes 2024-07-31): 4 sent, 1 answers → 25 %.
    const wb = await makeWave(survey.id, "2024-07", "2024-07-10T00:00:00Z", "2024-07-31T00:00:00Z");
    const b = [await makeContact(acc), await makeContact(acc), await makeContact(acc), await makeContact(acc)];
    for (const c of b) await invite(wb, survey.id, c, "sent");
    await answer(survey.id, b[0]!, 10, "2024-07-11T10:00:00Z", { waveId: wb });

    const r = await create({ name: "Response rate", metric: "response_rate", surveyId: survey.id, target: 60, deadline: "2040-01-01" });
    expect(r.status).toBe(201);
    expect(r.body.points.map((p: any) => [p.period, p.n])).toEqual([
      ["2024-01", 4],
      ["2024-07", 4],
    ]);
    expect(r.body.points[0].value).toBe(75);
    expect(r.body.points[1].value).toBe(25);
    // 75 % then 25 %: below 60 % and falling.
    expect(r.body).toMatchObject({ current: 25, status: "off_track", reason: "moving_away" });
  });
});

describe("goals CRUD and permissions", () => {
  it("admins create, change and delete; managers and viewers read", async () => {
    const survey = await createSurvey();
    const viewer = await makeUser("viewer");
    const m1 = await makeUser("manager");
    const m2 = await makeUser("manager");
    const g = await create({ name: "NPS 40", metric: "nps", surveyId: survey.id, target: 40, deadline: "2040-06-30" });
    expect(g.status).toBe(201);
    expect(g.body.id).toMatch(/^gol_/);

    expect((await create({ name: "x", metric: "nps", surveyId: survey.id, target: 1, deadline: "2040-01-01" }, m1.headers)).status).toBe(403);
    expect((await api(`/api/v1/goals/${g.body.id}`, { method: "PATCH", headers: viewer.headers, body: { target: 10 } })).status).toBe(403);
    expect((await api(`/api/v1/goals/${g.body.id}`, { method: "DELETE", headers: viewer.headers })).status).toBe(403);
    const list = await api("/api/v1/goals", { headers: viewer.headers });
    expect(list.status).toBe(200);
    expect(list.body.data.map((x: any) => x.id)).toContain(g.body.id);

    // A goal about Marc's book is Marc's (and the admins') to see.
    const marcs = await create({
      name: "Marc's NPS",
      metric: "nps",
      surveyId: survey.id,
      scope: { manager: m2.userId },
      target: 40,
      deadline: "2040-06-30",
    });
    expect(marcs.status).toBe(201);
    expect((await api("/api/v1/goals", { headers: m1.headers })).body.data.map((x: any) => x.id)).not.toContain(marcs.body.id);
    expect((await api(`/api/v1/goals/${marcs.body.id}`, { headers: m1.headers })).status).toBe(404);
    expect((await api(`/api/v1/goals/${marcs.body.id}`, { headers: m2.headers })).status).toBe(200);

    const p = await api(`/api/v1/goals/${g.body.id}`, { method: "PATCH", headers: ADMIN, body: { target: 50, name: "NPS 50" } });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ name: "NPS 50", target: 50, deadline: "2040-06-30" });
    // Switching to CRR drops the survey; the target is re-checked against the new metric.
    const sw = await api(`/api/v1/goals/${g.body.id}`, { method: "PATCH", headers: ADMIN, body: { metric: "crr", surveyId: null, target: 90 } });
    expect(sw.status).toBe(200);
    expect(sw.body).toMatchObject({ metric: "crr", surveyId: null, unit: "percent" });

    expect((await api(`/api/v1/goals/${g.body.id}`, { method: "DELETE", headers: ADMIN })).status).toBe(204);
    expect((await api(`/api/v1/goals/${g.body.id}`, { headers: ADMIN })).status).toBe(404);
    expect((await api(`/api/v1/goals/${g.body.id}`, { method: "PATCH", headers: ADMIN, body: { target: 1 } })).status).toBe(404);
    expect((await api("/api/v1/goals/not%20an%20id", { headers: ADMIN })).status).toBe(404);
    expect((await api("/api/v1/goals")).status).toBe(401);
  });
});

describe("goal validation names the field", () => {
  it("rejects every bad body with 400 and the field", async () => {
    const nps = await createSurvey();
    const csat = await createSurvey({ kind: "csat" });
    const ok = { name: "G", metric: "nps", surveyId: nps.id, target: 40, deadline: "2040-01-01" };
    const cases: [Record<string, unknown>, string][] = [
      [{}, "name"],
      [{ ...ok, name: "" }, "name"],
      [{ ...ok, name: "n".repeat(201) }, "name"],
      [{ ...ok, metric: "mrr" }, "metric"],
      [{ ...ok, target: "40" }, "target"],
      [{ ...ok, target: 150 }, "target"],
      [{ ...ok, target: -101 }, "target"],
      [{ ...ok, deadline: "2040-02-30" }, "deadline"],
      [{ ...ok, deadline: "next June" }, "deadline"],
      [{ ...ok, surveyId: undefined }, "surveyId"],
      [{ ...ok, surveyId: "srv_nope" }, "surveyId"],
      [{ ...ok, surveyId: csat.id }, "surveyId"],
      [{ ...ok, metric: "crr", target: 90 }, "surveyId"],
      [{ ...ok, metric: "crr", surveyId: undefined, target: 101 }, "target"],
      [{ ...ok, metric: "ces", surveyId: undefined, target: 5 }, "surveyId"],
      [{ ...ok, scope: { manager: "usr_nope" } }, "scope.manager"],
      [{ ...ok, scope: { team: "x" } }, "scope.team"],
      [{ ...ok, scope: "enterprise" }, "scope"],
      [{ ...ok, owner: "me" }, "owner"],
    ];
    for (const [body, field] of cases) {
      const r = await create(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.field, JSON.stringify(body)).toBe(field);
    }
    const g = await create(ok);
    const patch = (body: unknown) => api(`/api/v1/goals/${g.body.id}`, { method: "PATCH", headers: ADMIN, body });
    expect((await patch({ metric: "crr" })).body.error.field).toBe("surveyId");
    expect((await patch({ target: 1000 })).body.error.field).toBe("target");
    expect((await patch({ deadline: null })).body.error.field).toBe("deadline");
    const junk = await api("/api/v1/goals", { headers: { ...ADMIN, "content-type": "application/json" }, raw: "{not json" });
    expect(junk.status).toBe(400);
    expect(junk.body.error.code).toBe("invalid_json");
  });

  it("never answers malformed input with a 5xx", async () => {
    const survey = await createSurvey();
    const ok = { name: "G", metric: "nps", surveyId: survey.id, target: 40, deadline: "2040-01-01" };
    const g = await create(ok);
    const bodies = [
      "null",
      "[]",
      "1e999",
      '"goal"',
      JSON.stringify({ ...ok, target: "NaN" }),
      JSON.stringify({ ...ok, scope: [] }),
      JSON.stringify({ ...ok, deadline: "2040-01-01T00:00:00Z" }),
      "\u0000",
    ];
    for (const raw of bodies) {
      for (const [method, path] of [
        ["POST", "/api/v1/goals"],
        ["PATCH", `/api/v1/goals/${g.body.id}`],
      ] as const) {
        const r = await api(path, { method, headers: { ...ADMIN, "content-type": "application/json" }, raw });
        expect(r.status, `${method} ${raw}`).toBe(400);
      }
    }
    for (const id of ["%00", "x".repeat(300), "gol_%27%20OR%201%3D1", ".."]) {
      expect((await api(`/api/v1/goals/${id}`, { headers: ADMIN })).status, id).toBeLessThan(500);
      expect((await api(`/api/v1/goals/${id}`, { method: "DELETE", headers: ADMIN })).status, id).toBeLessThan(500);
    }
  });
});
