import { describe, expect, it } from "vitest";
import { ADMIN, api, createSurvey } from "../helpers";
import { answer, makeAccount, makeContact, makeUser, tag } from "./retention-fixtures";

/**
 * March 2024, NPS survey:
 *  E1 (segment ent, manager Manon): e1 10, e2 9, e3 3
 *  E2 (segment ent, manager Marc):  e4 8
 *  S1 (segment smb, manager Manon): s1 6, s2 10
 *  an anonymous 7 from the widget, in French (no account: no segment, manager or account)
 * and on 2024-04-15 e1 answers again: 0.
 */
async function book() {
  const survey = await createSurvey();
  const ent = tag("ent");
  const smb = tag("smb");
  const manon = await makeUser("manager", "Manon");
  const marc = await makeUser("manager", "Marc");
  const e1 = await makeAccount({ name: "Acme", segment: ent, managerUserId: manon.userId, startedOn: "2020-01-01" });
  const e2 = await makeAccount({ name: "Globex", segment: ent, managerUserId: marc.userId, startedOn: "2020-01-01" });
  const s1 = await makeAccount({ name: "Initech", segment: smb, managerUserId: manon.userId, startedOn: "2020-01-01" });
  const march = "2024-03-10T10:00:00Z";
  const c1 = await makeContact(e1);
  await answer(survey.id, c1, 10, march);
  await answer(survey.id, await makeContact(e1), 9, march);
  await answer(survey.id, await makeContact(e1), 3, march);
  await answer(survey.id, await makeContact(e2), 8, march);
  await answer(survey.id, await makeContact(s1), 6, march);
  await answer(survey.id, await makeContact(s1), 10, march);
  await answer(survey.id, null, 7, march, { channel: "widget", locale: "fr" });
  await answer(survey.id, c1, 0, "2024-04-15T10:00:00Z");
  return { survey, ent, smb, manon, marc, e1, e2, s1 };
}

const march = "from=2024-03-01&to=2024-04-01&interval=month";
const get = (surveyId: string, q: string, headers: Record<string, string> = ADMIN) =>
  api(`/api/v1/metrics/breakdown?surveyId=${surveyId}&${q}`, { headers });
const pick = (groups: any[]) => Object.fromEntries(groups.map((g) => [g.label, { n: g.summary.n, nps: g.summary.nps }]));

describe("GET /api/v1/metrics/breakdown", () => {
  it("breaks NPS down by segment, manager, account, channel and locale from the cube and the rollups", async () => {
    const b = await book();
    const seg = await get(b.survey.id, `by=segment&${march}`);
    expect(seg.status).toBe(200);
    expect(seg.body.source).toBe("cube");
    // ent: 10, 9, 3, 8 → P 2, D 1, n 4 → NPS 25. smb: 6, 10 → 0. The anonymous answer has no segment.
    expect(seg.body.groups.map((g: any) => g.value)).toEqual([b.ent, b.smb]); // largest n first
    expect(pick(seg.body.groups)).toEqual({ [b.ent]: { n: 4, nps: 25 }, [b.smb]: { n: 2, nps: 0 } });
    // Adjusted Wald for ent: n' = 7, p' = 2.75/7 = 0.392857, d' = 1.75/7 = 0.25,
    // v = (0.642857 − 0.142857²)/7 = 0.088921, margin = 196 · √v = 58.445 around 14.286
    // → [−44.16, 72.73] (the point estimate stays 25).
    expect(seg.body.groups[0].ci95.low).toBeCloseTo(-44.16, 1);
    expect(seg.body.groups[0].ci95.high).toBeCloseTo(72.73, 1);
    expect(seg.body.groups[0].summary.ci95).toEqual(seg.body.groups[0].ci95);

    // Managers, labelled by name: Manon 10, 9, 3, 6, 10 → P 3, D 2, n 5 → 20; Marc 8 → 0.
    const man = await get(b.survey.id, `by=manager&${march}`);
    expect(pick(man.body.groups)).toEqual({ Manon: { n: 5, nps: 20 }, Marc: { n: 1, nps: 0 } });
    expect(man.body.groups[0].value).toBe(b.manon.userId);

    // Accounts, labelled by name: Acme 10, 9, 3 → 100 · (2 − 1)/3; Globex 8 → 0; Initech 6, 10 → 0.
    const acc = await get(b.survey.id, `by=account&${march}`);
    expect(acc.body.source).toBe("rollups");
    expect(acc.body.groups.map((g: any) => g.label)).toEqual(["Acme", "Initech", "Globex"]);
    expect(acc.body.groups[0].summary.nps).toBeCloseTo(100 / 3, 10);

    // Channels: api 10, 9, 3, 8, 6, 10 → P 3, D 2, n 6 → 100/6; widget 7 → 0. Locales alike.
    const ch = await get(b.survey.id, `by=channel&${march}`);
    expect(ch.body.groups.map((g: any) => [g.value, g.summary.n])).toEqual([
      ["api", 6],
      ["widget", 1],
    ]);
    expect(ch.body.groups[0].summary.nps).toBeCloseTo(100 / 6, 10);
    const loc = await get(b.survey.id, `by=locale&${march}`);
    expect(loc.body.groups.map((g: any) => [g.value, g.summary.n])).toEqual([
      ["en", 6],
      ["fr", 1],
    ]);
  });

  it("sums buckets: a contact counts once per bucket", async () => {
    const b = await book();
    // March + April by month: ent = 10, 9, 3, 8 (March) + e1's 0 (April) → n 5, P 2, D 2 → 0.
    const months = await get(b.survey.id, "by=segment&from=2024-03-01&to=2024-05-01&interval=month");
    expect(pick(months.body.groups)[b.ent]).toEqual({ n: 5, nps: 0 });
    // One half-year bucket: e1's latest (0) replaces its 10 → 0, 9, 3, 8 → P 1, D 2, n 4 → −25.
    const half = await get(b.survey.id, "by=segment&from=2024-01-01&to=2024-07-01&interval=half");
    expect(pick(half.body.groups)[b.ent]).toEqual({ n: 4, nps: -25 });
  });

  it("shows a manager only their accounts' answers", async () => {
    const b = await book();
    const seg = await get(b.survey.id, `by=segment&${march}`, b.manon.headers);
    expect(seg.status).toBe(200);
    expect(seg.body.source).toBe("cube");
    // Manon: Acme 10, 9, 3 (ent → 33.3) and Initech 6, 10 (smb → 0); Globex (Marc's) left out.
    expect(seg.body.groups.map((g: any) => [g.value, g.summary.n])).toEqual([
      [b.ent, 3],
      [b.smb, 2],
    ]);
    expect(seg.body.groups[0].summary.nps).toBeCloseTo(100 / 3, 10);
    const man = await get(b.survey.id, `by=manager&${march}`, b.manon.headers);
    expect(pick(man.body.groups)).toEqual({ Manon: { n: 5, nps: 20 } });
    const acc = await get(b.survey.id, `by=account&${march}`, b.manon.headers);
    expect(acc.body.groups.map((g: any) => g.label)).toEqual(["Acme", "Initech"]);
    // The anonymous widget answer belongs to nobody's book.
    const ch = await get(b.survey.id, `by=channel&${march}`, b.manon.headers);
    expect(ch.body.groups.map((g: any) => [g.value, g.summary.n])).toEqual([["api", 5]]);
    // The same figures as the rollups give for Manon's own row.
    const adminMan = await get(b.survey.id, `by=manager&${march}`);
    expect(adminMan.body.groups[0].summary).toEqual(man.body.groups[0].summary);
  });

  it("gives CSAT and CES with n and an interval", async () => {
    const segment = tag("sat");
    const acc = await makeAccount({ name: "Sat", segment, startedOn: "2020-01-01" });
    const csat = await createSurvey({ kind: "csat" });
    for (const s of [5, 4, 4, 2]) await answer(csat.id, await makeContact(acc), s, "2024-03-10T10:00:00Z");
    // CSAT = 3/4 = 75 %. Wilson: z²/n = 0.960365, denominator 1.960365,
    // centre (0.75 + 0.480182)/1.960365 = 0.627527, half 0.999795 · √(0.046875 + 0.060023) = 0.326886
    // → [30.06 %, 95.44 %].
    const r = await get(csat.id, `by=segment&${march}`);
    expect(r.body.kind).toBe("csat");
    expect(r.body.groups[0]).toMatchObject({ value: segment, summary: { n: 4, csat: 75, mean: 3.75 } });
    expect(r.body.groups[0].ci95.low).toBeCloseTo(30.06, 1);
    expect(r.body.groups[0].ci95.high).toBeCloseTo(95.44, 1);

    const ces = await createSurvey({ kind: "ces" });
    for (const s of [3, 5, 7]) await answer(ces.id, await makeContact(acc), s, "2024-03-10T10:00:00Z");
    // Mean 5, s = 2, margin 1.959964 · 2/√3 = 2.2632 → [2.7368, 7.2632].
    const e = await get(ces.id, `by=segment&${march}`);
    expect(e.body.groups[0].summary).toMatchObject({ n: 3, mean: 5 });
    expect(e.body.groups[0].ci95.low).toBeCloseTo(2.7368, 3);
    expect(e.body.groups[0].ci95.high).toBeCloseTo(7.2632, 3);
  });

  it("is empty, not an error, without answers", async () => {
    const survey = await createSurvey();
    const r = await get(survey.id, `by=segment&${march}`);
    expect(r.status).toBe(200);
    expect(r.body.groups).toEqual([]);
  });
});

describe("breakdown validation", () => {
  const cases: [string, string][] = [
    ["by=segment", "surveyId"],
    ["surveyId=x", "by"],
    ["surveyId=x&by=country", "by"],
    ["surveyId=x&by=segment&interval=week", "interval"],
    ["surveyId=x&by=segment&from=2024-04-01&to=2024-03-01", "from"],
    ["surveyId=x&by=segment&from=2024-13-01", "from"],
    ["surveyId=x&by=segment&from=1900-01-01&to=2100-01-01", "from"],
    ["surveyId=x&by=segment&limit=0", "limit"],
    ["surveyId=x&by=segment&tz=Europe/Paris", "tz"],
  ];
  for (const [q, field] of cases) {
    it(`${q} → 400 ${field}`, async () => {
      const survey = await createSurvey();
      const r = await api(`/api/v1/metrics/breakdown?${q.replace("surveyId=x", `surveyId=${survey.id}`)}`, { headers: ADMIN });
      expect(r.status).toBe(400);
      expect(r.body.error.field).toBe(field);
    });
  }
  it("unknown survey → 404, no key → 401, junk → never 5xx", async () => {
    expect((await api("/api/v1/metrics/breakdown?surveyId=srv_nope&by=segment", { headers: ADMIN })).status).toBe(404);
    expect((await api("/api/v1/metrics/breakdown?surveyId=srv_nope&by=segment")).status).toBe(401);
    const survey = await createSurvey();
    for (const q of ["by=segment&from=%00", "by=%27%20OR%201%3D1", "by=segment&limit=1e99", "by=account&interval=", "by[]=segment"]) {
      const r = await api(`/api/v1/metrics/breakdown?surveyId=${survey.id}&${q}`, { headers: ADMIN });
      expect(r.status, q).toBeLessThan(500);
    }
  });
});
