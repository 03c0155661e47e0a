import { describe, expect, it } from "vitest";
import { bucketOf, previousBucket } from "../../worker/metrics/buckets";
import { ADMIN, api, createSurvey, sign, submit } from "../helpers";
import { accountAnswering, answer, makeAccount, makeContact, makeUser, makeWave, tag } from "./retention-fixtures";

/**
 * Segment S, NPS survey, answers in 2024-H1 (period end 2024-07-01, 6-month horizon 2025-01-01):
 *  P1 contacts 10, 9                  → mean 9.5 promoter;  never churns         retained
 *  P2 contact 9                       → promoter;           churns 2024-10-01     lost
 *  D1 contact 3 then 5 (latest), 8    → (5 + 8)/2 = 6.5 detractor; churns 09-01  lost
 *  D2 contact 6                       → detractor;          churns 2024-11-15     lost
 *  S1 contacts 7, 8                   → 7.5 passive;        never                 retained
 *  N1 no answer                       →                     never                 retained
 *  N2 no answer                       →                     churns 2024-12-31     lost
 *  X  contact 10 but churned 2024-06-15 (before the period's end): in no group
 *  Y  starts 2024-08-01: not active at the period's end: in no group
 * 2024-H1: promoter 1/2, passive 1/1, detractor 0/2, no answer 1/2; promoter − detractor = 0.5.
 * 2024-H2 (end 2025-01-01, horizon 2025-07-01): P1 answers 4 → detractor. Active on 2025-01-01:
 *  P1, S1, N1, Y (never churn) → detractor 1/1, no answer 3/3 (S1 did not answer in H2).
 * Pooled (both complete): promoter 1/2, passive 1/1, detractor 1/3, no answer 4/5;
 *  promoter − detractor = 1/2 − 1/3 = 1/6.
 */
async function book(surveyId: string, segment: string) {
  const at = "2024-03-10T12:00:00Z";
  const p1 = await accountAnswering(surveyId, { name: "P1", segment, startedOn: "2023-01-01" }, [10, 9], at);
  await accountAnswering(surveyId, { name: "P2", segment, startedOn: "2023-01-01", churnedOn: "2024-10-01" }, [9], at);
  const d1 = await makeAccount({ name: "D1", segment, startedOn: "2023-01-01", churnedOn: "2024-09-01" });
  const d1a = await makeContact(d1);
  await answer(surveyId, d1a, 3, "2024-02-01T09:00:00Z");
  await answer(surveyId, d1a, 5, "2024-05-01T09:00:00Z");
  await answer(surveyId, await makeContact(d1), 8, at);
  await accountAnswering(surveyId, { name: "D2", segment, startedOn: "2023-01-01", churnedOn: "2024-11-15" }, [6], at);
  await accountAnswering(surveyId, { name: "S1", segment, startedOn: "2023-01-01" }, [7, 8], at);
  await makeAccount({ name: "N1", segment, startedOn: "2023-01-01" });
  await makeAccount({ name: "N2", segment, startedOn: "2023-01-01", churnedOn: "2024-12-31" });
  await accountAnswering(surveyId, { name: "X", segment, startedOn: "2023-01-01", churnedOn: "2024-06-15" }, [10], at);
  await makeAccount({ name: "Y", segment, startedOn: "2024-08-01" });
  return { p1 };
}

describe("GET /api/v1/metrics/retention-by-category", () => {
  it("groups accounts by their half-year category, no answer included, n per group", async () => {
    const survey = await createSurvey();
    const segment = tag("cat");
    const { p1 } = await book(survey.id, segment);
    await answer(survey.id, await makeContact(p1), 4, "2024-09-01T10:00:00Z");

    const r = await api(`/api/v1/metrics/retention-by-category?surveyId=${survey.id}&segment=${segment}`, { headers: ADMIN });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ mode: "half", horizonMonths: 6 });
    const [h1, h2] = r.body.periods;
    expect(r.body.periods).toHaveLength(2);
    expect(h1).toMatchObject({ period: "2024-01-01", label: "2024-H1", end: "2024-07-01", horizonEnd: "2025-01-01", complete: true });
    expect(h1.groups).toEqual({
      promoter: { n: 2, retained: 1, rate: 0.5 },
      passive: { n: 1, retained: 1, rate: 1 },
      detractor: { n: 2, retained: 0, rate: 0 },
      no_answer: { n: 2, retained: 1, rate: 0.5 },
    });
    expect(h1.promoterMinusDetractor).toBe(0.5);
    // 1/2 − 0/2 with n = 2 each: Newcombe's interval is wide and includes 0.
    expect(h1.ci95.promoterMinusDetractor.low).toBeLessThan(0);
    expect(h1.ci95.promoterMinusDetractor.high).toBeGreaterThan(0.5);
    expect(h1.ci95.detractor.low).toBe(0);
    expect(h2).toMatchObject({ label: "2024-H2", end: "2025-01-01", horizonEnd: "2025-07-01", complete: true, promoterMinusDetractor: null });
    expect(h2.groups.detractor).toEqual({ n: 1, retained: 1, rate: 1 });
    expect(h2.groups.no_answer).toEqual({ n: 3, retained: 3, rate: 1 });
    expect(h2.groups.promoter).toEqual({ n: 0, retained: 0, rate: null });

    expect(r.body.pooled.periods).toBe(2);
    expect(r.body.pooled.groups.promoter).toEqual({ n: 2, retained: 1, rate: 0.5 });
    expect(r.body.pooled.groups.detractor.n).toBe(3);
    expect(r.body.pooled.groups.detractor.rate).toBeCloseTo(1 / 3, 12);
    expect(r.body.pooled.groups.no_answer).toEqual({ n: 5, retained: 4, rate: 0.8 });
    expect(r.body.pooled.promoterMinusDetractor).toBeCloseTo(1 / 6, 12);

    // A 3-month horizon (2024-10-01): P2 churns that day → lost; D2 (11-15) and N2 (12-31) kept.
    // 2024-H1: promoter 1/2, detractor 1/2, no answer 2/2 → difference 0.
    const short = await api(`/api/v1/metrics/retention-by-category?surveyId=${survey.id}&segment=${segment}&horizonMonths=3`, { headers: ADMIN });
    expect(short.body.periods[0].groups.detractor).toEqual({ n: 2, retained: 1, rate: 0.5 });
    expect(short.body.periods[0].groups.no_answer).toEqual({ n: 2, retained: 2, rate: 1 });
    expect(short.body.periods[0].promoterMinusDetractor).toBe(0);
  });

  it("flags a period whose horizon has not ended: n known, rates null, not pooled", async () => {
    const survey = await createSurvey();
    const segment = tag("open");
    // The half-year before the current one has ended; its 6-month horizon is the end of the
    // current half-year, still to come whatever today is.
    const lastHalf = previousBucket(bucketOf(Date.now(), "half", "UTC"), "half");
    await accountAnswering(survey.id, { name: "Z", segment, startedOn: "2020-01-01" }, [10], `${lastHalf.slice(0, 8)}15T12:00:00Z`);
    await makeAccount({ name: "Q", segment, startedOn: "2020-01-01" });
    const r = await api(`/api/v1/metrics/retention-by-category?surveyId=${survey.id}&segment=${segment}`, { headers: ADMIN });
    expect(r.body.periods).toHaveLength(1);
    expect(r.body.periods[0]).toMatchObject({ period: lastHalf, complete: false, promoterMinusDetractor: null });
    expect(r.body.periods[0].groups.promoter).toEqual({ n: 1, retained: null, rate: null });
    expect(r.body.periods[0].groups.no_answer).toEqual({ n: 1, retained: null, rate: null });
    expect(r.body.pooled.periods).toBe(0);
    expect(r.body.pooled.groups.promoter).toEqual({ n: 0, retained: 0, rate: null });
  });

  it("uses the survey's closed waves when it has any", async () => {
    const survey = await createSurvey();
    const segment = tag("wave");
    // Wave 2024-01 open 2024-01-15 → closes 2024-02-05; end 2024-02-05, horizon 2024-08-05.
    //  W1 answers 10 inside the window (no invitation)      promoter, never churns   retained
    //  W2 answers 2 after the close, through its invitation  detractor, churns 05-01  lost
    //  W3 silent, churns 2024-12-01 (after the horizon)      no answer                retained
    //  W4 answers 9 on 2024-03-01, outside the wave          no answer, never         retained
    // promoter 1/1, detractor 0/1, no answer 2/2 → promoter − detractor = 1.
    const waveId = await makeWave(survey.id, "2024-01", "2024-01-15T00:00:00Z", "2024-02-05T00:00:00Z");
    await accountAnswering(survey.id, { name: "W1", segment, startedOn: "2023-01-01" }, [10], "2024-01-20T10:00:00Z");
    const w2 = await makeAccount({ name: "W2", segment, startedOn: "2023-01-01", churnedOn: "2024-05-01" });
    await answer(survey.id, await makeContact(w2), 2, "2024-02-07T10:00:00Z", { waveId });
    await makeAccount({ name: "W3", segment, startedOn: "2023-01-01", churnedOn: "2024-12-01" });
    await accountAnswering(survey.id, { name: "W4", segment, startedOn: "2023-01-01" }, [9], "2024-03-01T10:00:00Z");

    const r = await api(`/api/v1/metrics/retention-by-category?surveyId=${survey.id}&segment=${segment}`, { headers: ADMIN });
    expect(r.status).toBe(200);
    expect(r.body.mode).toBe("wave");
    expect(r.body.periods).toHaveLength(1);
    expect(r.body.periods[0]).toMatchObject({ period: "2024-01", end: "2024-02-05", horizonEnd: "2024-08-05", complete: true });
    expect(r.body.periods[0].groups).toEqual({
      promoter: { n: 1, retained: 1, rate: 1 },
      passive: { n: 0, retained: 0, rate: null },
      detractor: { n: 1, retained: 0, rate: 0 },
      no_answer: { n: 2, retained: 2, rate: 1 },
    });
    expect(r.body.periods[0].promoterMinusDetractor).toBe(1);
    // Asked for half-years instead: W1 10 and W4 9 → promoters, W2 2 → detractor; all in 2024-H1.
    const half = await api(`/api/v1/metrics/retention-by-category?surveyId=${survey.id}&segment=${segment}&periods=half`, { headers: ADMIN });
    expect(half.body.mode).toBe("half");
    expect(half.body.periods[0].groups.promoter.n).toBe(2);
    expect(half.body.periods[0].groups.no_answer.n).toBe(1);
  });

  it("shows a manager only their accounts", async () => {
    const survey = await createSurvey();
    const segment = tag("catm");
    const m1 = await makeUser("manager");
    const m2 = await makeUser("manager");
    const at = "2024-03-10T12:00:00Z";
    await accountAnswering(survey.id, { name: "mine", segment, startedOn: "2023-01-01", managerUserId: m1.userId }, [10], at);
    await makeAccount({ name: "mine-silent", segment, startedOn: "2023-01-01", managerUserId: m1.userId });
    await accountAnswering(survey.id, { name: "theirs", segment, startedOn: "2023-01-01", managerUserId: m2.userId }, [0], at);
    const path = `/api/v1/metrics/retention-by-category?surveyId=${survey.id}&segment=${segment}`;
    const mine = await api(path, { headers: m1.headers });
    expect(mine.body.periods[0].groups.promoter.n).toBe(1);
    expect(mine.body.periods[0].groups.no_answer.n).toBe(1);
    expect(mine.body.periods[0].groups.detractor.n).toBe(0);
    const all = await api(path, { headers: ADMIN });
    expect(all.body.periods[0].groups.detractor.n).toBe(1);
  });
});

describe("GET /api/v1/metrics/accounts", () => {
  it("gives each account its mean, category and n, no answer counted", async () => {
    const survey = await createSurvey();
    const segment = tag("acc");
    await book(survey.id, segment);
    // Range [2024-01-01, 2024-07-01): accounts active in it: all but Y (starts 2024-08-01).
    // P1 9.5 promoter (n 2), P2 9 promoter, D1 6.5 detractor (n 2: contact a's latest is 5),
    // D2 6 detractor, S1 7.5 passive, X 10 promoter (active until 06-15), N1 and N2 no answer.
    // counts: promoter 3, passive 1, detractor 2, no answer 2; account NPS = 100 · (3 − 2)/6.
    const r = await api(`/api/v1/metrics/accounts?surveyId=${survey.id}&from=2024-01-01&to=2024-07-01&segment=${segment}`, { headers: ADMIN });
    expect(r.status).toBe(200);
    expect(r.body.counts).toEqual({ promoter: 3, passive: 1, detractor: 2, no_answer: 2 });
    expect(r.body.nps).toBeCloseTo(100 / 6, 10);
    const byName = Object.fromEntries(r.body.accounts.map((a: any) => [a.name, a]));
    expect(Object.keys(byName).sort()).toEqual(["D1", "D2", "N1", "N2", "P1", "P2", "S1", "X"]);
    expect(byName.P1).toMatchObject({ mean: 9.5, category: "promoter", n: 2 });
    expect(byName.D1).toMatchObject({ mean: 6.5, category: "detractor", n: 2 });
    expect(byName.S1).toMatchObject({ mean: 7.5, category: "passive", n: 2 });
    expect(byName.N1).toMatchObject({ mean: null, category: "no_answer", n: 0 });
    expect(byName.X).toMatchObject({ mean: 10, category: "promoter" });

    const silent = await api(`/api/v1/metrics/accounts?surveyId=${survey.id}&from=2024-01-01&to=2024-07-01&segment=${segment}&category=no_answer`, {
      headers: ADMIN,
    });
    expect(silent.body.accounts.map((a: any) => a.name)).toEqual(["N1", "N2"]);
    expect(silent.body.counts.no_answer).toBe(2);
  });

  it("counts an answer that came through the public endpoint, linked to its account", async () => {
    const survey = await createSurvey();
    const segment = tag("pub");
    const ext = tag("ext");
    await makeAccount({ name: "Public Co", segment, startedOn: "2020-01-01", externalId: ext });
    // Signed as the client's server would: an unsigned claim never picks an account.
    const person = tag("person");
    const signature = await sign(survey.signingSecret, `${person}\n\n${ext}`);
    const sent = await submit(survey.id, { score: 3, contact: { id: person, account: ext }, signature });
    expect(sent.status).toBe(201);
    expect(sent.body.accountId).toBeTruthy();
    const r = await api(`/api/v1/metrics/accounts?surveyId=${survey.id}&segment=${segment}`, { headers: ADMIN });
    expect(r.body.accounts).toEqual([{ accountId: sent.body.accountId, name: "Public Co", mean: 3, category: "detractor", n: 1 }]);
  });

  it("lists a manager's accounts only, and refuses another manager's book", async () => {
    const survey = await createSurvey();
    const segment = tag("accm");
    const m1 = await makeUser("manager");
    const m2 = await makeUser("manager");
    const at = "2024-03-10T12:00:00Z";
    // Manon: one promoter (10), one silent. Marc: one detractor (2).
    await accountAnswering(survey.id, { name: "Mine", segment, startedOn: "2023-01-01", managerUserId: m1.userId }, [10], at);
    await makeAccount({ name: "Mine silent", segment, startedOn: "2023-01-01", managerUserId: m1.userId });
    await accountAnswering(survey.id, { name: "Theirs", segment, startedOn: "2023-01-01", managerUserId: m2.userId }, [2], at);
    const path = `/api/v1/metrics/accounts?surveyId=${survey.id}&from=2024-01-01&to=2024-07-01&segment=${segment}`;
    const mine = await api(path, { headers: m1.headers });
    expect(mine.body.accounts.map((a: any) => [a.name, a.category])).toEqual([
      ["Mine", "promoter"],
      ["Mine silent", "no_answer"],
    ]);
    expect(mine.body.counts).toEqual({ promoter: 1, passive: 0, detractor: 0, no_answer: 1 });
    expect(mine.body.nps).toBe(100);
    expect((await api(path, { headers: ADMIN })).body.counts).toEqual({ promoter: 1, passive: 0, detractor: 1, no_answer: 1 });
    expect((await api(`${path}&manager=${m2.userId}`, { headers: m1.headers })).status).toBe(403);
  });

  it("refuses a survey that is not NPS, and unknown surveys", async () => {
    const csat = await createSurvey({ kind: "csat" });
    const r = await api(`/api/v1/metrics/accounts?surveyId=${csat.id}`, { headers: ADMIN });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: "not_nps", field: "surveyId" });
    expect((await api(`/api/v1/metrics/retention-by-category?surveyId=${csat.id}`, { headers: ADMIN })).body.error.field).toBe("surveyId");
    expect((await api("/api/v1/metrics/accounts?surveyId=srv_nope", { headers: ADMIN })).status).toBe(404);
  });
});

describe("retention-by-category and accounts validation", () => {
  const cases: [string, string][] = [
    ["/api/v1/metrics/retention-by-category", "surveyId"],
    ["/api/v1/metrics/retention-by-category?surveyId=x&horizonMonths=0", "horizonMonths"],
    ["/api/v1/metrics/retention-by-category?surveyId=x&horizonMonths=37", "horizonMonths"],
    ["/api/v1/metrics/retention-by-category?surveyId=x&horizonMonths=1.5", "horizonMonths"],
    ["/api/v1/metrics/retention-by-category?surveyId=x&horizonMonths=six", "horizonMonths"],
    ["/api/v1/metrics/retention-by-category?surveyId=x&periods=month", "periods"],
    ["/api/v1/metrics/accounts", "surveyId"],
    ["/api/v1/metrics/accounts?surveyId=x&category=fan", "category"],
    ["/api/v1/metrics/accounts?surveyId=x&limit=0", "limit"],
    ["/api/v1/metrics/accounts?surveyId=x&limit=100000", "limit"],
    ["/api/v1/metrics/accounts?surveyId=x&from=2024-01-01&to=2023-01-01", "from"],
    [`/api/v1/metrics/accounts?surveyId=${"s".repeat(201)}`, "surveyId"],
  ];
  for (const [path, field] of cases) {
    it(`${path.slice(0, 90)} → 400 ${field}`, async () => {
      const r = await api(path, { headers: ADMIN });
      expect(r.status).toBe(400);
      expect(r.body.error.field).toBe(field);
    });
  }
  it("no 5xx for junk", async () => {
    const survey = await createSurvey();
    for (const q of ["horizonMonths=1e3", "horizonMonths=-0", "from=2024-1-1", "to=%00", "segment=%F0%9F%92%A5", "limit=NaN", "surveyId=%27"]) {
      for (const route of ["retention-by-category", "accounts"]) {
        const r = await api(`/api/v1/metrics/${route}?surveyId=${survey.id}&${q}`, { headers: ADMIN });
        expect(r.status, `${route}?${q}`).toBeLessThan(500);
      }
    }
  });
});
