import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { contacts } from "../../worker/db/schema";
import { ADMIN, api, createSurvey } from "../helpers";
import { answer, db, makeAccount, makeContact, makeUser, makeWave, tag } from "./retention-fixtures";

/**
 * A filter (segment=, manager=) or a manager's scope chooses which accounts are shown; it never
 * changes an account's score. A contact counts once in a period, with their latest answer, for the
 * account that answer was given for (docs/METRICS.md "Account-level NPS"): when the contact moved
 * to another account and answered again, the earlier answer no longer counts for the first one,
 * whichever accounts the reader may see. (The audit found the filtered views taking each contact's
 * latest answer among the accounts in the filter instead.)
 *
 * Accounts: A (segment SA, managed by M), B (segment SB). Contact c of A answers, then moves to B
 * and answers again in the same period; contact d of A answers once.
 */
async function movedContact(surveyId: string, first: { at: string; waveId?: string }, second: { at: string }, toNoAccount = false) {
  const sa = tag("sa");
  const sb = tag("sb");
  const m = await makeUser("manager");
  const a = await makeAccount({ name: "A", segment: sa, startedOn: "2023-01-01", managerUserId: m.userId });
  const b = await makeAccount({ name: "B", segment: sb, startedOn: "2023-01-01" });
  const c = await makeContact(a);
  await answer(surveyId, c, 10, first.at, first.waveId ? { waveId: first.waveId } : {});
  await db()
    .update(contacts)
    .set({ accountId: toNoAccount ? null : b })
    .where(eq(contacts.id, c))
    .run();
  await answer(surveyId, c, 4, second.at);
  return { sa, sb, m, a, b, c };
}

describe("account-level scores under a filter or a manager's scope", () => {
  it("GET /metrics/accounts: the same score for an account with or without segment=, manager= or a manager's scope", async () => {
    const survey = await createSurvey();
    // 2024-02-10: c answers 10 for A; 2024-04-10: c (now of B) answers 4; d answers 8 for A.
    // Period 2024-01-01 .. 2024-07-01: c's latest is the answer for B.
    //  A: d only → mean 8, n 1, passive.  B: c → mean 4, n 1, detractor.
    const { sa, sb, m, a, b } = await movedContact(survey.id, { at: "2024-02-10T10:00:00Z" }, { at: "2024-04-10T10:00:00Z" });
    const d = await makeContact(a);
    await answer(survey.id, d, 8, "2024-03-01T10:00:00Z");
    const range = `surveyId=${survey.id}&from=2024-01-01&to=2024-07-01`;
    const expectA = { accountId: a, mean: 8, n: 1, category: "passive" };

    const both = await api(`/api/v1/metrics/accounts?${range}&segment=${sa}`, { headers: ADMIN });
    expect(both.status).toBe(200);
    expect(both.body.accounts).toEqual([expect.objectContaining(expectA)]);
    expect(both.body.counts).toEqual({ promoter: 0, passive: 1, detractor: 0, no_answer: 0 });
    expect(both.body.nps).toBe(0);

    const byManager = await api(`/api/v1/metrics/accounts?${range}&manager=${m.userId}`, { headers: ADMIN });
    expect(byManager.body.accounts).toEqual([expect.objectContaining(expectA)]);

    const asManager = await api(`/api/v1/metrics/accounts?${range}`, { headers: m.headers });
    expect(asManager.status).toBe(200);
    expect(asManager.body.accounts).toEqual([expect.objectContaining(expectA)]);

    const other = await api(`/api/v1/metrics/accounts?${range}&segment=${sb}`, { headers: ADMIN });
    expect(other.body.accounts).toEqual([expect.objectContaining({ accountId: b, mean: 4, n: 1, category: "detractor" })]);
  });

  it("GET /metrics/retention-by-category by wave: the moved contact's later answer in the window counts for the new account only", async () => {
    const survey = await createSurvey();
    // Wave 2024-01: 2024-01-15 .. 2024-02-05 (end 2024-02-05, 6-month horizon 2024-08-05).
    // c answers 10 through the wave for A on 01-20, then 4 inside the window for B on 01-25.
    // c's latest in the wave is for B: A has no answer (no_answer), B is a detractor; neither
    // churns, so both are retained. The same with segment=SA, manager=M, or as M.
    const waveId = await makeWave(survey.id, "2024-01", "2024-01-15T00:00:00Z", "2024-02-05T00:00:00Z");
    const { sa, m } = await movedContact(survey.id, { at: "2024-01-20T10:00:00Z", waveId }, { at: "2024-01-25T10:00:00Z" });
    const groupsOfA = {
      promoter: { n: 0, retained: 0, rate: null },
      passive: { n: 0, retained: 0, rate: null },
      detractor: { n: 0, retained: 0, rate: null },
      no_answer: { n: 1, retained: 1, rate: 1 },
    };
    for (const [query, headers] of [
      [`&segment=${sa}`, ADMIN],
      [`&manager=${m.userId}`, ADMIN],
      ["", m.headers],
    ] as const) {
      const r = await api(`/api/v1/metrics/retention-by-category?surveyId=${survey.id}&periods=wave${query}`, { headers });
      expect(r.status).toBe(200);
      expect(r.body.periods).toHaveLength(1);
      expect(r.body.periods[0].groups).toEqual(groupsOfA);
    }
  });

  it("a contact taken off their account who answers again counts for no account, filtered or not", async () => {
    const survey = await createSurvey();
    // As above, but c's second answer (4, 2024-04-10) is given with no account: A keeps d only
    // (mean 8, n 1, passive), in the workspace's view as in the filtered ones.
    const { sa, m, a } = await movedContact(survey.id, { at: "2024-02-10T10:00:00Z" }, { at: "2024-04-10T10:00:00Z" }, true);
    await answer(survey.id, await makeContact(a), 8, "2024-03-01T10:00:00Z");
    const range = `surveyId=${survey.id}&from=2024-01-01&to=2024-07-01`;
    for (const [query, headers] of [
      ["", ADMIN],
      [`&segment=${sa}`, ADMIN],
      ["", m.headers],
    ] as const) {
      const r = await api(`/api/v1/metrics/accounts?${range}${query}`, { headers });
      expect(r.status).toBe(200);
      expect(r.body.accounts.find((x: { accountId: string }) => x.accountId === a)).toMatchObject({ mean: 8, n: 1, category: "passive" });
    }
  });

  it("by wave, a contact whose latest answer in the wave has no account leaves their former account without an answer", async () => {
    const survey = await createSurvey();
    // c answers 10 through the wave for A (01-20), is taken off A and answers 3 in the window (01-25).
    const waveId = await makeWave(survey.id, "2024-01", "2024-01-15T00:00:00Z", "2024-02-05T00:00:00Z");
    const { sa, m } = await movedContact(survey.id, { at: "2024-01-20T10:00:00Z", waveId }, { at: "2024-01-25T10:00:00Z" }, true);
    for (const [query, headers] of [
      [`&segment=${sa}`, ADMIN],
      ["", m.headers],
    ] as const) {
      const r = await api(`/api/v1/metrics/retention-by-category?surveyId=${survey.id}&periods=wave${query}`, { headers });
      expect(r.body.periods[0].groups.promoter.n).toBe(0);
      expect(r.body.periods[0].groups.no_answer).toEqual({ n: 1, retained: 1, rate: 1 });
    }
    // The workspace's view: A is in no group but no_answer; B (no answers) too.
    const all = await api(`/api/v1/metrics/retention-by-category?surveyId=${survey.id}&periods=wave`, { headers: ADMIN });
    expect(all.status).toBe(200);
    expect(all.body.periods[0].groups.promoter.n).toBe(0);
    expect(all.body.periods[0].groups.detractor.n).toBe(0);
  });
});
