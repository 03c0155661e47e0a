import { describe, expect, it } from "vitest";
import { ADMIN, api } from "../helpers";
import { makeAccount, makeUser, tag } from "./retention-fixtures";

describe("GET /api/v1/metrics/retention", () => {
  it("computes CRR, churn, NRR and GRR per quarter, by hand", async () => {
    const segment = tag("crr");
    // A 2023-01-10, never churns; MRR 1000 → 1500 on 2024-02-01 (expansion)
    // B 2023-06-01, churns 2024-02-15; MRR 2300
    // C 2023-03-01, churns 2024-04-02; MRR 500 → 400 on 2024-03-01 (contraction)
    // D 2024-02-01 (starts inside Q1), churns 2024-05-10 (inside Q2); MRR 800
    // E 2024-01-15, churns 2024-03-01: starts and churns inside Q1, counts nowhere; MRR 300
    // F 2024-01-01 (= the first period's start), never; no history, current MRR 200
    await makeAccount({
      name: "A",
      segment,
      startedOn: "2023-01-10",
      mrrCents: 1500,
      mrr: [
        ["2023-01-10", 1000],
        ["2024-02-01", 1500],
      ],
    });
    await makeAccount({ name: "B", segment, startedOn: "2023-06-01", churnedOn: "2024-02-15", mrr: [["2023-06-01", 2300]] });
    await makeAccount({
      name: "C",
      segment,
      startedOn: "2023-03-01",
      churnedOn: "2024-04-02",
      mrr: [
        ["2023-03-01", 500],
        ["2024-03-01", 400],
      ],
    });
    await makeAccount({ name: "D", segment, startedOn: "2024-02-01", churnedOn: "2024-05-10", mrr: [["2024-02-01", 800]] });
    await makeAccount({ name: "E", segment, startedOn: "2024-01-15", churnedOn: "2024-03-01", mrr: [["2024-01-15", 300]] });
    await makeAccount({ name: "F", segment, startedOn: "2024-01-01", mrrCents: 200 });

    const r = await api(`/api/v1/metrics/retention?from=2024-01-01&to=2024-07-01&interval=quarter&segment=${segment}`, { headers: ADMIN });
    expect(r.status).toBe(200);
    expect(r.body.points).toHaveLength(2);
    const [q1, q2] = r.body.points;
    // Q1 [2024-01-01, 2024-04-01): S = A, B, C, F = 4; retained A, C, F = 3 → CRR 75 %, churn 25 %.
    // MRR(s) = 1000 + 2300 + 500 + 200 = 4000; MRR(e) = 1500 + 0 + 400 + 200 = 2100 → NRR 52.5 %;
    // Σ min = 1000 + 0 + 400 + 200 = 1600 → GRR 40 %.
    expect(q1).toMatchObject({
      bucket: "2024-01-01",
      label: "2024-Q1",
      start: "2024-01-01",
      end: "2024-04-01",
      complete: true,
      startCount: 4,
      retained: 3,
      crr: 0.75,
      churnRate: 0.25,
      mrrStart: 4000,
      mrrEnd: 2100,
      nrr: 0.525,
      grr: 0.4,
    });
    // Q2 [2024-04-01, 2024-07-01): S = A, C, D, F = 4; retained A, F = 2 → 50 %.
    // MRR(s) = 1500 + 400 + 800 + 200 = 2900; MRR(e) = 1500 + 0 + 0 + 200 = 1700 = Σ min
    // → NRR = GRR = 1700 / 2900.
    expect(q2).toMatchObject({ label: "2024-Q2", startCount: 4, retained: 2, crr: 0.5, mrrStart: 2900, mrrEnd: 1700 });
    expect(q2.nrr).toBeCloseTo(1700 / 2900, 12);
    expect(q2.grr).toBeCloseTo(1700 / 2900, 12);

    // The same accounts by half-year: H1 [2024-01-01, 2024-07-01): S = A, B, C, F; retained A, F.
    const h = await api(`/api/v1/metrics/retention?from=2024-01-01&to=2024-07-01&interval=half&segment=${segment}`, { headers: ADMIN });
    expect(h.body.points).toEqual([expect.objectContaining({ label: "2024-H1", startCount: 4, retained: 2, crr: 0.5 })]);
  });

  it("gives null rates, not 0, when nobody was active at the start", async () => {
    const r = await api(`/api/v1/metrics/retention?from=2001-01-01&to=2001-04-01&interval=month&segment=${tag("none")}`, { headers: ADMIN });
    expect(r.status).toBe(200);
    expect(r.body.points).toHaveLength(3);
    for (const p of r.body.points) expect(p).toMatchObject({ startCount: 0, crr: null, churnRate: null, nrr: null, grr: null });
  });

  it("marks the running period as measured to date", async () => {
    const r = await api(`/api/v1/metrics/retention?interval=month&segment=${tag("now")}`, { headers: ADMIN });
    expect(r.status).toBe(200);
    const last = r.body.points.at(-1);
    expect(last.complete).toBe(false);
    expect(last.measuredAt).toBe(r.body.asOf);
    expect(r.body.points.slice(0, -1).every((p: any) => p.complete)).toBe(true);
  });

  it("shows a manager only their own accounts", async () => {
    const segment = tag("mgr");
    const m1 = await makeUser("manager", "Manon");
    const m2 = await makeUser("manager", "Marc");
    // M1: one kept, one churned in Q1 2024 → 1/2. M2: three kept → 3/3. Everyone: 4/5.
    await makeAccount({ name: "m1-kept", segment, startedOn: "2023-01-01", managerUserId: m1.userId });
    await makeAccount({ name: "m1-lost", segment, startedOn: "2023-01-01", churnedOn: "2024-02-01", managerUserId: m1.userId });
    for (const n of ["a", "b", "c"]) await makeAccount({ name: `m2-${n}`, segment, startedOn: "2023-01-01", managerUserId: m2.userId });
    const path = `/api/v1/metrics/retention?from=2024-01-01&to=2024-04-01&interval=quarter&segment=${segment}`;

    expect((await api(path, { headers: ADMIN })).body.points[0]).toMatchObject({ startCount: 5, retained: 4, crr: 0.8 });
    expect((await api(path, { headers: m1.headers })).body.points[0]).toMatchObject({ startCount: 2, retained: 1, crr: 0.5 });
    expect((await api(`${path}&manager=${m2.userId}`, { headers: ADMIN })).body.points[0]).toMatchObject({ startCount: 3, crr: 1 });
    // A manager may name themselves, never someone else.
    expect((await api(`${path}&manager=${m1.userId}`, { headers: m1.headers })).status).toBe(200);
    const other = await api(`${path}&manager=${m2.userId}`, { headers: m1.headers });
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe("forbidden");
    // Cohorts follow the same rule.
    const coh = await api(`/api/v1/metrics/cohorts?from=2023-01-01&to=2023-04-01&segment=${segment}`, { headers: m2.headers });
    expect(coh.body.cohorts).toHaveLength(1);
    expect(coh.body.cohorts[0].size).toBe(3);
  });

  it("needs a signed-in caller", async () => {
    const r = await api("/api/v1/metrics/retention");
    expect(r.status).toBe(401);
  });
});

describe("GET /api/v1/metrics/cohorts", () => {
  it("builds the cohort table by start quarter", async () => {
    const segment = tag("coh");
    // 2023-Q1: c1 01-01 never; c2 02-15 → 2023-06-01; c3 03-31 → 2024-01-15; c4 01-20 → 2023-04-20.
    //  k=0 (own start): 4/4. k=1: c1 04-01 ✓, c2 05-15 ✓, c3 06-30 ✓, c4 04-20 ✗ (churn day) → 3/4.
    //  k=2: c1 ✓, c2 08-15 ✗, c3 09-30 ✓ → 2/4. k=3: c1 ✓, c3 12-31 ✓ → 2/4.
    //  k=4: c3 2024-03-31 ✗ → 1/4, and 1/4 from then on (c1 never churns).
    // 2023-Q2: d1 04-01 → 05-01; d2 06-30 never. k=0: 2/2; k=1: d1 07-01 ✗, d2 09-30 ✓ → 1/2, then 1/2.
    // e1 starts 2023-07-05: outside [2023-01-01, 2023-07-01).
    await makeAccount({ name: "c1", segment, startedOn: "2023-01-01" });
    await makeAccount({ name: "c2", segment, startedOn: "2023-02-15", churnedOn: "2023-06-01" });
    await makeAccount({ name: "c3", segment, startedOn: "2023-03-31", churnedOn: "2024-01-15" });
    await makeAccount({ name: "c4", segment, startedOn: "2023-01-20", churnedOn: "2023-04-20" });
    await makeAccount({ name: "d1", segment, startedOn: "2023-04-01", churnedOn: "2023-05-01" });
    await makeAccount({ name: "d2", segment, startedOn: "2023-06-30" });
    await makeAccount({ name: "e1", segment, startedOn: "2023-07-05" });

    const r = await api(`/api/v1/metrics/cohorts?from=2023-01-01&to=2023-07-01&segment=${segment}`, { headers: ADMIN });
    expect(r.status).toBe(200);
    const [q1, q2] = r.body.cohorts;
    expect(r.body.cohorts).toHaveLength(2);
    expect(q1).toMatchObject({ cohort: "2023-01-01", label: "2023-Q1", size: 4 });
    expect(q1.retained.slice(0, 5)).toEqual([4, 3, 2, 2, 1]);
    expect(q1.retention.slice(0, 5)).toEqual([1, 0.75, 0.5, 0.5, 0.25]);
    // Columns exist only for quarters that have passed: from 2023-03-31 to today that is > 12.
    expect(q1.retention.length).toBeGreaterThan(12);
    expect(q1.retention.slice(4).every((v: number) => v === 0.25)).toBe(true);
    expect(q2).toMatchObject({ cohort: "2023-04-01", label: "2023-Q2", size: 2 });
    expect(q2.retention.slice(0, 3)).toEqual([1, 0.5, 0.5]);
    // A younger cohort never has more elapsed quarters than an older one.
    expect(q2.retention.length).toBeLessThanOrEqual(q1.retention.length);
  });

  it("is an empty table without accounts", async () => {
    const r = await api(`/api/v1/metrics/cohorts?from=2023-01-01&to=2023-07-01&segment=${tag("empty")}`, { headers: ADMIN });
    expect(r.body.cohorts).toEqual([]);
  });
});

describe("retention endpoints reject bad queries with the field named", () => {
  const cases: [string, string][] = [
    ["/api/v1/metrics/retention?interval=year", "interval"],
    ["/api/v1/metrics/retention?from=2024-02-30", "from"],
    ["/api/v1/metrics/retention?to=tomorrow", "to"],
    ["/api/v1/metrics/retention?from=2024-05-01&to=2024-01-01", "from"],
    ["/api/v1/metrics/retention?from=1900-01-01&to=2100-01-01&interval=month", "from"],
    ["/api/v1/metrics/retention?segment=", "segment"],
    ["/api/v1/metrics/retention?nope=1", "nope"],
    ["/api/v1/metrics/cohorts?from=1900-01-01&to=2100-01-01", "from"],
    ["/api/v1/metrics/cohorts?interval=month", "interval"],
    [`/api/v1/metrics/retention?manager=${"x".repeat(201)}`, "manager"],
  ];
  for (const [path, field] of cases) {
    it(`${path.slice(0, 80)} → 400 ${field}`, async () => {
      const r = await api(path, { headers: ADMIN });
      expect(r.status).toBe(400);
      expect(r.body.error.field).toBe(field);
    });
  }

  it("never answers a malformed query with a 5xx", async () => {
    const junk = [
      "from=%00&to=%FF",
      "from=2024-01-01T00:00:00Z",
      "interval[]=month",
      "from=0000-00-00",
      "from=9999-12-31",
      "to=0001-01-01",
      "segment=%27%3B%20DROP%20TABLE%20accounts%3B--",
      "manager=%E2%80%AE",
      "from=2024-01-01&from=2025-01-01",
    ];
    for (const q of junk) {
      for (const route of ["retention", "cohorts"]) {
        const r = await api(`/api/v1/metrics/${route}?${q}`, { headers: ADMIN });
        expect(r.status, `${route}?${q}`).toBeLessThan(500);
      }
    }
  });
});

describe("date ranges at the ends of the calendar", () => {
  // Found by the route fuzz: `to=9999-12-31` walked the buckets into year 10000 ("10000-01-01"
  // sorts before "9999-12-31" as text) and threw; `to=1970-01-01` alone had no default start.
  const ends = ["to=9999-12-31", "to=9999-12-31&interval=month", "to=1970-01-01", "to=1969-12-31", "from=9999-10-01&to=9999-12-31"];
  for (const q of ends) {
    it(`metrics/retention, metrics/cohorts and a survey's metrics answer ?${q} without a 5xx`, async () => {
      const s = await api("/api/v1/surveys", { headers: ADMIN, body: { name: "Calendar ends", kind: "nps" } });
      for (const path of [
        `/api/v1/metrics/retention?${q}`,
        `/api/v1/metrics/cohorts?${q.replace("&interval=month", "")}`,
        `/api/v1/surveys/${s.body.id}/metrics?${q}`,
      ]) {
        const r = await api(path, { headers: ADMIN });
        expect([200, 400], `${path} → ${r.status} ${JSON.stringify(r.body)}`).toContain(r.status);
      }
    });
  }
});

describe("OpenAPI", () => {
  it("documents the retention, breakdown and goal endpoints from their zod schemas", async () => {
    const r = await api("/api/v1/openapi.json");
    const params = (path: string) => r.body.paths[path].get.parameters.map((p: { name: string }) => p.name);
    expect(params("/api/v1/metrics/retention")).toEqual(expect.arrayContaining(["from", "to", "interval", "segment", "manager"]));
    expect(params("/api/v1/metrics/retention-by-category")).toEqual(expect.arrayContaining(["surveyId", "horizonMonths", "periods"]));
    expect(params("/api/v1/metrics/breakdown")).toEqual(expect.arrayContaining(["surveyId", "by", "interval"]));
    const goal = r.body.paths["/api/v1/goals"].post.requestBody.content["application/json"].schema;
    expect(goal.required).toEqual(expect.arrayContaining(["name", "metric", "target", "deadline"]));
    expect(r.body.paths["/api/v1/goals/{goalId}"].delete).toBeDefined();
  });
});
